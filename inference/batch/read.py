"""Batch input: CSV or Parquet files (a file, a directory, a glob; local or any fsspec URL) as a
Dask DataFrame of canonical, checked monthly rows.

Each file (a CSV) or group of row groups (a Parquet file) is one piece, read by one task with
the same code ``stress-scorer score`` uses (``shared_features.ingest``: header synonyms,
delimiter, European amounts, the row checks). Nothing is dropped: a row that fails a check
keeps its place with its problems in ``problems`` (JSON text), and a file that cannot be read
at all becomes one row with no person carrying the reason. Rows are not grouped here: a
person's months may be in any file; ``inference.batch.score`` groups them after a shuffle.

Every row crosses the shuffle, so a row carries as few bytes as it can: the month as an int32
and its file as the piece's number (``piece``; the names travel once, not once per row), and
the columns are built as pyarrow arrays, which Dask's shuffle sends without converting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath

import dask.dataframe as dd
import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shared_features import FIELD_NAMES, InputError, Problem
from shared_features.columns import Columns, TextColumn, text_column
from shared_features.ingest import (
    DEFAULT_PERSON_ID,
    ParsedRows,
    columns_from_frame,
    default_person_ids,
    map_headers,
    parse_rows,
    raw_data,
    read_columns,
    read_frame,
)

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
# Rows per Parquet piece: a few hundred thousand person-months keep a task's memory to a few
# hundred MB while making per-task overheads (~ms) negligible.
DEFAULT_PIECE_ROWS = 1_000_000
# Bytes of one canonical row in a worker's memory (``ROW_META``: 7 amounts, an id, month,
# piece, row, problems: 98 measured with 9-character ids), and of a CSV row read into one.
ROW_BYTES = 100
CSV_EXPANSION = 1.5  # a CSV row of ~70 characters becomes ~100 bytes
NO_MONTH = np.iinfo(np.int32).min  # a row without a (readable) month

# The rows every piece yields, whatever its headers: canonical names, numbers parsed.
ROW_META = pd.DataFrame({
    "person_id": pd.Series(dtype="string"),
    "month": pd.Series(dtype="int32"),  # datetime64[M] as months since 1970-01
    **{name: pd.Series(dtype="float64") for name in FIELD_NAMES},
    "piece": pd.Series(dtype="int32"),  # which input piece: its file is ``Piece.name``
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
    memory: int = 0  # estimated bytes of its rows once read (``ROW_BYTES`` a row)


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
            pieces.append(Piece(url, name, memory=int(fs.size(path) * CSV_EXPANSION)))
            continue
        with fs.open(path, "rb") as fh:
            meta = pq.ParquetFile(fh).metadata
        groups, rows, first = [], 0, 1
        for g in range(meta.num_row_groups):
            groups.append(g)
            rows += meta.row_group(g).num_rows
            if rows >= piece_rows or g == meta.num_row_groups - 1:
                pieces.append(Piece(url, name, tuple(groups), first, rows * ROW_BYTES))
                groups, first, rows = [], first + rows, 0
        if meta.num_row_groups == 0:
            pieces.append(Piece(url, name, (), 1))
    return pieces


def read_rows(pieces: list[Piece], storage_options: dict | None = None) -> dd.DataFrame:
    """A Dask DataFrame of ``ROW_META`` rows, one partition per piece."""
    return dd.from_map(read_piece, pieces, range(len(pieces)), storage_options=storage_options,
                       meta=ROW_META, divisions=[None] * (len(pieces) + 1),
                       enforce_metadata=False, label="read-monthly-rows")


def read_piece(piece: Piece, number: int, storage_options: dict | None = None) -> pd.DataFrame:
    """Piece ``number`` of the input as canonical rows (see module docstring)."""
    try:
        with fsspec.open(piece.url, "rb", **(storage_options or {})) as fh:
            if piece.row_groups is None:
                cells, first_row = _csv_cells(raw_data(fh.read())), 2  # header: row 1
            else:
                table = pq.ParquetFile(fh).read_row_groups(list(piece.row_groups))
                cells, first_row = _parquet_cells(table), piece.first_record
    except InputError as exc:
        return _unreadable(piece, number, exc.problems)
    except (OSError, ValueError) as exc:  # unreadable Parquet, a file gone since listing
        return _unreadable(piece, number, [Problem(None, None, None,
                                                   f"the file cannot be read: {exc}")])
    return canonical_rows(cells, number, first_row)


def _csv_cells(data: bytes | str) -> Columns | pd.DataFrame:
    """A CSV's mapped columns as ``ingest`` reads an upload: its fast column readers, or
    pandas' parser (a frame with the user's headers) for what they leave."""
    fast = read_columns(data)
    return fast[1] if fast is not None else read_frame(data)[0]


def _parquet_cells(table: pa.Table) -> Columns | pd.DataFrame:
    """A Parquet piece's mapped columns, taken from arrow as pandas would give them to
    ``ingest`` (numbers as float64, anything else as its cells); a frame when the headers have
    problems, for ``canonical_rows`` to report."""
    mapping, _, problems = map_headers(table.column_names)
    if problems:
        return table.to_pandas()
    return Columns({name: parquet_column(table.column(header), name)
                    for header, name in mapping.items()}, table.num_rows)


def parquet_column(column: pa.ChunkedArray, name: str) -> np.ndarray | TextColumn:
    """One mapped Parquet column (canonical ``name``) as ``ingest`` takes it: amounts as
    float64 (or their cells when they are text), ids and months as a ``TextColumn``."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    numeric = pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
    if name in FIELD_NAMES:
        return (column.cast(pa.float64()).to_numpy() if numeric
                else column.to_pandas().to_numpy(dtype=object))
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return _text(column)
    return text_column(column.to_pandas())  # ids as numbers, months as dates: as pandas shows them


