"""The store for the current request (opened on first use, closed when the request ends), and
the process's view of the store's health (see inference.store_health)."""

from __future__ import annotations

from flask import Flask, current_app, g

from inference.store import Store
from inference.store_health import StoreHealth

from .settings import Settings

_DB_KEY = "scorer.database"
_HEALTH_KEY = "scorer.database_health"


def init_app(app: Flask, settings: Settings) -> StoreHealth:
    """Create the database's directory and bring its schema up to date (at startup, not import).

    A database that cannot be opened or migrated does not stop the app: /readyz and every
    request that needs it answer 503 with SQLite's reason, and the next readiness probe tries
    again (as with a missing model).
    """
    health = StoreHealth(settings.database_path, settings.busy_timeout_ms, settings.store_health)
    reason = health.migrate()
    if reason:
        app.logger.error("database %s not usable: %s", settings.database_path, reason)
    app.extensions[_DB_KEY] = (settings.database_path, settings.busy_timeout_ms)
    app.extensions[_HEALTH_KEY] = health
    app.teardown_appcontext(close_store)
    return health


def get_store() -> Store:
    """One connection per request (sqlite3 connections must stay in their thread)."""
    if "store" not in g:
        path, busy_timeout_ms = current_app.extensions[_DB_KEY]
        g.store = Store(path, busy_timeout_ms)
    return g.store


def get_health() -> StoreHealth:
    return current_app.extensions[_HEALTH_KEY]


def close_store(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()
