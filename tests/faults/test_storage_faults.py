"""Storage faults against a real gunicorn: a full disk, a read-only directory, a leftover
read-only -shm, a damaged copy of a database (issue #13). Each case records what it observed
(support.faults.record_status) before asserting."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.faults import damage_a_page, record_status, small_tmpfs, unwritable
from support.live_server import wait_until_ready

pytestmark = pytest.mark.slow


def _message(body) -> str:
    return body["error"]["message"] if isinstance(body, dict) and "error" in body else str(body)


def _seen(status: int, body) -> str:
    return f"{status} {_message(body)[:90]}"


def _integrity(db_path: Path) -> str:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_a_full_disk(start_server, tmp_path, sim):
    """Runs go in until the disk is full; then a 503 saying so (not a second ROLLBACK's
    "no transaction is active"), /readyz 503, and every stored run whole."""
    csv = sim.csv(300, seed=3)
    with small_tmpfs(tmp_path / "small", "3m") as disk, \
            start_server("full disk", db_path=disk / "scorer.sqlite3",
                         scorer__database__min_free_mb="0.25") as server:
        wait_until_ready(server)
        stored, failed = [], None
        for _ in range(80):
            status, body = server.post_csv(csv)
            if status != 200:
                failed = (status, body)
                break
            stored.append(body["id"])
        assert failed is not None, "the 3 MB disk never filled"
        record_status("POST /score when the disk fills", _seen(*failed))
        ready = server.request("GET", "/readyz")
        record_status("/readyz on the full disk", _seen(*ready))
        assert failed[0] == 503 and "full" in _message(failed[1]), failed
        assert "no transaction is active" not in _message(failed[1])
        assert ready[0] == 503 and "full" in _message(ready[1])
        assert server.run_ids() == set(stored)  # nothing lost, nothing half-written
        assert _integrity(server.db_path) == "ok"


def test_a_read_only_database_directory_at_start(start_server, tmp_path, sample_csv):
    """The service starts anyway, says why it is not ready, and recovers once writable."""
    directory = tmp_path / "ro"
    directory.mkdir()
    lock = unwritable(directory)
    lock.__enter__()
    try:
        with start_server("read-only database directory at start",
                          db_path=directory / "scorer.sqlite3") as server:
            ready = server.request("GET", "/readyz")
            scored = server.post_csv(sample_csv)
            record_status("read-only database directory at start: /readyz", _seen(*ready))
            record_status("read-only database directory at start: POST /score",
                          _seen(*scored))
            assert server.request("GET", "/healthz")[0] == 200
            assert ready[0] == 503 and "unable to open" in _message(ready[1])
            assert scored[0] == 503
            # Writable again: the next probe creates the schema, and scoring works.
            lock.__exit__(None, None, None)
            lock = None
            wait_until_ready(server, timeout_s=10)
            assert server.post_csv(sample_csv)[0] == 200
    finally:
        if lock is not None:
            lock.__exit__(None, None, None)


def test_a_leftover_read_only_shm(start_server, tmp_path, sample_csv):
    """After the database was read-only and restored, its -shm was left read-only: every write
    fails; readiness must say so and name the file."""
    db_path = tmp_path / "data" / "scorer.sqlite3"
    with start_server("leftover read-only -shm (setup)", db_path=db_path) as server:
        wait_until_ready(server)
        assert server.post_csv(sample_csv)[0] == 200
    shm = Path(f"{db_path}-shm")
    shm.write_bytes(b"\0" * 32768)
    with unwritable(shm), start_server("leftover read-only -shm", db_path=db_path) as server:
        ready = server.request("GET", "/readyz")
        scored = server.post_csv(sample_csv)
        record_status("leftover read-only -shm: /readyz", _seen(*ready))
        record_status("leftover read-only -shm: POST /score", _seen(*scored))
        assert ready[0] == 503 and "-shm" in _message(ready[1])
        assert scored[0] == 503 and "readonly" in _message(scored[1])


def test_a_damaged_copy_of_a_database(start_server, tmp_path, sample_csv):
    """A damaged page: /readyz 503, reads 503 (not 500), and no new run into the file."""
    original = tmp_path / "data" / "scorer.sqlite3"
    with start_server("damaged database (setup)", db_path=original) as server:
        wait_until_ready(server)
        for _ in range(4):
            assert server.post_csv(sample_csv)[0] == 200
    copy = tmp_path / "copy" / "scorer.sqlite3"
    copy.parent.mkdir()
    with sqlite3.connect(original) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    damage_a_page(copy, page=2)
    before = {row for row in _safe_ids(copy)}
    with start_server("damaged database", db_path=copy) as server:
        ready = server.request("GET", "/readyz")
        listed = server.request("GET", "/api/v1/runs")
        scored = server.post_csv(sample_csv)
        record_status("damaged database: /readyz", _seen(*ready))
        record_status("damaged database: GET /api/v1/runs", _seen(*listed))
        record_status("damaged database: POST /score", _seen(*scored))
        assert ready[0] == 503 and ("quick_check" in _message(ready[1])
                                    or "malformed" in _message(ready[1]))
        assert listed[0] in (200, 503) and listed[0] != 500
        assert scored[0] == 503
    assert _safe_ids(copy) == before  # nothing new went into the damaged file
    # Restoring the undamaged file makes it ready again without a restart.
    with start_server("damaged database (restored)", db_path=copy) as server:
        shutil.copyfile(original, copy)
        wait_until_ready(server, timeout_s=10)


def _safe_ids(db_path: Path) -> set[str]:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return {r[0] for r in conn.execute("SELECT id FROM runs")}
    except sqlite3.DatabaseError:
        return {"<unreadable>"}


@contextmanager
def _read_only_mount(directory: Path) -> Iterator[Path]:
    """``directory`` bind-mounted read-only over itself (root only): a volume mounted ``:ro``,
    or a disk the kernel remounted read-only after errors."""
    done = subprocess.run(["mount", "--bind", str(directory), str(directory)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({done.stderr.strip() or 'not root'})")
    try:
        done = subprocess.run(["mount", "-o", "remount,bind,ro", str(directory)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({done.stderr.strip()})")
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], capture_output=True)


def test_a_read_only_database_volume(start_server, tmp_path, sample_csv):
    """The data volume mounted read-only, with the -wal/-shm a running service left on it (as
    `-v data:/data:ro` beside a live one): SQLite lets BEGIN IMMEDIATE through there, so
    /readyz must try a real write to say 503 "read-only filesystem"; scoring is a 503, the
    stored runs stay readable, and once writable again it is ready without a restart."""
    source = tmp_path / "live" / "scorer.sqlite3"
    with start_server("read-only database volume (setup)", db_path=source) as server:
        wait_until_ready(server)
        status, body = server.post_csv(sample_csv)
        assert status == 200
        stored = body["id"]
    directory = tmp_path / "volume"
    directory.mkdir()
    # A copy taken while a connection holds the database open keeps its -wal and -shm, as the
    # volume of a running service has them (a clean close would remove both).
    with sqlite3.connect(source) as holder:
        holder.execute("PRAGMA user_version").fetchone()
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", directory / f"scorer.sqlite3{suffix}")
    assert (directory / "scorer.sqlite3-shm").exists()
    db_path = directory / "scorer.sqlite3"
    with _read_only_mount(directory) as mounted, \
            start_server("read-only database volume", db_path=db_path) as server:
        ready = server.request("GET", "/readyz")
        scored = server.post_csv(sample_csv)
        listed = server.request("GET", f"/api/v1/runs/{stored}")
        record_status("read-only database volume: /readyz", _seen(*ready))
        record_status("read-only database volume: POST /score", _seen(*scored))
        assert ready[0] == 503 and "read-only filesystem" in _message(ready[1]), ready
        assert scored[0] == 503, scored
        assert listed[0] == 200, listed
        subprocess.run(["umount", "-l", str(mounted)], capture_output=True)
        wait_until_ready(server, timeout_s=10)
        assert server.post_csv(sample_csv)[0] == 200