def read_person_ids(piece: Piece, storage_options: dict | None = None) -> TextColumn | None:
    """A Parquet piece's person ids alone (its id column, canonical as ``read_piece`` makes
    them: ``texts[codes]``), or None when that is not known without reading everything (a CSV
    file, headers with problems) or the file cannot be read."""
    if piece.row_groups is None:
        return None
    try:
        with fsspec.open(piece.url, "rb", **(storage_options or {})) as fh:
            parquet = pq.ParquetFile(fh)
            mapping, _, problems = map_headers(parquet.schema_arrow.names)
            if problems:
                return None
            header = next((h for h, name in mapping.items() if name == "person_id"), None)
            if header is None:  # every row is the default person, as ``parse_rows`` reads it
                return default_person_ids(sum(parquet.metadata.row_group(g).num_rows
                                              for g in piece.row_groups))
            table = parquet.read_row_groups(list(piece.row_groups), columns=[header])
    except (OSError, ValueError):
        return None
    ids = parquet_column(table.column(header), "person_id")
    return ids if isinstance(ids, TextColumn) else None


def _text(column: pa.ChunkedArray) -> TextColumn:
    """A string column factorised in arrow: ``text_column`` without a Python object per row."""
    encoded = column.combine_chunks().dictionary_encode(null_encoding="encode")
    texts = pc.utf8_trim_whitespace(encoded.dictionary).fill_null("")
    return TextColumn(encoded.indices.to_numpy(zero_copy_only=False),
                      texts.to_numpy(zero_copy_only=False))


def canonical_rows(cells: Columns | pd.DataFrame, piece: int, first_row: int = 2
                   ) -> pd.DataFrame:
    """A piece's mapped columns, or a frame with the user's headers, as ``ROW_META`` rows with
    each row's problems attached."""
    if isinstance(cells, pd.DataFrame):
        mapping, _, header_problems = map_headers(cells)
        if header_problems:
            return _spoiled_rows(cells, mapping, header_problems, piece, first_row)
        cells = columns_from_frame(cells, mapping)
    parsed = parse_rows(cells)
    n = cells.n_rows
    persons = pa.array(parsed.persons, type=pa.string())
    months = np.where(np.isnat(parsed.month_values), NO_MONTH,
                      parsed.month_values.astype(np.int64)).astype(np.int32)
    return _rows_frame(persons.take(pa.array(parsed.person_codes)), months[parsed.month_codes],
                       [np.full(n, np.nan) if v is None else v for v in parsed.fields],
                       piece, first_row, _problem_texts(parsed, n))


def _problem_texts(parsed: ParsedRows, n: int) -> pa.Array:
    """Each row's problems as JSON text ("" for none), built for the failed rows only."""
    lists: dict[int, list[dict]] = {}
    for check in parsed.failed:
        for i, cell in zip(np.flatnonzero(check.failed).tolist(), check.cells.tolist(),
                           strict=True):
            lists.setdefault(i, []).append(
                {"column": check.column, "value": None if cell is None else str(cell),
                 "message": check.message})
    which = np.zeros(n, dtype=np.int32)  # 0: no problem; k: the k-th text below
    which[list(lists)] = np.arange(1, len(lists) + 1, dtype=np.int32)
    return pa.array(["", *map(_encode, lists.values())], type=pa.string()).take(which)


def _rows_frame(person_ids: pa.Array, months: np.ndarray, fields: list[np.ndarray], piece: int,
                first_row: int, problems: pa.Array | str) -> pd.DataFrame:
    n = len(months)
    if isinstance(problems, str):  # the same problems on every row
        problems = pa.array([problems], type=pa.string()).take(np.zeros(n, dtype=np.int32))
    return pd.DataFrame({
        "person_id": pd.arrays.ArrowStringArray(person_ids),
        "month": months,
        **dict(zip(FIELD_NAMES, fields, strict=True)),
        "piece": np.full(n, piece, dtype=np.int32),
        "row": np.arange(first_row, first_row + n, dtype=np.int64),
        "problems": pd.arrays.ArrowStringArray(problems),
    }, copy=False)


def _spoiled_rows(frame: pd.DataFrame, mapping: dict[str, str], problems: list[Problem],
                  piece: int, first_row: int) -> pd.DataFrame:
    """Unusable headers spoil every row of the file; its persons are named where possible."""
    n = len(frame)
    header = next((h for h, name in mapping.items() if name == "person_id"), None)
    ids = (frame[header].astype("string").str.strip().fillna("").to_numpy(dtype=object)
           if header is not None else np.full(n, DEFAULT_PERSON_ID, dtype=object))
    return _rows_frame(pa.array(ids, type=pa.string()), np.full(n, NO_MONTH, dtype=np.int32),
                       [np.full(n, np.nan) for _ in FIELD_NAMES], piece, first_row,
                       _encode([_as_dict(p) for p in problems]))


def _unreadable(piece: Piece, number: int, problems: list[Problem]) -> pd.DataFrame:
    """A file nobody's rows can be read from: one row with no person (row 0), carrying why."""
    return _rows_frame(pa.array([""]), np.array([NO_MONTH], dtype=np.int32),
                       [np.array([np.nan]) for _ in FIELD_NAMES], number, 0,
                       _encode([_as_dict(p) for p in problems]))


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
