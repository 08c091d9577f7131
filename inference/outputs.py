"""Writing result tables to files, a chunk at a time: CSV, Parquet or JSON lines.

Chosen by the file's suffix. Each writer takes chunks with the same columns as arrow tables
(``inference.table.results_arrow``) and appends them, so a million persons are written without
holding all of them twice. CSV cells that a spreadsheet would run as a formula are neutralised
(``formula_safe``).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STRING = pd.StringDtype()  # pandas' "string" dtype: a text column of a frame

SUFFIXES = (".csv", ".parquet", ".jsonl")

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting like a formula get a leading apostrophe (shown as text, not run).

    Only text columns are touched: a negative number is not a formula.
    """
    out = frame
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_string_dtype(column) or column.dtype == object):
            continue
        text = pa.array(column.astype("string"), from_pandas=True)
        safe = _formula_safe_text(text)
        if safe is not text:
            if out is frame:
                out = frame.copy()
            out[name] = pd.Series(safe.to_pandas(), index=frame.index).astype("string")
    return out


def formula_safe_table(table: pa.Table) -> pa.Table:
    """``formula_safe`` for an arrow table: the same cells get the same apostrophe."""
    for i, field in enumerate(table.schema):
        if _is_text(field.type):
            text = table.column(i)
            safe = _formula_safe_text(text)
            if safe is not text:
                table = table.set_column(i, field, safe)
    return table


def _formula_safe_text(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``text`` itself when no cell starts like a formula, else the cells that do quoted.
    Judged by each cell's first character with pyarrow's string kernels (a million persons'
    ids in milliseconds)."""
    risky = pc.is_in(pc.utf8_slice_codeunits(text, 0, 1), value_set=pa.array(FORMULA_STARTS))
    if not pc.any(risky).as_py():
        return text
    quote, nothing = pa.scalar("'", text.type), pa.scalar("", text.type)
    return pc.if_else(risky, pc.binary_join_element_wise(quote, text, nothing), text)


def as_frame(table: pa.Table, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """An arrow table of results as pandas, each column of ``columns``' dtype (by default:
    "string" for text, else the arrow type's); null becomes NaN or <NA>. Text is converted by
    pyarrow without a Python object per cell: pandas' own conversion of a million cells took
    longer than scoring them."""
    if columns is None:
        columns = {f.name: "string" if _is_text(f.type) else np.dtype(f.type.to_pandas_dtype()).name
                   for f in table.schema}
    data = {name: (STRING.__from_arrow__(table[name]) if dtype == "string"
                   else table[name].to_numpy())
            for name, dtype in columns.items()}
    return pd.DataFrame(data).astype(columns)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


class TableWriter(Protocol):
    """Chunks are encoded on any thread (``encode``: the costly part, formatting every value)
    and appended in order by one (``append``); ``write`` is both at once."""

    def encode(self, table: pa.Table) -> Any: ...
    def append(self, encoded: Any) -> None: ...
    def write(self, table: pa.Table) -> None: ...
    def close(self) -> None: ...


class _Writer:
    def write(self, table: pa.Table) -> None:
        self.append(self.encode(table))


class CsvWriter(_Writer):
    """pyarrow's CSV writer (C++): pandas' ``to_csv`` took longer than scoring a million persons.
    Text cells are quoted, numbers are not; an unknown number is an empty cell. A chunk is
    encoded to its CSV lines without the header, which the first chunk appended writes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[bytes] | None = None

    def encode(self, table: pa.Table) -> tuple[Any, Any]:
        import pyarrow.csv as pacsv

        table = formula_safe_table(table)
        lines = pa.BufferOutputStream()
        pacsv.write_csv(table, lines, pacsv.WriteOptions(include_header=False))
        return table.schema, lines.getvalue()  # a pyarrow Buffer: written without a copy

    def append(self, encoded: tuple[Any, Any]) -> None:
        import pyarrow.csv as pacsv

        schema, lines = encoded
        if self._file is None:
            self._file = open(self._path, "wb")  # noqa: SIM115 (closed by close())
            header = pa.BufferOutputStream()
            pacsv.write_csv(schema.empty_table(), header)
            self._file.write(header.getvalue())
        self._file.write(lines)

    def close(self) -> None:
        if self._file is None:  # nothing written: the header alone is not known
            self._path.write_text("")
        else:
            self._file.close()


class JsonLinesWriter(_Writer):
    def __init__(self, path: Path) -> None:
        self._file: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115

    def encode(self, table: pa.Table) -> str:
        if not len(table):
            return ""
        text = as_frame(table).to_json(orient="records", lines=True, force_ascii=False)
        return text if text.endswith("\n") else text + "\n"

    def append(self, encoded: str) -> None:
        self._file.write(encoded)

    def close(self) -> None:
        self._file.close()


class ParquetWriter(_Writer):
    """Chunks become row groups, as pandas would write them (its dtypes in the file's metadata:
    read back, the frame has the dtypes ``inference.table.results_table`` gives)."""

    def __init__(self, path: Path) -> None:
        import pyarrow.parquet  # imported when asked for: a CSV run does not pay for it

        self._pq = pyarrow.parquet
        self._path = path
        self._writer = None

    def encode(self, table: pa.Table) -> Any:
        return pa.Table.from_pandas(as_frame(table), preserve_index=False)

    def append(self, encoded: Any) -> None:
        if self._writer is None:
            self._writer = self._pq.ParquetWriter(self._path, encoded.schema)
        self._writer.write_table(encoded)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def open_writer(path: str | Path) -> TableWriter:
    """A writer for ``path``'s format (by suffix); ValueError for an unknown suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return CsvWriter(path)
    if suffix == ".parquet":
        return ParquetWriter(path)
    if suffix in (".jsonl", ".ndjson"):
        return JsonLinesWriter(path)
    raise ValueError(f"cannot write {path.name!r}: the output must end in "
                     f"{', '.join(SUFFIXES)}")
