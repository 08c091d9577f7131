"""Reading a batch output directory back: its summary and its scored persons as store rows.

Used by ``flask runs import DIR`` to keep a batch as a run the dashboard can browse. Streams
the Parquet dataset a record batch at a time (pyarrow only: the service needs no Dask), so a
run of millions of persons is never held whole. Persons the batch could not score (problems)
have no result to store; the run's warnings say how many and where to find why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

from shared_features import KEY_METRICS

from ..documents import ResultRow, encode

SUMMARY_FILE = "_summary.json"
BATCH_ROWS = 50_000  # persons converted at a time


class NotABatchOutput(ValueError):
    """The directory is not what ``stress-scorer batch`` writes; the message says why."""


def read_summary(directory: str | Path) -> dict[str, Any]:
    path = Path(directory) / SUMMARY_FILE
    try:
        summary = json.loads(path.read_text())
    except FileNotFoundError:
        raise NotABatchOutput(f"{directory} has no {SUMMARY_FILE}: not the output of "
                              "`stress-scorer batch` (or it did not finish)") from None
    except json.JSONDecodeError as exc:
        raise NotABatchOutput(f"{path} is not valid JSON: {exc}") from None
    for key in ("persons", "band_counts", "model_sha256"):
        if key not in summary:
            raise NotABatchOutput(f"{path} lacks {key!r}")
    return summary


def result_rows(directory: str | Path) -> Iterator[ResultRow]:
    """The scored persons of a batch output as store rows, in the dataset's order.

    The batch output has no monthly history, explanations or recommendations (a batch keeps
    one flat row per person), so those parts are empty; key metrics and warnings are kept.
    """
    dataset = ds.dataset(str(directory), format="parquet", exclude_invalid_files=True)
    keys = [key for key, *_ in KEY_METRICS]
    columns = ["person_id", "probability", "risk_score", "risk_band", *keys, "warnings"]
    missing = [c for c in columns if c not in dataset.schema.names]
    if missing:
        raise NotABatchOutput(f"{directory} lacks the columns {missing}")
    for batch in dataset.to_batches(columns=columns, batch_size=BATCH_ROWS):
        frame = batch.to_pandas()
        frame = frame[frame["probability"].notna()]
        if frame.empty:
            continue
        # One C call encodes every person's key metrics object (NaN -> null).
        metrics = frame[keys].to_json(orient="records", lines=True, double_precision=3)
        warnings = [encode(w.split("; ") if w else [])
                    for w in frame["warnings"].fillna("").tolist()]
        n = len(frame)
        yield from zip(frame["person_id"].astype(str).tolist(),
                       frame["probability"].astype(float).tolist(),
                       frame["risk_score"].astype(np.int64).tolist(),
                       frame["risk_band"].astype(str).tolist(),
                       metrics.splitlines(), ["[]"] * n, ["[]"] * n,
                       ['{"months":[]}'] * n, warnings, strict=True)


def mean_probability(directory: str | Path) -> float | None:
    """Mean over the scored persons, read column-wise from the dataset."""
    table = ds.dataset(str(directory), format="parquet",
                       exclude_invalid_files=True).to_table(columns=["probability"])
    values = pd.Series(table.column("probability").to_numpy(zero_copy_only=False)).dropna()
    return round(float(values.mean()), 4) if len(values) else None
