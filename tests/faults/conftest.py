"""Fault-injection fixtures: a real gunicorn (tests/support/live_server.py) per test, started on
the storage or artifact a test has broken first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from support.faults import record_status
from support.live_server import Server, gunicorn


@pytest.fixture
def start_server(tmp_path: Path, artifact_dir: Path
                 ) -> Callable[..., AbstractContextManager[Server]]:
    """start_server(case=..., db_path=..., artifacts=..., **env): a gunicorn of 1 worker x 4
    threads; when it does not even start, that is recorded for ``case`` before failing."""
    counter = iter(range(100))

    @contextmanager
    def start(case: str, db_path: Path | None = None, artifacts: Path | None = None,
              workers: int = 1, **env: str) -> Iterator[Server]:
        home = tmp_path / f"server{next(counter)}"
        home.mkdir()
        extra = {key.upper(): str(value) for key, value in env.items()}
        if db_path is not None:
            extra["SCORER__DATABASE__PATH"] = str(db_path)
        try:
            context = gunicorn(home, artifacts or artifact_dir, workers=workers,
                               extra_env=extra)
            server = context.__enter__()
        except pytest.fail.Exception:
            record_status(case, "does not start")
            raise
        try:
            if db_path is not None:
                server.db_path = db_path
            yield server
        finally:
            context.__exit__(None, None, None)

    return start
