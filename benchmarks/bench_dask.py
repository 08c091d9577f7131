"""``stress-scorer batch`` on a Dask LocalCluster: 1 vs 2 workers, from Parquet.

    python -m benchmarks.bench_dask [--sizes 1000000 5000000] [--workers 1 2] [--explain]
                                    [--data-dir DIR]

For each size, synthetic persons x 12 months are written as a Parquet dataset in two layouts:
``sorted`` (files of ``FILE_PERSONS`` persons in order, row groups of 250k rows, as a panel
exported sorted by person: only the persons cut at a piece boundary cross the shuffle) and
``spread`` (the same rows, each file split into its first and its second half-year: every
person's months are in two files, so every row crosses the shuffle). Each is scored by
``run_batch`` on a fresh
LocalCluster of 1 and of 2 single-threaded worker processes, started as the command starts
its own (``inference.batch.run.local_cluster``: the same settings whatever the worker count).
Reported per run: wall time of the id ranges and the read-shuffle-score-write graph (the
work that grows with the input), persons/s and persons/s
per worker, and each worker's peak RSS (``VmHWM`` of the worker process, read on the worker
after the run). The same-run reference is ``pyarrow`` reading the whole dataset in this
process (the floor: a scorer has to read its input) and, for the speedup, the 1-worker run.
Peak memory per worker must not grow with the input: partitions stream through the workers
and are written as they are scored.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from inference.batch import SHUFFLES

from .common import ARTIFACTS, measure, rnd, usable_artifacts, workdir

FILE_PERSONS = 250_000
ROW_GROUP_ROWS = 250_000
PIECE_ROWS = 1_000_000
MEMORY_PER_WORKER = "3GiB"  # the cluster's own limit: it spills to disk above ~60% of it
GOAL_SPEEDUP = 1.6
LAYOUTS = ("sorted", "spread")


def write_dataset(directory: Path, persons: int, months: int = 12, seed: int = 0) -> int:
    """Synthetic persons as Parquet files of FILE_PERSONS persons; returns the total bytes."""
    from shared_features import FIELD_NAMES
    from tests.conftest import simulate_arrays

    directory.mkdir(parents=True, exist_ok=True)
    month_names = pd.period_range("2024-01", periods=months, freq="M").astype(str).to_numpy()
    for i, start in enumerate(range(0, persons, FILE_PERSONS)):
        n = min(FILE_PERSONS, persons - start)
        arrays, observed = simulate_arrays(n, months, seed + i, mask_share=0.05,
                                           short_share=0.05)
        p, t = np.nonzero(observed)
        frame = pd.DataFrame({
            "person_id": np.char.add("p", np.char.zfill((p + start).astype(str), 8)),
            "month": month_names[t],
            **{f: arrays[f][p, t] for f in FIELD_NAMES}})
        frame.to_parquet(directory / f"part-{i:04d}.parquet", index=False,
                         row_group_size=ROW_GROUP_ROWS)
    return sum(f.stat().st_size for f in directory.glob("*.parquet"))


def spread_dataset(source: Path, directory: Path) -> int:
    """``source``'s files, each split into its first and second half-year (the ``spread``
    layout: a person's months in two files); returns the total bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.parquet")):
        frame = pd.read_parquet(path)
        first = frame["month"] < "2024-07"
        for half, rows in (("a", frame[first]), ("b", frame[~first])):
            rows.to_parquet(directory / f"{path.stem}-{half}.parquet", index=False,
                            row_group_size=ROW_GROUP_ROWS)
    return sum(f.stat().st_size for f in directory.glob("*.parquet"))


