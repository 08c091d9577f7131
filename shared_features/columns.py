"""A monthly CSV's columns as numpy arrays: the fast readers behind ``ingest``.

Only the columns the header maps to are read, each once, into what validation works on:

* an amount column as float64 (NaN for an empty cell) when every cell is a plain number, else as
  an object array of the cells' text for ``amounts.parse_amounts``;
* the id and month columns as a ``TextColumn``: codes into the distinct texts, so text work is
  done once per person or month, not once per row.

Two readers give the same columns: the standard library's ``csv`` (C) for a small upload, where
pyarrow's setup costs more than the parsing, and pyarrow's multi-threaded CSV reader for
everything else. Each returns None for what it does not read the way pandas' parser would
(quotes, a header that is not the first line, text that is not UTF-8, rows of other lengths); the
caller then reads the file with pandas (``ingest.read_frame``), which words the problem.
"""

from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType

from .amounts import NULL_TOKENS, detect_european
from .schema import FIELD_NAMES

SMALL_BYTES = 64 * 1024  # below this the csv module reads faster than pyarrow starts
ARROW_BLOCK_BYTES = 8 << 20  # per parsing thread: large enough to keep both cores busy
CONVERT_THREADS = os.cpu_count() or 1  # columns converted to numpy at once
# The cells that mean "no value" as pyarrow matches them (exactly): each word in three cases.
NULL_CELLS = tuple(sorted({v for t in NULL_TOKENS for v in (t, t.upper(), t.title())}))


@dataclass(frozen=True)
class TextColumn:
    """A text column factorised: ``texts[codes]`` are the cells, surrounding spaces removed."""

    codes: np.ndarray  # integer (rows,)
    texts: np.ndarray  # object (distinct,): str; "" for an empty cell
    # True when no two texts are equal (a reader that knows it saves validation a million ids'
    # factorising); False: two cells may have differed only by surrounding spaces.
    distinct: bool = False

    def __len__(self) -> int:
        return len(self.codes)

    def cells(self) -> np.ndarray:
        return self.texts[self.codes]


Column = np.ndarray | TextColumn  # float64 numbers, object text cells, or factorised text


@dataclass
class Columns:
    """The mapped columns of a file by canonical name, each ``n_rows`` long."""

    by_name: dict[str, Column]
    n_rows: int

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def __getitem__(self, name: str) -> Column:
        return self.by_name[name]

    def first_rows(self, n_rows: int) -> Columns:
        """The first ``n_rows`` rows; text columns factorised again, so no text is left that
        only the rows cut off had (an id without rows would be a person without months)."""
        return Columns({name: text_column(column.cells()[:n_rows])
                        if isinstance(column, TextColumn) else column[:n_rows]
                        for name, column in self.by_name.items()}, n_rows)


def strip_texts(texts: np.ndarray) -> np.ndarray:
    """Distinct cells without surrounding spaces, None/NaN as "" (object array of str)."""
    texts = np.asarray(texts, dtype=object)
    missing = pd.isna(texts)
    if missing.any():
        texts = np.where(missing, "", texts)
    return np.strings.strip(texts.astype(StringDType())).astype(object)


def text_column(cells: np.ndarray | pd.Series) -> TextColumn:
    """Factorise cells (any values, None/NaN for empty) into a TextColumn; ids that differ only
    by surrounding spaces stay separate here and are merged where persons are counted."""
    if not isinstance(cells, pd.Series):
        cells = np.asarray(cells, dtype=object)
    # In order of first appearance (a categorical's own categories are sorted).
    codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    return TextColumn(codes, strip_texts(np.asarray(uniques, dtype=object)))


