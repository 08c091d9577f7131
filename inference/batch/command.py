"""``stress-scorer batch INPUT --out DIR [--scheduler ADDRESS | --workers N] [--explain]``.

Added to the console script's parser by ``inference.cli`` like every subcommand. Dask is
imported only when the command runs, so ``stress-scorer score`` works without the batch extra.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import SHUFFLES

EXIT_NO_CLUSTER = 4  # the scheduler has no workers (the other codes are inference.cli's)


def run_batch_command(args: argparse.Namespace) -> int:
    from ..cli import EXIT_BAD_CONFIG, EXIT_BAD_INPUT, EXIT_NO_MODEL, REASONS, explain_settings

    try:
        from .read import DEFAULT_PIECE_ROWS, InputNotFound
        from .run import NoWorkers, OutputExists, run_batch
        from .score import BatchOptions
    except ImportError as exc:
        print(f"error: stress-scorer batch needs the batch extra "
              f"(pip install 'stress-scorer[batch]'): {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from shared_features import IngestLimits

    from ..artifact import ArtifactError
    from ..explain import ExplainOptions

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    # Reasons are chosen by the service's [explain] settings, as `stress-scorer score` does, so
    # the batch writes the same reasons for the same person.
    try:
        explain = explain_settings() if args.explain else ExplainOptions()
    except ValueError as exc:  # web.settings.ConfigError: a setting has a wrong value
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    # An analyst's own data on their own cluster: no service limit on the number of persons.
    options = BatchOptions(limits=IngestLimits(max_persons=sys.maxsize),
                           reasons=REASONS if args.explain else 0, explain=explain)
    try:
        summary = run_batch(args.input, args.out, args.artifacts, scheduler=args.scheduler,
                            workers=args.workers, memory_limit=args.memory_per_worker,
                            options=options, piece_rows=args.piece_rows or DEFAULT_PIECE_ROWS,
                            shuffle=args.shuffle, log=log,
                            show_progress=not args.quiet and sys.stderr.isatty())
    except ArtifactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NO_MODEL
    except (InputNotFound, OutputExists) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except NoWorkers as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NO_CLUSTER
    bands = ", ".join(f"{b} {n:,}" for b, n in summary["band_counts"].items())
    log(f"scored {summary['persons_scored']:,} of {summary['persons']:,} persons ({bands}) in "
        f"{summary['timings_seconds']['total']:.1f} s -> {args.out}")
    if summary["persons_not_scored"]:
        log(f"{summary['persons_not_scored']:,} persons not scored, {summary['rows_rejected']:,}"
            f" rows rejected: see the problems column and {args.out}/_summary.json")
    return 0


def add_batch_command(commands: argparse._SubParsersAction, default_artifacts: str) -> None:

    p = commands.add_parser(
        "batch", help="score many files on a Dask cluster into a Parquet dataset",
        description="Score monthly CSV or Parquet files (a file, a directory or a glob, local "
                    "or any fsspec URL) on a Dask cluster and write one row per person, the "
                    "columns of `stress-scorer score` plus the problems that kept a person "
                    "from being scored, as a Parquet dataset with a _summary.json. See "
                    "docs/SCALE.md.")
    p.add_argument("input", help="CSV/Parquet file, directory or glob (s3://... with s3fs)")
    p.add_argument("--out", "-o", required=True, help="output directory (new or empty)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of a running Dask scheduler "
                                           "(default: a local cluster)")
    where.add_argument("--workers", type=int,
                       help=f"local worker processes (default: one per core, {os.cpu_count()})")
    p.add_argument("--explain", action="store_true",
                   help="add the strongest reasons per person (about 30x the model work)")
    p.add_argument("--artifacts", default=default_artifacts, type=Path,
                   help="model artifact directory; shipped to every worker")
    p.add_argument("--memory-per-worker", help="local cluster only, e.g. 4GiB (default: the "
                                               "machine's memory shared between the workers)")
    p.add_argument("--piece-rows", type=int,
                   help="Parquet rows read per task (default: a million; CSV: a task per file)")
    p.add_argument("--shuffle", choices=SHUFFLES, default="auto",
                   help="how rows are grouped by person: in the workers' memory (tasks), "
                        "staged on disk (p2p), or tasks when the rows take at most half the "
                        "workers' memory limits (auto, the default)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=run_batch_command)
