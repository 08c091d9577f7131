"""The batch output's columns: ``stress-scorer score``'s (``inference.table``, the one row
builder), then what only a batch has: the problems that kept a person from being scored, and
how many input rows were theirs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..scorer import Scorer
from ..table import table_columns

BATCH_COLUMNS = {
    # JSON list of {source, row, column, value, message}; "[]" for a scored person
    "problems": "string",
    "input_rows": "int64",
    "rejected_rows": "int64",
}

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def output_columns(scorer: Scorer, reasons: int) -> dict[str, str]:
    """Column -> dtype of a batch output: a person not scored has no score (nullable)."""
    columns = table_columns(scorer, reasons)
    columns["risk_score"] = "Int64"
    return columns | BATCH_COLUMNS


def output_meta(scorer: Scorer, reasons: int) -> pd.DataFrame:
    """The empty frame Dask needs to know the columns before any partition is scored."""
    return pd.DataFrame({name: pd.Series(dtype=dtype)
                         for name, dtype in output_columns(scorer, reasons).items()})


def with_batch_columns(scored: pd.DataFrame, input_rows: np.ndarray, scorer: Scorer,
                       reasons: int) -> pd.DataFrame:
    """``results_table`` rows of scored persons, as batch output rows."""
    scored = scored.assign(problems="[]", input_rows=input_rows, rejected_rows=0)
    return scored.astype(output_columns(scorer, reasons))


def unscored_table(persons: np.ndarray, problems: list[list[dict]], input_rows: np.ndarray,
                   rejected_rows: np.ndarray, scorer: Scorer, reasons: int) -> pd.DataFrame:
    """Persons refused for problems in their rows: no result, every problem listed."""
    frame = pd.DataFrame(dict.fromkeys(output_columns(scorer, reasons)), index=range(len(persons)))
    frame["person_id"] = persons
    frame["problems"] = [_encode(p) for p in problems]
    frame["input_rows"] = input_rows
    frame["rejected_rows"] = rejected_rows
    return frame.astype(output_columns(scorer, reasons))
