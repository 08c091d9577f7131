"""``stress-scorer score`` as a whole process, against a process that only reads the same file.

    python -m benchmarks.bench_cli [--persons 100000] [--months 12] [--repeats 2] [--no-explain]

For one synthetic CSV (``common.write_csv``), alternately, so a busy machine slows all alike:

* the reference: a fresh ``python -c`` that imports pandas and runs ``pandas.read_csv`` on the
  file (what any tool reading it pays, interpreter start included);
* ``stress-scorer score FILE --out results.csv`` and the same with ``--explain``.

Each is timed as a whole process (wall clock) and its peak resident memory is read from the
kernel (``wait4`` rusage ``ru_maxrss``). Goals (issue #11): score <= 2x the reference, with
``--explain`` <= 4x, peak memory <= 2x the CSV's size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .common import ARTIFACTS, median, rnd, usable_artifacts, workdir, write_csv

GOAL_SCORE = 2.0
GOAL_EXPLAIN = 4.0
GOAL_MEMORY = 2.0  # peak RSS / CSV bytes

READ_CSV = "import sys, pandas; pandas.read_csv(sys.argv[1])"


def _run(argv: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS bytes) of one child process; raises if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {proc.returncode}: {err[-2000:]}")
    return wall, usage.ru_maxrss * 1024  # kB on Linux


def _script() -> str:
    found = Path(sys.executable).with_name("stress-scorer")
    return str(found) if found.exists() else "stress-scorer"


def run(persons: int = 100_000, months: int = 12, repeats: int = 2,
        artifacts: Path = ARTIFACTS, log=print, explain: bool = True) -> dict[str, Any]:
    with workdir("bench-cli-") as tmp:
        directory, source = usable_artifacts(tmp, artifacts)
        csv = tmp / "monthly.csv"
        size = write_csv(csv, persons, months, seed=persons)
        out = tmp / "results.csv"
        commands = {
            "reference_read_csv": [sys.executable, "-c", READ_CSV, str(csv)],
            "score": [_script(), "score", str(csv), "--out", str(out), "--artifacts",
                      str(directory), "--quiet"],
            "score_explain": [_script(), "score", str(csv), "--out", str(out), "--artifacts",
                              str(directory), "--quiet", "--explain"],
        }
        if not explain:  # explaining a million persons takes far longer than scoring them
            del commands["score_explain"]
        walls: dict[str, list[float]] = {k: [] for k in commands}
        peaks: dict[str, list[int]] = {k: [] for k in commands}
        for _ in range(repeats):
            for name, argv in commands.items():
                wall, peak = _run(argv)
                walls[name].append(wall)
                peaks[name].append(peak)
                log(f"  cli {persons:,}: {name:20s} {wall:7.2f} s, peak {peak / 2**20:7.0f} MiB")
    ref = median(walls["reference_read_csv"])
    result: dict[str, Any] = {"artifact": source, "persons": persons, "months": months,
                              "csv_mb": rnd(size / 1e6, 1), "repeats": repeats,
                              "load_average_1m": round(os.getloadavg()[0], 2)}
    for name in commands:
        result[name] = {"wall_s": rnd(median(walls[name])),
                        "wall_all_s": [rnd(w) for w in walls[name]],
                        "peak_rss_mib": round(max(peaks[name]) / 2**20, 1),
                        "peak_rss_over_csv": rnd(max(peaks[name]) / size, 2),
                        "ratio_to_read_csv": rnd(median(walls[name]) / ref, 2)}
    result["goals"] = {"score_ratio": GOAL_SCORE, "explain_ratio": GOAL_EXPLAIN,
                       "peak_rss_over_csv": GOAL_MEMORY}
    result["meets"] = {
        "score_ratio": result["score"]["ratio_to_read_csv"] <= GOAL_SCORE,
        "score_memory": result["score"]["peak_rss_over_csv"] <= GOAL_MEMORY}
    if explain:
        result["meets"] |= {
            "explain_ratio": result["score_explain"]["ratio_to_read_csv"] <= GOAL_EXPLAIN,
            "explain_memory": result["score_explain"]["peak_rss_over_csv"] <= GOAL_MEMORY}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    parser.add_argument("--no-explain", action="store_true",
                        help="time scoring only, not the --explain process")
    args = parser.parse_args()
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    print(json.dumps(run(args.persons, args.months, args.repeats, args.artifacts, log,
                         explain=not args.no_explain), indent=2))


if __name__ == "__main__":
    main()
