"""Entry point of the training image (Dockerfile.train).

Runs ``python -m training --config $TRAIN_CONFIG --out $TRAIN_OUT [arguments...]``; arguments
given to ``docker run IMAGE ...`` are appended (``--people 20000 --seed 7``; a later ``--config``
or ``--out`` wins). Size, seed and every other setting also come from TRAIN__SECTION__KEY.

When the output directory already holds a complete artifact trained from exactly this
configuration (same ``training_config_sha256`` in its feature spec, and ``model.onnx`` matching
its recorded sha256), the run is skipped: training is reproducible from the config and seed, so it
would only make the same model again. That keeps ``docker compose up`` on an existing stack from
retraining, and podman (which restarts a finished dependency when it starts the service that
requires it) from training twice. ``TRAIN_FORCE=1`` retrains anyway.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from shared_features.spec import file_sha256
from training import config as config_mod
from training.__main__ import main as train_main

TRUE = {"1", "true", "yes", "on"}


def existing_artifact_matches(args: argparse.Namespace) -> bool:
    """True when ``args.out`` holds a complete artifact of this exact training configuration."""
    out = Path(args.out)
    try:
        people = None if args.people is None else int(args.people)
        seed = None if args.seed is None else int(args.seed)
        config = config_mod.load(args.config, people=people, seed=seed)
        provenance = json.loads((out / "feature_spec.json").read_text())["provenance"]
        return (
            provenance["training_config_sha256"] == config_mod.sha256_of(config)
            and provenance["model_sha256"] == file_sha256(out / "model.onnx")
            and (out / "metrics.json").is_file()
        )
    except (OSError, ValueError, KeyError, TypeError):
        # No (complete) artifact, or a config error that training itself will report.
        return False


def main(argv: list[str]) -> int:
    args = ["--config", os.environ.get("TRAIN_CONFIG", "/app/config/training.toml"),
            "--out", os.environ.get("TRAIN_OUT", "/artifacts"), *argv]
    if "-h" not in argv and "--help" not in argv:
        parser = argparse.ArgumentParser(add_help=False)
        for flag in ("--config", "--out", "--people", "--seed"):
            parser.add_argument(flag)
        known, _ = parser.parse_known_args(args)
        force = os.environ.get("TRAIN_FORCE", "").strip().lower() in TRUE
        if not force and existing_artifact_matches(known):
            print(f"{known.out} already holds the artifact of this exact configuration "
                  "(training_config_sha256 and model sha256 match): nothing to do. "
                  "Set TRAIN_FORCE=1 to retrain.", file=sys.stderr, flush=True)
            return 0
    return train_main(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
