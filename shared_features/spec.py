"""The versioned feature spec: feature order, transforms, fitted imputation and scaling, risk
bands, calibration and provenance. Training fits and saves it next to the model; serving loads
it and rebuilds the exact same preprocessing from it.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .features import FEATURE_BY_NAME, FEATURE_NAMES

# Bump the major version when a feature formula, the order or a transform changes: an artifact
# trained on another major version is refused at load.
FEATURE_SPEC_VERSION = "2.0.0"


# model.onnx names the per-rule probability of rule r ``component_<r>``.
COMPONENT_OUTPUT_PREFIX = "component_"


class SpecMismatchError(RuntimeError):
    """The artifact's spec does not fit this code (other major version, features or hash)."""


# Training quantiles kept per feature: the "plausible values" of a feature whose data a person
# did not give (explanations say how far providing it could move the estimate).
QUANTILE_LEVELS: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass
class FeatureParams:
    name: str
    transform: str
    clip: tuple[float, float]
    impute: float  # median of the clipped, transformed training values
    mean: float
    std: float
    # clipped, transformed training values at QUANTILE_LEVELS (persons who had the data)
    quantiles: tuple[float, ...] = ()


@dataclass
class RiskBands:
    """Probability thresholds: Low below ``moderate``, High at or above ``high``."""

    moderate: float = 0.15
    high: float = 0.40

    def band(self, probability: np.ndarray) -> np.ndarray:
        return np.where(probability >= self.high, "High",
                        np.where(probability >= self.moderate, "Moderate", "Low"))


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, read in blocks: the artifact's model identity."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def risk_score(probability: np.ndarray) -> np.ndarray:
    """0-100 score: 100 x the calibrated probability, rounded. Monotone by construction."""
    return np.rint(np.clip(probability, 0.0, 1.0) * 100.0).astype(int)


