"""The service layer: ingestion -> features -> scoring -> explanations -> store.

The only thing the web routes call. It knows nothing of HTTP: it takes bytes or records and
returns plain dicts (or ``RunDocument``s, whose JSON is encoded once) shaped like the API's
schemas, and raises ``InputError`` (bad input),
``ModelUnavailable`` (no usable artifact) or ``RunNotFound``; the web layer maps those to status
codes. The store is reached through a callable, so the caller decides the connection's lifetime
(one per request in the web app).
"""

from __future__ import annotations

import math
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
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
from shared_features.statements import read_statements, read_upload

from .artifact import ArtifactError, load_artifact
from .documents import ResultsPage, RunDocument
from .explain import ExplainOptions
from .outputs import formula_safe
from .pipeline import CHUNK_PERSONS, assessed_rows, panel_from_history, scored_rows
from .recommend import RecommendOptions
from .result import INDEX, LAZY_FIELDS, RESULT_FIELDS, ResultRow
from .scorer import Scorer
from .store import IdempotencyKey, KeyedRun, Scope, Store
from .store_health import StoreHealth
from .table import stored_table


class ModelUnavailable(RuntimeError):
    """No verified model is loaded; the message is the reason (shown by /readyz)."""


class IdempotencyConflict(ValueError):
    """An Idempotency-Key was used before with another request body."""


class RunNotFound(LookupError):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"no run with id {run_id!r}")
        self.run_id = run_id


class PersonNotFound(RunNotFound):
    def __init__(self, run_id: str, person_id: str) -> None:
        LookupError.__init__(self, f"run {run_id!r} has no person with id {person_id!r}")
        self.run_id, self.person_id = run_id, person_id


@dataclass(frozen=True)
class ServiceOptions:
    limits: IngestLimits = field(default_factory=IngestLimits)
    explain: ExplainOptions = field(default_factory=ExplainOptions)
    recommend: RecommendOptions = field(default_factory=RecommendOptions)
    # Uploads of up to this many persons are explained at once and answered in full; larger
    # ones are scored only (explanations when a person is opened) and answered with a page.
    inline_max_persons: int = 100
    page_size: int = 100  # results per page when the request does not say
    # A large upload is scored this many persons at a time: only one block's panel is built.
    block_persons: int = CHUNK_PERSONS


