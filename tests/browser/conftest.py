"""Browser-test fixtures: a real gunicorn serving the test artifact
(tests/support/live_server.py), and Debian's Chromium.

Nothing is downloaded: Chromium is /usr/bin/chromium (``scripts/install-browser.sh`` installs it
from Debian's packages). Without it the browser tests are skipped, unless ``CI`` is set, where a
missing browser is a failure. Screenshots go to ``test-screenshots/`` (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from support.live_server import gunicorn, wait_until_ready

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
SCREENSHOTS = PROJECT_ROOT / "test-screenshots"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
READY_TIMEOUT_S = 30


@pytest.fixture(scope="session")
def live_server(artifact_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One real gunicorn (one worker) on a free 127.0.0.1 port, with the test artifact and a
    private SQLite database; stopped by its pid when the session ends."""
    with gunicorn(tmp_path_factory.mktemp("live"), artifact_dir, workers=1) as server:
        wait_until_ready(server, READY_TIMEOUT_S)
        yield server


ACCOUNTS_PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def accounts_server(artifact_dir: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[Any]:
    """Like live_server, with accounts required and one user, ``ada``."""
    env = {"SCORER__AUTH__REQUIRED": "true", "SCORER__AUTH__SECRET_KEY": "b" * 64}
    with gunicorn(tmp_path_factory.mktemp("accounts-live"), artifact_dir, workers=1,
                  extra_env=env) as server:
        wait_until_ready(server, READY_TIMEOUT_S)
        done = server.flask("users", "create", "ada", "--password-stdin",
                            stdin=ACCOUNTS_PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
        yield server


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; run scripts/install-browser.sh (Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Session:
    """A page plus what it did: every request URL, console errors and uncaught exceptions."""

    page: object
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def go(self, path: str):
        return self.page.goto(self.base + path)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def foreign_requests(self) -> list[str]:
        """Requests that left this machine (anything but localhost, data: and blob: URLs)."""
        return [u for u in self.requests if urlsplit(u).scheme not in ("data", "blob")
                and urlsplit(u).hostname not in LOCAL_HOSTS]


def _session(browser, live_server: Any, viewport: dict[str, int], javascript: bool = True
             ) -> Iterator[Session]:
    context = browser.new_context(viewport=viewport, base_url=live_server.url,
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    session = Session(page, live_server.url)
    page.on("request", lambda request: session.requests.append(request.url))
    page.on("pageerror", lambda exc: session.errors.append(f"page error: {exc}"))
    # Pages answering 400/404 are expected (bad uploads, deleted runs); a failing asset is not.
    page.on("console", lambda msg: session.errors.append(f"console: {msg.text}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None)
    page.on("response", lambda r: session.errors.append(f"{r.status} for {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    try:
        yield session
    finally:
        context.close()


@pytest.fixture
def web(browser, live_server: Any) -> Iterator[Session]:
    yield from _session(browser, live_server, DESKTOP)


@pytest.fixture
def accounts_web(browser, accounts_server: Any) -> Iterator[Session]:
    yield from _session(browser, accounts_server, DESKTOP)


@pytest.fixture
def mobile(browser, live_server: Any) -> Iterator[Session]:
    yield from _session(browser, live_server, MOBILE)


@pytest.fixture
def nojs(browser, live_server: Any) -> Iterator[Session]:
    """A desktop page with JavaScript off: every flow must still work."""
    yield from _session(browser, live_server, DESKTOP, javascript=False)
