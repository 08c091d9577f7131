"""The batch output's columns: a person's result as ``stress-scorer score`` gives it
(``documents.RESULT_FIELDS``, nested parts as JSON text), then what only a batch has: the
problems that kept a person from being scored, and how many input rows were theirs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..documents import RESULT_FIELDS, ResultRow

BATCH_FIELDS = ("problems", "input_rows", "rejected_rows")
OUTPUT_META = pd.DataFrame({
    "person_id": pd.Series(dtype="string"),
    "probability": pd.Series(dtype="float64"),  # NaN where the person was not scored
    "risk_score": pd.Series(dtype="Int64"),
    "risk_band": pd.Series(dtype="string"),
    **{name: pd.Series(dtype="string") for name in RESULT_FIELDS[4:]},
    # JSON list of {source, row, column, value, message}; "[]" for a scored person
    "problems": pd.Series(dtype="string"),
    "input_rows": pd.Series(dtype="int64"),
    "rejected_rows": pd.Series(dtype="int64"),
})

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def result_table(rows: list[ResultRow]) -> pd.DataFrame:
    """Scored persons' result rows as ``OUTPUT_META`` columns (input_rows left for the caller)."""
    frame = pd.DataFrame.from_records(rows, columns=list(RESULT_FIELDS))
    frame["problems"] = "[]"
    frame["input_rows"] = 0
    frame["rejected_rows"] = 0
    return frame.astype(OUTPUT_META.dtypes.to_dict())


def unscored_table(persons: np.ndarray, problems: list[list[dict]], input_rows: np.ndarray,
                   rejected_rows: np.ndarray) -> pd.DataFrame:
    """Persons refused for problems in their rows: no result, every problem listed."""
    n = len(persons)
    frame = pd.DataFrame({name: [None] * n for name in RESULT_FIELDS})
    frame["person_id"] = persons
    frame["problems"] = [_encode(p) for p in problems]
    frame["input_rows"] = input_rows
    frame["rejected_rows"] = rejected_rows
    return frame.astype(OUTPUT_META.dtypes.to_dict())
