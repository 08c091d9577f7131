"""The person page of a large run, opened for the first time (its explanation computed then).

    python -m benchmarks.bench_person [--persons 100000] [--opens 20]

A run of ``--persons`` persons is scored and stored (explanations left for later, as for any
upload above ``inline_max_persons``); then persons spread over the run are opened through the
dashboard (``GET /runs/<id>/person?id=...``, Flask's test client, the app as configured by
default), each for the first time, then once more (kept). The reference in the same run is
``GET /healthz`` through the same client. Goal (issue #11): first open under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from .common import ARTIFACTS, median, rnd, usable_artifacts, workdir, write_csv

GOAL_MS = 100.0


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def run(persons: int = 100_000, opens: int = 20, artifacts: Path = ARTIFACTS) -> dict[str, Any]:
    from web import create_app
    from web.extensions import get_service

    with workdir("bench-person-") as tmp:
        directory, source = usable_artifacts(tmp, artifacts)
        app = create_app({"ARTIFACTS_DIR": str(directory),
                          "DATABASE_PATH": str(tmp / "db.sqlite3"),
                          "LIMITS_MAX_PERSONS": persons})
        csv = tmp / "run.csv"
        write_csv(csv, persons, 12, seed=5)
        with app.app_context():
            start = time.perf_counter()
            run_id = get_service().score_csv(csv.read_bytes(), "large.csv").summary["id"]
            scored_s = time.perf_counter() - start
        client = app.test_client()
        client.get("/healthz")
        client.get(f"/runs/{run_id}/person?id=p0000000")  # warm-up: templates, first session
        ids = [f"p{i:07d}" for i in range(1, persons, max(1, persons // opens))][:opens]
        first, again, health = [], [], []
        for pid in ids:
            url = f"/runs/{run_id}/person?id={pid}"
            first.append(_ms(lambda url=url: _ok(client.get(url))))
            again.append(_ms(lambda url=url: _ok(client.get(url))))
            health.append(_ms(lambda: client.get("/healthz")))
    return {"artifact": source, "persons": persons, "run_scored_and_stored_s": rnd(scored_s, 1),
            "opens": len(ids), "first_open_p50_ms": rnd(median(first), 1),
            "first_open_max_ms": rnd(max(first), 1), "again_p50_ms": rnd(median(again), 1),
            "reference_healthz_p50_ms": rnd(median(health), 2), "goal_ms": GOAL_MS,
            "meets_goal": bool(median(first) < GOAL_MS)}


def _ok(response) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"person page answered {response.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--opens", type=int, default=20)
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    args = parser.parse_args()
    print(json.dumps(run(args.persons, args.opens, args.artifacts), indent=2))


if __name__ == "__main__":
    sys.exit(main())
