"""SQLite store of scoring runs and per-person results (stdlib sqlite3).

WAL journal (readers do not block the writer), a busy timeout (concurrent writers from several
gunicorn workers wait instead of failing), foreign keys on so deleting a run cascades to its
results, and the schema versioned with ``PRAGMA user_version``: each entry of ``MIGRATIONS``
upgrades the database by one version, inside one transaction. A run and all its results are
written in one transaction, so a reader never sees half a run.

A ``Store`` wraps one connection; open one per thread (the web layer opens one per request).

Ownership is enforced here and only here: a ``Store`` is opened with a ``Scope`` (whose runs it
works with), every read, count and delete of runs or results filters by it (``_visible``), and
new runs are saved as the scope's owner. Code that adds a query on ``runs`` or ``results`` must
go through ``_visible`` too, so that routes built on it keep other people's runs out of sight.

Deleted rows are overwritten in the file (``secure_delete``), not just unlinked: a deleted or
purged run's finances cannot be read back from the database file.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
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
    # 3: Idempotency-Key of POST /api/v1/score -> the run it stored (deleted with the run)
    """
    CREATE TABLE idempotency_keys (
        scope       TEXT NOT NULL,
        key         TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (scope, key)
    );
    CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
    CREATE INDEX idempotency_keys_run_id ON idempotency_keys (run_id);
    """,
    # 4: contributions that add up (lazy, like the other explanations)
    """
    ALTER TABLE results ADD COLUMN contributions TEXT;
    """,
    # 5: accounts. A run belongs to the user who scored it (NULL: scored without accounts, or
    # with the service key; only admins see those); deleting a user deletes their runs.
    """
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        is_admin      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE tokens (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_sha256 TEXT NOT NULL UNIQUE,
        prefix       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_used_at TEXT
    );
    CREATE INDEX tokens_user ON tokens (user_id);
    ALTER TABLE runs ADD COLUMN owner_id INTEGER REFERENCES users (id) ON DELETE CASCADE;
    CREATE INDEX runs_owner ON runs (owner_id, created_at DESC);
    CREATE TABLE login_failures (
        subject TEXT NOT NULL,
        at      REAL NOT NULL
    );
    CREATE INDEX login_failures_subject ON login_failures (subject, at);
    CREATE TABLE instance (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 6: signing out ends the user's sessions everywhere: a session cookie names the epoch it
    # was issued in, and signing out moves the user to the next one (a copied cookie dies too).
    """
    ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
IDEMPOTENCY_WINDOW = timedelta(hours=24)  # a retry within this long returns the first run
PAGE_SIZE = 16384  # bytes, for new databases
# WAL pages after which a commit checkpoints the log into the database (SQLite's default: 1000).
# Each checkpoint syncs the log and the database to disk (60-350 ms on the shared benchmark VM)
# and the request whose commit triggered it waits for that. A one-person run writes about ten
# 16 kB pages, so with the default every hundredth small request waited: exactly the p99. Every
# 4000 pages (a log of up to 64 MB) is every ~400th, with a quarter of the syncs in all. The web
# app goes further: its request connections leave the copy to a thread of its own (web.db), and
# keep ``WAL_SAFETY_CHECKPOINT_PAGES`` only as a bound on the log should that thread fall behind.
WAL_AUTOCHECKPOINT_PAGES = 4000
WAL_SAFETY_CHECKPOINT_PAGES = 16_000

_RUN_COLUMNS = ("id", "created_at", "source_name", "n_persons", "band_counts",
                "mean_probability", "model_version", "model_sha256", "warnings")
_SELECT_RUN = f"SELECT {','.join(_RUN_COLUMNS)} FROM runs"
_RUN_JSON = ("band_counts", "warnings")
_RESULT_COLUMNS = RESULT_FIELDS  # the JSON parts are stored as the JSON text they were given
_RESULT_LIST = ",".join(_RESULT_COLUMNS)
_SELECT_RESULTS = f"SELECT {_RESULT_LIST} FROM results"
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


@dataclass(frozen=True)
class Scope:
    """Whose runs a connection works with. New runs are saved as ``owner_id``'s (None: no
    owner, as in single-user mode); reads, counts and deletes see only the runs of ``owner_id``
    unless ``sees_all`` (admins, single-user mode, maintenance)."""

    owner_id: int | None = None
    sees_all: bool = True


EVERYONE = Scope()
NOBODY = Scope(owner_id=0, sees_all=False)  # user ids start at 1: sees no run, owns none


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's Idempotency-Key, whose caller it belongs to, and what the request carried."""

    key: str
    fingerprint: str  # sha256 of what was scored: the same key with another body is refused
    scope: str = ""  # whose key it is (empty: the service has one shared client)


