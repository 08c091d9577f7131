"""A real gunicorn, started the way the container starts it, on a free loopback port; shared by
the integration and browser tests (tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60


@dataclass
class Server:
    url: str
    pid: int
    db_path: Path
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 60
                ) -> tuple[int, dict | str]:
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw, kind = resp.status, resp.read(), resp.headers.get_content_type()
        except urllib.error.HTTPError as err:
            status, raw, kind = err.code, err.read(), err.headers.get_content_type()
        return status, json.loads(raw) if kind == "application/json" else raw.decode()

    def post_csv(self, data: bytes, filename: str | None = None) -> tuple[int, dict | str]:
        if filename is None:
            return self.request("POST", "/api/v1/score", data, {"Content-Type": "text/csv"})
        body, content_type = multipart({"file": (filename, data)})
        return self.request("POST", "/api/v1/score", body, {"Content-Type": content_type})

    def run_ids(self) -> set[str]:
        if not self.db_path.exists():
            return set()
        with sqlite3.connect(self.db_path) as conn:
            return {row[0] for row in conn.execute("SELECT id FROM runs")}

    def flask(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """``flask --app web.wsgi ARGS`` with the server's settings (its database, its secret),
        as an operator runs it beside the service."""
        return subprocess.run([sys.executable, "-m", "flask", "--app", "web.wsgi", *args],
                              cwd=PROJECT_ROOT, env=self.env, input=stdin, text=True,
                              capture_output=True, timeout=120)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def multipart(files: dict[str, tuple[str, bytes]], fields: dict[str, str] | None = None
              ) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f'{value}\r\n'.encode() for name, value in (fields or {}).items()]
    for field_name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
                     f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                     + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command() -> list[str]:
    script = Path(sys.executable).with_name("gunicorn")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]
    return [*head, "--config", "web/gunicorn_conf.py", "web.wsgi:app"]


@contextmanager
def gunicorn(tmp_path: Path, artifacts: Path, workers: int = 2, threads: int = 1,
             extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    port = free_port()
    db_path = tmp_path / "instance" / "scorer.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCORER_", "GUNICORN_"))}
    env.update({"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers),
                "GUNICORN_THREADS": str(threads), "GUNICORN_TIMEOUT": "120",
                "SCORER__ARTIFACTS__DIR": str(artifacts),
                "SCORER__DATABASE__PATH": str(db_path), **(extra_env or {})})
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(gunicorn_command(), cwd=PROJECT_ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc.pid, db_path, log_path, env)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{server.log()}")
            try:
                if server.request("GET", "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {STARTUP_TIMEOUT_S}s:\n"
                            f"{server.log()}")
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()  # SIGTERM to the master (by PID): it stops its workers gracefully
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def wait_until_ready(server: Server, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
    """Workers load the model after forking: wait until a request sees one ready."""
    deadline = time.monotonic() + timeout_s
    while server.request("GET", "/readyz")[0] != 200:
        if time.monotonic() > deadline:
            pytest.fail(f"gunicorn never became ready:\n{server.log()}")
        time.sleep(0.1)
