"""`flask --app web.wsgi backup DEST`: SQLite's online backup API, consistent while writing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

from inference.store import backup_database, open_store
from web.db import close_thread_stores


def _post(client, csv):
    return client.post("/api/v1/score", data=csv, content_type="text/csv")


def test_backup_command_copies_every_run_and_refuses_to_overwrite(app, sample_csv, db_path,
                                                                 tmp_path):
    client = app.test_client()
    ids = {_post(client, sample_csv).json["id"] for _ in range(3)}
    dest = tmp_path / "backups" / "scorer-backup.sqlite3"
    dest.parent.mkdir()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert "integrity_check ok" in result.output
    with open_store(dest) as copy:
        assert {r["id"] for r in copy.list_runs(limit=10)[0]} == ids
        assert copy.count_results() == 15
        assert copy.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    again = runner.invoke(args=["backup", str(dest)])
    assert again.exit_code != 0 and "--force" in again.output
    assert runner.invoke(args=["backup", "--force", str(dest)]).exit_code == 0
    assert not list(dest.parent.glob("*.partial"))


def test_backup_refuses_the_database_itself(app, db_path):
    result = app.test_cli_runner().invoke(args=["backup", "--force", str(db_path)])
    assert result.exit_code != 0 and "database itself" in result.output


def test_a_backup_taken_while_runs_are_written_is_consistent(tmp_path):
    """Writers keep committing runs; every backup holds whole runs only, never a partial one."""
    from test_store import _run

    db = tmp_path / "db.sqlite3"
    with open_store(db, migrate=True):
        pass
    stop = threading.Event()

    def writer() -> None:
        with open_store(db) as store:
            i = 0
            while not stop.is_set():
                store.save_run(*_run(f"r{i}", n=50))
                i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for k in range(5):
            dest = tmp_path / f"b{k}.sqlite3"
            backup_database(db, dest, pages_per_step=4)
            with sqlite3.connect(dest) as conn:
                runs = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
                results = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            assert results == 50 * runs
    finally:
        stop.set()
        thread.join()


def test_restore_procedure_from_the_readme(app, sample_csv, db_path, tmp_path, make_app):
    """Stop, copy the backup over the database, remove -wal/-shm, start: the runs are back."""
    client = app.test_client()
    kept = _post(client, sample_csv).json["id"]
    dest = tmp_path / "b.sqlite3"
    assert app.test_cli_runner().invoke(args=["backup", str(dest)]).exit_code == 0
    _post(client, sample_csv)  # after the backup: lost by the restore, as expected
    close_thread_stores()  # 1. the service is stopped: its connections are closed
    for suffix in ("", "-wal", "-shm"):
        (db_path.parent / (db_path.name + suffix)).unlink(missing_ok=True)
    dest.replace(db_path)
    restored = make_app().test_client()
    assert restored.get("/readyz").status_code == 200
    assert [r["id"] for r in restored.get("/api/v1/runs").json["runs"]] == [kept]


def test_the_flask_cli_entry_point(tmp_path, artifact_dir, sample_csv):
    db = tmp_path / "instance" / "scorer.sqlite3"
    with open_store(db, migrate=True):
        pass
    env = {"SCORER__DATABASE__PATH": str(db), "SCORER__ARTIFACTS__DIR": str(artifact_dir),
           "PATH": "/usr/bin:/bin"}
    dest = tmp_path / "cli.sqlite3"
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "web.wsgi", "backup",
                           str(dest)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert dest.is_file() and "backed up" in done.stdout
