"""The service layer: ingestion -> features -> scoring -> explanations -> store.

The only thing the web routes call. It knows nothing of HTTP: it takes bytes or records and
returns plain dicts (or ``RunDocument``s, whose JSON is encoded once) shaped like the API's
schemas, and raises ``InputError`` (bad input),
``ModelUnavailable`` (no usable artifact) or ``RunNotFound``; the web layer maps those to status
codes. The store is reached through a callable, so the caller decides the connection's lifetime
(one per request in the web app).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from shared_features import (
    FEATURE_SPEC_VERSION,
    FEATURES,
    KEY_METRICS,
    IngestLimits,
    IngestResult,
    InputError,
    Problem,
    ingest,
    ingest_frame,
)

from .artifact import ArtifactError, load_artifact
from .documents import RunDocument
from .explain import ExplainOptions
from .pipeline import assess
from .recommend import RecommendOptions
from .scorer import Scorer
from .store import Store


class ModelUnavailable(RuntimeError):
    """No verified model is loaded; the message is the reason (shown by /readyz)."""


class RunNotFound(LookupError):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"no run with id {run_id!r}")
        self.run_id = run_id


@dataclass(frozen=True)
class ServiceOptions:
    limits: IngestLimits = field(default_factory=IngestLimits)
    explain: ExplainOptions = field(default_factory=ExplainOptions)
    recommend: RecommendOptions = field(default_factory=RecommendOptions)


class ScoringService:
    def __init__(self, scorer: Scorer | None, store: Callable[[], Store],
                 options: ServiceOptions | None = None, unavailable: str | None = None) -> None:
        self.scorer = scorer
        self.unavailable_reason = None if scorer else (unavailable or "no model loaded")
        self._store = store
        self.options = options or ServiceOptions()

    @classmethod
    def from_artifact_dir(cls, directory: str | Path, store: Callable[[], Store],
                          options: ServiceOptions | None = None, intra_op_threads: int = 1
                          ) -> ScoringService:
        """Load and verify the artifact; a refused one leaves the service up but not ready."""
        try:
            scorer: Scorer | None = Scorer(load_artifact(directory, intra_op_threads))
            reason = None
        except ArtifactError as exc:
            scorer, reason = None, str(exc)
        return cls(scorer, store, options, reason)

    # -- health ----------------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.scorer is not None

    def ensure_ready(self) -> None:
        """Raise ModelUnavailable (with the reason) unless a verified model is loaded."""
        self._require_model()

    def readiness(self) -> dict[str, Any]:
        """Ready when a verified model is loaded and the database answers; raises otherwise."""
        scorer = self._require_model()
        self._store().ping()
        return {"status": "ready", "model_version": scorer.spec.spec_version,
                "model_sha256": scorer.artifact.model_sha256}

    # -- scoring ---------------------------------------------------------------------------------
    def score_csv(self, data: bytes | str, source_name: str | None = None) -> RunDocument:
        """Score an uploaded CSV and store the run; raises InputError naming rows and columns."""
        self._require_model()
        return self._score(ingest(data, self.options.limits), source_name or "upload.csv")

    def score_records(self, records: list[dict[str, Any]], source_name: str | None = None
                      ) -> RunDocument:
        """Score JSON records (one per person-month, CSV column names as keys) and store the run.

        Problems name the record (1-based) in ``row``, not a spreadsheet row.
        """
        self._require_model()
        frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
        try:
            result = ingest_frame(frame, self.options.limits)
        except InputError as exc:
            raise _as_record_error(exc) from None
        return self._score(result, source_name or "records.json")

    def _score(self, ingested: IngestResult, source_name: str) -> RunDocument:
        scorer = self._require_model()
        assessment = assess(ingested.panel, scorer, self.options.explain, self.options.recommend)
        bands = assessment.scores.risk_band
        n = len(assessment.rows)
        run = {
            "id": secrets.token_hex(8),
            "created_at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "source_name": source_name[:200],
            "n_persons": n,
            "band_counts": {b: int((bands == b).sum()) for b in ("Low", "Moderate", "High")},
            "mean_probability": round(float(np.mean(assessment.scores.probability)), 4)
            if n else None,
            "model_version": scorer.spec.spec_version,
            "model_sha256": scorer.artifact.model_sha256,
            "warnings": list(ingested.warnings),
        }
        # Written only now, after every person scored: a failing file leaves no trace.
        self._store().save_run(run, assessment.rows)
        return RunDocument(run, assessment.rows)

    # -- runs ------------------------------------------------------------------------------------
    def list_runs(self, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        runs, total = self._store().list_runs(limit, offset)
        return {"runs": runs, "total": total, "limit": limit, "offset": offset}

    def get_run(self, run_id: str) -> RunDocument:
        run = self._store().get_run(run_id)
        if run is None:
            raise RunNotFound(run_id)
        return run

    def delete_run(self, run_id: str) -> None:
        if not self._store().delete_run(run_id):
            raise RunNotFound(run_id)

    def delete_own_runs(self) -> int:
        """Delete every run of the store scope's owner ("delete all my data"); how many."""
        return self._store().delete_own_runs()

    # -- model -----------------------------------------------------------------------------------
    def model_info(self) -> dict[str, Any]:
        scorer = self._require_model()
        spec, artifact = scorer.spec, scorer.artifact
        return {
            "spec_version": spec.spec_version,
            "code_spec_version": FEATURE_SPEC_VERSION,
            "model_sha256": artifact.model_sha256,
            "preprocessing_sha256": spec.preprocessing_hash(),
            "history_months": spec.history_months,
            "horizon_months": spec.horizon_months,
            "risk_bands": {"moderate": spec.risk_bands.moderate, "high": spec.risk_bands.high},
            "calibration": spec.calibration,
            "provenance": spec.provenance,
            "metrics": artifact.metrics,
            "model_card": artifact.model_card,
            "features": [{"name": d.name, "label": d.label, "unit": d.unit} for d in FEATURES],
            "key_metrics": [{"key": k, "label": label, "unit": unit}
                            for k, label, unit, _ in KEY_METRICS],
        }

    def _require_model(self) -> Scorer:
        if self.scorer is None:
            raise ModelUnavailable(self.unavailable_reason or "no model loaded")
        return self.scorer


def _as_record_error(exc: InputError) -> InputError:
    """Spreadsheet rows (header = 1) -> record numbers (first record = 1)."""
    def record(row: int | None) -> int | None:
        return row - 1 if row is not None and row >= 2 else None

    problems = [Problem(record(p.row), p.column, p.value, p.message) for p in exc.problems]
    error = InputError(problems, exc.total, exc.warnings)
    error.row_label = "record"  # read by the web layer when it words the message
    return error
