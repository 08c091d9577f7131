"""The service under a real gunicorn, over HTTP."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from support.live_server import gunicorn, wait_until_ready

from shared_features import FeatureSpec

MALFORMED_DIR = Path(__file__).resolve().parents[1] / "data" / "malformed"
EXPECTED = (json.loads((MALFORMED_DIR / "expected.json").read_text())
            if (MALFORMED_DIR / "expected.json").exists() else {})
MALFORMED = sorted(MALFORMED_DIR.glob("*.csv")) if MALFORMED_DIR.is_dir() else []


def test_scores_a_csv_over_http(server, sample_csv):
    status, ready = server.request("GET", "/readyz")
    assert status == 200 and ready["status"] == "ready"
    status, body = server.post_csv(sample_csv, "family.csv")
    assert status == 200, body
    assert body["n_persons"] == 5 and body["source_name"] == "family.csv"
    assert body["results"][0]["insights"] and "risk" in body["results"][0]["insights"][0][
        "sentence"]
    assert body["id"] in server.run_ids()
    status, run = server.request("GET", f"/api/v1/runs/{body['id']}")
    assert status == 200 and run == body
    status, text = server.request("GET", "/api/v1/template.csv")
    assert status == 200 and text.startswith("person_id,month,income")
    assert "GET /readyz" in server.log()  # the access log goes to stdout


@pytest.mark.parametrize("path", MALFORMED, ids=[p.name for p in MALFORMED])
def test_malformed_csv_is_a_4xx_with_its_message_and_stores_nothing(server, path):
    before = server.run_ids()
    status, body = server.post_csv(path.read_bytes(), path.name)
    assert 400 <= status < 500, body
    error = body["error"]
    assert set(error) == {"code", "status", "message", "problems", "total_problems"}
    expected = EXPECTED.get(path.name)
    if expected is not None:
        texts = [error["message"], *(p["message"] for p in error["problems"])]
        assert any(expected in t for t in texts), (expected, error)
    assert server.run_ids() == before


def test_32_concurrent_requests_all_succeed_and_are_all_stored(server, sim):
    csvs = [sim.csv(3, seed=100 + i) for i in range(32)]
    before = server.run_ids()
    start = threading.Barrier(32)
    results: list[tuple[int, dict]] = [None] * 32  # type: ignore[list-item]

    def post(i: int) -> None:
        start.wait()
        results[i] = server.post_csv(csvs[i], f"concurrent-{i}.csv")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [status for status, _ in results] == [200] * 32, [b for _, b in results]
    ids = {body["id"] for _, body in results}
    assert len(ids) == 32
    assert server.run_ids() - before == ids


def _remove(directory: Path) -> None:
    shutil.rmtree(directory)


def _tamper_model(directory: Path) -> None:
    with open(directory / "model.onnx", "ab") as fh:
        fh.write(b"\0")


def _other_major_version(directory: Path) -> None:
    spec = FeatureSpec.load(directory / "feature_spec.json")
    spec.spec_version = "99.0.0"
    spec.save(directory / "feature_spec.json")


@pytest.mark.parametrize("break_it, reason", [
    (_remove, "does not exist"),
    (_tamper_model, "sha256 of model.onnx"),
    (_other_major_version, "major versions differ"),
], ids=["missing", "tampered-model", "other-major-version"])
def test_refused_artifact_keeps_it_alive_but_not_ready(tmp_path, artifact_copy,
                                                       sample_csv, break_it, reason):
    break_it(artifact_copy)
    with gunicorn(tmp_path, artifact_copy, workers=1, threads=2) as s:
        assert s.request("GET", "/healthz")[0] == 200
        status, body = s.request("GET", "/readyz")
        assert status == 503 and reason in body["error"]["message"]
        status, body = s.post_csv(sample_csv)
        assert status == 503 and reason in body["error"]["message"]
        assert s.run_ids() == set()


def test_a_large_run_pages_streams_csv_and_explains_on_open(tmp_path, artifact_dir, sim):
    """Above inline_max_persons: a page in the answer, every person stored once, the CSV
    streamed whole, and a person explained by whichever worker opens them, then kept. The
    body is spooled to a file, as a large upload's is."""
    env = {"SCORER__RESULTS__INLINE_MAX_PERSONS": "5",
           "SCORER__RESULTS__DEFAULT_PAGE_SIZE": "10",
           "SCORER__LIMITS__IN_MEMORY_BODY_MB": "0"}
    with gunicorn(tmp_path, artifact_dir, extra_env=env) as server:
        wait_until_ready(server)
        status, body = server.post_csv(sim.csv(300, seed=31), "large.csv")
        assert status == 200, body
        run_id = body["id"]
        assert len(body["results"]) == 10 and body["results_page"]["total"] == 300
        assert all(r["insights"] is None for r in body["results"])
        with sqlite3.connect(server.db_path) as db:
            assert db.execute("SELECT COUNT(*), COUNT(DISTINCT person_id) FROM results "
                              "WHERE run_id = ?", (run_id,)).fetchone() == (300, 300)
        status, text = server.request("GET", f"/api/v1/runs/{run_id}/results.csv")
        lines = text.splitlines()
        assert status == 200 and len(lines) == 301 and lines[0].startswith("person_id,")
        status, page = server.request("GET", f"/api/v1/runs/{run_id}/results?offset=290")
        assert status == 200 and [r["person_id"] for r in page["results"]][-1] == "p00299"
        for _ in range(2):  # opened twice (maybe by both workers): the same, kept once
            status, person = server.request("GET", f"/api/v1/runs/{run_id}/persons/p00123")
            assert status == 200 and person["insights"] is not None, person
        with sqlite3.connect(server.db_path) as db:
            explained = db.execute("SELECT COUNT(*) FROM results WHERE run_id = ? AND "
                                   "insights IS NOT NULL", (run_id,)).fetchone()[0]
        assert explained == 1
