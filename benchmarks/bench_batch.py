"""Batch scoring end to end, in process (no HTTP), against pandas parsing the same bytes.

    python -m benchmarks.bench_batch [--sizes 1000 10000 100000] [--months 12]

For each size, the same CSV bytes go through

* the reference: ``pandas.read_csv`` of the bytes alone (the floor: a scorer has to parse its
  input), and
* ``ScoringService.score_csv``: ingest and validate, features, model (explanations and
  what-if recommendations too for uploads up to ``inline_max_persons``; larger ones are
  explained when a person is opened), JSON encoding of every result, and the SQLite write of
  the run,

alternately, so a busy machine slows both alike. Wall and CPU time (of this process) are
reported; the stages of the scoring call are timed inside the same calls. Goal: scoring within
3x the parse time. The scaling section (6) fits ``time = a + b * persons`` over the sizes.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import resource
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .common import (
    ARTIFACTS,
    csv_block,
    measure,
    median,
    rnd,
    usable_artifacts,
    workdir,
    write_csv,
)

GOAL_RATIO = 3.0
IN_MEMORY_MAX = 200_000  # larger CSVs are streamed to a temporary file first


def _repeats(persons: int, big: int) -> int:
    return 5 if persons <= 1_000 else 3 if persons <= 10_000 else big if persons <= 100_000 else 1


class _StageTimer:
    """Times the service's stages inside real ``score_csv`` calls by wrapping what it calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            wall, _, result = measure(lambda: fn(*args, **kwargs))
            self.seconds[name] = self.seconds.get(name, 0.0) + wall
            return result
        return timed


def bench_size(service, store, persons: int, months: int, data: bytes, big_repeats: int = 2
               ) -> dict[str, Any]:
    import inference.service as service_mod

    ref_wall, ref_cpu, score_wall, score_cpu, stages_all = [], [], [], [], []
    original = (service_mod.ingest, service_mod.assessed_rows, service_mod.scored_rows,
                store.save_run)
    doc = None
    try:
        for _ in range(_repeats(persons, big_repeats)):
            gc.collect()
            wall, cpu, frame = measure(lambda: pd.read_csv(io.BytesIO(data)))
            ref_wall.append(wall)
            ref_cpu.append(cpu)
            del frame
            doc = None
            gc.collect()
            timer = _StageTimer()
            service_mod.ingest = timer.wrap("ingest", original[0])
            # The service takes all rows at once (list()): the rows are timed as consumed.
            service_mod.assessed_rows = timer.wrap(
                "features_model_explain_recommend_encode",
                lambda *a, **k: list(original[1](*a, **k)))
            service_mod.scored_rows = timer.wrap(
                "features_model_encode", lambda *a, **k: list(original[2](*a, **k)))
            store.save_run = timer.wrap("store_write", original[3])
            wall, cpu, doc = measure(lambda: service.score_csv(data, "bench.csv"))
            score_wall.append(wall)
            score_cpu.append(cpu)
            stages_all.append(timer.seconds)
    finally:
        service_mod.ingest, service_mod.assessed_rows, service_mod.scored_rows = original[:3]
        store.save_run = original[3]
    assert doc is not None and doc.page.total == persons, "every person must be scored"
    assert store.count_results(doc.summary["id"]) == persons, "every person must be stored"
    wall, _, body = measure(doc.to_json)
    response_bytes = len(body)
    del body, doc
    best = int(np.argmin(score_wall))
    w, c, rw, rc = median(score_wall), median(score_cpu), median(ref_wall), median(ref_cpu)
    return {
        "persons": persons, "months": months, "rows": persons * months,
        "csv_mb": rnd(len(data) / 1e6, 1), "repeats": len(score_wall),
        "reference_read_csv_s": rnd(rw), "reference_read_csv_cpu_s": rnd(rc),
        "score_s": rnd(w), "score_cpu_s": rnd(c), "score_all_s": [rnd(t) for t in score_wall],
        "persons_per_s": round(persons / w), "us_per_person": rnd(w / persons * 1e6, 1),
        "ratio_to_read_csv": rnd(w / rw, 1), "cpu_ratio_to_read_csv": rnd(c / rc, 1),
        "goal_ratio": GOAL_RATIO, "meets_goal": bool(w / rw <= GOAL_RATIO),
        "stages_s": {k: rnd(v) for k, v in stages_all[best].items()},
        "response_json_s_not_in_total": rnd(wall), "response_mb": rnd(response_bytes / 1e6, 1),
    }


