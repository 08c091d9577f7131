"""The analysts' command: ``stress-scorer SUBCOMMAND ...`` (declared in pyproject.toml).

    stress-scorer score INPUT [INPUT ...] [--out results.csv|.parquet|.jsonl] [--explain]
    stress-scorer batch INPUT --out DIR [--scheduler ADDRESS | --workers N] [--explain]

scores a monthly CSV (or one person's bank and card statement exports, detected from their
content, as the service does) locally, without a server, through the same ingestion, features
and ONNX model as the service, and writes one row per person (``inference.table``). Each
subcommand is added to the parser by its own ``add_*_command`` function, which sets ``func``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from shared_features import IngestLimits, InputError, read_upload

from .artifact import ArtifactError, load_artifact
from .batch.command import add_batch_command
from .explain import ExplainOptions
from .outputs import SUFFIXES, open_writer
from .pipeline import CHUNK_PERSONS
from .scorer import Scorer
from .table import results_arrow

T = TypeVar("T")
R = TypeVar("R")

ARTIFACTS_ENV = "SCORER__ARTIFACTS__DIR"  # the service's setting, so both find the same model
DEFAULT_ARTIFACTS = "artifacts"
REASONS = 3  # reason columns written with --explain
SCORE_BLOCK_PERSONS = 16_384  # persons per block when only scoring: one model row each; the
# features run ~20% faster on blocks that stay in cache than on 65k, and peak memory is lower

# Exit codes besides 0 (argparse itself exits with 2 on a bad command line).
EXIT_BAD_INPUT = 1
EXIT_NO_MODEL = 3
EXIT_BAD_CONFIG = 4


def default_artifacts() -> str:
    """$SCORER__ARTIFACTS__DIR, else ./artifacts, else the artifacts of the project this
    command was installed from: run from any other directory, it still finds its model."""
    if ARTIFACTS_ENV in os.environ:
        return os.environ[ARTIFACTS_ENV]
    if Path(DEFAULT_ARTIFACTS).is_dir():
        return DEFAULT_ARTIFACTS
    installed = Path(__file__).resolve().parents[1] / DEFAULT_ARTIFACTS
    return str(installed) if installed.is_dir() else DEFAULT_ARTIFACTS


def unwritable(out: Path) -> str | None:
    """Why the results file cannot be written, told before any work is done; None if it can
    (as far as can be known before writing: a full disk shows only then)."""
    folder = out.parent
    if out.is_dir():
        return "it is a directory"
    if not folder.is_dir():
        return f"no such directory: {folder}"
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        return "permission denied"
    return None


def load_scorer(artifacts: str | Path, threads: int) -> Scorer:
    """The one onnxruntime session of this process."""
    return Scorer(load_artifact(artifacts, intra_op_threads=threads))


def explain_settings() -> ExplainOptions:
    """The service's [explain] settings (web/config.toml, the file named by SCORER_CONFIG,
    SCORER__EXPLAIN__* variables): the command explains as the service does."""
    from web.settings import explain_options, load_config_file_and_env, validated

    return explain_options(validated(load_config_file_and_env()))


def in_order(work: Callable[[T], R], items: Sequence[T], workers: int) -> Iterator[R]:
    """``work(item)`` for each item, run on ``workers`` threads, yielded in the items' order.

    One item more than ``workers`` is in hand, so every thread keeps working while the caller
    takes a result; a million persons' blocks are never all held at once."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _progress(total: int, enabled: bool):
    """A progress bar on stderr when it is a terminal (tqdm turns itself off otherwise)."""
    from tqdm import tqdm

    # A pseudo-terminal may report 0 columns, where tqdm would draw an empty line.
    width = shutil.get_terminal_size().columns or 80
    return tqdm(total=total, unit=" persons", unit_scale=True, file=sys.stderr, ncols=width,
                disable=None if enabled else True)


