"""``stress-scorer score`` as a whole process, against a process that only reads the same file.

    python -m benchmarks.bench_cli [--persons 100000] [--months 12] [--repeats 2] [--no-explain]
    python -m benchmarks.bench_cli --stages [--persons 100000]   # where the time goes

For one synthetic CSV (``common.write_csv``), alternately, so a busy machine slows all alike:

* the reference: a fresh ``python -c`` that imports pandas and runs ``pandas.read_csv`` on the
  file (what any tool reading it pays, interpreter start included);
* ``stress-scorer score FILE --out results.csv`` and the same with ``--explain``.

Each is timed as a whole process (wall clock); its CPU seconds (user + system, all threads), minor
page faults and peak resident memory are read from the kernel (``wait4`` rusage). On a shared
machine the CPU seconds say more than the wall time: they hardly depend on how much of the two
cores the process got. Goals (issue #11): score <= 2x the reference, with
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

from .common import ARTIFACTS, PROJECT_ROOT, median, rnd, usable_artifacts, workdir

GOAL_SCORE = 2.0
GOAL_EXPLAIN = 4.0
GOAL_MEMORY = 2.0  # peak RSS / CSV bytes

READ_CSV = "import sys, pandas; pandas.read_csv(sys.argv[1])"


def _run(argv: list[str]) -> tuple[float, int, float, int]:
    """(wall seconds, peak RSS bytes, CPU seconds, minor page faults) of one child process;
    raises if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {proc.returncode}: {err[-2000:]}")
    return (wall, usage.ru_maxrss * 1024,  # kB on Linux
            usage.ru_utime + usage.ru_stime, usage.ru_minflt)


def _write_csv_apart(path: Path, persons: int, months: int, seed: int) -> int:
    """``common.write_csv`` in a process of its own. A child's ru_maxrss starts from its parent's
    peak (the kernel carries it over fork and exec): writing a large CSV here would make every
    command timed after it look as big as this process once was."""
    code = ("import sys; from pathlib import Path; from benchmarks.common import write_csv; "
            "write_csv(Path(sys.argv[1]), *map(int, sys.argv[2:]))")
    subprocess.run([sys.executable, "-c", code, str(path), str(persons), str(months),
                    str(seed)], check=True, cwd=PROJECT_ROOT)
    return path.stat().st_size


def _script() -> str:
    found = Path(sys.executable).with_name("stress-scorer")
    return str(found) if found.exists() else "stress-scorer"


def run(persons: int = 100_000, months: int = 12, repeats: int = 2,
        artifacts: Path = ARTIFACTS, log=print, explain: bool = True) -> dict[str, Any]:
    with workdir("bench-cli-") as tmp:
        directory, source = usable_artifacts(tmp, artifacts)
        csv = tmp / "monthly.csv"
        size = _write_csv_apart(csv, persons, months, seed=persons)
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
        cpus: dict[str, list[float]] = {k: [] for k in commands}
        faults: dict[str, list[int]] = {k: [] for k in commands}
        for _ in range(repeats):
            for name, argv in commands.items():
                wall, peak, cpu, minflt = _run(argv)
                walls[name].append(wall)
                peaks[name].append(peak)
                cpus[name].append(cpu)
                faults[name].append(minflt)
                log(f"  cli {persons:,}: {name:20s} {wall:7.2f} s, CPU {cpu:6.2f} s, "
                    f"peak {peak / 2**20:7.0f} MiB")
    ref = median(walls["reference_read_csv"])
    ref_cpu = median(cpus["reference_read_csv"])
    result: dict[str, Any] = {"artifact": source, "persons": persons, "months": months,
                              "csv_mb": rnd(size / 1e6, 1), "repeats": repeats,
                              "load_average_1m": round(os.getloadavg()[0], 2)}
    for name in commands:
        result[name] = {"wall_s": rnd(median(walls[name])),
                        "wall_all_s": [rnd(w) for w in walls[name]],
                        "peak_rss_mib": round(max(peaks[name]) / 2**20, 1),
                        "peak_rss_over_csv": rnd(max(peaks[name]) / size, 2),
                        "ratio_to_read_csv": rnd(median(walls[name]) / ref, 2),
                        "cpu_s": rnd(median(cpus[name])),
                        "cpu_all_s": [rnd(c) for c in cpus[name]],
                        "cpu_ratio_to_read_csv": rnd(median(cpus[name]) / ref_cpu, 2),
                        "minor_faults": int(median(faults[name]))}
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


