"""The store for the current request: one SQLite connection per worker thread, kept open.

Opening a connection per request cost more than the query: the open, and the close, which on
the last connection to a WAL database checkpoints it (about a tenth of a small request,
``python -m benchmarks.bench_request``). A thread keeps its connection instead (sqlite3
connections must stay in their thread), per process (never across gunicorn's fork) and per
database path. A request that fails inside a transaction leaves it rolled back.

The log (WAL) is copied into the database by a thread of this process (``Checkpointer``),
not by whichever request's commit happens to fill it: a copy syncs the disk, 60-350 ms during
which that request, and every request queued behind it on the worker, waited.

Also the process's view of the store's health (inference.store_health), which /readyz reports.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time

from flask import Flask, current_app

from inference.store import WAL_SAFETY_CHECKPOINT_PAGES, Store
from inference.store_health import StoreHealth, StoreHealthOptions

_HEALTH_KEY = "scorer.database_health"
# After a write, how long the checkpointer waits for more before copying them all at once.
CHECKPOINT_DELAY_S = 1.0

_local = threading.local()
_log = logging.getLogger(__name__)


class Checkpointer:
    """Copies a database's WAL into the database off the request path: one daemon thread per
    process and database, woken by commits (``wrote``), copying at most once a
    ``CHECKPOINT_DELAY_S``. PASSIVE: it neither waits for nor blocks readers and writers; a
    log it could not copy whole is copied on the next wake. Request connections keep a far
    higher ``wal_autocheckpoint`` as a bound should this thread fall behind.

    The thread ends when the database file is gone (a test's directory removed): it opens the
    file read-write only, never creating one.
    """

    def __init__(self, path: str, busy_timeout_ms: int) -> None:
        self.path, self.busy_timeout_ms = path, busy_timeout_ms
        self._wrote = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-wal-checkpoint",
                                        daemon=True)
        self._thread.start()

    def wrote(self) -> None:
        self._wrote.set()

    def _run(self) -> None:
        while True:
            self._wrote.wait()
            time.sleep(CHECKPOINT_DELAY_S)  # gather a second's writes into one copy
            self._wrote.clear()
            if not os.path.exists(self.path):
                return
            try:
                self.checkpoint()
            except sqlite3.Error as exc:  # the next wake tries again; readiness reports the file
                _log.warning("WAL checkpoint of %s failed: %s", self.path, exc)

    def checkpoint(self) -> None:
        conn = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True,
                               timeout=self.busy_timeout_ms / 1000.0)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()


_checkpointers: dict[tuple[int, str], Checkpointer] = {}
_checkpointers_lock = threading.Lock()


def _checkpointer(pid: int, path: str, busy_timeout_ms: int) -> Checkpointer:
    with _checkpointers_lock:
        found = _checkpointers.get((pid, path))
        if found is None or not found._thread.is_alive():
            found = _checkpointers[(pid, path)] = Checkpointer(path, busy_timeout_ms)
        return found


def init_app(app: Flask) -> StoreHealth:
    """Create the database's directory and bring its schema up to date (at startup, not import).

    A database that cannot be opened or migrated does not stop the app: /readyz and every
    request that needs it answer 503 with SQLite's reason, and the next readiness probe tries
    again (as with a missing model).
    """
    config = app.config
    health = StoreHealth(config["DATABASE_PATH"], config["DATABASE_BUSY_TIMEOUT_MS"],
                         StoreHealthOptions(config["DATABASE_QUICK_CHECK_INTERVAL_S"],
                                            config["DATABASE_MIN_FREE_MB"]))
    reason = health.migrate()
    if reason:
        app.logger.error("database %s not usable: %s", config["DATABASE_PATH"], reason)
    app.extensions[_HEALTH_KEY] = health
    app.teardown_appcontext(release_store)
    return health


def get_store() -> Store:
    """This thread's connection to the app's database, opened on first use, scoped to the runs
    the current request's principal may see (set on every call: connections outlive requests,
    and signing in changes the principal)."""
    from .auth.principal import request_scope  # the auth package itself reads the store

    key = (os.getpid(), str(current_app.config["DATABASE_PATH"]),
           current_app.config["DATABASE_BUSY_TIMEOUT_MS"])
    stores: dict[tuple, Store] = _local.__dict__.setdefault("stores", {})
    store = stores.get(key)
    if store is None:
        store = stores[key] = Store(key[1], key[2],
                                    autocheckpoint_pages=WAL_SAFETY_CHECKPOINT_PAGES)
    store.scope = request_scope()
    _local.used = store, store.conn.total_changes
    return store


def release_store(_exc: BaseException | None = None) -> None:
    """End of request: the connection stays open, but never inside a transaction; what the
    request wrote is copied into the database by the checkpointer, after it."""
    used = _local.__dict__.pop("used", None)
    if used is None:
        return
    store, changes = used
    if store.conn.in_transaction:
        store.conn.rollback()
    if store.conn.total_changes != changes:
        _checkpointer(os.getpid(), store.path, store.busy_timeout_ms).wrote()


def close_thread_stores() -> None:
    """Close this thread's connections (tests, and workers that want to let go of a file)."""
    for store in _local.__dict__.pop("stores", {}).values():
        store.close()
    _local.__dict__.pop("used", None)
