"""Batch scoring through the artifact's one onnxruntime session.

Score and band come from ``shared_features.risk_score`` and the spec's ``risk_bands``, the single
source of truth for both; the model's ``probability`` output is already calibrated.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from shared_features import FeatureSpec, risk_score

from .artifact import INPUT_NAME, PROBABILITY_OUTPUT, Artifact

LOGIT_OUTPUT = "logit"
# Per-kind heads: one calibrated probability output per enabled labeler rule, named
# ``component_<rule>``. A model without them has no components (an empty dict per person).
COMPONENT_PREFIX = "component_"

# Rows per session call: explanations run persons x (features + 1) rows. A few thousand rows
# amortise the call's overhead (~20 us) and keep the layers' activations in cache: on a 2-core
# EPYC, onnxruntime scores ~1.8M rows/s in calls of 1-4k rows but ~1.0M rows/s in calls of 65k
# (python -m benchmarks.bench_model --batches 1024 4096 65536).
DEFAULT_CHUNK_ROWS = 4_096


@dataclass(frozen=True)
class Scores:
    probability: np.ndarray  # float64 (n,)
    risk_score: np.ndarray  # int (n,)
    risk_band: np.ndarray  # str (n,)


@dataclass(frozen=True)
class Prediction:
    """Everything the model says about a batch of rows."""

    probability: np.ndarray  # float64 (n,), calibrated
    logit: np.ndarray  # float64 (n,), calibrated
    components: dict[str, np.ndarray]  # rule name -> float64 (n,) calibrated probability


class Scorer:
    """Vectorised P(stress) for standardised model inputs. Thread-safe: onnxruntime allows
    concurrent ``run`` calls on one session."""

    def __init__(self, artifact: Artifact, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> None:
        self.artifact = artifact
        self.spec: FeatureSpec = artifact.spec
        self._session = artifact.session
        self._chunk = max(1, int(chunk_rows))
        # Computed once: spec.reference rebuilds its arrays on every access.
        self.reference: np.ndarray = self.spec.reference
        names = [o.name for o in self._session.get_outputs()]
        has_logit = LOGIT_OUTPUT in names
        self._outputs = [PROBABILITY_OUTPUT, LOGIT_OUTPUT] if has_logit else [PROBABILITY_OUTPUT]
        # Discovered from the graph, so a retrained model with other rules needs no code change.
        self._component_outputs = [n for n in names if n.startswith(COMPONENT_PREFIX)]
        self.component_names: tuple[str, ...] = tuple(
            n[len(COMPONENT_PREFIX):] for n in self._component_outputs)

    @functools.cached_property
    def reference_run(self) -> tuple[float, float]:
        """(probability, logit) of the reference person: the start of every explanation."""
        p, z = self.run(self.reference[None, :])
        return float(p[0]), float(z[0])

    @property
    def n_features(self) -> int:
        return len(self.spec.features)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """(rows, features) float32 -> calibrated probability, float64 (rows,)."""
        return self.run(x)[0]

    def run(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, features) -> (calibrated probability, calibrated logit), float64 (rows,).

        The logit does not saturate where the probability does (a float32 probability of a
        very risky person is 1.0 whatever changes): explanations and recommendations rank by
        it. Computed from the probability if the model lacks the ``logit`` output.
        """
        p, z, _ = self._run(x, self._outputs)
        return p, z

    def predict(self, x: np.ndarray) -> Prediction:
        """(rows, features) -> probability, logit and the per-kind component probabilities."""
        p, z, components = self._run(x, self._outputs + self._component_outputs)
        return Prediction(p, z, dict(zip(self.component_names, components, strict=True)))

    def _run(self, x: np.ndarray, outputs: list[str]
             ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        x = np.ascontiguousarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"model input must be (rows, {self.n_features}), got {x.shape}")
        if len(x) == 0:
            return np.zeros(0), np.zeros(0), [np.zeros(0) for _ in outputs[len(self._outputs):]]
        parts = [self._session.run(outputs, {INPUT_NAME: x[i:i + self._chunk]})
                 for i in range(0, len(x), self._chunk)]
        # Outputs may be (rows,) or (rows, 1): each is flattened to (rows,).
        columns = [np.concatenate([part[k].reshape(-1) for part in parts]).astype(np.float64)
                   for k in range(len(outputs))]
        p = columns[0]
        if LOGIT_OUTPUT in self._outputs:
            z = columns[1]
        else:
            q = np.clip(p, 1e-7, 1 - 1e-7)
            z = np.log(q / (1 - q))
        extra = columns[len(self._outputs):]
        if not (np.isfinite(p).all() and np.isfinite(z).all()
                and all(np.isfinite(c).all() for c in extra)):
            raise RuntimeError("the model returned a non-finite probability; its input had "
                               "values the spec did not clip or impute")
        return p, z, extra

    def grade(self, probability: np.ndarray) -> Scores:
        """Probabilities -> probability, 0-100 score and band, as the spec defines them."""
        return Scores(probability, risk_score(probability),
                      self.spec.risk_bands.band(probability))

    def score(self, x: np.ndarray) -> Scores:
        return self.grade(self.probability(x))