def ordinary_pages() -> None:
    """Stop numpy asking the kernel for transparent huge pages (``madvise``) for new large
    arrays, unless ``NUMPY_MADVISE_HUGEPAGE`` says what the user wants.

    Where the kernel defragments for huge pages on ``madvise`` (a common default), every such
    allocation can wait for memory compaction. A ``score`` run allocates and frees column-sized
    arrays for a few seconds: at 1M persons it spent 3-5 s of system time there, and ran in
    8.4 / 6.9 / 9.5 s against 5.6 / 5.0 / 8.6 s on ordinary pages (same file, interleaved).
    The service's long-lived upload path did not gain, so it keeps numpy's default."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _set_madvise_hugepage  # type: ignore[no-redef]
    _set_madvise_hugepage(False)


def system_arrow_pool() -> None:
    """Let pyarrow allocate with the C library's malloc instead of its bundled mimalloc, unless
    ``ARROW_DEFAULT_MEMORY_POOL`` says what the user wants.

    Reading a large file, arrow's pool takes and gives back hundreds of MB of buffers (each
    column's memory goes back as it is converted). On this host mimalloc's returned memory came
    back as fresh page faults: at 1M persons the whole command's system time was 2.6-7.7 s
    with mimalloc and 1.6-2.1 s with malloc, wall 5.9-11.3 s against 5.6-6.6 s (3 interleaved
    pairs), same peak memory."""
    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ:
        return
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def run_score(args: argparse.Namespace) -> int:
    ordinary_pages()
    system_arrow_pool()
    inputs = [Path(p) for p in args.input]
    out = Path(args.out) if args.out else inputs[0].with_name("results.csv")
    if out.suffix.lower() not in (*SUFFIXES, ".ndjson"):
        print(f"error: --out must end in {', '.join(SUFFIXES)}, got {out.name!r}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    problem = unwritable(out)
    if problem:
        print(f"error: cannot write {out}: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # Blocks of persons are scored on ``workers`` threads at once (numpy and onnxruntime let go
    # of the GIL), each block's model call on one onnxruntime thread: the cores then share all
    # of the work (layout, features, model, table), not the model calls alone.
    workers = max(1, args.threads)
    try:
        explain_options = explain_settings() if args.explain else ExplainOptions()
    except ValueError as exc:  # web.settings.ConfigError: a setting has a wrong value
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    try:
        scorer = load_scorer(args.artifacts, threads=1)
    except ArtifactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NO_MODEL
    started = time.perf_counter()
    try:
        # An analyst's own file on their own machine: no service limit on its size.
        # A monthly table is streamed from its path: its bytes are never held whole.
        ingested = read_upload([(p.name, p) for p in inputs], args.person_id,
                               IngestLimits(max_persons=sys.maxsize)).result
    except InputError as exc:
        print(f"error: {', '.join(args.input)} cannot be scored:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        if exc.total > len(exc.problems):
            print(f"  ... and {exc.total - len(exc.problems)} more", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: cannot read {exc.filename or args.input}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in ingested.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    reasons = REASONS if args.explain else 0
    # Explaining costs ~30 model rows a person: smaller blocks keep those in memory and cache.
    block = args.chunk_persons or (CHUNK_PERSONS if args.explain else SCORE_BLOCK_PERSONS)
    rows = ingested.rows

    writer = open_writer(out)

    def scored_block(bounds: tuple[int, int]) -> Any:
        """One block scored and encoded for the file, on a worker thread."""
        return writer.encode(results_arrow(rows.block(*bounds), scorer, reasons,
                                           explain_options))

    try:
        with _progress(rows.n_persons, not args.quiet) as bar:
            bounds = rows.block_bounds(block)
            for (first, end), encoded in zip(bounds, in_order(scored_block, bounds, workers),
                                             strict=True):
                writer.append(encoded)
                bar.update(end - first)
        writer.close()
    except BaseException as exc:
        with contextlib.suppress(OSError):  # a file being given up: a second error adds nothing
            writer.close()
        if not isinstance(exc, OSError):
            raise
        out.unlink(missing_ok=True)  # the disk filled up, the folder went away: no half file
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not args.quiet:
        print(f"scored {rows.n_persons:,} persons in {time.perf_counter() - started:.1f} s "
              f"-> {out}", file=sys.stderr)
    return 0


def add_score_command(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "score", help="score a monthly CSV locally and write one row per person",
        description="Score a CSV of monthly records (one row per person per month) with the "
                    "local model and write one row per person: probability, 0-100 score, band, "
                    "per-kind probabilities, key metrics, warnings (and reasons with --explain).")
    p.add_argument("input", nargs="+", help="CSV of monthly records, or one person's bank and "
                                            "card statement exports (any bank's CSV layout)")
    p.add_argument("--person-id", default="person_1",
                   help="id for the person whose statements these are (default: person_1)")
    p.add_argument("--out", "-o", help=f"results file, {' / '.join(SUFFIXES)} by its suffix "
                                       "(default: results.csv next to the input)")
    p.add_argument("--explain", action="store_true",
                   help=f"add the {REASONS} strongest reasons per person (about 30x the model "
                        "work of scoring alone)")
    p.add_argument("--artifacts", default=default_artifacts(),
                   help=f"model artifact directory (default: ${ARTIFACTS_ENV}, else "
                        f"./{DEFAULT_ARTIFACTS}, else the installed project's)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="blocks of persons scored at once, one thread each (default: all "
                        "cores)")
    p.add_argument("--chunk-persons", type=int, default=None,
                   help=f"persons scored together; bounds the working memory (default "
                        f"{SCORE_BLOCK_PERSONS:,}, with --explain {CHUNK_PERSONS:,})")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=run_score)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stress-scorer",
        description="Estimate the probability of financial stress from monthly finances.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_score_command(commands)
    add_batch_command(commands, default_artifacts())
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


def console_main() -> None:
    """The installed ``stress-scorer`` command: ``main``; after ``score``, which has closed its
    results file by then, the process ends without the interpreter's teardown.

    Finalising the modules a run imports (pandas, pyarrow, onnxruntime) took 0.24 s of a
    one-person ``score`` run's 1.0 s on this host (0.55-0.79 s with ``os._exit``, 0.79-1.04 s
    without, alternated). ``batch`` exits normally: Dask's clients and clusters tidy up at
    exit."""
    argv = sys.argv[1:]
    code = main(argv)
    if argv[:1] == ["score"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    console_main()
