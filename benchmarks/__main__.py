"""Run the benchmarks and write the report.

    python -m benchmarks --quick            # < 2 minutes: what `make bench` runs
    python -m benchmarks --full             # 1k .. 1M persons (Dask: 1M, 5M), default training run
    python -m benchmarks --full --publish   # and update docs/PERFORMANCE.md + docs/performance.json
    python -m benchmarks --quick --only batch model
    python -m benchmarks --render           # docs/PERFORMANCE.md again from docs/performance.json
    python -m benchmarks --full --only dask --dask-data /tmp/dask-data   # keep the 5M inputs

Every figure is measured next to a reference in the same run (see docs/PERFORMANCE.md), so
ratios hold on a busy machine. The JSON report goes to benchmarks/out/report.json (and
report-quick.json / report-full.json), a markdown rendering to benchmarks/out/PERFORMANCE.md;
``--publish`` stores the run in docs/performance.json (keyed by mode) and re-renders
docs/PERFORMANCE.md from it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .common import ARTIFACTS, PROJECT_ROOT, machine, usable_artifacts, workdir

SECTIONS = ("batch", "model", "http", "memory", "training", "statements", "dask")
OUT_DIR = PROJECT_ROOT / "benchmarks" / "out"
DOCS_JSON = PROJECT_ROOT / "docs" / "performance.json"
DOCS_MD = PROJECT_ROOT / "docs" / "PERFORMANCE.md"

MODES: dict[str, dict[str, Any]] = {
    "quick": {"sizes": [1_000, 10_000, 100_000], "http_duration": 2.0,
              "memory_persons": 100_000, "simulate_people": 20_000, "small_training": True,
              "model_seconds": 0.3, "big_repeats": 1, "dask_sizes": [10_000]},
    "full": {"sizes": [1_000, 10_000, 100_000, 1_000_000], "http_duration": 8.0,
             "memory_persons": 1_000_000, "simulate_people": 250_000, "small_training": False,
             "model_seconds": 1.0, "big_repeats": 2, "dask_sizes": [1_000_000, 5_000_000]},
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(mode: str, only: tuple[str, ...], artifacts: Path,
        dask_data: Path | None = None) -> dict[str, Any]:
    cfg = MODES[mode]
    report: dict[str, Any] = {
        "mode": mode, "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(), "sections": {}, "seconds": {}}
    t_all = time.perf_counter()
    with workdir() as tmp:
        directory, source = usable_artifacts(tmp, artifacts)
        report["artifact"] = source
        for name in SECTIONS:
            if name not in only:
                continue
            log(f"[{time.perf_counter() - t_all:6.1f}s] {name} ...")
            start = time.perf_counter()
            try:
                report["sections"][name] = _section(name, cfg, directory, dask_data)
            except Exception as exc:  # noqa: BLE001 - one failing section must not lose the rest
                report["sections"][name] = {"error": f"{type(exc).__name__}: {exc}"}
                log(f"  {name} FAILED: {exc}")
            report["seconds"][name] = round(time.perf_counter() - start, 1)
    report["seconds"]["total"] = round(time.perf_counter() - t_all, 1)
    report["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    return report


def _section(name: str, cfg: dict[str, Any], artifacts: Path,
             dask_data: Path | None = None) -> dict[str, Any]:
    if name == "batch":
        from . import bench_batch

        return bench_batch.run(cfg["sizes"], artifacts=artifacts, log=log,
                               big_repeats=cfg["big_repeats"])
    if name == "model":
        from . import bench_model

        return bench_model.run(min_seconds=cfg["model_seconds"], artifacts=artifacts)
    if name == "http":
        from . import bench_http

        return bench_http.bench_http(artifacts, bench_http.CONCURRENCY, cfg["http_duration"])
    if name == "memory":
        from . import bench_http

        return bench_http.bench_memory(artifacts, cfg["memory_persons"])
    if name == "training":
        from . import bench_training

        return bench_training.run(cfg["simulate_people"], cfg["small_training"])
    if name == "statements":
        from . import bench_statements

        return bench_statements.run(rows=100_000, repeats=cfg["big_repeats"] + 2)
    if name == "dask":
        from . import bench_dask

        return bench_dask.run(cfg["dask_sizes"], [1, 2], artifacts=artifacts, log=log,
                              data_dir=dask_data)
    raise ValueError(name)


def _published(previous: dict[str, Any] | None, report: dict[str, Any], partial: bool
               ) -> dict[str, Any]:
    """The run to publish: ``report``, or with ``--only``, the previous run of that mode with
    the sections measured now replaced, and when and how busy the machine was noted."""
    if not partial or previous is None:
        return report
    # The run's total stays the whole run's; the sections measured now replace theirs.
    seconds = {k: v for k, v in report["seconds"].items() if k != "total"}
    merged = {**previous, "sections": {**previous["sections"], **report["sections"]},
              "seconds": {**previous["seconds"], **seconds}}
    merged["partial_updates"] = [*previous.get("partial_updates", []), {
        "sections": sorted(report["sections"]), "started_at": report["started_at"],
        "load_average_at_start": report["machine"]["load_average_at_start"],
        "load_average_at_end": report["machine"]["load_average_at_end"]}]
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes, < 2 minutes (default)")
    mode.add_argument("--full", action="store_true", help="up to 1M persons, default training")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--publish", action="store_true",
                        help="store the run in docs/performance.json, re-render docs/"
                             "PERFORMANCE.md")
    parser.add_argument("--render", action="store_true",
                        help="only re-render docs/PERFORMANCE.md from docs/performance.json "
                             "(after editing benchmarks/notes.md)")
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS)
    parser.add_argument("--dask-data", type=Path,
                        help="keep the Dask section's simulated inputs here between runs")
    args = parser.parse_args(argv)
    name = "full" if args.full else "quick"

    from .report import render

    if args.render:
        DOCS_MD.write_text(render(json.loads(DOCS_JSON.read_text())))
        log(f"rendered {DOCS_MD}")
        return 0

    report = run(name, tuple(args.only), args.artifacts, args.dask_data)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2)
    for path in (OUT_DIR / "report.json", OUT_DIR / f"report-{name}.json"):
        path.write_text(text + "\n")
    (OUT_DIR / "PERFORMANCE.md").write_text(render({name: report}))
    log(f"wrote {OUT_DIR / 'report.json'} and {OUT_DIR / 'PERFORMANCE.md'} "
        f"in {report['seconds']['total']:.0f}s")
    if args.publish:
        runs = json.loads(DOCS_JSON.read_text()) if DOCS_JSON.exists() else {}
        runs[name] = _published(runs.get(name), report, set(args.only) != set(SECTIONS))
        DOCS_JSON.write_text(json.dumps(runs, indent=2) + "\n")
        DOCS_MD.write_text(render(runs))
        log(f"published to {DOCS_JSON} and {DOCS_MD}")
    failed = [k for k, v in report["sections"].items() if "error" in v]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