@dataclass(frozen=True)
class KeyedRun:
    run_id: str
    fingerprint: str


class Store:
    def __init__(self, path: str | Path, busy_timeout_ms: int = 5000,
                 scope: Scope = EVERYONE,
                 autocheckpoint_pages: int = WAL_AUTOCHECKPOINT_PAGES) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.scope = scope
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), never implicit.
        self.conn = sqlite3.connect(self.path, timeout=busy_timeout_ms / 1000.0,
                                    isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA synchronous = NORMAL")  # durable enough under WAL, faster
        self.conn.execute("PRAGMA main.secure_delete = ON")  # deleted finances zeroed on disk
        # Not in this connection's temp database (the staging of large runs, save_run): it is
        # a file only this connection holds, unlinked from the start, so zeroing its freed
        # pages protects nothing its deletion does not, and clearing a 1M-person staging
        # table took ~5.7 s with it, 0.3 s without.
        self.conn.execute("PRAGMA temp.secure_delete = OFF")
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint_pages)}")

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
            with self.transaction():
                # Re-read under the write lock: another worker may have migrated meanwhile.
                version = self.schema_version()
                if version < SCHEMA_VERSION:
                    for statement in _statements(MIGRATIONS[version]):
                        self.conn.execute(statement)
                    version += 1
                    self.conn.execute(f"PRAGMA user_version = {version}")
        return version

    @contextmanager
    def transaction(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One transaction (BEGIN IMMEDIATE, a write lock, unless ``mode`` says DEFERRED),
        committed at the end of the block and rolled back on any error."""
        self.conn.execute(f"BEGIN {mode}")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk, an I/O error): a
            # second ROLLBACK would fail with "no transaction is active" and hide the real one.
            if self.conn.in_transaction:
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise

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
        if version == 0:  # what a connection finds once the file was deleted or swapped
            raise StoreError(f"database {self.path} is empty (schema version 0, expected "
                             f"{SCHEMA_VERSION}): the file was deleted or replaced while the "
                             "service ran; restore a backup, or restart the service to start "
                             "an empty database")
        if version != SCHEMA_VERSION:
            raise StoreError(f"database {self.path} is at schema version {version}, expected "
                             f"{SCHEMA_VERSION}")

    # -- writes ----------------------------------------------------------------------------------
    def save_run(self, run: dict[str, Any] | Callable[[], dict[str, Any]],
                 results: Iterable[ResultRow], idempotency: IdempotencyKey | None = None
                 ) -> KeyedRun | None:
        """Store a run summary and its result rows, all or nothing.

        Rows already held in a list (a small upload) go straight in, in the one transaction
        that stores the run. Rows from an iterator (a large run, scored chunk by chunk and
        never held whole) are first staged as they come in a TEMP table private to this
        connection, which takes no lock on the database; one IMMEDIATE transaction then copies
        them in, so the write lock is held for the copy only. Either way a reader never sees
        half a run. ``run`` may be a callable that gives the summary once every row is staged
        (its counts come from the rows).

        With an idempotency key, the key is recorded in that same transaction; when another
        request recorded it first (a concurrent retry), nothing is written and that request's
        run is returned instead, so a retry never stores a second run.
        """
        if isinstance(results, list | tuple):
            return self._commit_run(run, idempotency, lambda conn, run_id: conn.executemany(
                f"INSERT INTO results (run_id, position, {_RESULT_LIST}) VALUES "
                f"({','.join('?' * (len(_RESULT_COLUMNS) + 2))})",
                [(run_id, i, *r) for i, r in enumerate(results)]))
        self.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS staged_results "
                          f"(position INTEGER PRIMARY KEY, {_RESULT_LIST})")
        try:
            with self.transaction("DEFERRED") as conn:  # touches only the temp database
                conn.executemany(
                    f"INSERT INTO temp.staged_results (position, {_RESULT_LIST}) VALUES "
                    f"({','.join('?' * (len(_RESULT_COLUMNS) + 1))})",
                    ((i, *r) for i, r in enumerate(results)))
            return self._commit_run(run, idempotency, lambda conn, run_id: conn.execute(
                f"INSERT INTO results (run_id, position, {_RESULT_LIST}) "
                f"SELECT ?, position, {_RESULT_LIST} FROM temp.staged_results "
                "ORDER BY position", (run_id,)))
        finally:
            self.conn.execute("DELETE FROM temp.staged_results")

    def _commit_run(self, run: dict[str, Any] | Callable[[], dict[str, Any]],
                    idempotency: IdempotencyKey | None,
                    insert_results: Callable[[sqlite3.Connection, str], object]
                    ) -> KeyedRun | None:
        """The write transaction of ``save_run``: the run, its results, its key."""
        summary = run() if callable(run) else run
        run_row = (*(dumps(summary[c]) if c in _RUN_JSON else summary[c]
                     for c in _RUN_COLUMNS), self.scope.owner_id)
        with self.transaction() as conn:
            if idempotency is not None:
                conn.execute("DELETE FROM idempotency_keys WHERE created_at < ?",
                             (_window_start(summary["created_at"]),))
                # Read again under the write lock: a concurrent retry may have stored it.
                first = self.keyed_run(idempotency, summary["created_at"])
                if first is not None:
                    return first
            conn.execute(f"INSERT INTO runs ({','.join(_RUN_COLUMNS)}, owner_id) VALUES "
                         f"({','.join('?' * len(run_row))})", run_row)
            insert_results(conn, summary["id"])
            if idempotency is not None:
                conn.execute("INSERT INTO idempotency_keys (scope, key, fingerprint, "
                             "run_id, created_at) VALUES (?, ?, ?, ?, ?)",
                             (idempotency.scope, idempotency.key, idempotency.fingerprint,
                              summary["id"], summary["created_at"]))
        return None

    def keyed_run(self, idempotency: IdempotencyKey, now: str) -> KeyedRun | None:
        """The run stored under this key within the last IDEMPOTENCY_WINDOW, if any."""
        row = self.conn.execute(
            "SELECT run_id, fingerprint FROM idempotency_keys WHERE scope = ? AND key = ? "
            "AND created_at >= ?", (idempotency.scope, idempotency.key,
                                    _window_start(now))).fetchone()
        return None if row is None else KeyedRun(row[0], row[1])

    def delete_run(self, run_id: str) -> bool:
        """Delete a run and (by cascade) its results; False if there was no such run in scope."""
        where, params = self._visible()
        return self._delete(f"DELETE FROM runs WHERE id = ? AND {where}", (run_id, *params)) > 0

    def delete_own_runs(self) -> int:
        """Delete every run of the scope's owner (not everyone's, even for an admin)."""
        return self._delete("DELETE FROM runs WHERE owner_id IS ?", (self.scope.owner_id,))

    def purge_created_before(self, cutoff: str) -> int:
        """Delete everyone's runs created before ``cutoff`` (ISO time, UTC), then checkpoint the
        WAL so their pages are overwritten in the main file and the log is emptied."""
        deleted = self._delete("DELETE FROM runs WHERE created_at < ?", (cutoff,))
        if deleted:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def _delete(self, sql: str, params: tuple[Any, ...]) -> int:
        with self.transaction() as conn:
            return conn.execute(sql, params).rowcount

    # -- reads -----------------------------------------------------------------------------------
    def _visible(self, table: str = "runs") -> tuple[str, tuple[Any, ...]]:
        """SQL condition (and its parameters) on ``table``'s rows for the runs in scope."""
        if self.scope.sees_all:
            return "1", ()
        if table == "runs":
            return "owner_id IS ?", (self.scope.owner_id,)
        return (f"{table}.run_id IN (SELECT id FROM runs WHERE owner_id IS ?)",
                (self.scope.owner_id,))

    def list_runs(self, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Newest first; (one page of run summaries, total number of runs), both in scope."""
        where, params = self._visible()
        rows = self.conn.execute(
            f"{_SELECT_RUN} WHERE {where} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
            (*params, int(limit), int(offset))).fetchall()
        return [_run_dict(r) for r in rows], self.count_runs()

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        """The run's summary, or None (also when the run is someone else's)."""
        where, params = self._visible()
        row = self.conn.execute(f"{_SELECT_RUN} WHERE id = ? AND {where}",
                                (run_id, *params)).fetchone()
        return None if row is None else _run_dict(row)

    def results(self, run_id: str, offset: int = 0, limit: int | None = None,
                order: str = "position", descending: bool = False) -> list[ResultRow]:
        """Rows of a run's results (tuples in RESULT_FIELDS order), in upload order or by one
        of RESULT_ORDERS."""
        key = RESULT_ORDERS[order]
        direction = "DESC" if descending else "ASC"
        where, params = self._visible("results")
        return self._tuples(
            f"{_SELECT_RESULTS} WHERE run_id = ? AND {where} "
            f"ORDER BY {key} IS NULL, {key} {direction}, position LIMIT ? OFFSET ?",
            (run_id, *params, -1 if limit is None else int(limit), int(offset)))

    def results_after(self, run_id: str, position: int, limit: int
                      ) -> list[tuple[int, ResultRow]]:
        """(position, row) of up to ``limit`` results after ``position``, in upload order: for
        reading a whole run page by page (keyset pages: each as fast as the first)."""
        where, params = self._visible("results")
        rows = self._tuples(f"SELECT position, {_RESULT_LIST} FROM results "
                            f"WHERE run_id = ? AND position > ? AND {where} "
                            "ORDER BY position LIMIT ?",
                            (run_id, int(position), *params, int(limit)))
        return [(r[0], r[1:]) for r in rows]

    def person(self, run_id: str, person_id: str) -> tuple[int, ResultRow] | None:
        """(position, row) of one person of a run, or None.

        Found through the (run_id, person_id) index, named: left to itself SQLite walks the
        run's results in position order (to skip the sort), which is a scan of the whole run
        (60 ms per person opened in a 100,000-person run)."""
        where, params = self._visible("results")
        rows = self._tuples(f"SELECT position, {_RESULT_LIST} FROM results "
                            "INDEXED BY results_person "
                            f"WHERE run_id = ? AND person_id = ? AND {where} "
                            "ORDER BY position LIMIT 1", (run_id, person_id, *params))
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
        where, params = self._visible("results")
        with self.transaction() as conn:
            changed = conn.execute(
                f"UPDATE results SET {sets} WHERE run_id = ? AND position = ? AND {where}",
                (*values, run_id, int(position), *params)).rowcount
        return changed > 0

    def count_runs(self) -> int:
        where, params = self._visible()
        return int(self.conn.execute(f"SELECT COUNT(*) FROM runs WHERE {where}",
                                     params).fetchone()[0])

    def count_own_runs(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM runs WHERE owner_id IS ?",
                                     (self.scope.owner_id,)).fetchone()[0])

    def count_results(self, run_id: str | None = None) -> int:
        where, params = self._visible("results")
        if run_id is None:
            return int(self.conn.execute(f"SELECT COUNT(*) FROM results WHERE {where}",
                                         params).fetchone()[0])
        return int(self.conn.execute(
            f"SELECT COUNT(*) FROM results WHERE run_id = ? AND {where}",
            (run_id, *params)).fetchone()[0])


def _window_start(now: str) -> str:
    """ISO timestamp IDEMPOTENCY_WINDOW before ``now`` (timestamps sort as text: same format)."""
    start = datetime.fromisoformat(now) - IDEMPOTENCY_WINDOW
    return start.isoformat(timespec="microseconds")


def _run_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {c: json.loads(row[c]) if c in _RUN_JSON else row[c] for c in _RUN_COLUMNS}


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction first; run the statements one by one instead.
    return [s.strip() for s in script.split(";") if s.strip()]


def open_store(path: str | Path, busy_timeout_ms: int = 5000, migrate: bool = False,
               scope: Scope = EVERYONE) -> Store:
    """Open (and optionally migrate) the store, creating the database's directory if needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    store = Store(path, busy_timeout_ms, scope)
    if migrate:
        store.migrate()
    return store


def backup_database(source: str | Path, destination: str | Path,
                    pages_per_step: int = 1024) -> int:
    """Copy the database to ``destination`` with SQLite's online backup API; the page count.

    Consistent while the service keeps writing: the copy is one snapshot (the backup restarts
    if another connection writes between steps, and other writers wait at most a step). It is
    written beside the destination and renamed into place only once complete and passing
    ``PRAGMA integrity_check``, so a failed backup never leaves a half file under that name.
    """
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=pages_per_step)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise StoreError(f"the backup copy fails integrity_check: {check}")
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        finally:
            dst.close()
        partial.replace(destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    return pages
