"""Stalled clients: connections that announce a body and send a few bytes of it (issue #13).

Straight at gunicorn they hold its worker threads, and probes time out for as long as they stay
open; through nginx with deploy/nginx/default.conf.template (what the compose stack runs),
nginx holds them and gunicorn never sees them. Recorded for both, asserted for the proxy.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from string import Template

import pytest
from support.faults import record_status, stalled_upload
from support.live_server import PROJECT_ROOT, free_port, gunicorn, wait_until_ready

pytestmark = pytest.mark.slow

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "default.conf.template"
STALLED = 8
PROBES = 20
PROBE_TIMEOUT_S = 2.0


def _probe(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S) as response:
            return response.status == 200
    except OSError:
        return False


def _answered_while_stalled(host: str, port: int) -> int:
    sockets = [stalled_upload(host, port) for _ in range(STALLED)]
    try:
        time.sleep(0.5)
        return sum(_probe(f"http://{host}:{port}/healthz") for _ in range(PROBES))
    finally:
        for s in sockets:
            s.close()


@contextmanager
def nginx(upstream: str, home: Path) -> Iterator[int]:
    """The repository's nginx template, filled in as the official image's entrypoint does,
    run by the host's nginx in the foreground; yields the port it listens on."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        pytest.skip("nginx is not installed (scripts/install-nginx.sh)")
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    server_block = Template(TEMPLATE.read_text()).safe_substitute(
        NGINX_PORT=f"127.0.0.1:{port}", SCORER_UPSTREAM=upstream)
    (home / "scorer.conf").write_text(server_block)
    temp = "".join(f"{kind}_temp_path {home}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (home / "nginx.conf").write_text(
        f"worker_processes 1;\npid {home}/nginx.pid;\nerror_log {home}/error.log warn;\n"
        f"events {{ worker_connections 512; }}\n"
        f"http {{\n access_log off;\n {temp} include {home}/scorer.conf;\n}}\n")
    check = subprocess.run([binary, "-t", "-p", str(home), "-c", str(home / "nginx.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([binary, "-p", str(home), "-c", str(home / "nginx.conf"),
                             "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while not _probe(f"http://127.0.0.1:{port}/healthz"):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "nginx did not answer"
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()  # by PID: only the nginx this test started
        proc.wait(timeout=10)


def test_stalled_uploads_straight_at_gunicorn_and_through_nginx(tmp_path, artifact_dir):
    with gunicorn(tmp_path, artifact_dir) as server:  # the default workers and threads
        wait_until_ready(server)
        host, port = server.url.removeprefix("http://").split(":")
        direct = _answered_while_stalled(host, int(port))
        record_status(f"{STALLED} stalled uploads straight at gunicorn: /healthz probes "
                      f"answered within {PROBE_TIMEOUT_S:g} s", f"{direct}/{PROBES}")
        if not TEMPLATE.exists():
            pytest.fail("no deploy/nginx/default.conf.template to put in front")
        with nginx(f"{host}:{port}", tmp_path / "nginx") as proxy_port:
            proxied = _answered_while_stalled("127.0.0.1", proxy_port)
            record_status(f"{STALLED} stalled uploads through nginx: /healthz probes answered "
                          f"within {PROBE_TIMEOUT_S:g} s", f"{proxied}/{PROBES}")
            # Requests still work end to end through the proxy.
            body = b"person_id,month,income,expenses\na,2024-01,3000,2000\n"
            request = urllib.request.Request(f"http://127.0.0.1:{proxy_port}/api/v1/score",
                                             data=body, headers={"Content-Type": "text/csv"})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
        assert proxied == PROBES


def test_nginx_refuses_a_too_large_body_in_the_service_error_shape(tmp_path, artifact_dir):
    import json

    with gunicorn(tmp_path, artifact_dir, workers=1) as server, \
            nginx(server.url.removeprefix("http://"), tmp_path / "nginx") as proxy_port:
        request = urllib.request.Request(f"http://127.0.0.1:{proxy_port}/api/v1/score",
                                         data=b"x" * (33 * 1024 * 1024),
                                         headers={"Content-Type": "text/csv"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 413
        assert json.loads(refused.value.read())["error"]["code"] == 413


def _login_cookie(port: int, headers: dict[str, str]) -> str:
    """The Set-Cookie of the login page fetched through nginx with ``headers``."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/login", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("Set-Cookie") or ""


@pytest.mark.parametrize("hops", [1, 2])
def test_the_scheme_behind_nginx_follows_the_trusted_hops(tmp_path, artifact_dir, hops):
    """One proxy (compose's default): a client that claims https itself gets no Secure cookie.
    A TLS load balancer in front too (SCORER__PROXY__TRUSTED_HOPS=2): nginx passes its
    X-Forwarded-Proto on, and the session cookie is Secure (it was not: nginx overwrote the
    header with its own http)."""
    env = {"SCORER__AUTH__REQUIRED": "true", "SCORER__AUTH__SECRET_KEY": "k" * 64,
           "SCORER__PROXY__TRUSTED_HOPS": str(hops)}
    with gunicorn(tmp_path, artifact_dir, workers=1, extra_env=env) as server, \
            nginx(server.url.removeprefix("http://"), tmp_path / "nginx") as proxy_port:
        plain = _login_cookie(proxy_port, {})
        claimed = _login_cookie(proxy_port, {"X-Forwarded-Proto": "https",
                                             "X-Forwarded-For": "203.0.113.7"})
    assert "scorer_session=" in plain and "Secure" not in plain
    if hops == 1:
        assert "scorer_session=" in claimed and "Secure" not in claimed
    else:
        assert "scorer_session=" in claimed and "Secure" in claimed