def scaling(results: list[dict[str, Any]], key: str = "score_s") -> dict[str, Any]:
    """Least-squares time = a + b * persons; R^2; per-person time at each size."""
    n = np.array([r["persons"] for r in results], dtype=float)
    t = np.array([r[key] for r in results], dtype=float)
    out: dict[str, Any] = {"sizes": [int(v) for v in n],
                           "us_per_person": [rnd(ti / ni * 1e6, 1) for ni, ti in zip(n, t,
                                                                                    strict=True)]}
    if len(n) >= 2:
        b, a = np.polyfit(n, t, 1)
        pred = a + b * n
        ss_res, ss_tot = float(((t - pred) ** 2).sum()), float(((t - t.mean()) ** 2).sum())
        out.update({"fit_a_s": rnd(a, 4), "fit_b_us_per_person": rnd(b * 1e6, 2),
                    "r_squared": rnd(1 - ss_res / ss_tot if ss_tot else 1.0, 5)})
        # Per-person time of the largest size over the next one: 1.0 = linear.
        order = np.argsort(n)
        hi, lo = order[-1], order[-2]
        out["per_person_ratio"] = {"sizes": [int(n[lo]), int(n[hi])],
                                   "ratio": rnd((t[hi] / n[hi]) / (t[lo] / n[lo]), 2)}
        out["linear"] = bool(out["per_person_ratio"]["ratio"] <= 1.25)
    return out


def run(sizes: list[int], months: int = 12, artifacts: Path = ARTIFACTS,
        log=print, big_repeats: int = 2) -> dict[str, Any]:
    """``big_repeats``: repeats at 100,000 persons (1 in quick mode)."""
    from inference.artifact import load_artifact
    from inference.scorer import Scorer
    from inference.service import ScoringService, ServiceOptions
    from inference.store import open_store
    from shared_features import IngestLimits

    results = []
    with workdir() as tmp:
        directory, source = usable_artifacts(tmp, artifacts)
        scorer = Scorer(load_artifact(directory))
        limits = IngestLimits(max_persons=max(sizes))
        with open_store(tmp / "bench.sqlite3", migrate=True) as store:
            service = ScoringService(scorer, lambda: store, ServiceOptions(limits=limits))
            service.score_csv(csv_block(50, months, seed=1), "warm-up.csv")
            for persons in sorted(sizes):
                if persons <= IN_MEMORY_MAX:
                    data = csv_block(persons, months, seed=persons)
                else:
                    path = tmp / f"bench-{persons}.csv"
                    write_csv(path, persons, months, seed=persons)
                    data = path.read_bytes()
                    path.unlink()
                result = bench_size(service, store, persons, months, data, big_repeats)
                del data
                store.conn.execute("DELETE FROM runs")  # keep the database small between sizes
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                r = result
                log(f"  batch {persons:>9,} persons: {r['score_s']:8.2f} s "
                    f"({r['persons_per_s']:,}/s), read_csv {r['reference_read_csv_s']} s, "
                    f"ratio {r['ratio_to_read_csv']}x (CPU {r['cpu_ratio_to_read_csv']}x)")
                results.append(result)
    return {"artifact": source, "sizes": results, "scaling": scaling(results),
            "scaling_cpu": scaling(results, "score_cpu_s"),
            "scaling_reference_read_csv": scaling(results, "reference_read_csv_s"),
            "max_rss_mib_of_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                            / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    args = parser.parse_args()
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    print(json.dumps(run(args.sizes, args.months, args.artifacts, log), indent=2))


if __name__ == "__main__":
    main()
