"""The store for the current request: opened on first use, closed when the request ends."""

from __future__ import annotations

from flask import Flask, current_app, g

from inference.store import Store, open_store


def init_app(app: Flask) -> None:
    """Create the database's directory and bring its schema up to date (at startup, not import)."""
    with open_store(app.config["DATABASE_PATH"], app.config["DATABASE_BUSY_TIMEOUT_MS"],
                    migrate=True):
        pass
    app.teardown_appcontext(close_store)


def get_store() -> Store:
    """One connection per request (sqlite3 connections must stay in their thread), scoped to
    the runs the request's principal may see (set on each call: signing in changes it)."""
    from .auth.principal import request_scope  # the auth package itself reads the store

    if "store" not in g:
        g.store = Store(current_app.config["DATABASE_PATH"],
                        current_app.config["DATABASE_BUSY_TIMEOUT_MS"])
    g.store.scope = request_scope()
    return g.store


def close_store(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()
