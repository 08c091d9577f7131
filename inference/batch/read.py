"""Batch input: CSV or Parquet files (a file, a directory, a glob; local or any fsspec URL) as a
Dask DataFrame of canonical, checked monthly rows.

Each file (a CSV) or group of row groups (a Parquet file) is one piece, read by one task with
the same code ``stress-scorer score`` uses (``shared_features.ingest``: header synonyms,
delimiter, European amounts, the row checks). Nothing is dropped: a row that fails a check
keeps its place with its problems in ``problems`` (JSON text), and a file that cannot be read
at all becomes one row with no person carrying the reason. Rows are not grouped here: a
person's months may be in any file; ``inference.batch.score`` groups them after a shuffle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath

import dask.dataframe as dd
import fsspec
import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from shared_features import FIELD_NAMES, InputError, Problem
from shared_features.ingest import (
    DEFAULT_PERSON_ID,
    map_headers,
    parse_rows,
    raw_data,
    read_frame,
)

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
# Rows per Parquet piece: a few hundred thousand person-months keep a task's memory to a few
# hundred MB while making per-task overheads (~ms) negligible.
DEFAULT_PIECE_ROWS = 1_000_000
NO_MONTH = np.iinfo(np.int64).min  # the int64 of NaT: a row without a month

# The rows every piece yields, whatever its headers: canonical names, numbers parsed.
ROW_META = pd.DataFrame({
    "person_id": pd.Series(dtype="string"),
    "month": pd.Series(dtype="int64"),  # datetime64[M] as int64 (months since 1970-01)
    **{name: pd.Series(dtype="float64") for name in FIELD_NAMES},
    "source": pd.Series(dtype="string"),
    "row": pd.Series(dtype="int64"),  # CSV: spreadsheet row (header 1); Parquet: record (1..)
    "problems": pd.Series(dtype="string"),  # JSON list of {column, value, message}; "" if none
})


@dataclass(frozen=True)
class Piece:
    """One task's share of the input: a CSV file, or some row groups of a Parquet file."""

    url: str  # with protocol, as fsspec opens it
    name: str  # shown in problems: the file name relative to the input
    row_groups: tuple[int, ...] | None = None  # Parquet only
    first_record: int = 1  # Parquet only: record number of the first row


class InputNotFound(FileNotFoundError):
    """No CSV or Parquet file matches the input; the message says what was looked for."""


def list_pieces(source: str, piece_rows: int = DEFAULT_PIECE_ROWS,
                storage_options: dict | None = None) -> list[Piece]:
    """The pieces of ``source``: a file, a directory (searched recursively) or a glob."""
    fs, _, paths = fsspec.get_fs_token_paths(source, storage_options=storage_options)
    files: list[str] = []
    for path in sorted(paths):
        if fs.isdir(path):
            files += sorted(p for p in fs.find(path) if _kind(p))
        elif _kind(path):
            files.append(path)
    if not files:
        raise InputNotFound(f"no CSV or Parquet file found at {source!r} (looked for "
                            f"{', '.join(CSV_SUFFIXES + PARQUET_SUFFIXES)})")
    base = _common_parent(files)
    pieces: list[Piece] = []
    for path in files:
        url, name = fs.unstrip_protocol(path), _relative(path, base)
        if _kind(path) == "csv":
            pieces.append(Piece(url, name))
            continue
        with fs.open(path, "rb") as fh:
            meta = pq.ParquetFile(fh).metadata
        groups, rows, first = [], 0, 1
        for g in range(meta.num_row_groups):
            groups.append(g)
            rows += meta.row_group(g).num_rows
            if rows >= piece_rows or g == meta.num_row_groups - 1:
                pieces.append(Piece(url, name, tuple(groups), first))
                groups, first, rows = [], first + rows, 0
        if meta.num_row_groups == 0:
            pieces.append(Piece(url, name, (), 1))
    return pieces


