"""Training configuration: the TOML file, environment overrides (TRAIN__...) and CLI overrides."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from shared_features.config import load_config

from .labeler import LabelerConfig
from .simulator import SimulatorConfig

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


# -- typed view ----------------------------------------------------------------------------------
# The TOML dict stays the source of truth (it is what gets hashed into the artifact); the
# pipeline reads it only through these dataclasses, so a misspelt key fails at load, not deep
# inside a stage.

def _section(cls: type, d: dict[str, Any], name: str) -> Any:
    """cls(**d) with tuples for lists, and a clear error for keys the dataclass lacks."""
    known = {f.name for f in fields(cls)}
    unknown = set(d) - known
    if unknown:
        raise ValueError(f"[{name}] has unknown keys {sorted(unknown)}; known: {sorted(known)}")
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


@dataclass(frozen=True)
class RunConfig:
    seed: int
    threads: int = 1
    trained_at: str = ""


@dataclass(frozen=True)
class DataConfig:
    n_people: int
    history_months: int = 12
    horizon_months: int = 6
    burn_in_months: int = 12
    train_fraction: float = 0.84
    validation_fraction: float = 0.08
    last_history_month: str = "2025-06"


@dataclass(frozen=True)
class ModelConfig:
    kind: str = "monotone"  # "monotone" | "mlp"
    widths: tuple[int, ...] = (96, 96, 48)
    dropout: float = 0.0
    activation: str = "silu"
    # Piecewise-linear encoding with this many quantile bins per feature (0 = standardised
    # inputs as they are); see training.model.PiecewiseLinearEncoding.
    encoding_bins: int = 0
    increasing: tuple[str, ...] = ()
    decreasing: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        mono = dict(d.get("monotone", {}))
        flat = {k: v for k, v in d.items() if k != "monotone"}
        return _section(cls, {**flat, **mono}, "model")

    def unconstrained(self) -> ModelConfig:
        return replace(self, kind="mlp", activation="silu", dropout=0.0)


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = 1024
    lr: float = 2e-3
    weight_decay: float = 1e-4
    max_epochs: int = 40
    patience: int = 5
    min_delta: float = 1e-4
    pos_weight: float = 1.0
    component_weight: float = 1.0  # loss weight of each per-rule head next to the overall one
    lr_decay: float = 1.0  # learning rate x this after lr_patience epochs without improvement
    lr_patience: int = 2

    @classmethod
    def from_dict(cls, d: dict[str, Any], **defaults: Any) -> TrainConfig:
        return _section(cls, {**defaults, **d}, "train")


@dataclass(frozen=True)
class LightGBMConfig:
    """The gradient-boosting comparison (reported, never exported or served)."""

    enabled: bool = True
    # Also fit LightGBM under the model's own monotone constraints: the like-for-like figure.
    monotone_too: bool = True
    # LightGBM's way of enforcing them: "basic" | "intermediate" | "advanced" (the least
    # restrictive, so the strongest constrained reference).
    monotone_method: str = "advanced"
    num_leaves: int = 63
    learning_rate: float = 0.1
    max_rounds: int = 1000
    early_stopping_rounds: int = 30
    min_child_samples: int = 100
    feature_fraction: float = 0.9
    bagging_fraction: float = 0.8
    lambda_l2: float = 1.0
    threads: int = 1


@dataclass(frozen=True)
class EvaluationConfig:
    ece_bins: int = 15
    threshold: str = "high"  # the band whose threshold the accuracy/precision/recall use


@dataclass(frozen=True)
class OracleConfig:
    n_futures: int = 200
    chunk_persons: int = 2500


@dataclass(frozen=True)
class DiagnosticConfig:
    hidden_params: bool = True
    unconstrained: bool = True
    raw_panel: bool = False
    # LightGBM once per monotone feature with that one constraint lifted: what each guarantee
    # costs on the synthetic test set.
    constraint_costs: bool = False


@dataclass(frozen=True)
class ExportConfig:
    reference_persons: int = 20
    parity_tolerance: float = 1e-5


@dataclass(frozen=True)
class BandsConfig:
    moderate: float = 0.15
    high: float = 0.40


@dataclass(frozen=True)
class TrainingConfig:
    """The whole training configuration, typed. ``raw`` is the dict it was read from."""

    run: RunConfig
    data: DataConfig
    masking: dict[str, Any]
    simulator: SimulatorConfig
    labeler: LabelerConfig
    model: ModelConfig
    train: TrainConfig
    baseline: TrainConfig
    lightgbm: LightGBMConfig
    calibration_method: str
    bands: BandsConfig
    evaluation: EvaluationConfig
    oracle: OracleConfig
    diagnostic: DiagnosticConfig
    export: ExportConfig
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> TrainingConfig:
        validate(raw)
        train = TrainConfig.from_dict(raw["train"])
        return cls(
            run=_section(RunConfig, raw["run"], "run"),
            data=_section(DataConfig, raw["data"], "data"),
            masking=dict(raw["masking"]),
            simulator=SimulatorConfig.from_config(raw),
            labeler=LabelerConfig.from_dict(raw["labeler"]),
            model=ModelConfig.from_dict(raw["model"]),
            train=train,
            baseline=TrainConfig.from_dict(raw["baseline"], batch_size=train.batch_size),
            lightgbm=_section(LightGBMConfig, raw.get("lightgbm", {}), "lightgbm"),
            calibration_method=str(raw.get("calibration", {}).get("method", "temperature")),
            bands=_section(BandsConfig, raw["bands"], "bands"),
            evaluation=_section(EvaluationConfig, raw["evaluation"], "evaluation"),
            oracle=_section(OracleConfig, raw["oracle"], "oracle"),
            diagnostic=_section(DiagnosticConfig, raw.get("diagnostic", {}), "diagnostic"),
            export=_section(ExportConfig, raw["export"], "export"),
            raw=raw,
        )

    @property
    def threshold(self) -> float:
        return float(getattr(self.bands, self.evaluation.threshold))

    @property
    def sha256(self) -> str:
        return sha256_of(self.raw)

    @property
    def generator_sha256(self) -> str:
        return sha256_of(generator_config(self.raw))
