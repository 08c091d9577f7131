"""Integration fixtures: a real gunicorn (tests/support/live_server.py) on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.live_server import Server, gunicorn, wait_until_ready


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, artifact_dir: Path
           ) -> Iterator[Server]:
    with gunicorn(tmp_path_factory.mktemp("gunicorn"), artifact_dir) as s:
        wait_until_ready(s)
        yield s
