"""Training configuration: the TOML file, environment overrides (TRAIN__...) and CLI overrides."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from shared_features.config import load_config

DEFAULT_CONFIG_PATH = Path(__file__).with_name("config.toml")
ENV_PREFIX = "TRAIN"

# The sections that decide the generated data and its labels (hashed as the generator config).
GENERATOR_SECTIONS = ("data", "masking", "simulator", "archetypes", "labeler")


def load(path: str | Path = DEFAULT_CONFIG_PATH, people: int | None = None,
         seed: int | None = None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Config file + TRAIN__SECTION__KEY environment overrides + --people/--seed overrides."""
    config = load_config(path, prefix=ENV_PREFIX, environ=environ)
    if people is not None:
        config.setdefault("data", {})["n_people"] = int(people)
    if seed is not None:
        config.setdefault("run", {})["seed"] = int(seed)
    validate(config)
    return config


def validate(config: dict[str, Any]) -> None:
    data = config["data"]
    if int(data["n_people"]) < 100:
        raise ValueError("[data] n_people must be at least 100")
    if int(data["history_months"]) < 1 or int(data["horizon_months"]) < 1:
        raise ValueError("[data] history_months and horizon_months must be >= 1")
    train, val = float(data["train_fraction"]), float(data["validation_fraction"])
    if not (0 < train < 1 and 0 < val < 1 and train + val < 1):
        raise ValueError("[data] train_fraction + validation_fraction must leave a test split")
    weights = config["masking"]["short_history_weights"]
    if len(weights) != int(data["history_months"]) - 1:
        raise ValueError("[masking] short_history_weights needs history_months - 1 entries "
                         "(for 1 .. history_months - 1 observed months)")
    bands = config["bands"]
    if not 0 < float(bands["moderate"]) < float(bands["high"]) < 1:
        raise ValueError("[bands] needs 0 < moderate < high < 1")


def sha256_of(obj: Any) -> str:
    """sha256 of a canonical JSON rendering (key order and whitespace do not matter)."""
    blob = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def generator_config(config: dict[str, Any]) -> dict[str, Any]:
    gen = {k: config[k] for k in GENERATOR_SECTIONS if k in config}
    gen["seed"] = config["run"]["seed"]
    return gen