def settle_amounts(texts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Amount columns read as text -> float64 where every cell is a plain number (or empty),
    text otherwise; all text when the file's formatted amounts are European, so that a plain
    ``1.000`` is read as a thousand there too (as pandas' text re-read did)."""
    plain: dict[str, np.ndarray] = {}
    for name, cells in texts.items():
        text = pd.Series(cells, dtype="string").str.strip()
        empty = text.isna() | text.str.lower().isin(NULL_TOKENS)
        numbers = pd.to_numeric(text.where(~empty), errors="coerce")
        if not (numbers.isna() & ~empty).any():
            plain[name] = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    formatted = [cells for name, cells in texts.items() if name not in plain]
    if formatted and detect_european(formatted):
        return dict(texts)
    return {name: plain.get(name, cells) for name, cells in texts.items()}


# -- the standard library's reader, for small uploads ------------------------------------------

def _factorised(cells: tuple[str, ...]) -> TextColumn:
    """``text_column`` of the csv module's cells (str, never missing), by a dict: on the few
    rows of a small upload pandas' factorize costs more than the work. Knowing the texts
    are distinct once stripped spares validation a second factorising of the ids."""
    first_seen: dict[str, int] = {}
    codes = np.fromiter((first_seen.setdefault(c, len(first_seen)) for c in cells),
                        dtype=np.intp, count=len(cells))
    texts = strip_texts(np.array(list(first_seen), dtype=object))
    return TextColumn(codes, texts, len(set(texts.tolist())) == len(texts))


def _plain_floats(cells: tuple[str, ...]) -> np.ndarray | None:
    """float64 of cells that are all plain numbers or empty (NaN); None otherwise."""
    try:
        return np.array(cells, dtype=np.float64)  # numpy parses as float() does
    except ValueError:
        pass
    text = np.strings.strip(np.array(cells, dtype=StringDType()))
    try:
        return np.where(text == "", "nan", text).astype(np.float64)
    except ValueError:
        return None


def read_small(text: str, delimiter: str, mapping: dict[int, str]) -> Columns | None:
    """Read a small, quote-free UTF-8 text (header on its first line) with the csv module.

    ``mapping``: column position -> canonical name of the columns wanted."""
    if '"' in text:
        return None
    try:
        rows = list(filter(None, csv.reader(io.StringIO(text), delimiter=delimiter,
                                            skipinitialspace=True)))
    except csv.Error:  # a lone carriage return inside a row, a cell over the csv module's limit
        return None  # the general reader takes it and words any problem with its row
    if len(set(map(len, rows))) != 1:
        return None
    body = rows[1:]
    columns = list(zip(*body, strict=True))
    # float() also reads '1_000' and other scripts' digits, which pandas does not.
    numeric = text.isascii() and "_" not in text.split("\n", 1)[-1]
    by_name: dict[str, Column] = {}
    texts: dict[str, np.ndarray] = {}
    for position, name in mapping.items():
        cells = columns[position] if body else ()
        if name not in FIELD_NAMES:
            by_name[name] = _factorised(cells)
            continue
        texts[name] = np.array(cells, dtype=object)
        by_name[name] = _plain_floats(cells) if numeric else None
    if any(by_name[name] is None for name in texts):
        # Decided for all amount columns together, as pyarrow's reader does.
        by_name |= settle_amounts(texts)
    return Columns(by_name, len(body))


# -- pyarrow's reader, for everything else -----------------------------------------------------

def read_arrow(source: bytes | Path, delimiter: str, width: int, mapping: dict[int, str]
               ) -> Columns | None:
    """Read the mapped columns with pyarrow (header on the first line, ``width`` columns)."""
    import pyarrow as pa

    amounts = [p for p, name in mapping.items() if name in FIELD_NAMES]
    # Amounts as numbers, missing where a cell is empty; then, if some cell is not a number, as
    # numbers with the other words for "no value" as missing too (matching every cell against
    # them costs ~12% of the parse, and most files leave a cell empty); then as text.
    for amount_type, nulls in ((pa.float64(), ("",)), (pa.float64(), NULL_CELLS),
                               (pa.string(), NULL_CELLS)):
        try:
            table = _arrow_table(source, delimiter, width, mapping, amount_type, nulls)
            break
        except pa.ArrowInvalid as exc:
            if "conversion error to double" not in str(exc):
                return None  # a ragged row, stray quote or bad UTF-8: pandas words it
    else:
        return None
    n_rows = table.num_rows
    # Each column's own arrow memory goes back as it is converted: the file is held about once.
    columns = [table.column(f"c{position}") for position in mapping]
    del table
    pool = pa.default_memory_pool()

    def converted(i: int, position: int) -> Column:
        column, columns[i] = columns[i], None
        try:
            if position not in amounts:
                return _arrow_text(column)
            if pa.types.is_floating(column.type):
                return _chunks_into(column, np.empty(n_rows))
            return column.to_numpy()  # text, settled below
        finally:
            del column
            pool.release_unused()

    # Columns are converted on all cores at once (numpy and arrow let go of the GIL).
    with ThreadPoolExecutor(max_workers=CONVERT_THREADS) as threads:
        by_name: dict[str, Column] = dict(zip(mapping.values(), threads.map(
            converted, range(len(mapping)), mapping), strict=True))
    texts = {name: by_name[name] for position, name in mapping.items()
             if position in amounts and by_name[name].dtype == object}
    if texts:
        by_name |= settle_amounts(texts)
    return Columns(by_name, n_rows)


def _arrow_table(source: bytes | Path, delimiter: str, width: int, mapping: dict[int, str],
                 amount_type, nulls: tuple[str, ...]):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    text = pa.dictionary(pa.int32(), pa.string())
    types = {f"c{p}": amount_type if name in FIELD_NAMES else text
             for p, name in mapping.items()}
    stream = pa.BufferReader(source) if isinstance(source, bytes) else str(source)
    return pacsv.read_csv(
        stream,
        read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(width)],
                                       skip_rows=1, block_size=ARROW_BLOCK_BYTES),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types=types, include_columns=list(types),
                                             null_values=list(nulls), strings_can_be_null=False,
                                             check_utf8=True))


def _chunks_into(column, out: np.ndarray) -> np.ndarray:
    """A chunked float column copied into ``out`` chunk by chunk (NaN where null): no second
    whole copy in arrow's memory pool on the way."""
    start = 0
    for chunk in column.chunks:
        out[start:start + len(chunk)] = chunk.to_numpy(zero_copy_only=False)
        start += len(chunk)
    return out


def _arrow_text(column) -> TextColumn:
    """A dictionary-encoded pyarrow column (one dictionary per block) as one TextColumn."""
    import pyarrow as pa

    if column.num_chunks == 0:
        return TextColumn(np.empty(0, dtype=np.intp), np.empty(0, dtype=object))
    combined = column.unify_dictionaries().combine_chunks() if column.num_chunks > 1 \
        else column.chunk(0)
    if not isinstance(combined, pa.DictionaryArray):
        combined = combined.dictionary_encode()
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(combined.dictionary)
    # A dictionary holds each cell once: still so after trimming if trimming removed nothing.
    distinct = pc.all(pc.equal(pc.binary_length(trimmed),
                               pc.binary_length(combined.dictionary))).as_py() is not False
    return TextColumn(combined.indices.to_numpy(zero_copy_only=False),
                      trimmed.to_numpy(zero_copy_only=False), distinct)