def read_rows(pieces: list[Piece], storage_options: dict | None = None) -> dd.DataFrame:
    """A Dask DataFrame of ``ROW_META`` rows, one partition per piece."""
    return dd.from_map(read_piece, pieces, storage_options=storage_options, meta=ROW_META,
                       divisions=[None] * (len(pieces) + 1), enforce_metadata=False,
                       label="read-monthly-rows")


def read_piece(piece: Piece, storage_options: dict | None = None) -> pd.DataFrame:
    """One piece as canonical rows (see module docstring)."""
    try:
        with fsspec.open(piece.url, "rb", **(storage_options or {})) as fh:
            if piece.row_groups is None:
                frame, _ = read_frame(raw_data(fh.read()))
                first_row = 2  # the header is row 1, as a spreadsheet shows it
            else:
                frame = pq.ParquetFile(fh).read_row_groups(list(piece.row_groups)).to_pandas()
                first_row = piece.first_record
    except InputError as exc:
        return _unreadable(piece, exc.problems)
    except (OSError, ValueError) as exc:  # unreadable Parquet, a file gone since listing
        return _unreadable(piece, [Problem(None, None, None,
                                           f"the file cannot be read: {exc}")])
    return canonical_rows(frame, piece.name, first_row)


def canonical_rows(frame: pd.DataFrame, source: str, first_row: int = 2) -> pd.DataFrame:
    """A frame with the user's headers as ``ROW_META`` rows, each row's problems attached."""
    n = len(frame)
    mapping, _, header_problems = map_headers(frame)
    canon = frame.rename(columns=mapping)[list(mapping.values())].reset_index(drop=True)
    problems = np.full(n, "", dtype=object)
    if header_problems:
        # Unusable headers spoil every row of the file; its persons are named where possible.
        ids = (canon["person_id"].astype("string").str.strip().fillna("").to_numpy(dtype=object)
               if "person_id" in canon else np.full(n, DEFAULT_PERSON_ID, dtype=object))
        problems[:] = _encode([_as_dict(p) for p in header_problems])
        values = np.full((n, len(FIELD_NAMES)), np.nan)
        months = np.full(n, NO_MONTH, dtype=np.int64)
    else:
        parsed = parse_rows(canon)
        ids, values = parsed.person_ids, parsed.values
        months = parsed.months.astype("int64")  # NaT (no month or unreadable) -> NO_MONTH
        lists: dict[int, list[dict]] = {}
        for check in parsed.failed:  # only failed rows: no loop over good ones
            for i, cell in zip(np.flatnonzero(check.failed).tolist(), check.cells.tolist(),
                               strict=True):
                lists.setdefault(i, []).append(
                    {"column": check.column, "value": None if cell is None else str(cell),
                     "message": check.message})
        for i, items in lists.items():
            problems[i] = _encode(items)
    return pd.DataFrame({
        "person_id": pd.array(ids, dtype="string"),
        "month": months,
        **{name: values[:, j] for j, name in enumerate(FIELD_NAMES)},
        "source": pd.array(np.full(n, source, dtype=object), dtype="string"),
        "row": np.arange(first_row, first_row + n, dtype=np.int64),
        "problems": pd.array(problems, dtype="string"),
    })


def _unreadable(piece: Piece, problems: list[Problem]) -> pd.DataFrame:
    """A file nobody's rows can be read from: one row with no person, carrying why."""
    row = ROW_META.iloc[:0].copy()
    row.loc[0] = {"person_id": "", "month": NO_MONTH, **dict.fromkeys(FIELD_NAMES, np.nan),
                  "source": piece.name, "row": 0,
                  "problems": _encode([_as_dict(p) for p in problems])}
    return row.astype(ROW_META.dtypes.to_dict())


def _as_dict(problem: Problem) -> dict:
    return {"column": problem.column, "value": problem.value, "message": problem.message}


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _kind(path: str) -> str | None:
    lower = path.lower()
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return None


def _common_parent(files: list[str]) -> str:
    parents = [PurePosixPath(f).parent.parts for f in files]
    common = []
    for parts in zip(*parents, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return str(PurePosixPath(*common)) if common else ""


def _relative(path: str, base: str) -> str:
    return path[len(base):].lstrip("/") if base and path.startswith(base) else path
