"""POST /api/v1/score with an Idempotency-Key: a retry returns the first run (issue #13)."""

from __future__ import annotations

import io
import threading

from inference.store import IdempotencyKey, open_store


def _post(client, csv: bytes, key: str | None, **kwargs):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/score", data=csv, content_type="text/csv", headers=headers,
                       **kwargs)


def _count_runs(db_path) -> int:
    with open_store(db_path) as store:
        return store.count_runs()


def test_the_same_key_and_body_returns_the_first_run(client, sample_csv, db_path):
    first = _post(client, sample_csv, "k-1")
    again = _post(client, sample_csv, "k-1")
    assert first.status_code == again.status_code == 200
    assert again.json["id"] == first.json["id"] and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count_runs(db_path) == 1


def test_another_body_with_the_same_key_is_422(client, sample_csv, sim, db_path):
    assert _post(client, sample_csv, "k-2").status_code == 200
    other = _post(client, sim.csv(3, seed=99), "k-2")
    assert other.status_code == 422
    assert other.json["error"]["problems"][0]["column"] == "Idempotency-Key"
    assert _count_runs(db_path) == 1


def test_without_a_key_every_post_is_a_new_run(client, sample_csv, db_path):
    ids = {_post(client, sample_csv, None).json["id"] for _ in range(2)}
    assert len(ids) == 2 and _count_runs(db_path) == 2


def test_a_multipart_retry_matches_though_its_boundary_differs(client, sample_csv, db_path):
    ids = set()
    for _ in range(2):  # the test client picks a new boundary for each request
        r = client.post("/api/v1/score", headers={"Idempotency-Key": "k-3"},
                        data={"file": (io.BytesIO(sample_csv), "a.csv")},
                        content_type="multipart/form-data")
        assert r.status_code == 200
        ids.add(r.json["id"])
    assert len(ids) == 1 and _count_runs(db_path) == 1


def test_json_records_too(client, db_path):
    body = {"records": [{"income": 3000, "expenses": 2000}]}
    a = client.post("/api/v1/score", json=body, headers={"Idempotency-Key": "k-4"})
    b = client.post("/api/v1/score", json=body, headers={"Idempotency-Key": "k-4"})
    assert a.json["id"] == b.json["id"] and _count_runs(db_path) == 1


def test_a_key_older_than_24_hours_is_forgotten(client, sample_csv, db_path):
    first = _post(client, sample_csv, "k-5").json["id"]
    with open_store(db_path) as store:
        store.conn.execute("UPDATE idempotency_keys SET created_at = '2000-01-01T00:00:00+00:00'")
    second = _post(client, sample_csv, "k-5").json["id"]
    assert second != first and _count_runs(db_path) == 2


def test_deleting_the_run_forgets_its_key(client, sample_csv, db_path):
    first = _post(client, sample_csv, "k-6").json["id"]
    assert client.delete(f"/api/v1/runs/{first}").status_code == 204
    assert _post(client, sample_csv, "k-6").json["id"] != first


def test_invalid_keys_are_422(client, sample_csv):
    for key in ("has space", "x" * 256):
        r = _post(client, sample_csv, key)
        assert r.status_code == 422, key
        assert r.json["error"]["problems"][0]["column"] == "Idempotency-Key"


def test_concurrent_requests_with_one_key_store_one_run(app, sample_csv, db_path):
    results: list = []

    def send() -> None:
        results.append(_post(app.test_client(), sample_csv, "k-7"))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r.status_code for r in results} == {200}
    assert len({r.json["id"] for r in results}) == 1
    assert _count_runs(db_path) == 1


def test_the_store_keeps_the_first_run_when_a_key_was_recorded_meanwhile(tmp_path):
    from test_store import _run

    key = IdempotencyKey("k", "fingerprint")
    created = "2030-01-01T00:00:00.000000+00:00"
    with open_store(tmp_path / "db.sqlite3", migrate=True) as store:
        assert store.save_run(*_run("first", created=created), key) is None
        kept = store.save_run(*_run("second", created=created), key)
        assert kept is not None and kept.run_id == "first"
        assert store.count_runs() == 1 and store.get_run("second") is None
