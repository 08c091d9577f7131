"""A large CSV body is spooled to a temporary file and scored from there (web/api/body.py):
the same results as from memory, idempotency still recognises a retry, no file is left over."""

from __future__ import annotations

import tempfile

import pytest

SPOOL_ALL = {"limits": {"in_memory_body_mb": 0.0}}  # every CSV body goes through a file


@pytest.fixture
def upload_dir(tmp_path, monkeypatch):
    """TMPDIR for the duration of a test, so the spooled files can be looked for."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def _post(client, csv: bytes, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/score", data=csv, content_type="text/csv", headers=headers)


def _scores(body: dict) -> list[tuple[str, float]]:
    return [(p["person_id"], p["probability"]) for p in body["results"]]


def test_a_spooled_body_scores_as_one_in_memory(make_app, sample_csv, upload_dir):
    in_memory = _post(make_app().test_client(), sample_csv)
    spooled = _post(make_app(**SPOOL_ALL).test_client(), sample_csv)
    assert in_memory.status_code == spooled.status_code == 200, spooled.json
    assert _scores(spooled.json) == _scores(in_memory.json)
    assert list(upload_dir.iterdir()) == []  # the temporary file went with the request


def test_a_spooled_bad_file_is_a_400_naming_row_and_column(make_app, upload_dir):
    r = _post(make_app(**SPOOL_ALL).test_client(),
              b"person_id,month,income,expenses\na,2024-01,12x,100\n")
    assert r.status_code == 400
    problem = r.json["error"]["problems"][0]
    assert (problem["row"], problem["column"]) == (2, "income")
    assert list(upload_dir.iterdir()) == []


def test_idempotency_recognises_a_spooled_retry_and_another_body(make_app, sample_csv, sim,
                                                                   upload_dir):
    client = make_app(**SPOOL_ALL).test_client()
    first, again = _post(client, sample_csv, "k-1"), _post(client, sample_csv, "k-1")
    assert again.json["id"] == first.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _post(client, sim.csv(3, seed=99), "k-1").status_code == 422


def test_a_spooled_body_over_the_upload_limit_is_413(make_app, sample_csv, upload_dir):
    client = make_app(limits={"in_memory_body_mb": 0.0, "max_upload_mb": 0.001}).test_client()
    assert _post(client, sample_csv).status_code == 413
    assert list(upload_dir.iterdir()) == []
