"""One shuffled partition of monthly rows in, one output row per person out.

After the shuffle every row of a person is in the same partition, so the checks across rows
(duplicate months, too many months, several rows without a month) are judged here, per person,
with the same functions ``ingest`` uses for a whole file. A person with any problem is not
scored (as ``stress-scorer score`` would refuse their rows): their output row has no
probability and lists every problem. Everyone else is scored by ``inference.table.results_table``
(the rows ``stress-scorer score`` writes), a chunk of persons at a time.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from shared_features import FIELD_NAMES, IngestLimits
from shared_features.ingest import duplicate_months, to_panel

from ..explain import ExplainOptions
from ..pipeline import CHUNK_PERSONS, chunks
from ..scorer import Scorer
from ..table import results_table, table_columns
from .read import NO_MONTH
from .table import output_meta, unscored_table, with_batch_columns


@dataclass(frozen=True)
class BatchOptions:
    """What ``stress-scorer score`` is configured with, applied to every partition."""

    limits: IngestLimits = field(default_factory=IngestLimits)
    reasons: int = 0  # reason columns per person (``stress-scorer score --explain``)
    explain: ExplainOptions = field(default_factory=ExplainOptions)
    chunk_persons: int = CHUNK_PERSONS


def score_partition(rows: pd.DataFrame, scorer: Scorer, options: BatchOptions,
                    sources: Sequence[str]) -> pd.DataFrame:
    """``read.ROW_META`` rows (every person's rows all here) -> batch output rows
    (``table.output_columns``). ``sources[piece]`` is the file shown in a row's problems."""
    if rows.empty:
        return output_meta(scorer, options.reasons)
    # In arrow: factorising a million ids as Python strings costs more than scoring them.
    ids = _arrow(rows["person_id"]).dictionary_encode()
    codes = ids.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    persons = ids.dictionary.to_numpy(zero_copy_only=False)  # in order of first appearance
    n = len(persons)
    months = rows["month"].to_numpy(dtype=np.int64)
    month_index = np.where(months != NO_MONTH, months, 0)
    where = Where(rows["piece"].to_numpy(), rows["row"].to_numpy(), sources)
    row_problems = _row_problems(rows, codes, months, month_index, where)
    person_problems = _person_problems(codes, row_problems, where, options.limits)

    refused = np.zeros(n, dtype=bool)
    refused[list(person_problems)] = True
    keep = ~refused[codes]
    scored = _score(rows, keep, codes, month_index, months, refused, persons, scorer, options)
    # Rows of the input: not the stand-in row of a file that could not be read (row 0).
    real = rows["row"].to_numpy() > 0
    input_rows = np.bincount(codes[real], minlength=n)
    failed = np.zeros(len(rows), dtype=bool)
    failed[list(row_problems)] = True
    rejected_rows = np.bincount(codes[failed & real], minlength=n)
    refused_codes = np.flatnonzero(refused)
    unscored = unscored_table(persons[refused_codes],
                              [person_problems[c] for c in refused_codes.tolist()],
                              input_rows[refused_codes], rejected_rows[refused_codes],
                              scorer, options.reasons)
    # The panel keeps the persons' order, so the scored rows line up with input_rows.
    scored = with_batch_columns(scored, input_rows[~refused], scorer, options.reasons)
    return pd.concat([scored, unscored], ignore_index=True)


@dataclass(frozen=True)
class Where:
    """Where each row of a partition came from, for the problems: file and row in it."""

    pieces: np.ndarray  # int (rows,): ``read.ROW_META["piece"]``
    rows: np.ndarray  # int (rows,)
    sources: Sequence[str]  # piece -> file name

    def source(self, i: int) -> str:
        return self.sources[int(self.pieces[i])]


def _arrow(column: pd.Series) -> pa.Array:
    """A string column's arrow array (no copy when it is arrow-backed, as after a shuffle)."""
    array = pa.array(column.array, type=pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _row_problems(rows: pd.DataFrame, codes: np.ndarray, months: np.ndarray,
                  month_index: np.ndarray, where: Where) -> dict[int, list[dict]]:
    """Row position -> its problems: those found when its file was read (decoded for failed
    rows only), then those across a person's rows, judged as ingest judges a file's."""
    text = _arrow(rows["problems"])
    failed = pc.greater(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
    problems: dict[int, list[dict]] = defaultdict(list)
    at = np.flatnonzero(failed)
    for i, items in zip(at.tolist(), text.take(at).to_pylist(), strict=True):
        problems[i] = json.loads(items)
    counts = np.bincount(codes)
    # Without a month column a person may have one row; an unreadable month is reported above.
    for i in np.flatnonzero((months == NO_MONTH) & (counts[codes] > 1) & ~failed).tolist():
        problems[i].append({"column": "month", "value": None,
                            "message": "a month is required when a person has more than one row"})
    order, dup = duplicate_months(codes, month_index)
    for a in dup.tolist():
        first, second = order[a], order[a + 1]
        problems[second].append({
            "column": "month", "value": str(np.datetime64(int(months[second]), "M")),
            "message": "duplicate month for this person",
            "also": f"{where.source(first)} row {where.rows[first]}"})
    return problems


def _person_problems(codes: np.ndarray, row_problems: dict[int, list[dict]], where: Where,
                     limits: IngestLimits) -> dict[int, list[dict]]:
    """Person code -> every problem that keeps them from being scored, with file and row."""
    counts = np.bincount(codes)
    out: dict[int, list[dict]] = {}
    for code in np.flatnonzero(counts > limits.max_months_per_person).tolist():
        out[code] = [{"column": "month", "value": str(counts[code]), "source": None, "row": None,
                      "message": f"more months than the limit of "
                                 f"{limits.max_months_per_person}"}]
    for i, items in row_problems.items():
        for item in items:
            out.setdefault(int(codes[i]), []).append(
                {**item, "source": where.source(i), "row": int(where.rows[i]) or None})
    return out


def _score(rows: pd.DataFrame, keep: np.ndarray, codes: np.ndarray, month_index: np.ndarray,
           months: np.ndarray, refused: np.ndarray, persons: np.ndarray, scorer: Scorer,
           options: BatchOptions) -> pd.DataFrame:
    """The persons without problems, as ``stress-scorer score`` lays them out (one builder)."""
    good = np.flatnonzero(~refused)
    if not len(good):
        return output_meta(scorer, options.reasons)[list(table_columns(scorer, options.reasons))]
    recode = np.full(len(refused), -1, dtype=np.intp)
    recode[good] = np.arange(len(good))
    values = rows[list(FIELD_NAMES)].to_numpy(dtype=np.float64)[keep]
    month_values = np.where(months[keep] == NO_MONTH, np.datetime64("NaT", "M").astype(np.int64),
                            months[keep]).astype("datetime64[M]")
    panel, _ = to_panel(values, month_values, month_index[keep], recode[codes[keep]],
                        np.asarray(persons[good], dtype=object),
                        options.limits.max_months_per_person)
    return pd.concat([results_table(chunk, scorer, options.reasons, options.explain)
                      for chunk in chunks(panel, options.chunk_persons)], ignore_index=True)
