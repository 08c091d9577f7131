"""The nginx template in front of gunicorn agrees with the service's own limits, and compose
publishes only the proxy (issue #13). The proxy itself runs in tests/faults and the container
check."""

from __future__ import annotations

import os
import re
import runpy
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "deploy" / "nginx" / "default.conf.template").read_text()


def _directive(name: str) -> str:
    found = re.findall(rf"^\s*{name}\s+([^;]+);", TEMPLATE, re.MULTILINE)
    assert len(found) == 1, f"{name}: {found}"
    return found[0].strip()


def test_the_template_has_the_official_images_placeholders():
    assert _directive("listen") == "${NGINX_PORT}"
    assert "proxy_pass http://scorer" in TEMPLATE
    assert re.search(r"server \$\{SCORER_UPSTREAM\};", TEMPLATE)
    # No other ${...}: envsubst would blank anything it was not given.
    assert set(re.findall(r"\$\{(\w+)\}", TEMPLATE)) == {"NGINX_PORT", "SCORER_UPSTREAM"}


def test_body_and_time_limits_match_the_service():
    with open(ROOT / "web" / "config.toml", "rb") as fh:
        config = tomllib.load(fh)
    assert _directive("client_max_body_size") == f"{config['limits']['max_upload_mb']:g}m"
    assert "32 MB limit" in TEMPLATE  # nginx's own 413 message
    gunicorn_conf = (ROOT / "web" / "gunicorn_conf.py").read_text()
    timeout = re.search(r'timeout = _int\("GUNICORN_TIMEOUT", (\d+)\)', gunicorn_conf).group(1)
    assert _directive("proxy_read_timeout") == f"{timeout}s"
    assert _directive("proxy_request_buffering") == "on"
    assert _directive("client_body_timeout").endswith("s")
    assert _directive("client_header_timeout").endswith("s")


def test_compose_publishes_only_the_proxy():
    compose = (ROOT / "docker-compose.yml").read_text()
    services = re.split(r"^  (\w+):\n", compose.split("\nservices:\n")[1].split("\nvolumes:")[0],
                        flags=re.MULTILINE)
    blocks = dict(zip(services[1::2], services[2::2], strict=True))
    assert {"train", "serve", "proxy"} <= set(blocks)
    assert "ports:" not in blocks["serve"] and "ports:" not in blocks["train"]
    # Other services publish nothing but to loopback (the Dask dashboard of the scale profile).
    for name, block in blocks.items():
        if name != "proxy" and "ports:" in block:
            assert all(line.strip().startswith('- "127.0.0.1:')
                       for line in block.split("ports:")[1].splitlines()[1:2]), name
    assert "ports:" in blocks["proxy"] and "image: nginx:stable" in blocks["proxy"]
    assert "./deploy/nginx:/etc/nginx/templates" in blocks["proxy"]
    assert "SCORER_UPSTREAM: serve:8000" in blocks["proxy"]


def _gunicorn_config(monkeypatch, **env: str):
    """web/gunicorn_conf.py read as gunicorn reads it, with only ``env`` set of its variables."""
    from gunicorn.config import Config

    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cfg = Config()
    for key, value in runpy.run_path(str(ROOT / "web" / "gunicorn_conf.py")).items():
        if key in cfg.settings:
            cfg.set(key, value)
    return cfg


def test_the_default_worker_is_sync_and_threads_switch_to_gthread(monkeypatch):
    default = _gunicorn_config(monkeypatch)
    assert default.worker_class.__name__ == "SyncWorker" and default.threads == 1
    threaded = _gunicorn_config(monkeypatch, GUNICORN_THREADS="4")
    assert threaded.worker_class.__name__ == "ThreadWorker" and threaded.threads == 4


def test_the_images_and_compose_keep_the_config_defaults():
    gunicorn_conf = (ROOT / "web" / "gunicorn_conf.py").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    dockerfile = (ROOT / "Dockerfile.serve").read_text()
    for name in ("WORKERS", "THREADS"):
        default = re.search(rf'_int\("GUNICORN_{name}", (\d+)\)', gunicorn_conf).group(1)
        assert f"GUNICORN_{name}: ${{GUNICORN_{name}:-{default}}}" in compose, name
        assert re.search(rf"GUNICORN_{name}={default}\b", dockerfile), name
