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

from ..result import RESULT_FIELDS, ResultRow, dumps

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
    """The scored persons of a batch output as store rows (``result.PARTS``), in the dataset's
    order.

    A batch keeps one flat row per person, without the monthly history: the history is empty,
    and explanations, recommendations and contributions are stored empty rather than left to be
    computed when a person is opened (there are no months to compute them from).
    """
    dataset = ds.dataset(str(directory), format="parquet", exclude_invalid_files=True)
    keys = [key for key, *_ in KEY_METRICS]
    components = [c for c in dataset.schema.names if c.startswith("component_")]
    columns = ["person_id", "probability", "risk_score", "risk_band", *components, *keys,
               "warnings"]
    missing = [c for c in columns if c not in dataset.schema.names]
    if missing:
        raise NotABatchOutput(f"{directory} lacks the columns {missing}")
    for batch in dataset.to_batches(columns=columns, batch_size=BATCH_ROWS):
        frame = batch.to_pandas()
        frame = frame[frame["probability"].notna()]
        if frame.empty:
            continue
        n = len(frame)
        parts = {
            "person_id": frame["person_id"].astype(str).tolist(),
            "probability": frame["probability"].astype(float).tolist(),
            "risk_score": frame["risk_score"].astype(np.int64).tolist(),
            "risk_band": frame["risk_band"].astype(str).tolist(),
            "components": _objects(frame, components, "component_", 4),
            "key_metrics": _objects(frame, keys, "", 3),
            "history": ['{"months":[]}'] * n,
            "warnings": [dumps(w.split("; ") if w else [])
                         for w in frame["warnings"].fillna("").tolist()],
            "insights": ["[]"] * n,
            "recommendations": ["[]"] * n,
            "contributions": ["{}"] * n,
        }
        yield from zip(*(parts[name] for name in RESULT_FIELDS), strict=True)


def _objects(frame: pd.DataFrame, columns: list[str], prefix: str, digits: int) -> list[str]:
    """Per row, ``{column without prefix: value}`` as JSON text (NaN -> null), in one C call."""
    if not columns:
        return ["{}"] * len(frame)
    named = frame[columns].rename(columns=lambda c: c[len(prefix):])
    return named.to_json(orient="records", lines=True, double_precision=digits).splitlines()


def mean_probability(directory: str | Path) -> float | None:
    """Mean over the scored persons, read column-wise from the dataset."""
    table = ds.dataset(str(directory), format="parquet",
                       exclude_invalid_files=True).to_table(columns=["probability"])
    values = pd.Series(table.column("probability").to_numpy(zero_copy_only=False)).dropna()
    return round(float(values.mean()), 4) if len(values) else None
