"""The store for the current request: one SQLite connection per worker thread, kept open.

Opening a connection per request cost more than the query: the open, and the close, which on
the last connection to a WAL database checkpoints it (about a tenth of a small request,
``python -m benchmarks.bench_request``). A thread keeps its connection instead (sqlite3
connections must stay in their thread), per process (never across gunicorn's fork) and per
database path. A request that fails inside a transaction leaves it rolled back.

Also the process's view of the store's health (inference.store_health), which /readyz reports.
"""

from __future__ import annotations

import os
import threading

from flask import Flask, current_app

from inference.store import Store
from inference.store_health import StoreHealth, StoreHealthOptions

_HEALTH_KEY = "scorer.database_health"

_local = threading.local()


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
        store = stores[key] = Store(key[1], key[2])
    store.scope = request_scope()
    _local.used = store
    return store


def release_store(_exc: BaseException | None = None) -> None:
    """End of request: the connection stays open, but never inside a transaction."""
    store = _local.__dict__.pop("used", None)
    if store is not None and store.conn.in_transaction:
        store.conn.rollback()


def close_thread_stores() -> None:
    """Close this thread's connections (tests, and workers that want to let go of a file)."""
    for store in _local.__dict__.pop("stores", {}).values():
        store.close()
    _local.__dict__.pop("used", None)
