"""The SQLite store: schema versioning, WAL, one transaction per run, cascade on delete."""

import sqlite3
import threading

import pytest

from inference.result import RESULT_FIELDS, decode, dumps
from inference.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError, open_store


def _run(run_id, n=3, created="2024-01-01T00:00:00+00:00"):
    summary = {"id": run_id, "created_at": created, "source_name": f"{run_id}.csv",
               "n_persons": n, "band_counts": {"Low": n, "Moderate": 0, "High": 0},
               "mean_probability": 0.1, "model_version": "1.0.0", "model_sha256": "a" * 64,
               "warnings": ["w"]}
    rows = [(f"p{i}", 0.1 * i, 10 * i, "Low", "{}", dumps({"savings_rate": 0.1 * (n - i)}),
             dumps({"months": ["2024-01"], "income": [1.0]}), dumps([]), None, None, None)
            for i in range(n)]
    return summary, rows


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "sub" / "db.sqlite3", migrate=True) as s:
        yield s


def test_migrate_creates_the_schema_in_wal_mode(store, tmp_path):
    assert (tmp_path / "sub").is_dir()
    assert store.schema_version() == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.migrate() == SCHEMA_VERSION  # idempotent
    store.ping()


def test_a_database_deleted_under_the_service_is_named_as_such(tmp_path):
    path = tmp_path / "db.sqlite3"
    with open_store(path, migrate=True) as s:
        s.save_run(*_run("r0"))
    for leftover in tmp_path.iterdir():  # the operator's `rm` of the file and its WAL
        leftover.unlink()
    with open_store(path, migrate=False) as s, pytest.raises(StoreError) as err:
        s.ping()
    assert "schema version 0" in str(err.value)
    assert "deleted or replaced" in str(err.value) and "restore a backup" in str(err.value)


def test_save_read_list_delete(store):
    for i in range(3):
        store.save_run(*_run(f"r{i}", n=i + 1, created=f"2024-01-0{i + 1}T00:00:00+00:00"))
    runs, total = store.list_runs(limit=2)
    assert total == 3 and [r["id"] for r in runs] == ["r2", "r1"]
    assert runs[0]["band_counts"] == {"Low": 3, "Moderate": 0, "High": 0}
    assert [r["id"] for r in store.list_runs(limit=2, offset=2)[0]] == ["r0"]
    assert store.get_run("r1")["warnings"] == ["w"]
    results = [decode(r) for r in store.results("r1")]
    assert [r["person_id"] for r in results] == ["p0", "p1"]
    assert results[0]["key_metrics"] == {"savings_rate": 0.2}
    assert results[0]["insights"] is None  # lazy parts stay null until explained
    assert store.delete_run("r1") is True
    assert store.get_run("r1") is None and store.delete_run("r1") is False
    assert store.count_results("r1") == 0  # cascaded
    assert store.count_results() == 1 + 3


def test_a_failed_write_leaves_nothing_behind(store):
    summary, rows = _run("r1")
    rows[2] = rows[2][:3] + (None,) + rows[2][4:]  # risk_band NOT NULL violated on the 3rd row
    with pytest.raises(sqlite3.IntegrityError):
        store.save_run(summary, rows)
    assert store.count_runs() == 0 and store.count_results() == 0
    store.save_run(*_run("r1"))  # and the connection is usable afterwards
    assert store.count_runs() == 1


def test_duplicate_run_id_is_refused(store):
    store.save_run(*_run("r1"))
    with pytest.raises(sqlite3.IntegrityError):
        store.save_run(*_run("r1"))
    assert store.count_results() == 3


def test_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this code"):
        open_store(path, migrate=True)


