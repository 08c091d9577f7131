"""Schemathesis against a real gunicorn: every operation of the OpenAPI document, all checks,
with and without an API key; no server error and no response that violates its schema
(response validation, ST1xx, finds nothing) (issue #13). The request-semantics checks it also
runs (ST2xx: e.g. a CSV string the schema allows but ingestion refuses) are recorded, not
asserted: a schema cannot say which strings are valid CSV.

Bounded: a fixed seed and a few examples per operation, so it takes well under a minute or two.
The same run by hand, with more examples:

    schemathesis run http://127.0.0.1:8000/api/openapi.json --checks all --max-examples 200
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.faults import record_status
from support.live_server import gunicorn, wait_until_ready

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 25
SEED = 13
API_KEY = "schemathesis-key"


def _schemathesis() -> list[str]:
    script = Path(sys.executable).with_name("schemathesis")
    if not script.exists():
        pytest.skip("schemathesis is not installed (the dev extra)")
    return [str(script)]


@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "api-key"])
def test_schemathesis_finds_no_server_error_and_no_violation(tmp_path, artifact_dir, with_key):
    env = {"SCORER__API__KEY": API_KEY} if with_key else {}
    with gunicorn(tmp_path, artifact_dir, workers=1, threads=4, extra_env=env) as server:
        wait_until_ready(server)
        command = [*_schemathesis(), "run", f"{server.url}/api/openapi.json", "--checks", "all",
                   "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "1",
                   "--no-color", "--generation-database", "none", "--request-timeout", "60"]
        if with_key:
            command += ["--header", f"X-API-Key: {API_KEY}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900,
                              cwd=tmp_path)
        summary = done.stdout[done.stdout.rfind("SUMMARY"):] if "SUMMARY" in done.stdout \
            else done.stdout[-3000:] + done.stderr[-2000:]
        print(summary)
        found = dict(re.findall(r"(ST\d{3}) [^\n:]*: (\d+)", summary))
        record_status(f"schemathesis --checks all ({'with' if with_key else 'without'} a key)",
                      ", ".join(f"{code} x{n}" for code, n in sorted(found.items()))
                      or "no failures")
        assert "Test cases:" in summary, summary
        # Response validation (ST1xx: server errors, undocumented statuses or content types,
        # responses that violate their schema) must find nothing.
        assert not [code for code in found if code.startswith("ST1")], summary
        assert " 500 " not in server.log(), server.log()[-3000:]
        if with_key:  # with a key configured, no request gets in without it
            assert "ST401" not in found, summary
