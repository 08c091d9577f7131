"""The store for the current request: opened on first use, closed when the request ends."""

from __future__ import annotations

from flask import Flask, current_app, g

from inference.store import Store, open_store

from .settings import Settings

_DB_KEY = "scorer.database"


def init_app(app: Flask, settings: Settings) -> None:
    """Create the database's directory and bring its schema up to date (at startup, not import)."""
    with open_store(settings.database_path, settings.busy_timeout_ms, migrate=True):
        pass
    app.extensions[_DB_KEY] = (settings.database_path, settings.busy_timeout_ms)
    app.teardown_appcontext(close_store)


def get_store() -> Store:
    """One connection per request (sqlite3 connections must stay in their thread)."""
    if "store" not in g:
        path, busy_timeout_ms = current_app.extensions[_DB_KEY]
        g.store = Store(path, busy_timeout_ms)
    return g.store


def close_store(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()
