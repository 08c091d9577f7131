"""Fault injection helpers: a small disk, files that cannot be written, a damaged page, the
workers of a live gunicorn, raw sockets. Shared by tests/faults and tests/unit.

Everything here acts through the operating system and HTTP only (no import of the service), so
tests/faults can also be run against an older commit to measure "before".
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

IS_ROOT = os.geteuid() == 0


def damage_a_page(db_path: Path, page: int = 3) -> None:
    """Overwrite one b-tree page (not the header) with garbage, as a failing disk would."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(db_path, "r+b") as fh:
        fh.seek(page_size * (page - 1))
        fh.write(b"\xa5" * page_size)


@contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` at ``path`` (root only): a disk that fills up for real."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs",
                           str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextmanager
def unwritable(path: Path) -> Iterator[Path]:
    """Make a file or directory unwritable even for root: the immutable attribute as root
    (root ignores file modes), mode 0o555/0o444 otherwise."""
    mode = path.stat().st_mode
    if IS_ROOT:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not supported here: {done.stderr.strip()}")
    else:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield path
    finally:
        if IS_ROOT:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)
        path.chmod(mode)


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def kill_workers(master_pid: int) -> list[int]:
    pids = worker_pids(master_pid)
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    return pids


def stalled_upload(host: str, port: int, path: str = "/api/v1/score",
                   announced: int = 100_000) -> socket.socket:
    """A client that announces a body and sends only a few bytes of it, then nothing."""
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/csv\r\n"
                 f"Content-Length: {announced}\r\n\r\nperson_id,".encode())
    return sock


def record_status(case: str, observed: str) -> None:
    """Append what a fault case observed to $FAULTS_TABLE (JSON lines), when set: the
    before/after table of issue #13 is made from these."""
    target = os.environ.get("FAULTS_TABLE")
    if target:
        with open(target, "a") as fh:
            fh.write(json.dumps({"case": case, "observed": observed}) + "\n")
