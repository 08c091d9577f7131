"""SQLite store of scoring runs and per-person results (stdlib sqlite3).

WAL journal (readers do not block the writer), a busy timeout (concurrent writers from several
gunicorn workers wait instead of failing), foreign keys on so deleting a run cascades to its
results, and the schema versioned with ``PRAGMA user_version``: each entry of ``MIGRATIONS``
upgrades the database by one version, inside one transaction. A run and all its results are
written in one transaction, so a reader never sees half a run.

A ``Store`` wraps one connection; open one per thread (the web layer opens one per request).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .result import INDEX, LAZY_FIELDS, RESULT_FIELDS, ResultRow, dumps

MIGRATIONS: tuple[str, ...] = (
    # 1: runs and their per-person results
    """
    CREATE TABLE runs (
        id               TEXT PRIMARY KEY,
        created_at       TEXT NOT NULL,
        source_name      TEXT,
        n_persons        INTEGER NOT NULL,
        band_counts      TEXT NOT NULL,
        mean_probability REAL,
        model_version    TEXT NOT NULL,
        model_sha256     TEXT NOT NULL,
        warnings         TEXT NOT NULL
    );
    CREATE INDEX runs_created_at ON runs (created_at DESC);
    CREATE TABLE results (
        run_id          TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        person_id       TEXT NOT NULL,
        probability     REAL NOT NULL,
        risk_score      INTEGER NOT NULL,
        risk_band       TEXT NOT NULL,
        key_metrics     TEXT NOT NULL,
        insights        TEXT NOT NULL,
        recommendations TEXT NOT NULL,
        history         TEXT NOT NULL,
        warnings        TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
    ) WITHOUT ROWID;
    """,
    # 2: the result parts of inference.result: per-kind components; explanations (insights,
    # recommendations) null until a person is opened; persons found by id without a scan.
    """
    CREATE TABLE results_v2 (
        run_id          TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        person_id       TEXT NOT NULL,
        probability     REAL NOT NULL,
        risk_score      INTEGER NOT NULL,
        risk_band       TEXT NOT NULL,
        components      TEXT NOT NULL,
        key_metrics     TEXT NOT NULL,
        history         TEXT NOT NULL,
        warnings        TEXT NOT NULL,
        insights        TEXT,
        recommendations TEXT,
        PRIMARY KEY (run_id, position)
    ) WITHOUT ROWID;
    INSERT INTO results_v2
        SELECT run_id, position, person_id, probability, risk_score, risk_band, '{}',
               key_metrics, history, warnings, insights, recommendations FROM results;
    DROP TABLE results;
    ALTER TABLE results_v2 RENAME TO results;
    CREATE INDEX results_person ON results (run_id, person_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
PAGE_SIZE = 16384  # bytes, for new databases

_RUN_COLUMNS = ("id", "created_at", "source_name", "n_persons", "band_counts",
                "mean_probability", "model_version", "model_sha256", "warnings")
_RUN_JSON = ("band_counts", "warnings")
_RESULT_COLUMNS = RESULT_FIELDS  # the JSON parts are stored as the JSON text they were given
_SELECT_RESULTS = f"SELECT {','.join(_RESULT_COLUMNS)} FROM results"
# Orders a run's results can be read in (whitelisted: they are spliced into the SQL). Persons
# without the figure come last either way.
RESULT_ORDERS: dict[str, str] = {
    "position": "position",
    "person": "person_id COLLATE NOCASE",
    "score": "probability",
    **{name: f"json_extract(key_metrics, '$.{key}')" for name, key in (
        ("income", "avg_monthly_income"), ("net", "avg_net_cash_flow"),
        ("liquidity", "months_of_liquidity"), ("missed", "missed_payments"))},
}


class StoreError(RuntimeError):
    """The database cannot be used (newer schema than this code, unreadable file, ...)."""


class Store:
    def __init__(self, path: str | Path, busy_timeout_ms: int = 5000) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), never implicit.
        self.conn = sqlite3.connect(self.path, timeout=busy_timeout_ms / 1000.0,
                                    isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA synchronous = NORMAL")  # durable enough under WAL, faster

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> int:
        """Bring the schema to SCHEMA_VERSION; safe when several processes do it at once."""
        # Results are a few kB of JSON per person: with 16 kB pages instead of 4 kB they rarely
        # spill onto overflow pages, and a large run is written about 1.7x faster. Takes effect
        # only when the database is created (a no-op for an existing file).
        self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        self._switch_to_wal()
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(f"database {self.path} has schema version {version}, newer than "
                             f"this code's {SCHEMA_VERSION}; upgrade the service")
        while version < SCHEMA_VERSION:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                # Re-read under the write lock: another worker may have migrated meanwhile.
                version = self.schema_version()
                if version < SCHEMA_VERSION:
                    for statement in _statements(MIGRATIONS[version]):
                        self.conn.execute(statement)
                    version += 1
                    self.conn.execute(f"PRAGMA user_version = {version}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return version

    def _switch_to_wal(self) -> None:
        """PRAGMA journal_mode = WAL, waiting for other processes as the busy timeout would.

        Workers starting together on a new file race to switch it; SQLite answers "database is
        locked" at once there instead of calling the busy handler (seen in 18 of 30 starts of
        four processes), so the wait is done here.
        """
        deadline = time.monotonic() + self.busy_timeout_ms / 1000.0
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def ping(self) -> None:
        """Raise if the database is not usable at the expected schema version."""
        version = self.schema_version()
        if version != SCHEMA_VERSION:
            raise StoreError(f"database {self.path} is at schema version {version}, expected "
                             f"{SCHEMA_VERSION}")

    # -- writes ----------------------------------------------------------------------------------
    def save_run(self, run: dict[str, Any] | Callable[[], dict[str, Any]],
                 results: Iterable[ResultRow]) -> None:
        """Store a run summary and its result rows, all or nothing.

        The rows are staged as they come in a TEMP table private to this connection: a large
        run is scored chunk by chunk and never held whole, and staging takes no lock on the
        database. ``run`` may be a callable that gives the summary once every row is staged
        (its counts come from the rows). One IMMEDIATE transaction then copies the rows in,
        so the write lock is held for the copy only and a reader never sees half a run.
        """
        columns = ",".join(_RESULT_COLUMNS)
        self.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS staged_results "
                          f"(position INTEGER PRIMARY KEY, {columns})")
        try:
            self.conn.execute("BEGIN")  # deferred: touches only the temp database
            try:
                self.conn.executemany(
                    f"INSERT INTO temp.staged_results (position, {columns}) VALUES "
                    f"({','.join('?' * (len(_RESULT_COLUMNS) + 1))})",
                    ((i, *r) for i, r in enumerate(results)))
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            summary = run() if callable(run) else run
            run_row = tuple(dumps(summary[c]) if c in _RUN_JSON else summary[c]
                            for c in _RUN_COLUMNS)
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute(f"INSERT INTO runs ({','.join(_RUN_COLUMNS)}) VALUES "
                                  f"({','.join('?' * len(_RUN_COLUMNS))})", run_row)
                self.conn.execute(f"INSERT INTO results (run_id, position, {columns}) "
                                  f"SELECT ?, position, {columns} FROM temp.staged_results "
                                  "ORDER BY position", (summary["id"],))
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        finally:
            self.conn.execute("DELETE FROM temp.staged_results")

    def delete_run(self, run_id: str) -> bool:
        """Delete a run and (by cascade) its results; False if there was no such run."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            deleted = self.conn.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return deleted > 0

    # -- reads -----------------------------------------------------------------------------------
    def list_runs(self, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Newest first; (one page of run summaries, total number of runs)."""
        rows = self.conn.execute(
            f"SELECT {','.join(_RUN_COLUMNS)} FROM runs ORDER BY created_at DESC, rowid DESC "
            "LIMIT ? OFFSET ?", (int(limit), int(offset))).fetchall()
        total = self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        return [_run_dict(r) for r in rows], int(total)

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        """The run's summary, or None."""
        row = self.conn.execute(f"SELECT {','.join(_RUN_COLUMNS)} FROM runs WHERE id = ?",
                                (run_id,)).fetchone()
        return None if row is None else _run_dict(row)

    def results(self, run_id: str, offset: int = 0, limit: int | None = None,
                order: str = "position", descending: bool = False) -> list[ResultRow]:
        """Rows of a run's results (tuples in RESULT_FIELDS order), in upload order or by one
        of RESULT_ORDERS."""
        key = RESULT_ORDERS[order]
        direction = "DESC" if descending else "ASC"
        return self._tuples(
            f"{_SELECT_RESULTS} WHERE run_id = ? ORDER BY {key} IS NULL, {key} {direction}, "
            "position LIMIT ? OFFSET ?",
            (run_id, -1 if limit is None else int(limit), int(offset)))

    def results_after(self, run_id: str, position: int, limit: int
                      ) -> list[tuple[int, ResultRow]]:
        """(position, row) of up to ``limit`` results after ``position``, in upload order: for
        reading a whole run page by page (keyset pages: each as fast as the first)."""
        rows = self._tuples(f"SELECT position, {','.join(_RESULT_COLUMNS)} FROM results "
                            "WHERE run_id = ? AND position > ? ORDER BY position LIMIT ?",
                            (run_id, int(position), int(limit)))
        return [(r[0], r[1:]) for r in rows]

    def person(self, run_id: str, person_id: str) -> tuple[int, ResultRow] | None:
        """(position, row) of one person of a run, or None."""
        rows = self._tuples(f"SELECT position, {','.join(_RESULT_COLUMNS)} FROM results "
                            "WHERE run_id = ? AND person_id = ? ORDER BY position LIMIT 1",
                            (run_id, person_id))
        return (rows[0][0], rows[0][1:]) if rows else None

    def _tuples(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: they are ResultRows as they come
        return cursor.execute(sql, params).fetchall()

    # -- explanations, kept once computed --------------------------------------------------------
    def save_explanation(self, run_id: str, position: int, row: ResultRow) -> bool:
        """Keep a person's lazily computed parts (from ``row``); False if the run is gone.

        Only fills parts still null: two workers opening one person at once both compute it,
        and the first one's text is kept (they are equal).
        """
        values = [row[INDEX[name]] for name in LAZY_FIELDS]
        sets = ", ".join(f"{name} = COALESCE({name}, ?)" for name in LAZY_FIELDS)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            changed = self.conn.execute(
                f"UPDATE results SET {sets} WHERE run_id = ? AND position = ?",
                (*values, run_id, int(position))).rowcount
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return changed > 0

    def count_runs(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def count_results(self, run_id: str | None = None) -> int:
        if run_id is None:
            return int(self.conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])
        return int(self.conn.execute("SELECT COUNT(*) FROM results WHERE run_id = ?",
                                     (run_id,)).fetchone()[0])


def _run_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {c: json.loads(row[c]) if c in _RUN_JSON else row[c] for c in _RUN_COLUMNS}


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction first; run the statements one by one instead.
    return [s.strip() for s in script.split(";") if s.strip()]


def open_store(path: str | Path, busy_timeout_ms: int = 5000, migrate: bool = False) -> Store:
    """Open (and optionally migrate) the store, creating the database's directory if needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    store = Store(path, busy_timeout_ms)
    if migrate:
        store.migrate()
    return store
