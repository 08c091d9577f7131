"""Run a batch: input -> group by person -> score on every worker -> Parquet + _summary.json.

First the pieces' person-id ranges say which rows can meet rows of another piece
(``in_place``). Then the graph streams: each input piece is read by one task, which scores and
writes the persons the piece holds whole (``in-place.<piece>.parquet``) and hands the other rows
to Dask's shuffle (in the workers' memory when they fit well, staged on disk otherwise), so
that a person's months meet in one partition whatever files they came from. Each shuffled
partition is scored and written to its own Parquet file (``part.<n>.parquet``), and nothing is
gathered on the client except the summary's counts.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from distributed import Client, LocalCluster, progress

from ..artifact import load_artifact
from ..scorer import Scorer
from . import SHUFFLES, in_place
from .read import DEFAULT_PIECE_ROWS, ROW_BYTES, ROW_META, Piece, list_pieces, read_rows
from .score import BatchOptions, score_partition
from .table import output_meta
from .worker import ScorerPlugin, worker_scorer

SUMMARY_FILE = "_summary.json"
IN_PLACE_FILE = "in-place.{:05d}.parquet"  # persons scored where their piece was read
MAX_EXAMPLES = 20  # problems quoted in the summary; all are counted and all are in the output
WORKER_WAIT_SECONDS = 120
# ``auto``: rows that take at most this share of the workers' memory limits go through Dask's
# in-memory (tasks) shuffle; more go through the peer-to-peer one, which stages them on disk.
IN_MEMORY_SHARE = 0.5
# A local cluster runs without Dask's diagnostics that cost CPU all the time: the statistical
# profiler (its sampler takes the GIL from the task thread every 10 ms), host disk I/O counters
# and GIL monitoring, with system metrics (CPU, memory per worker) sampled once a second
# instead of twice. Their cost grows with the run's length on every worker's event loop and the
# scheduler: a one-worker cluster hides it on the spare core, two workers pay it out of the
# cores they score on (benchmarks/notes.md, #15). Memory limits, spilling and the dashboard's
# task stream, progress and memory views are unchanged. ``--scheduler`` clusters keep theirs.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "1s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}


class NoWorkers(RuntimeError):
    """The cluster has no worker to run the batch on."""


class OutputExists(FileExistsError):
    """The output directory already holds files: a batch never overwrites a previous one."""


def run_batch(source: str, out: str, artifact_dir: str | Path, *, scheduler: str | None = None,
              workers: int | None = None, memory_limit: str | None = None,
              options: BatchOptions | None = None, piece_rows: int = DEFAULT_PIECE_ROWS,
              show_progress: bool = True, log: Callable[[str], None] = print,
              storage_options: dict | None = None, shuffle: str = "auto") -> dict[str, Any]:
    """Score ``source`` into the Parquet dataset ``out``; return (and write) the summary.

    Raises ``ArtifactError`` (with the service's message) before any cluster starts when the
    artifact cannot be served, ``InputNotFound`` when no input file matches and
    ``OutputExists`` when ``out`` is not empty.
    """
    if shuffle not in SHUFFLES:
        raise ValueError(f"shuffle must be one of {SHUFFLES}, not {shuffle!r}")
    options = options or BatchOptions()
    started, t0 = datetime.now(UTC), time.perf_counter()
    artifact = load_artifact(artifact_dir)  # fail fast, here, with the service's message
    fs, _, (out_path,) = fsspec.get_fs_token_paths(out, storage_options=storage_options)
    if fs.exists(out_path) and fs.ls(out_path):
        raise OutputExists(f"{out} already has files; give a new or empty directory")
    pieces = list_pieces(source, piece_rows, storage_options)
    timings = {"list_input": time.perf_counter() - t0}

    with _client(scheduler, workers, memory_limit) as client:
        try:  # a scheduler whose workers never come would otherwise wait forever
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise NoWorkers(f"no Dask worker joined the scheduler {client.scheduler.address} "
                            f"within {WORKER_WAIT_SECONDS} s") from None
        n_workers = len(client.nthreads())
        t = time.perf_counter()
        where = plan_rows(pieces, client, storage_options)
        timings["plan"] = time.perf_counter() - t
        method = shuffle_method(shuffle, where.rows_to_shuffle * ROW_BYTES, client)
        log(f"Dask dashboard: {client.dashboard_link}  ({n_workers} workers, "
            f"{len(pieces)} input pieces, {where.rows_in_place:,} rows scored where they are "
            f"read, the rest through the {method} shuffle)")
        t = time.perf_counter()
        client.register_plugin(ScorerPlugin(artifact_dir))  # raises if a worker refuses it
        timings["load_model_on_workers"] = time.perf_counter() - t

        t = time.perf_counter()
        meta = output_meta(Scorer(artifact), options.reasons)
        target = Target(out, storage_options, pa.Schema.from_pandas(meta, preserve_index=False))
        scored = _scored(read_rows(pieces, storage_options), where, pieces, n_workers,
                         piece_rows, method, options, meta, target)
        write = scored.to_parquet(out, write_index=False, compute=False, schema=target.schema,
                                  storage_options=storage_options)
        future = client.compute(write)
        if show_progress:
            progress(future)
        future.result()
        timings["read_shuffle_score_write"] = time.perf_counter() - t

        t = time.perf_counter()
        summary = summarise(out, storage_options)
        timings["summary"] = time.perf_counter() - t

    timings["total"] = time.perf_counter() - t0
    work = timings["plan"] + timings["read_shuffle_score_write"]  # what grows with the input
    summary.update({
        "source": source,
        "started_at": started.isoformat(timespec="seconds"),
        "model_sha256": artifact.model_sha256,
        "model_version": artifact.spec.spec_version,
        "reasons_per_person": options.reasons,
        "workers": n_workers,
        "input_pieces": len(pieces),
        "shuffle": method,
        "rows_scored_in_place": where.rows_in_place,
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "persons_per_second": round(summary["persons"] / work, 1) if work > 0 else None,
        "limits": asdict(options.limits),
    })
    with fs.open(f"{out_path}/{SUMMARY_FILE}", "w") as fh:
        fh.write(json.dumps(summary, indent=2) + "\n")
    return summary


def shuffle_method(requested: str, shuffled_bytes: int, client: Client) -> str:
    """The shuffle for ``requested`` (one of ``SHUFFLES``): ``auto`` keeps the rows that cross
    it (``shuffled_bytes`` once read) in the workers' memory when they fit well within it
    (fewer copies: no staging on disk, nothing serialised within a worker) and stages them on
    disk (P2P) otherwise, or when a worker has no memory limit to judge by."""
    if requested != "auto":
        return requested
    limits = [w.get("memory_limit") or 0 for w in client.scheduler_info()["workers"].values()]
    return "tasks" if all(limits) and shuffled_bytes <= IN_MEMORY_SHARE * sum(limits) else "p2p"


def plan_rows(pieces: list[Piece], client: Client, storage_options: dict | None = None
              ) -> in_place.Plan:
    """Which rows can be scored where they are read (``in_place``): the pieces' id ranges,
    then, for the pieces that overlap others in part (and not only at their ends), how many of
    their rows do. Both read the id column alone, on the workers; only a few values per piece
    come back."""
    ranges = client.gather(client.map(in_place.piece_id_range, pieces, pure=False,
                                      storage_options=storage_options))
    zones = in_place.overlap_zones(ranges)
    partly = in_place.to_count(ranges, zones)
    counts = client.gather(client.map(in_place.shared_rows, [pieces[i] for i in partly],
                                      zones=zones, pure=False, storage_options=storage_options))
    return in_place.plan(ranges, zones, dict(zip(partly, counts, strict=True)))


@dataclass(frozen=True)
class Target:
    """Where the output goes, for the tasks that write persons scored in place themselves: the
    dataset's directory (any fsspec URL) and the one schema all its files share."""

    out: str
    storage_options: dict | None
    schema: pa.Schema


def _scored(rows: dd.DataFrame, where: in_place.Plan, pieces: list[Piece], n_workers: int,
            piece_rows: int, method: str, options: BatchOptions, meta: pd.DataFrame,
            target: Target) -> dd.DataFrame:
    """The rows Dask writes: those that cross the shuffle, scored once it has brought each
    person's rows together. The persons a piece holds whole are scored and written by the
    task that reads the piece, before it hands the rest on: a piece is held only while it
    is being read and scored, whatever the size of the input."""
    # The pieces' file names and the zones go to each worker once (one task each), not inside
    # every task: a sorted input of n pieces has n - 1 zones.
    sources = dask.delayed([piece.name for piece in pieces], pure=True)
    zones = dask.delayed(where.zones, pure=True)
    if where.in_place_pieces:
        crossing = rows.map_partitions(_score_in_place, zones, options, sources, target,
                                       meta=ROW_META)
    else:
        crossing = rows.map_partitions(in_place.select_rows, zones, True, meta=ROW_META)
    # About a piece's rows per partition; with many, enough partitions for every worker.
    npartitions = max(1, -(-where.rows_to_shuffle // piece_rows))
    if where.rows_to_shuffle >= piece_rows:
        npartitions = max(npartitions, min(2 * n_workers, len(pieces)))
    grouped = crossing.shuffle(on="person_id", npartitions=npartitions, shuffle_method=method)
    return grouped.map_partitions(_score_task, options, sources, meta=meta)


def _score_in_place(rows: pd.DataFrame, zones: list[in_place.Zone], options: BatchOptions,
                    sources: list[str], target: Target) -> pd.DataFrame:
    """Score and write the persons this piece holds whole (``in-place.<piece>.parquet``, none
    if it holds nobody whole); return its rows to shuffle."""
    here = in_place.select_rows(rows, zones, False)
    if len(here):
        scored = score_partition(here, worker_scorer(), options, sources)
        fs, _, (directory,) = fsspec.get_fs_token_paths(target.out,
                                                        storage_options=target.storage_options)
        fs.makedirs(directory, exist_ok=True)
        # Named by piece: a task run again (a worker lost) writes the same file again.
        with fs.open(f"{directory}/{IN_PLACE_FILE.format(int(here['piece'].iloc[0]))}",
                     "wb") as fh:
            pq.write_table(pa.Table.from_pandas(scored, schema=target.schema,
                                                preserve_index=False), fh)
    return in_place.select_rows(rows, zones, True)


def _score_task(rows: pd.DataFrame, options: BatchOptions, sources: list[str]) -> pd.DataFrame:
    return score_partition(rows, worker_scorer(), options, sources)


@contextmanager
def local_cluster(workers: int | None = None, memory_limit: str | None = None
                  ) -> Iterator[LocalCluster]:
    """The cluster ``stress-scorer batch`` starts without ``--scheduler``: ``workers``
    single-threaded processes (default: one per core) with ``LOCAL_CLUSTER_CONFIG``.

    One process per core because the GIL-bound parts of scoring (pandas, JSON text) scale
    with processes, not threads, and each process holds one onnxruntime session."""
    # The nannies hand the configuration current when they start to their workers.
    with dask.config.set(LOCAL_CLUSTER_CONFIG), LocalCluster(
            n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
            memory_limit=memory_limit or "auto", dashboard_address=":0",
            silence_logs=logging.ERROR) as cluster:
        yield cluster


@contextmanager
def _client(scheduler: str | None, workers: int | None, memory_limit: str | None):
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with local_cluster(workers, memory_limit) as cluster, Client(cluster) as client:
        yield client


def summarise(out: str, storage_options: dict | None = None) -> dict[str, Any]:
    """Counts over the written dataset (computed where it lies) and the problems' reasons."""
    table = dd.read_parquet(out, columns=["person_id", "risk_band", "input_rows", "rejected_rows",
                                          "problems"], storage_options=storage_options)
    parts = table.map_partitions(_partition_counts, meta=pd.DataFrame(
        {"counts": pd.Series(dtype=object)})).compute()
    totals: Counter = Counter()
    reasons: Counter = Counter()
    examples: list[dict] = []
    for counts in parts["counts"]:
        totals.update(counts["totals"])
        reasons.update(counts["reasons"])
        examples += counts["examples"][: MAX_EXAMPLES - len(examples)]
    bands = {band: int(totals.get(f"band:{band}", 0)) for band in ("Low", "Moderate", "High")}
    return {
        "persons": int(totals["persons"]),
        "persons_scored": sum(bands.values()),
        "persons_not_scored": int(totals["persons"]) - sum(bands.values()),
        "band_counts": bands,
        "input_rows": int(totals["input_rows"]),
        "rows_rejected": int(totals["rejected_rows"]),
        "rows_of_persons_not_scored": int(totals["rows_not_scored"]),
        "rejected_reasons": dict(reasons.most_common()),
        "problem_examples": examples,
    }


def _partition_counts(part: pd.DataFrame) -> pd.DataFrame:
    bands = part["risk_band"].value_counts()
    refused = part["risk_band"].isna()
    totals = {"persons": len(part), "input_rows": int(part["input_rows"].sum()),
              "rejected_rows": int(part["rejected_rows"].sum()),
              "rows_not_scored": int(part.loc[refused, "input_rows"].sum()),
              **{f"band:{b}": int(c) for b, c in bands.items()}}
    reasons: Counter = Counter()
    examples: list[dict] = []
    for person, text in zip(part.loc[refused, "person_id"], part.loc[refused, "problems"],
                            strict=True):
        for problem in json.loads(text):
            reasons[f"{problem['column'] or 'file'}: {problem['message']}"] += 1
            if len(examples) < MAX_EXAMPLES:
                examples.append({"person_id": person, **problem})
    return pd.DataFrame({"counts": [{"totals": totals, "reasons": dict(reasons),
                                     "examples": examples}]})
