"""The real-data direction check over several training seeds, not one.

    python -m training.realdata_check --seeds 20250601 7 8        # train each seed, then check
    python -m training.realdata_check --artifacts artifacts /tmp/other   # check these only
    TRAIN__SIMULATOR__LAPSE_ROLL=0.2 python -m training.realdata_check --seeds 20250601 7 8

Scores the development half of a real data set (``../shared/realdata-dev``: its own
``evaluate.py`` maps it onto the monthly upload and ranks by AUC) with each artifact, in process
through ``stress-scorer score``, and prints the AUC of the probability and of each component
next to the count of missed payments, then the mean and spread over the artifacts.

Why several seeds: the same code and config trained on five cohort seeds ranked these people
with AUC 0.7194, 0.6997, 0.7113, 0.7042 and 0.7115 (sd ~0.008, stop 25). A change that moves
one run by less than that says nothing. The data only checks a direction: nothing is fitted
to it, and the model is judged on other real data.

Training runs inherit ``TRAIN__*`` overrides from the environment (one config per call).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from statistics import mean, stdev
from types import ModuleType

import numpy as np
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "realdata-dev"
DATA_FILE = "taiwan_dev.csv"
OUTCOME = "default.payment.next.month"


@dataclass(frozen=True)
class Check:
    """One artifact's AUCs on the real outcome."""

    artifact: str
    probability: float
    components: dict[str, float]
    count_rule: float
    synthetic: dict[str, float]  # its own test set: model and LightGBM AUC / log-loss


def load_evaluator(data_dir: Path) -> ModuleType:
    """The data set's own ``evaluate.py`` (its mapping and its AUC): not copied here, so the
    check always maps the data as the published script does."""
    spec = importlib.util.spec_from_file_location("realdata_evaluate", data_dir / "evaluate.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(data_dir / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def monthly_upload(data_dir: Path, evaluator: ModuleType, workdir: Path
                   ) -> tuple[Path, pd.Series, pd.Series]:
    """(the monthly CSV, the outcome by person id, the count of missed months by person id)."""
    table = pd.read_csv(data_dir / DATA_FILE)
    frame = evaluator.monthly_frame(table)
    path = workdir / "monthly.csv"
    frame.to_csv(path, index=False)
    outcome = pd.Series(table[OUTCOME].to_numpy(), index=table["ID"].astype(str))
    missed = frame.groupby("person_id")["missed_payments"].sum()
    return path, outcome, missed


def check(artifact: Path, upload: Path, outcome: pd.Series, missed: pd.Series,
          evaluator: ModuleType, workdir: Path) -> Check:
    """Score the upload with one artifact and rank the outcome by its outputs."""
    from inference.cli import main as cli

    out = workdir / f"scores-{abs(hash(str(artifact)))}.csv"
    code = cli(["score", str(upload), "--artifacts", str(artifact), "--out", str(out), "-q"])
    if code != 0:
        raise RuntimeError(f"stress-scorer score exited {code} for {artifact}")
    scores = pd.read_csv(out, dtype={"person_id": str}).set_index("person_id")
    y = outcome.loc[scores.index].to_numpy()

    def auc(values: np.ndarray) -> float:
        return float(evaluator.auc(y, np.nan_to_num(values, nan=0.0)))

    components = {c.removeprefix("component_"): auc(scores[c].to_numpy())
                  for c in scores.columns if c.startswith("component_")}
    metrics_path = artifact / "metrics.json"
    synthetic: dict[str, float] = {}
    if metrics_path.exists():
        test = json.loads(metrics_path.read_text()).get("test", {})
        for name in ("model", "lightgbm"):
            if name in test:
                synthetic[f"{name}_auc"] = test[name]["roc_auc"]
                synthetic[f"{name}_log_loss"] = test[name]["log_loss"]
    return Check(str(artifact), auc(scores["probability"].to_numpy()), components,
                 auc(missed.loc[scores.index].to_numpy()), synthetic)


def train(seed: int, out: Path, config: Path) -> Path:
    """``python -m training`` at one seed (with this process's TRAIN__* overrides)."""
    print(f"training seed {seed} -> {out}", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "training", "--config", str(config), "--seed",
                    str(seed), "--out", str(out)], check=True, cwd=PROJECT_ROOT,
                   stdout=subprocess.DEVNULL, env=os.environ.copy())
    return out


def report(checks: list[Check]) -> str:
    """A table, one line per artifact, then mean and sd over them."""
    names = sorted({k for c in checks for k in c.components})
    head = ["artifact", "probability", *names, "count rule", "model syn. AUC / LL",
            "LightGBM syn. AUC / LL"]
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for c in checks:
        def pair(name: str, c: Check = c) -> str:
            return " / ".join(f"{c.synthetic.get(f'{name}_{m}', float('nan')):.4f}"
                              for m in ("auc", "log_loss"))
        lines.append(" | ".join([
            c.artifact, f"{c.probability:.4f}",
            *(f"{c.components.get(n, float('nan')):.4f}" for n in names), f"{c.count_rule:.4f}",
            pair("model"), pair("lightgbm")]))
    rule = checks[0].count_rule
    lines.append("")
    for name, values in (("probability", [c.probability for c in checks]),
                         *((n, [c.components[n] for c in checks if n in c.components])
                           for n in names)):
        spread = f", sd {stdev(values):.4f}" if len(values) > 1 else ""
        lines.append(f"{name} AUC: mean {mean(values):.4f}{spread} over {len(values)}; "
                     f"minus the count rule ({rule:.4f}): {mean(values) - rule:+.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"the real data set's folder (default {DEFAULT_DATA})")
    parser.add_argument("--seeds", type=int, nargs="*", default=[],
                        help="train the current config at each seed, then check them")
    parser.add_argument("--artifacts", type=Path, nargs="*", default=[],
                        help="artifact directories to check as they are")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "training" / "config.toml")
    parser.add_argument("--keep", type=Path, default=None,
                        help="train into this folder (kept) instead of a temporary one")
    args = parser.parse_args(argv)
    if not args.seeds and not args.artifacts:
        parser.error("give --seeds to train, or --artifacts to check")
    if not (args.data / DATA_FILE).exists():
        print(f"error: no {DATA_FILE} in {args.data}", file=sys.stderr)
        return 1
    evaluator = load_evaluator(args.data)
    with tempfile.TemporaryDirectory(prefix="realdata-check-") as tmp:
        work = Path(tmp)
        trained_in = args.keep or work
        trained_in.mkdir(parents=True, exist_ok=True)
        artifacts = [*args.artifacts,
                     *(train(s, trained_in / f"seed-{s}", args.config) for s in args.seeds)]
        upload, outcome, missed = monthly_upload(args.data, evaluator, work)
        checks = [check(a, upload, outcome, missed, evaluator, work) for a in artifacts]
    print(report(checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
