"""The store for the current request (opened on first use, closed when the request ends), and
the process's view of the store's health (see inference.store_health)."""

from __future__ import annotations

from flask import Flask, current_app, g

from inference.store import Store
from inference.store_health import StoreHealth, StoreHealthOptions

_HEALTH_KEY = "scorer.database_health"


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
    app.teardown_appcontext(close_store)
    return health


def get_store() -> Store:
    """One connection per request (sqlite3 connections must stay in their thread)."""
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE_PATH"],
                        current_app.config["DATABASE_BUSY_TIMEOUT_MS"])
    return g.store


def close_store(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()
