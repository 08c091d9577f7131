"""Batch scoring through the artifact's one onnxruntime session.

Score and band come from ``shared_features.risk_score`` and the spec's ``risk_bands``, the single
source of truth for both; the model's ``probability`` output is already calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shared_features import FeatureSpec, risk_score

from .artifact import INPUT_NAME, PROBABILITY_OUTPUT, Artifact

LOGIT_OUTPUT = "logit"

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
        has_logit = LOGIT_OUTPUT in {o.name for o in self._session.get_outputs()}
        self._outputs = [PROBABILITY_OUTPUT, LOGIT_OUTPUT] if has_logit else [PROBABILITY_OUTPUT]

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
        x = np.ascontiguousarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"model input must be (rows, {self.n_features}), got {x.shape}")
        if len(x) == 0:
            return np.zeros(0), np.zeros(0)
        parts = [self._session.run(self._outputs, {INPUT_NAME: x[i:i + self._chunk]})
                 for i in range(0, len(x), self._chunk)]
        p = np.concatenate([part[0].reshape(-1) for part in parts]).astype(np.float64)
        if len(self._outputs) == 2:
            z = np.concatenate([part[1].reshape(-1) for part in parts]).astype(np.float64)
        else:
            q = np.clip(p, 1e-7, 1 - 1e-7)
            z = np.log(q / (1 - q))
        if not (np.isfinite(p).all() and np.isfinite(z).all()):
            raise RuntimeError("the model returned a non-finite probability; its input had "
                               "values the spec did not clip or impute")
        return p, z

    def grade(self, probability: np.ndarray) -> Scores:
        """Probabilities -> probability, 0-100 score and band, as the spec defines them."""
        return Scores(probability, risk_score(probability),
                      self.spec.risk_bands.band(probability))

    def score(self, x: np.ndarray) -> Scores:
        return self.grade(self.probability(x))
