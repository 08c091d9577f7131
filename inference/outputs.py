"""Writing result tables to files, a chunk at a time: CSV, Parquet or JSON lines.

Chosen by the file's suffix. Each writer takes ``pandas.DataFrame`` chunks with the same columns
and appends them, so a million persons are written without holding all of them twice.
CSV cells that a spreadsheet would run as a formula are neutralised (``formula_safe``).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Protocol

import pandas as pd

SUFFIXES = (".csv", ".parquet", ".jsonl")

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells starting like a formula get a leading apostrophe (shown as text, not run).

    Only text columns are touched: a negative number is not a formula. Judged by each cell's
    first character with pyarrow's string kernels (a million persons' ids in milliseconds).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    out = frame
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_string_dtype(column) or column.dtype == object):
            continue
        text = pa.array(column.astype("string"), from_pandas=True)
        risky = pc.is_in(pc.utf8_slice_codeunits(text, 0, 1), value_set=pa.array(FORMULA_STARTS))
        if pc.any(risky).as_py():
            if out is frame:
                out = frame.copy()
            quote, nothing = pa.scalar("'", text.type), pa.scalar("", text.type)
            safe = pc.if_else(risky, pc.binary_join_element_wise(quote, text, nothing), text)
            out[name] = pd.Series(safe.to_pandas(), index=frame.index).astype("string")
    return out


class TableWriter(Protocol):
    """Chunks are encoded on any thread (``encode``: the costly part, formatting every value)
    and appended in order by one (``append``); ``write`` is both at once."""

    def encode(self, frame: pd.DataFrame) -> Any: ...
    def append(self, encoded: Any) -> None: ...
    def write(self, frame: pd.DataFrame) -> None: ...
    def close(self) -> None: ...


class _Writer:
    def write(self, frame: pd.DataFrame) -> None:
        self.append(self.encode(frame))


class CsvWriter(_Writer):
    """pyarrow's CSV writer (C++): pandas' ``to_csv`` took longer than scoring a million persons.
    Text cells are quoted, numbers are not; an unknown number is an empty cell. A chunk is
    encoded to its CSV lines without the header, which the first chunk appended writes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[bytes] | None = None

    def encode(self, frame: pd.DataFrame) -> tuple[Any, Any]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        table = pa.Table.from_pandas(formula_safe(frame), preserve_index=False)
        lines = pa.BufferOutputStream()
        pacsv.write_csv(table, lines, pacsv.WriteOptions(include_header=False))
        return table.schema, lines.getvalue()  # a pyarrow Buffer: written without a copy

    def append(self, encoded: tuple[Any, Any]) -> None:
        import pyarrow as pa
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

    def encode(self, frame: pd.DataFrame) -> str:
        if not len(frame):
            return ""
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
        return text if text.endswith("\n") else text + "\n"

    def append(self, encoded: str) -> None:
        self._file.write(encoded)

    def close(self) -> None:
        self._file.close()


class ParquetWriter(_Writer):
    """Chunks become row groups; a chunk is encoded into an arrow table."""

    def __init__(self, path: Path) -> None:
        import pyarrow.parquet  # imported when asked for: a CSV run does not pay for it

        self._pq = pyarrow.parquet
        self._path = path
        self._writer = None

    def encode(self, frame: pd.DataFrame) -> Any:
        import pyarrow as pa

        return pa.Table.from_pandas(frame, preserve_index=False)

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
