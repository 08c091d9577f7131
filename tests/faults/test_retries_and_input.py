"""kill -9 in mid-save and a retried request, hostile input and a bad artifact, against a real
gunicorn (issue #13). Each case records what it observed before asserting."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from support.faults import kill_workers, record_status, worker_pids
from support.live_server import multipart, wait_until_ready

pytestmark = pytest.mark.slow


def _message(body) -> str:
    return body["error"]["message"] if isinstance(body, dict) and "error" in body else str(body)


def _send_without_reading(server, body: bytes, headers: dict[str, str]) -> socket.socket:
    """POST and never read the answer: the worker blocks sending it, as to a stalled client."""
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(f"POST /api/v1/score HTTP/1.1\r\nHost: {host}\r\n{head}"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return sock


def test_kill_9_while_answering_then_a_retry_with_the_same_key(start_server, sim):
    """The run is committed, the worker dies while sending it, the client retries with its
    Idempotency-Key: exactly one run is stored and the retry gets it."""
    csv = sim.csv(1500, seed=5)
    headers = {"Content-Type": "text/csv", "Idempotency-Key": "retry-after-kill-1"}
    with start_server("kill -9 while answering, retried with the same key") as server:
        wait_until_ready(server)
        sock = _send_without_reading(server, csv, headers)
        deadline = time.monotonic() + 120
        while not server.run_ids():  # committed: now the answer is being sent
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.05)
        first = server.run_ids()
        assert kill_workers(server.pid)
        sock.close()
        deadline = time.monotonic() + 60
        while True:  # gunicorn starts a new worker; retry as a client would
            try:
                status, body = server.request("POST", "/api/v1/score", csv, headers)
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.5)
        stored = server.run_ids()
        record_status("kill -9 while answering, retried with the same key: runs stored",
                      f"{len(stored)} run(s)")
        assert stored == first and body["id"] in first
        with sqlite3.connect(server.db_path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_kill_9_in_mid_save_leaves_whole_runs_only(start_server, sim):
    csv = sim.csv(400, seed=6)
    with start_server("kill -9 in mid-save", workers=2) as server:
        wait_until_ready(server)
        for _ in range(5):
            sockets = [_send_without_reading(server, csv, {"Content-Type": "text/csv"})
                       for _ in range(3)]
            time.sleep(0.3)
            kill_workers(server.pid)
            for s in sockets:
                s.close()
            deadline = time.monotonic() + 60
            while len(worker_pids(server.pid)) < 2 or not _ready(server):
                assert time.monotonic() < deadline, server.log()
                time.sleep(0.2)
        with sqlite3.connect(server.db_path) as conn:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            partial = conn.execute(
                "SELECT COUNT(*) FROM runs r WHERE n_persons != "
                "(SELECT COUNT(*) FROM results WHERE run_id = r.id)").fetchone()[0]
        record_status("kill -9 in mid-save (5 rounds x 3 uploads)",
                      f"integrity_check {check}, {partial} partial run(s)")
        assert check == "ok" and partial == 0


def _ready(server) -> bool:
    try:
        return server.request("GET", "/readyz", timeout=5)[0] == 200
    except OSError:  # a worker is still starting or busy
        return False


HOSTILE = [
    ("amount 1e309 in a CSV", "POST", "/api/v1/score",
     b"person_id,month,income,expenses\na,2024-01,1e309,100\n", {"Content-Type": "text/csv"},
     400),
    ("amount of 400 digits in a CSV", "POST", "/api/v1/score",
     b"person_id,month,income,expenses\na,2024-01," + b"9" * 400 + b",100\n",
     {"Content-Type": "text/csv"}, 400),
    ("amount Infinity in JSON", "POST", "/api/v1/score",
     b'{"records": [{"income": Infinity, "expenses": 100}]}',
     {"Content-Type": "application/json"}, 400),
    ("amount 1e200 in JSON", "POST", "/api/v1/score",
     b'{"records": [{"income": 1e200, "expenses": 100}]}',
     {"Content-Type": "application/json"}, 400),
    ("JSON nested 5,000 deep", "POST", "/api/v1/score", b"[" * 5000 + b"]" * 5000,
     {"Content-Type": "application/json"}, 400),
    ("record key \u00b2", "POST", "/api/v1/score",
     json.dumps({"records": [{"income": 1, "\u00b2": [1]}]}).encode(),
     {"Content-Type": "application/json"}, 422),
    ("GET /api/v1/runs?offset=2**63", "GET", "/api/v1/runs?offset=9223372036854775808", None,
     {}, 422),
    ("GET /api/v1/runs?limit=10**20", "GET", "/api/v1/runs?limit=100000000000000000000", None,
     {}, 422),
]


@pytest.mark.parametrize(("case", "method", "path", "body", "headers", "expected"), HOSTILE,
                         ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_a_4xx(server_for_input, case, method, path, body, headers,
                                expected):
    status, answer = server_for_input.request(method, path, body, headers)
    record_status(case, f"{status} {_message(answer)[:90]}")
    assert status == expected and isinstance(answer, dict) and answer["error"]["code"] == status


def test_record_key_7_is_named_as_a_key_not_a_row(server_for_input):
    status, answer = server_for_input.request(
        "POST", "/api/v1/score", json.dumps({"records": [{"income": 1, "7": [1]}]}).encode(),
        {"Content-Type": "application/json"})
    problem = answer["error"]["problems"][0]
    record_status("record key \"7\"", f"{status} row {problem['row']}, "
                                      f"column {problem['column']!r}")
    assert status == 422 and problem["row"] == 1 and problem["column"].endswith("7")


def test_405_carries_allow(server_for_input):
    request = urllib.request.Request(server_for_input.url + "/api/v1/score", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    allow = refused.value.headers.get("Allow")
    record_status("PUT /api/v1/score", f"{refused.value.code}, Allow: {allow}")
    assert refused.value.code == 405 and allow and "POST" in allow


def test_too_many_multipart_fields(server_for_input, sample_csv):
    files = {f"f{i}": (f"{i}.txt", b"x") for i in range(1100)}
    files["file"] = ("a.csv", sample_csv)
    body, content_type = multipart(files)
    status, answer = server_for_input.request("POST", "/api/v1/score", body,
                                              {"Content-Type": content_type})
    record_status("1,100 multipart fields", f"{status} {_message(answer)[:90]}")
    assert status == 413 and "fields" in _message(answer)


@pytest.fixture(scope="module")
def server_for_input(tmp_path_factory, artifact_dir):
    from support.live_server import gunicorn

    with gunicorn(tmp_path_factory.mktemp("hostile"), artifact_dir, workers=1) as server:
        wait_until_ready(server)
        yield server


def test_risk_bands_given_as_text(start_server, artifact_dir, tmp_path, sample_csv):
    """An artifact whose bands are text: refused at /readyz (503), never a 500 at scoring."""
    artifact = Path(shutil.copytree(artifact_dir, tmp_path / "artifact"))
    spec_path = artifact / "feature_spec.json"
    spec = json.loads(spec_path.read_text())
    spec["risk_bands"] = {"moderate": "0.15", "high": "0.40"}
    spec_path.write_text(json.dumps(spec))
    with start_server("risk bands as text", artifacts=artifact) as server:
        ready = server.request("GET", "/readyz")
        scored = server.post_csv(sample_csv)
        record_status("risk bands as text: /readyz", f"{ready[0]} {_message(ready[1])[:90]}")
        record_status("risk bands as text: POST /score", f"{scored[0]} "
                                                         f"{_message(scored[1])[:90]}")
        assert ready[0] == 503 and scored[0] == 503


def test_risk_bands_edited(start_server, artifact_dir, tmp_path, sample_csv):
    artifact = Path(shutil.copytree(artifact_dir, tmp_path / "artifact"))
    spec_path = artifact / "feature_spec.json"
    spec = json.loads(spec_path.read_text())
    spec["risk_bands"] = {"moderate": 0.01, "high": 0.02}
    spec_path.write_text(json.dumps(spec))
    with start_server("risk bands edited", artifacts=artifact) as server:
        ready = server.request("GET", "/readyz")
        record_status("risk bands edited (0.01/0.02): /readyz",
                      f"{ready[0]} {_message(ready[1])[:90]}")
        assert ready[0] == 503