@dataclass
class FeatureSpec:
    features: list[FeatureParams]
    spec_version: str = FEATURE_SPEC_VERSION
    history_months: int = 12
    horizon_months: int = 6
    risk_bands: RiskBands = field(default_factory=RiskBands)
    calibration: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    # The labeler rules the model has a calibrated head for; model.onnx outputs each as
    # ``component_<rule>`` next to ``probability`` and ``logit``.
    components: list[str] = field(default_factory=list)

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features]

    @property
    def component_outputs(self) -> list[str]:
        """model.onnx output names of the per-rule probabilities, in ``components`` order."""
        return [COMPONENT_OUTPUT_PREFIX + rule for rule in self.components]

    # -- preprocessing -------------------------------------------------------------------------
    def transform(self, raw: np.ndarray) -> np.ndarray:
        """Raw feature matrix (persons, features) -> standardised float32 model input."""
        x = _clip_and_transform(raw, self.features)
        impute = np.array([f.impute for f in self.features])
        x = np.where(np.isnan(x), impute, x)
        mean = np.array([f.mean for f in self.features])
        std = np.array([f.std for f in self.features])
        return ((x - mean) / std).astype(np.float32)

    @property
    def standardised_quantiles(self) -> np.ndarray:
        """(QUANTILE_LEVELS, features) training quantiles in model-input space."""
        q = np.array([f.quantiles or (f.impute,) * len(QUANTILE_LEVELS) for f in self.features])
        mean = np.array([f.mean for f in self.features])
        std = np.array([f.std for f in self.features])
        return ((q.T - mean) / std).astype(np.float32)

    @property
    def reference(self) -> np.ndarray:
        """The training reference point in model-input space (the imputed median person)."""
        mean = np.array([f.mean for f in self.features])
        std = np.array([f.std for f in self.features])
        impute = np.array([f.impute for f in self.features])
        return ((impute - mean) / std).astype(np.float32)

    # -- identity ------------------------------------------------------------------------------
    def preprocessing_hash(self) -> str:
        """sha256 over everything that decides the model input: names, order, params, version."""
        payload = {"spec_version": self.spec_version, "history_months": self.history_months,
                   "features": [asdict(f) for f in self.features]}
        return _sha256_json(payload)

    def scoring_hash(self) -> str:
        """sha256 over everything that decides a person's probability, score and band: the
        preprocessing (above), the horizon, the risk bands and the calibration. Checked at load,
        so an edited band threshold is refused instead of silently moving every band."""
        payload = {"preprocessing_sha256": self.preprocessing_hash(),
                   "horizon_months": self.horizon_months,
                   "risk_bands": asdict(self.risk_bands), "calibration": self.calibration}
        return _sha256_json(payload)

    def check_compatible(self) -> None:
        """Refuse a spec this code cannot serve, with a message that says what to do."""
        theirs, ours = self.spec_version.split(".")[0], FEATURE_SPEC_VERSION.split(".")[0]
        if theirs != ours:
            raise SpecMismatchError(
                f"feature spec version {self.spec_version} is not compatible with this code's "
                f"{FEATURE_SPEC_VERSION} (major versions differ); retrain the model with this "
                "version of shared_features")
        if self.feature_names != list(FEATURE_NAMES):
            missing = sorted(set(FEATURE_NAMES) - set(self.feature_names))
            extra = sorted(set(self.feature_names) - set(FEATURE_NAMES))
            raise SpecMismatchError(
                "feature spec lists other features than this code computes "
                f"(missing: {missing or 'none'}, unexpected: {extra or 'none'}, or another "
                "order); retrain the model")
        for f in self.features:
            code = FEATURE_BY_NAME[f.name]
            if f.transform != code.transform or tuple(f.clip) != tuple(code.clip):
                raise SpecMismatchError(
                    f"feature {f.name!r}: spec transform {f.transform}/{tuple(f.clip)} differs "
                    f"from the code's {code.transform}/{code.clip}; retrain the model")

    # -- persistence ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["feature_names"] = self.feature_names
        d["preprocessing_sha256"] = self.preprocessing_hash()
        d["scoring_sha256"] = self.scoring_hash()
        return d

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeatureSpec:
        try:
            features = [FeatureParams(f["name"], f["transform"], tuple(f["clip"]),
                                      float(f["impute"]), float(f["mean"]), float(f["std"]),
                                      tuple(float(q) for q in f.get("quantiles", ())))
                        for f in d["features"]]
            spec = cls(features=features, spec_version=str(d["spec_version"]),
                       history_months=int(d.get("history_months", 12)),
                       horizon_months=int(d.get("horizon_months", 6)),
                       risk_bands=RiskBands(**d.get("risk_bands", {})),
                       calibration=dict(d.get("calibration", {})),
                       provenance=dict(d.get("provenance", {})),
                       components=[str(c) for c in d.get("components", [])])
        except (KeyError, TypeError, ValueError) as exc:
            raise SpecMismatchError(f"feature spec is malformed: {exc!r}") from exc
        for key, actual in (("preprocessing_sha256", spec.preprocessing_hash()),
                            ("scoring_sha256", spec.scoring_hash())):
            stored = d.get(key)
            if stored is not None and stored != actual:
                raise SpecMismatchError(
                    f"feature spec {key} does not match its contents; the file was edited or "
                    "corrupted")
        return spec

    @classmethod
    def load(cls, path: str | Path) -> FeatureSpec:
        path = Path(path)
        try:
            d = json.loads(path.read_text())
        except FileNotFoundError as exc:
            raise SpecMismatchError(f"feature spec not found at {path}") from exc
        except json.JSONDecodeError as exc:
            raise SpecMismatchError(f"feature spec {path} is not valid JSON: {exc}") from exc
        return cls.from_dict(d)


def _sha256_json(payload: Any) -> str:
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


def _clip_and_transform(raw: np.ndarray, features: list[FeatureParams] | None = None
                        ) -> np.ndarray:
    defs = features or [FEATURE_BY_NAME[n] for n in FEATURE_NAMES]
    lo = np.array([f.clip[0] for f in defs])
    hi = np.array([f.clip[1] for f in defs])
    x = np.clip(raw, lo, hi)  # NaN stays NaN
    log_cols = np.array([f.transform == "log1p" for f in defs])
    x[:, log_cols] = np.log1p(x[:, log_cols])
    return x


def fit_spec(raw_train: np.ndarray, **kwargs: Any) -> FeatureSpec:
    """Fit imputation (median) and scaling (mean/std) on training raw features."""
    x = _clip_and_transform(raw_train)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column: handled below
        impute = np.nanmedian(x, axis=0)
        quantiles = np.nanquantile(x, QUANTILE_LEVELS, axis=0)
    impute = np.where(np.isnan(impute), 0.0, impute)
    quantiles = np.where(np.isnan(quantiles), impute, quantiles)
    x = np.where(np.isnan(x), impute, x)
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std = np.where(std < 1e-6, 1.0, std)  # a constant feature stays 0 instead of dividing by 0
    params = [FeatureParams(name, FEATURE_BY_NAME[name].transform, FEATURE_BY_NAME[name].clip,
                            float(impute[i]), float(mean[i]), float(std[i]),
                            tuple(float(v) for v in quantiles[:, i]))
              for i, name in enumerate(FEATURE_NAMES)]
    return FeatureSpec(features=params, **kwargs)