def _peak_rss_mib() -> float:
    """This worker's own peak RSS: VmHWM of its address space. Not ``ru_maxrss``: Linux keeps
    that across fork and exec, so a worker spawned by this process would report this
    process's peak (here, the whole dataset read as the reference) as its own."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def run_once(source: Path, out: Path, artifacts: Path, workers: int,
             explain: bool, shuffle: str = "auto") -> dict[str, Any]:
    from distributed import Client

    from inference.batch.run import local_cluster, run_batch
    from inference.batch.score import BatchOptions
    from shared_features import IngestLimits

    options = BatchOptions(limits=IngestLimits(max_persons=10**9), reasons=3 if explain else 0)
    # The cluster the command starts (same settings for every worker count), with the
    # benchmark's memory limit; kept open after the batch to read each worker's peak.
    with local_cluster(workers, MEMORY_PER_WORKER) as cluster, Client(cluster) as client:
        summary = run_batch(str(source), str(out), artifacts, scheduler=cluster.scheduler_address,
                            options=options, piece_rows=PIECE_ROWS, show_progress=False,
                            log=lambda _: None, shuffle=shuffle)
        peaks = sorted(client.run(_peak_rss_mib).values())
    # The work that grows with the input: reading the id ranges, then the graph.
    seconds = (summary["timings_seconds"]["plan"]
               + summary["timings_seconds"]["read_shuffle_score_write"])
    output_bytes = sum(f.stat().st_size for f in out.glob("*.parquet"))
    return {"workers": workers, "shuffle": summary["shuffle"], "seconds": rnd(seconds, 2),
            "total_seconds": summary["timings_seconds"]["total"],
            "persons_per_s": round(summary["persons"] / seconds),
            "persons_per_s_per_worker": round(summary["persons"] / seconds / workers),
            "peak_rss_mib_per_worker": [round(p) for p in peaks],
            "output_mb": round(output_bytes / 2**20, 1),
            "persons": summary["persons"], "input_rows": summary["input_rows"],
            "input_pieces": summary["input_pieces"],
            "rows_scored_in_place": summary["rows_scored_in_place"]}


def _dataset(root: Path, persons: int, layout: str, log) -> Path:
    """The input of ``persons`` persons in ``layout`` under ``root``, written unless a complete
    copy is there (``--data-dir``: 5M persons take minutes to simulate; the data is seeded, so
    a kept copy is the same data)."""
    directory = root / (f"in-{persons}" if layout == "sorted" else f"in-{persons}-{layout}")
    done = directory / "_complete"
    if done.exists():
        return directory
    _remove(directory)
    t = time.perf_counter()
    if layout == "sorted":
        size = write_dataset(directory, persons)
    else:
        size = spread_dataset(_dataset(root, persons, "sorted", log), directory)
    done.touch()
    log(f"  dask: wrote {persons:,} persons, {layout} ({size / 2**20:,.0f} MB Parquet) in "
        f"{time.perf_counter() - t:.0f}s")
    return directory


def run(sizes: list[int], workers: list[int], artifacts: Path = ARTIFACTS, explain: bool = False,
        log=print, data_dir: Path | None = None, shuffle: str = "auto",
        layouts: tuple[str, ...] = LAYOUTS) -> dict[str, Any]:
    import pyarrow.parquet as pq

    results = []
    with workdir("bench-dask-") as tmp:
        directory, source = usable_artifacts(tmp, artifacts)
        for persons in sorted(sizes):
            for layout in layouts:
                data = _dataset(data_dir or tmp, persons, layout, log)
                size = sum(f.stat().st_size for f in data.glob("*.parquet"))
                wall, _, table = measure(lambda d=data: pq.read_table(d))
                rows = table.num_rows
                del table
                point: dict[str, Any] = {"persons": persons, "layout": layout,
                                         "input_rows": rows,
                                         "parquet_mb": round(size / 2**20, 1),
                                         "reference_read_parquet_s": rnd(wall, 2), "runs": []}
                for n in workers:
                    out = tmp / f"out-{persons}-{n}"
                    r = run_once(data, out, directory, n, explain, shuffle)
                    assert r["persons"] == persons and r["input_rows"] == rows, r
                    log(f"  dask {persons:>9,} persons, {layout}, {n} worker(s), "
                        f"{r['rows_scored_in_place'] / rows:.0%} of rows in place, "
                        f"{r['shuffle']} shuffle: {r['seconds']:8.1f} s "
                        f"({r['persons_per_s_per_worker']:,} persons/s/worker), "
                        f"peak RSS/worker {r['peak_rss_mib_per_worker']} MiB")
                    point["runs"].append(r)
                    _remove(out)
                by = {r["workers"]: r for r in point["runs"]}
                if 1 in by and 2 in by:
                    point["speedup_2_over_1"] = rnd(by[1]["seconds"] / by[2]["seconds"], 2)
                    point["meets_goal"] = point["speedup_2_over_1"] >= GOAL_SPEEDUP
                results.append(point)
            if data_dir is None:  # the next size's data needs the disk
                for data in tmp.glob(f"in-{persons}*"):
                    _remove(data)
    return {"artifact": source, "explain": explain, "memory_limit_per_worker": MEMORY_PER_WORKER,
            "piece_rows": PIECE_ROWS, "goal_speedup": GOAL_SPEEDUP, "sizes": results}


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_dask", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--explain", action="store_true",
                        help="with explanations and recommendations (~30 model rows a person)")
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--shuffle", choices=SHUFFLES, default="auto",
                        help="stress-scorer batch --shuffle (default: auto, as the command)")
    parser.add_argument("--layouts", nargs="+", choices=LAYOUTS, default=list(LAYOUTS))
    parser.add_argument("--data-dir", type=Path,
                        help="keep the simulated inputs here and reuse them in later runs")
    args = parser.parse_args(argv)
    result = run(args.sizes, args.workers, args.artifacts, args.explain,
                 log=lambda m: print(m, file=sys.stderr, flush=True), data_dir=args.data_dir,
                 shuffle=args.shuffle, layouts=tuple(args.layouts))
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