def test_concurrent_migrations_and_writers(tmp_path):
    path = tmp_path / "db.sqlite3"
    errors = []

    def work(k):
        try:
            with open_store(path, migrate=True) as s:
                for j in range(5):
                    s.save_run(*_run(f"t{k}-{j}"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(path) as s:
        assert s.count_runs() == 40 and s.count_results() == 120



def _open_migrated(path: str, barrier, failures) -> None:
    from inference.store import open_store

    barrier.wait()
    try:
        with open_store(path, busy_timeout_ms=5000, migrate=True):
            pass
    except Exception as exc:  # reported to the test through the queue
        failures.put(repr(exc))


def test_workers_starting_together_on_a_new_database_all_open_it(tmp_path):
    """gunicorn workers migrate a fresh file at the same moment; before the fix SQLite refused
    the WAL switch with "database is locked" in most such starts (18 of 30 with 4 processes)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    failures = ctx.Queue()
    for trial in range(10):
        path = str(tmp_path / f"fresh-{trial}.sqlite3")
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open_migrated, args=(path, barrier, failures))
                 for _ in range(4)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(30)
        assert all(proc.exitcode == 0 for proc in procs)
    assert failures.empty(), failures.get()


def test_the_results_table_has_the_columns_of_the_result_definition(store):
    columns = [r[1] for r in store.conn.execute("PRAGMA table_info(results)")]
    assert columns == ["run_id", "position", *RESULT_FIELDS]


def test_pages_orders_and_persons(store):
    store.save_run(*_run("r", n=5))
    assert [r[0] for r in store.results("r", 1, 2)] == ["p1", "p2"]
    assert [r[0] for r in store.results("r", 0, 2, "score", True)] == ["p4", "p3"]
    assert [r[0] for r in store.results("r", 0, 5, "person")] == ["p0", "p1", "p2", "p3", "p4"]
    assert [p for p, _ in store.results_after("r", 2, 10)] == [3, 4]
    # Persons without the figure come last, whichever the direction.
    summary, rows = _run("u", n=3)
    rows[1] = rows[1][:5] + (dumps({"avg_net_cash_flow": None}),) + rows[1][6:]
    rows[0] = rows[0][:5] + (dumps({"avg_net_cash_flow": 10.0}),) + rows[0][6:]
    rows[2] = rows[2][:5] + (dumps({"avg_net_cash_flow": -3.0}),) + rows[2][6:]
    store.save_run(summary, rows)
    assert [r[0] for r in store.results("u", order="net")] == ["p2", "p0", "p1"]
    assert [r[0] for r in store.results("u", order="net", descending=True)] == ["p0", "p2", "p1"]
    position, row = store.person("r", "p3")
    assert position == 3 and row[0] == "p3"
    assert store.person("r", "nobody") is None


def test_a_person_is_found_through_the_index_not_by_walking_the_run(store):
    """Opening one person of a large run must not read the whole run (query plan, as SQLite
    chooses it for the statement the store runs)."""
    store.save_run(*_run("r", n=50))
    statements = []
    store.conn.set_trace_callback(statements.append)
    try:
        assert store.person("r", "p42")[0] == 42
    finally:
        store.conn.set_trace_callback(None)
    (sql,) = [s for s in statements if "FROM results" in s]
    plan = " ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "INDEX results_person (run_id=? AND person_id=?)" in plan


def test_explanations_are_kept_once(store):
    store.save_run(*_run("r", n=2))
    _, row = store.person("r", "p1")
    explained = row[:-3] + ('[{"feature":"x"}]', "[]", '{"points":{}}')
    assert store.save_explanation("r", 1, explained) is True
    # A second worker's (equal) text does not replace the first.
    assert store.save_explanation("r", 1, row[:-3] + ('["other"]', '["other"]', "{}")) is True
    assert store.person("r", "p1")[1][-3:] == ('[{"feature":"x"}]', "[]", '{"points":{}}')
    assert store.person("r", "p0")[1][-3:] == (None, None, None)


def test_a_version_1_database_is_migrated_keeping_its_runs(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        for statement in MIGRATIONS[0].split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO runs VALUES ('r', '2024', 's.csv', 1, '{}', 0.1, '1', 'a', '[]')")
        conn.execute("INSERT INTO results VALUES ('r', 0, 'p0', 0.1, 10, 'Low', '{}', '[1]', "
                     "'[2]', '{}', '[]')")
    with open_store(path, migrate=True) as s:
        assert s.schema_version() == SCHEMA_VERSION
        row = decode(s.results("r")[0])
        assert row["components"] == {} and row["insights"] == [1]
        assert row["recommendations"] == [2] and row["contributions"] is None


def test_rows_are_staged_as_they_come_and_a_failure_midway_stores_nothing(store):
    summary, rows = _run("r", n=4)

    def failing():
        yield from rows[:2]
        raise RuntimeError("scoring failed")

    with pytest.raises(RuntimeError, match="scoring failed"):
        store.save_run(summary, failing())
    assert store.count_runs() == 0 and store.count_results() == 0

    seen = []

    def counted():
        for row in rows:
            seen.append(row)
            yield row

    # The summary is asked for only after every row is staged (its counts come from them).
    store.save_run(lambda: {**summary, "n_persons": len(seen)}, counted())
    assert store.get_run("r")["n_persons"] == 4 and store.count_results("r") == 4
    # Staging does not hold the write lock: another connection can write meanwhile.
    other = Store(store.path)
    try:
        def interleaved():
            yield rows[0]
            other.save_run(*_run("other", n=1))
            yield from rows[1:]
        store.save_run({**summary, "id": "r2"}, interleaved())
    finally:
        other.close()
    assert store.count_results("r2") == 4 and store.count_results("other") == 1


def test_a_scope_sees_and_deletes_only_its_owners_runs(store, tmp_path):
    from inference.store import NOBODY, Scope

    store.conn.executemany("INSERT INTO users (id, name, password_hash, created_at) "
                           "VALUES (?, ?, 'x', 'now')", [(1, "a"), (2, "b")])
    store.scope = Scope(1, sees_all=False)
    store.save_run(*_run("mine"))
    store.scope = Scope(2, sees_all=False)
    store.save_run(*_run("theirs"))
    assert store.get_run("mine") is None and not store.delete_run("mine")
    assert store.results("mine") == [] and store.results_after("mine", -1, 10) == []
    assert store.person("mine", "p0") is None
    assert not store.save_explanation("mine", 0, store.person("theirs", "p0")[1])
    assert [r["id"] for r in store.list_runs()[0]] == ["theirs"] and store.count_runs() == 1
    assert store.count_results("mine") == 0 and store.count_results() == 3
    store.scope = NOBODY
    assert store.list_runs() == ([], 0) and store.get_run("theirs") is None
    store.scope = Scope(2, sees_all=True)  # an admin: sees all, deletes only its own as "mine"
    assert store.count_runs() == 2 and store.get_run("mine") is not None
    assert store.delete_own_runs() == 1 and store.count_runs() == 1


def test_purge_overwrites_what_it_deletes(store):
    summary, rows = _run("old", created="2020-01-01T00:00:00+00:00")
    rows = [(f"secret-person-{i}", *r[1:]) for i, r in enumerate(rows)]
    store.save_run(summary, rows)
    store.save_run(*_run("new", created="2030-01-01T00:00:00+00:00"))
    assert store.purge_created_before("2025-01-01T00:00:00+00:00") == 1
    assert [r["id"] for r in store.list_runs()[0]] == ["new"]
    from pathlib import Path

    path = Path(store.path)
    for f in (path, Path(f"{path}-wal")):
        assert not f.exists() or b"secret-person" not in f.read_bytes(), f


def test_a_staged_run_once_deleted_leaves_no_trace_in_the_database_files(store):
    # Rows from an iterator take the large-run path: staged in the connection's temp
    # database (which does not zero what it frees: it is unlinked and private), then copied.
    summary, rows = _run("big", n=40)
    store.save_run(summary, iter([(f"secret-person-{i}", *r[1:]) for i, r in enumerate(rows)]))
    assert store.results("big", 0, 1)[0][0] == "secret-person-0"
    assert store.delete_run("big")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    from pathlib import Path

    path = Path(store.path)
    for f in (path, Path(f"{path}-wal")):
        assert not f.exists() or b"secret-person" not in f.read_bytes(), f
