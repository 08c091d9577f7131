"""The web app's store: a connection per worker thread, the WAL copied back off the request."""

import shutil
import sqlite3
import time

import web.db
from inference.store import WAL_SAFETY_CHECKPOINT_PAGES


def _runs_in_main_file(db_path, tmp_path) -> int:
    """Runs in the database file itself, without its log: what a checkpoint has copied."""
    alone = tmp_path / "main-file-only.sqlite3"
    shutil.copyfile(db_path, alone)
    with sqlite3.connect(alone) as conn:
        return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


def test_a_request_commits_to_the_log_and_the_checkpointer_copies_it_after(
        client, db_path, tmp_path, sim, monkeypatch):
    monkeypatch.setattr(web.db, "CHECKPOINT_DELAY_S", 0.05)
    response = client.post("/api/v1/score", data=sim.csv(2, seed=1), content_type="text/csv")
    assert response.status_code == 200
    store = web.db._local.stores  # this thread's request connection
    (conn,) = (s.conn for s in store.values())
    # The request's connection leaves the copy to the thread (its own bound is a safety net).
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_SAFETY_CHECKPOINT_PAGES
    deadline = time.monotonic() + 10
    while _runs_in_main_file(db_path, tmp_path) == 0:
        assert time.monotonic() < deadline, "the log was not copied into the database"
        time.sleep(0.05)
    # A read-only request wakes nothing; nothing the checkpointer does creates a database.
    assert client.get("/api/v1/runs").status_code == 200
    gone = tmp_path / "gone" / "db.sqlite3"
    checkpointer = web.db.Checkpointer(str(gone), 1000)
    checkpointer.wrote()
    checkpointer._thread.join(5)
    assert not checkpointer._thread.is_alive() and not gone.exists()
