"""Before / after: the scoring path of a git revision against the working tree, same run.

    python -m benchmarks.compare [--rev HEAD] [--sizes 10000 100000] [--repeats 2]
                                 [--memory 100000]

``shared_features/`` and ``inference/`` of ``--rev`` are exported (``git archive``, read-only)
to a temporary directory; each size's CSV is written once; then, alternating revision and
working tree, a fresh process per measurement scores the same bytes with
``ScoringService.score_csv`` (same artifact, same options) and reports its wall and CPU time,
the peak RSS growth of the call (VmHWM reset before it), and ``pandas.read_csv`` of the same
bytes in the same process as the reference. Results also go to benchmarks/out/compare.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path
from typing import Any

from .common import ARTIFACTS, PROJECT_ROOT, median, rnd, usable_artifacts, workdir, write_csv

_MEASURE = r"""
import gc, io, json, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import pandas as pd
from inference.artifact import load_artifact
from inference.scorer import Scorer
from inference.service import ScoringService, ServiceOptions
from inference.store import open_store
from shared_features import IngestLimits

def status(key):
    text = Path("/proc/self/status").read_text()
    return int(text.split(key + ":")[1].split()[0]) * 1024

data = Path(sys.argv[3]).read_bytes()
scorer = Scorer(load_artifact(sys.argv[2]))
with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "db", migrate=True) as store:
    service = ScoringService(scorer, lambda: store,
                             ServiceOptions(limits=IngestLimits(max_persons=10**7)))
    service.score_csv(data[:20000].rsplit(b"\n", 1)[0] + b"\n", "warm.csv")
    t = time.perf_counter(); pd.read_csv(io.BytesIO(data)); ref = time.perf_counter() - t
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    base = status("VmRSS")
    t, c = time.perf_counter(), time.process_time()
    doc = service.score_csv(data, "x.csv")
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    peak = status("VmHWM") - base
print(json.dumps({"wall": wall, "cpu": cpu, "read_csv": ref, "peak_growth": peak,
                  "rows": len(doc.rows), "first_row": doc.rows[0], "last_row": doc.rows[-1]}))
"""


def _export(rev: str, into: Path, paths: tuple[str, ...] = ("shared_features", "inference")
            ) -> Path:
    archive = subprocess.run(["git", "-C", str(PROJECT_ROOT), "archive", "--format=tar", rev,
                              *paths], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _measure(tree: Path, artifacts: Path, csv_path: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(tree), str(artifacts),
                           str(csv_path)], cwd=tree, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def memory(rev: str, persons: int, log=print) -> dict[str, Any]:
    """Section 4 (a gunicorn worker's peak RSS scoring one upload) for the revision's whole
    tree and for the working tree, with the same artifact."""
    from .bench_http import bench_memory

    out = {}
    with workdir("bench-compare-") as tmp:
        old_tree = _export(rev, tmp / "rev", ("shared_features", "inference", "web"))
        artifacts, _ = usable_artifacts(tmp, ARTIFACTS)
        for name, tree in (("before", old_tree), ("after", PROJECT_ROOT)):
            m = bench_memory(artifacts, persons, root=tree)
            m.pop("rss_timeline_mib", None)
            out[name] = m
            log(f"  memory {name}: peak {m['peak_rss_mib']} MiB, growth {m['peak_growth_mib']}"
                f" MiB = {m['peak_growth_in_csv_sizes']} CSV sizes")
    return out


def run(rev: str, sizes: list[int], repeats: int, log=print) -> dict[str, Any]:
    results = []
    with workdir("bench-compare-") as tmp:
        old_tree = _export(rev, tmp / "rev")
        artifacts, source = usable_artifacts(tmp, ARTIFACTS)
        for persons in sizes:
            csv_path = tmp / f"{persons}.csv"
            size = write_csv(csv_path, persons, 12, seed=persons)
            runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
            for _ in range(repeats):
                for name, tree in (("before", old_tree), ("after", PROJECT_ROOT)):
                    runs[name].append(_measure(tree, artifacts, csv_path))
            same = all(a["first_row"] == b["first_row"] and a["last_row"] == b["last_row"]
                       for a, b in zip(runs["before"], runs["after"], strict=True))
            row: dict[str, Any] = {"persons": persons, "csv_mib": rnd(size / 2**20, 1),
                                   "same_results_first_and_last_person": same}
            for name, rs in runs.items():
                wall, cpu = median([r["wall"] for r in rs]), median([r["cpu"] for r in rs])
                ref = median([r["read_csv"] for r in rs])
                row[name] = {"score_s": rnd(wall), "score_cpu_s": rnd(cpu),
                             "read_csv_s": rnd(ref), "ratio_to_read_csv": rnd(wall / ref, 1),
                             "persons_per_s": round(persons / wall),
                             "peak_rss_growth_mib": rnd(max(r["peak_growth"] for r in rs)
                                                        / 2**20, 1)}
            row["speedup_wall"] = rnd(row["before"]["score_s"] / row["after"]["score_s"], 2)
            row["speedup_cpu"] = rnd(row["before"]["score_cpu_s"] / row["after"]["score_cpu_s"],
                                     2)
            log(f"  {persons:>9,} persons: before {row['before']['score_s']} s, after "
                f"{row['after']['score_s']} s ({row['speedup_wall']}x; CPU "
                f"{row['speedup_cpu']}x), peak RSS growth {row['before']['peak_rss_growth_mib']}"
                f" -> {row['after']['peak_rss_growth_mib']} MiB")
            results.append(row)
            csv_path.unlink()
    return {"rev": rev, "artifact": source, "repeats": repeats, "sizes": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--memory", type=int, default=0, metavar="PERSONS",
                        help="also compare a gunicorn worker's peak RSS on this upload")
    args = parser.parse_args()
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    out = run(args.rev, args.sizes, args.repeats, log=log) if args.sizes else {"rev": args.rev}
    if args.memory:
        out["memory"] = memory(args.rev, args.memory, log=log)
    path = PROJECT_ROOT / "benchmarks" / "out" / "compare.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
