"""Retention: runs older than [retention] days are deleted, by ``flask purge`` (cron) and by the
service itself at most once an hour (whichever worker claims the hour in the database)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app

from inference.store import EVERYONE, Store, StoreError

from .auth.accounts import Accounts
from .db import get_store

PURGE_EVERY_S = 3600.0
_LAST_PURGE_KEY = "last_purge"


def purge_old_runs(store: Store, days: int) -> int:
    """Delete everyone's runs created more than ``days`` days ago; how many."""
    cutoff = datetime.now(UTC) - timedelta(days=days)
    return store.purge_created_before(cutoff.isoformat(timespec="microseconds"))


def _purge_if_due() -> None:
    """Purge if no process has in the last hour (the hour is claimed in the database)."""
    store = get_store()
    if not Accounts(store).claim_instance_time(_LAST_PURGE_KEY, time.time() - PURGE_EVERY_S):
        return
    scope, store.scope = store.scope, EVERYONE
    try:
        n = purge_old_runs(store, current_app.config["RETENTION_DAYS"])
    finally:
        store.scope = scope
    if n:
        current_app.logger.info("retention: purged %d runs older than %d days", n,
                                current_app.config["RETENTION_DAYS"])


def init_app(app: Flask) -> None:
    if app.config["RETENTION_DAYS"] <= 0:
        return
    # Per process: when to next ask the database whether an hour has passed (cheap requests).
    state = {"next_check": 0.0}

    @app.after_request
    def _maybe_purge(response):
        now = time.monotonic()
        if now < state["next_check"]:
            return response
        state["next_check"] = now + PURGE_EVERY_S
        try:
            _purge_if_due()
        except (sqlite3.Error, StoreError, OSError) as exc:
            # Housekeeping never fails a response; readiness reports the database.
            current_app.logger.warning("retention: purge skipped: %s", exc)
        return response