class ScoringService:
    def __init__(self, scorer: Scorer | None, store: Callable[[], Store],
                 options: ServiceOptions | None = None, unavailable: str | None = None,
                 health: StoreHealth | None = None) -> None:
        self.scorer = scorer
        self.unavailable_reason = None if scorer else (unavailable or "no model loaded")
        self._store = store
        self.options = options or ServiceOptions()
        self.health = health
        # Told the number of persons each time a run is stored (the web layer counts them).
        self.on_run_stored: Callable[[int], None] | None = None
        self._model_info: dict[str, Any] | None = None

    @classmethod
    def from_artifact_dir(cls, directory: str | Path, store: Callable[[], Store],
                          options: ServiceOptions | None = None, intra_op_threads: int = 1,
                          health: StoreHealth | None = None) -> ScoringService:
        """Load and verify the artifact; a refused one leaves the service up but not ready."""
        try:
            scorer: Scorer | None = Scorer(load_artifact(directory, intra_op_threads))
            reason = None
        except ArtifactError as exc:
            scorer, reason = None, str(exc)
        return cls(scorer, store, options, reason, health)

    # -- health ----------------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.scorer is not None

    def ensure_ready(self) -> None:
        """Raise ModelUnavailable (with the reason) unless a verified model is loaded."""
        self._require_model()

    def readiness(self) -> dict[str, Any]:
        """Ready when a verified model is loaded and the database opens, can be written and
        passes its integrity check; raises ModelUnavailable or StoreError (the reason) otherwise.
        """
        scorer = self._require_model()
        if self.health is not None:
            self.health.check()
        else:
            self._store().ping()
        return {"status": "ready", "model_version": scorer.spec.spec_version,
                "model_sha256": scorer.artifact.model_sha256}

    # -- scoring ---------------------------------------------------------------------------------
    def score_csv(self, data: bytes | str | Path, source_name: str | None = None,
                  idempotency: IdempotencyKey | None = None) -> RunDocument:
        """Score an uploaded CSV (its content, or the file a large body was spooled to) and
        store the run; raises InputError naming rows and columns.

        With an idempotency key seen within 24 h, the run stored then is returned (marked
        ``replayed``) instead of scoring again; IdempotencyConflict if it came with another body.
        """
        self._require_model()
        replay = self._replay(idempotency)
        if replay is not None:
            return replay
        return self._score(ingest(data, self.options.limits), source_name or "upload.csv",
                           idempotency)

    def score_uploads(self, uploads: list[tuple[str, bytes]], source_name: str | None = None,
                      person_id: str = "person_1", idempotency: IdempotencyKey | None = None
                      ) -> RunDocument:
        """Score uploaded files: one monthly table, or one person's bank and card statements
        (detected from the content); raises InputError naming the file, line and problem.
        Idempotency as for ``score_csv``."""
        self._require_model()
        replay = self._replay(idempotency)
        if replay is not None:
            return replay
        reading = read_upload(uploads, person_id, self.options.limits)
        name = source_name or ", ".join(name for name, _ in uploads)
        return self._score(reading.result, name, idempotency)

    def read_statements(self, uploads: list[tuple[str, bytes]]) -> dict[str, Any]:
        """A dry run: what the statements hold and the monthly records they give; nothing is
        scored or stored."""
        return read_statements(uploads).report()

    def score_records(self, records: list[dict[str, Any]], source_name: str | None = None,
                      idempotency: IdempotencyKey | None = None) -> RunDocument:
        """Score JSON records (one per person-month, CSV column names as keys) and store the run.

        Problems name the record (1-based) in ``row``, not a spreadsheet row. Idempotency as
        for ``score_csv``.
        """
        self._require_model()
        replay = self._replay(idempotency)
        if replay is not None:
            return replay
        frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
        try:
            result = ingest_frame(frame, self.options.limits)
        except InputError as exc:
            raise _as_record_error(exc) from None
        return self._score(result, source_name or "records.json", idempotency)

    def _replay(self, idempotency: IdempotencyKey | None,
                first: KeyedRun | None = None) -> RunDocument | None:
        """The run an earlier request with this key stored, or None to score this one."""
        if idempotency is None:
            return None
        if first is None:
            first = self._store().keyed_run(idempotency, _now())
        if first is None:
            return None
        if first.fingerprint != idempotency.fingerprint:
            raise IdempotencyConflict(
                f"Idempotency-Key {idempotency.key!r} was used within the last 24 hours for "
                "another request body; use a new key for a new request")
        document = self.get_run(first.run_id)
        document.replayed = True
        return document

    def _score(self, ingested: IngestResult, source_name: str,
               idempotency: IdempotencyKey | None = None) -> RunDocument:
        scorer = self._require_model()
        o = self.options
        n = ingested.rows.n_persons
        rows = (assessed_rows(ingested.panel, scorer, o.explain, o.recommend)
                if n <= o.inline_max_persons
                else _scored_in_blocks(ingested, scorer, o.block_persons))
        first_page: list[ResultRow] = []
        bands: Counter[str] = Counter()
        probabilities: list[float] = []

        def tallied() -> Iterator[ResultRow]:
            """The rows as the store takes them, counted on the way."""
            for row in rows:
                bands[row[INDEX["risk_band"]]] += 1
                probabilities.append(row[INDEX["probability"]])
                if len(first_page) < self._first_page(n):
                    first_page.append(row)
                yield row

        # Band counts and mean are known once every row is scored (summary below).
        run = _new_run(source_name, n, None, None, scorer.spec.spec_version,
                       scorer.artifact.model_sha256, list(ingested.warnings))

        def summary() -> dict[str, Any]:
            run["band_counts"] = {b: bands.get(b, 0) for b in ("Low", "Moderate", "High")}
            run["mean_probability"] = (round(math.fsum(probabilities) / n, 4) if n else None)
            return run

        # Stored only once every person is scored: a failing file leaves no trace.
        if self.health is not None:
            self.health.require_sound()  # no new runs into a file known to be damaged
        # A small upload's rows are all held for the answer anyway: stored as a list, they go
        # straight into the one write transaction (no staging).
        results = list(tallied()) if n <= o.inline_max_persons else tallied()
        first = self._store().save_run(summary, results, idempotency)
        if first is not None:  # a concurrent request with the same key stored its run first
            return self._replay(idempotency, first)  # type: ignore[return-value]
        if self.on_run_stored is not None:
            self.on_run_stored(n)
        return RunDocument(run, ResultsPage(run["id"], first_page, 0, self._first_page(n), n))

    def import_run(self, rows: Iterable[ResultRow], source_name: str, n_persons: int,
                   band_counts: dict[str, int], mean_probability: float | None,
                   model_version: str, model_sha256: str, warnings: list[str],
                   owner_id: int | None = None) -> dict[str, Any]:
        """Store results scored elsewhere (a ``stress-scorer batch`` output) as one run, in one
        transaction, as ``owner_id``'s (default: the store's scope's owner); the model named is
        the one that scored them. ``rows`` may be a generator: they are streamed into the
        database, not collected."""
        run = _new_run(source_name, n_persons, band_counts, mean_probability, model_version,
                       model_sha256, warnings)
        store = self._store()
        if owner_id is not None:  # an operator importing on a user's behalf
            store.scope = Scope(owner_id=owner_id, sees_all=False)
        store.save_run(run, rows)
        return run

    def _first_page(self, n: int) -> int:
        """How many results a run's document carries: all of a small run, else one page."""
        return n if n <= self.options.inline_max_persons else self.options.page_size

    # -- runs ------------------------------------------------------------------------------------
    def list_runs(self, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        runs, total = self._store().list_runs(limit, offset)
        return {"runs": runs, "total": total, "limit": limit, "offset": offset}

    def get_summary(self, run_id: str) -> dict[str, Any]:
        summary = self._store().get_run(run_id)
        if summary is None:
            raise RunNotFound(run_id)
        return summary

    def get_run(self, run_id: str) -> RunDocument:
        """The run's summary with its first page of results (all of them for a small run)."""
        summary = self.get_summary(run_id)
        return RunDocument(summary, self.results_page(run_id, 0,
                                                      self._first_page(summary["n_persons"])))

    def results_page(self, run_id: str, offset: int = 0, limit: int | None = None,
                     order: str = "position", descending: bool = False) -> ResultsPage:
        """Results ``offset`` .. ``offset + limit`` in upload order (or by RESULT_ORDERS)."""
        store = self._store()
        summary = store.get_run(run_id)
        if summary is None:
            raise RunNotFound(run_id)
        limit = self.options.page_size if limit is None else limit
        return ResultsPage(run_id, store.results(run_id, offset, limit, order, descending),
                           offset, limit, summary["n_persons"])

    def iter_results(self, run_id: str, batch: int = 5_000) -> Iterator[list[ResultRow]]:
        """All of a run's results in upload order, ``batch`` rows at a time (for downloads)."""
        self.get_summary(run_id)
        position = -1
        while True:
            page = self._store().results_after(run_id, position, batch)
            if not page:
                return
            position = page[-1][0]
            yield [row for _, row in page]

    def results_csv(self, run_id: str) -> Iterator[str]:
        """The run as CSV text in pieces (one row per person, the columns of
        ``stress-scorer score``), formula-safe for spreadsheets."""
        header = True
        for rows in self.iter_results(run_id):
            yield formula_safe(stored_table(rows)).to_csv(index=False, header=header,
                                                          lineterminator="\n")
            header = False

    def person(self, run_id: str, person_id: str) -> ResultRow:
        """One person's complete result. Explanations and recommendations a large run did not
        compute are computed now, from the stored monthly history, and kept for next time."""
        store = self._store()
        found = store.person(run_id, person_id)
        if found is None:
            self.get_summary(run_id)  # RunNotFound when the run itself is missing
            raise PersonNotFound(run_id, person_id)
        position, row = found
        if any(row[INDEX[name]] is None for name in LAZY_FIELDS):
            scorer = self._require_model()
            panel = panel_from_history(orjson.loads(row[INDEX["history"]]), person_id)
            fresh = next(assessed_rows(panel, scorer, self.options.explain,
                                       self.options.recommend))
            # The stored score stays: it is what the run reported.
            row = tuple(fresh[i] if name in LAZY_FIELDS and row[i] is None else row[i]
                        for i, name in enumerate(RESULT_FIELDS))
            store.save_explanation(run_id, position, row)
        return row

    def delete_run(self, run_id: str) -> None:
        if not self._store().delete_run(run_id):
            raise RunNotFound(run_id)

    def delete_own_runs(self) -> int:
        """Delete every run of the store scope's owner ("delete all my data"); how many."""
        return self._store().delete_own_runs()

    # -- model -----------------------------------------------------------------------------------
    def model_info(self) -> dict[str, Any]:
        """What the loaded model is (ModelInfoSchema). Made once: the model does not change
        while the service runs, and its preprocessing hash costs milliseconds (the person page
        reads the bands from here on every view)."""
        if self._model_info is None:
            self._model_info = self._describe_model(self._require_model())
        return dict(self._model_info)

    @staticmethod
    def _describe_model(scorer: Scorer) -> dict[str, Any]:
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


def _scored_in_blocks(ingested: IngestResult, scorer: Scorer, persons: int
                      ) -> Iterator[ResultRow]:
    """A large upload's rows, scored ``persons`` at a time: the whole panel (GBs at a million
    persons) is never built, only the validated columns and one block."""
    for block in ingested.rows.blocks(persons):
        yield from scored_rows(block, scorer)


def _new_run(source_name: str, n_persons: int, band_counts: dict[str, int] | None,
             mean_probability: float | None, model_version: str, model_sha256: str,
             warnings: list[str]) -> dict[str, Any]:
    """A run summary as the store keeps it and RunSummarySchema describes it."""
    return {"id": secrets.token_hex(8),
            "created_at": _now(),
            "source_name": source_name[:200], "n_persons": n_persons,
            "band_counts": band_counts, "mean_probability": mean_probability,
            "model_version": model_version, "model_sha256": model_sha256,
            "warnings": warnings}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _as_record_error(exc: InputError) -> InputError:
    """Spreadsheet rows (header = 1) -> record numbers (first record = 1)."""
    def record(row: int | None) -> int | None:
        return row - 1 if row is not None and row >= 2 else None

    problems = [Problem(record(p.row), p.column, p.value, p.message) for p in exc.problems]
    error = InputError(problems, exc.total, exc.warnings)
    error.row_label = "record"  # read by the web layer when it words the message
    return error
