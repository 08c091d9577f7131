"""Storage faults in-process: readiness tells the truth, every SQLite error is a 503 in SQLite's
words, a broken database does not stop the app (issue #13). The same faults against a real
gunicorn are in tests/faults/."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from support.faults import damage_a_page, unwritable

from inference.store import StoreError, open_store
from inference.store_health import StoreHealth, StoreHealthOptions


def _score(client, csv: bytes):
    return client.post("/api/v1/score", data=csv, content_type="text/csv")


def test_a_database_that_cannot_be_opened_does_not_stop_the_app(make_app, tmp_path, sample_csv):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the database's directory should be")
    client = make_app(database={"path": str(blocker / "scorer.sqlite3")}).test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert str(blocker) in ready.json["error"]["message"]
    for response in (_score(client, sample_csv), client.get("/api/v1/runs")):
        assert response.status_code == 503
        assert response.json["error"]["message"].startswith("the database is not available")


def test_a_database_that_is_not_sqlite_is_503_with_sqlites_words(make_app, db_path, sample_csv):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database, just text\n" * 512)
    client = make_app().test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "file is not a database" in ready.json["error"]["message"]
    r = client.get("/api/v1/runs")
    assert r.status_code == 503 and "file is not a database" in r.json["error"]["message"]


def test_a_damaged_page_makes_readyz_503_and_stops_new_runs(make_app, db_path, sample_csv):
    app = make_app()
    client = app.test_client()
    for _ in range(3):
        assert _score(client, sample_csv).status_code == 200
    assert client.get("/readyz").status_code == 200
    damage_a_page(db_path)
    # A fresh process (as after a restart) runs quick_check on its first probe.
    client = make_app().test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "quick_check" in ready.json["error"]["message"]
    listed = client.get("/api/v1/runs")
    assert listed.status_code in (200, 503)  # the page listing needs may or may not be hit
    scored = _score(client, sample_csv)
    assert scored.status_code == 503 and "damaged" in scored.json["error"]["message"]


def test_damage_met_by_a_request_is_reported_at_once(make_app, db_path, sample_csv):
    client = make_app(database={"quick_check_interval_s": 3600}).test_client()
    for _ in range(3):
        assert _score(client, sample_csv).status_code == 200
    assert client.get("/readyz").status_code == 200  # quick_check ran: ok, not due again
    damage_a_page(db_path, page=2)
    r = client.get("/api/v1/runs")
    assert r.status_code == 503 and "malformed" in r.json["error"]["message"]
    assert client.get("/readyz").status_code == 503


def test_a_restored_database_is_ready_again(make_app, db_path, sample_csv, tmp_path):
    client = make_app().test_client()
    assert _score(client, sample_csv).status_code == 200
    good = tmp_path / "good.sqlite3"
    with sqlite3.connect(db_path) as src, sqlite3.connect(good) as dst:
        src.backup(dst)
    damage_a_page(db_path, page=2)
    client = make_app().test_client()
    assert client.get("/readyz").status_code == 503
    shutil.copyfile(good, db_path)
    assert client.get("/readyz").status_code == 200


def test_a_leftover_read_only_shm_is_named(tmp_path):
    db = tmp_path / "scorer.sqlite3"
    with open_store(db, migrate=True):
        pass
    health = StoreHealth(db)
    health.check()
    shm = Path(f"{db}-shm")
    shm.write_bytes(b"\0" * 32768)
    with unwritable(shm), pytest.raises(StoreError, match="-shm cannot be written"):
        StoreHealth(db).check()


def test_a_full_disk_is_not_ready(tmp_path):
    with open_store(tmp_path / "db.sqlite3", migrate=True):
        pass
    health = StoreHealth(tmp_path / "db.sqlite3", options=StoreHealthOptions(min_free_mb=1e12))
    with pytest.raises(Exception, match="is full"):
        health.check()


def test_a_failed_commit_is_reported_as_itself_not_as_a_second_rollback(tmp_path):
    """SQLite rolls back by itself after some errors; a second ROLLBACK must not hide them."""
    with open_store(tmp_path / "db.sqlite3", migrate=True) as store:
        with pytest.raises(sqlite3.OperationalError, match="no such table"), \
                store.transaction() as conn:
            conn.execute("INSERT INTO no_such_table VALUES (1)")
        # ... and when SQLite already ended the transaction:
        with pytest.raises(ZeroDivisionError), store.transaction() as conn:
            conn.execute("ROLLBACK")  # as SQLite does on SQLITE_FULL
            raise ZeroDivisionError
        assert not store.conn.in_transaction