# Where the process's time goes (``--stages``): what each stage calls, wrapped with timers in a
# child process that runs ``stress-scorer score`` in full. Blocks are scored on several threads
# at once, so the per-block stages add up thread-seconds, not wall time.
STAGES = (
    ("inference.cli", "load_scorer", "load the model"),
    ("shared_features.ingest", "read_columns", "read (pyarrow -> numpy columns)"),
    ("shared_features.ingest", "ingest_columns", "validate"),
    ("shared_features.ingest:PanelRows", "block", "per block: panel layout"),
    ("inference.pipeline", "model_input", "per block: features"),
    ("inference.scorer:Scorer", "predict", "per block: model"),
    ("inference.cli", "results_arrow", "per block: table (features and model included)"),
    ("inference.outputs:CsvWriter", "encode", "per block: CSV encoding"),
    ("inference.outputs:CsvWriter", "append", "writing (in order)"),
)


def stages_child(argv: list[str]) -> dict[str, Any]:
    """Run ``stress-scorer score *argv`` in this process with STAGES timed: {stage: (wall s,
    CPU s of this thread)}; the imports before it as the first stage."""
    import importlib
    import threading

    start = time.perf_counter()
    cli = importlib.import_module("inference.cli")
    seconds: dict[str, list[float]] = {
        "imports": [time.perf_counter() - start, time.process_time()]}
    lock = threading.Lock()

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                with lock:
                    total = seconds.setdefault(label, [0.0, 0.0])
                    total[0] += time.perf_counter() - wall
                    total[1] += time.thread_time() - cpu
        setattr(owner, name, timed)

    for where, name, label in STAGES:
        module, _, cls = where.partition(":")
        owner = importlib.import_module(module)
        wrap(getattr(owner, cls) if cls else owner, name, label)
    wall, cpu = time.perf_counter(), time.process_time()
    if cli.main(["score", *argv]) != 0:
        raise RuntimeError("stress-scorer score failed")
    seconds["score command (all threads' CPU)"] = [time.perf_counter() - wall,
                                                   time.process_time() - cpu]
    return {k: [rnd(v[0]), rnd(v[1])] for k, v in seconds.items()}


def stages(persons: int, months: int, artifacts: Path, log=print) -> dict[str, Any]:
    """Stage by stage, one run of ``stress-scorer score`` on a fresh CSV (``stages_child``)."""
    with workdir("bench-cli-") as tmp:
        directory, source = usable_artifacts(tmp, artifacts)
        csv = tmp / "monthly.csv"
        size = _write_csv_apart(csv, persons, months, seed=persons)
        argv = [sys.executable, "-m", "benchmarks.bench_cli", "--stages-child", str(csv),
                "--out", str(tmp / "results.csv"), "--artifacts", str(directory), "--quiet"]
        wall, *_ = _run(argv[:1] + ["-c", READ_CSV, str(csv)])
        log(f"  reference read_csv {wall:.2f} s")
        start = time.perf_counter()
        out = subprocess.run(argv, capture_output=True, text=True, check=True)
        total = time.perf_counter() - start
    return {"artifact": source, "persons": persons, "months": months,
            "csv_mb": rnd(size / 1e6, 1), "reference_read_csv_s": rnd(wall),
            "process_wall_s": rnd(total), "load_average_1m": round(os.getloadavg()[0], 2),
            "stages_wall_s_cpu_s": json.loads(out.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    parser.add_argument("--no-explain", action="store_true",
                        help="time scoring only, not the --explain process")
    parser.add_argument("--stages", action="store_true",
                        help="one scoring run timed stage by stage instead")
    parser.add_argument("--stages-child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    if args.stages_child:
        print(json.dumps(stages_child(args.stages_child)))
        return
    if args.stages:
        print(json.dumps(stages(args.persons, args.months, args.artifacts, log), indent=2))
        return
    print(json.dumps(run(args.persons, args.months, args.repeats, args.artifacts, log,
                         explain=not args.no_explain), indent=2))


if __name__ == "__main__":
    main()
