"""GET /metrics: Prometheus text, bounded labels, protected like the API (issue #13)."""

from __future__ import annotations

import re
import struct

# A metric file as prometheus-client sizes it before writing a value: a header saying 8 bytes
# are used, then zeros.
SIZED_EMPTY = struct.pack("i", 8) + bytes(4092)


def _samples(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(name)]


def test_metrics_count_requests_by_route_template_and_runs(client, sample_csv):
    run_id = client.post("/api/v1/score", data=sample_csv, content_type="text/csv").json["id"]
    client.get(f"/api/v1/runs/{run_id}")
    client.get("/api/v1/runs/nope")
    r = client.get("/metrics")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    text = r.get_data(as_text=True)
    assert run_id not in text and "nope" not in text  # no ids in labels
    assert re.search(r'scorer_http_requests_total\{.*route="/api/v1/runs/<run_id>".*'
                     r'status="404"\} 1\.0', text)
    assert re.search(r'scorer_http_requests_total\{.*route="/api/v1/score".*status="200"\} 1\.0',
                     text)
    assert "scorer_runs_stored_total 1.0" in text
    assert "scorer_persons_scored_total 5.0" in text
    assert _samples(text, "scorer_http_request_duration_seconds_bucket")
    assert re.search(r'scorer_model_info\{model_sha256="[0-9a-f]{12}",spec_version="[\d.]+"\} '
                     r'1\.0', text)
    assert "scorer_ready 1.0" in text


def test_unknown_paths_share_one_label(client):
    for i in range(5):
        client.get(f"/no/such/page/{i}")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'route="<unmatched>"' in text and "/no/such" not in text


def test_readiness_is_exported(make_app, tmp_path):
    client = make_app(artifacts={"dir": str(tmp_path / "missing")}).test_client()
    text = client.get("/metrics").get_data(as_text=True)
    assert "scorer_ready 0.0" in text and "scorer_model_info{" not in text


def test_metrics_need_the_api_key_when_one_is_set(make_app):
    client = make_app(api={"key": "s3cret"}).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"X-API-Key": "s3cret"}).status_code == 200


def test_a_worker_file_not_sized_yet_does_not_fail_the_scrape(make_app, tmp_path, monkeypatch):
    """Under gunicorn, a starting worker's metric file exists at 0 bytes for a moment
    (prometheus/client_python#1199); a scrape meeting it still answers."""
    directory = tmp_path / "prometheus"
    directory.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    client = make_app().test_client()
    (directory / "counter_4242.db").touch()  # the starting worker's file, not sized yet
    (directory / "counter_4243.db").write_bytes(SIZED_EMPTY)  # a sized file with no values
    response = client.get("/metrics")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
