"""CSV ingestion: user files -> validated canonical monthly frame -> MonthlyPanel.

Accepts a path, bytes, text or a file object. Headers are matched by synonyms, the delimiter is
sniffed, amounts and months are parsed leniently, and every problem is reported with the row
number the user sees in a spreadsheet (the header is row 1). Any problem rejects the whole file:
there is no partial result.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import IO, Any
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType

from .amounts import NULL_TOKENS, detect_european, parse_amounts
from .columns import (
    SMALL_BYTES,
    Column,
    Columns,
    TextColumn,
    read_arrow,
    read_small,
    text_column,
)
from .panel import MonthlyPanel
from .schema import (
    AMOUNT_FIELDS,
    FIELD_INDEX,
    FIELD_NAMES,
    MAX_AMOUNT,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    Field,
    canonical_column,
    normalise_header,
)

DEFAULT_PERSON_ID = "person_1"
SHORT_HISTORY_MONTHS = 3
# Rows from which a file's columns are checked on several threads (fewer: threads cost more).
PARALLEL_ROWS = 200_000

Source = str | bytes | os.PathLike | IO[str] | IO[bytes]


@dataclass(frozen=True)
class IngestLimits:
    max_months_per_person: int = 24
    max_persons: int = 1_000_000
    max_problems: int = 20  # problems listed; the total is always counted
    max_text_chars: int = 100  # longest person id, month text or column name accepted
    # Most columns a header may have. Matching a header's words costs ~0.3 ms a column, so a
    # 600 kB header of 100,000 columns held a worker for a minute before its 400.
    max_columns: int = 200


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row: header is 1, first data row 2; None for the whole file
    column: str | None
    value: str | None
    message: str
    file: str | None = None  # which uploaded file, when several are read together

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"row {self.row}" if self.row else None,
                                      f"column {self.column!r}" if self.column else None) if p)
        shown = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}: {self.message}{shown}" if where else f"{self.message}{shown}"


class InputError(ValueError):
    """The input cannot be scored; ``problems`` says where and why (first ``max_problems``)."""

    def __init__(self, problems: list[Problem], total: int | None = None,
                 warnings: list[str] | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        self.warnings = warnings or []
        more = f" (and {self.total - len(problems)} more)" if self.total > len(problems) else ""
        super().__init__("; ".join(str(p) for p in problems) + more)


@dataclass
class PanelRows:
    """A file's validated rows, sorted by person then month: the panel, whole or in blocks of
    persons (a million persons' panel need not be held at once)."""

    fields: list[np.ndarray | None]  # per FIELD_NAMES: float64 (rows,); None: no such column
    month_index: np.ndarray  # int32 (rows,): months since 1970-01 (0 without a month column)
    has_month: bool
    person_codes: np.ndarray  # integer (rows,): index into persons
    persons: np.ndarray  # object (persons,), in order of first appearance
    order: np.ndarray  # rows sorted by person, then month
    max_months: int

    @property
    def n_persons(self) -> int:
        return len(self.persons)

    def panel(self) -> MonthlyPanel:
        return self._panel(slice(None), self.person_codes, self.persons)

    def blocks(self, persons: int) -> Iterator[MonthlyPanel]:
        """The panel in consecutive blocks of at most ``persons`` persons, in panel order."""
        for a, b in self.block_bounds(persons):
            yield self.block(a, b)

    def block_bounds(self, persons: int) -> list[tuple[int, int]]:
        """(first, end) person of each consecutive block of at most ``persons`` persons: what
        ``block`` takes, so blocks can be laid out on several threads."""
        step = max(1, int(persons))
        return [(a, min(a + step, self.n_persons)) for a in range(0, self.n_persons, step)]

    def block(self, first: int, end: int) -> MonthlyPanel:
        """The panel of persons ``first`` to ``end`` (exclusive)."""
        rows = slice(self._row_starts[first], self._row_starts[end])
        if not self._in_file_order:
            rows = self.order[rows]
        return self._panel(rows, self.person_codes[rows] - first, self.persons[first:end])

    @cached_property
    def _in_file_order(self) -> bool:
        """True when the file's rows already go by person, then month: blocks are then
        slices of the columns, not copies."""
        return bool(np.array_equal(self.order, np.arange(len(self.order))))

    @cached_property
    def _row_starts(self) -> np.ndarray:
        """Where each person's rows start in ``order`` (and, last, the number of rows)."""
        counts = np.bincount(self.person_codes, minlength=self.n_persons)
        return np.concatenate([[0], np.cumsum(counts)])

    def _panel(self, rows: np.ndarray | slice, codes: np.ndarray, persons: np.ndarray
               ) -> MonthlyPanel:
        fields = [None if f is None else f[rows] for f in self.fields]
        month_index = self.month_index[rows]
        months = (month_index.astype("datetime64[M]") if self.has_month
                  else np.full(len(month_index), np.datetime64("NaT"), dtype="datetime64[M]"))
        panel, _ = to_panel(fields, months, month_index, codes, persons, self.max_months)
        return panel


@dataclass
class IngestResult:
    rows: PanelRows
    warnings: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)

    @cached_property
    def panel(self) -> MonthlyPanel:
        """All persons' panel (``rows.blocks`` gives it a block of persons at a time)."""
        return self.rows.panel()


MAX_SHOWN_VALUE = 80  # characters of an offending cell echoed back in a problem


def _shown(value: Any) -> str | None:
    """A value (or column name) as quoted back in a problem: cut short (a cell may be MBs)."""
    if value is None:
        return None
    text = str(value)
    if isinstance(value, float | np.floating):  # a cell read as a number: as it was written
        text = repr(float(value)).removesuffix(".0")
    return text if len(text) <= MAX_SHOWN_VALUE else text[:MAX_SHOWN_VALUE] + "..."


class _Problems:
    """Collects problems, keeping the first ``limit`` and counting all."""

    def __init__(self, limit: int) -> None:
        self.limit, self.items, self.total = limit, [], 0

    def add(self, row: int | None, column: str | None, value: Any, message: str) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(Problem(row, _shown(column), _shown(value), message))

    def add_rows(self, rows: np.ndarray, column: str, values: np.ndarray, message: str) -> None:
        for row, value in zip(rows[: self.limit], values[: self.limit], strict=False):
            self.add(int(row), column, value, message)
        self.total += max(0, len(rows) - self.limit)

    def raise_if_any(self, warnings: list[str]) -> None:
        if self.total:
            raise InputError(self.items, self.total, warnings)


# -- reading -----------------------------------------------------------------------------------

def raw_data(source: Source) -> bytes | str:
    """The file's content, undecoded: bytes are handed to the CSV parser as they are, so a large
    upload is not held a second time as a Python string."""
    data = _located(source)
    return data.read_bytes() if isinstance(data, Path) else data


def _located(source: Source) -> bytes | str | Path:
    """The content (bytes or text), or the path of a file, which the readers stream from."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source
                                           and "," not in source and Path(source).exists()):
        path = Path(source)
        with open(path, "rb") as fh:
            head = fh.read(4096)
        if encoding := _wide_encoding(head):
            return _as_utf8(path.read_bytes(), encoding)
        _refuse_binary(head)
        return path
    if isinstance(source, bytes):
        if encoding := _wide_encoding(source[:4096]):
            return _as_utf8(source, encoding)
        _refuse_binary(source[:4096])
    return source


def _wide_encoding(head: bytes) -> str | None:
    # Imported here: shared_features.statements builds on this module.
    from .statements.decode import wide_encoding

    return wide_encoding(head)


def _as_utf8(data: bytes, encoding: str) -> bytes:
    """A UTF-16/32 table (Excel's "Unicode Text" export, tab-separated) as the UTF-8 the
    readers take; it was refused as binary for its NUL bytes."""
    text = data.decode(encoding, errors="replace")
    return text.lstrip("\ufeff").encode("utf-8")


def _refuse_binary(head: bytes) -> None:
    if b"\x00" in head:
        raise InputError([Problem(None, None, None,
                                  "the file is binary, not CSV text (export it as CSV)")])


def _head_text(data: bytes | str | Path, size: int = 65536) -> str:
    if isinstance(data, Path):
        with open(data, "rb") as fh:
            data = fh.read(size)
    head = data[:size]
    text = head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head
    return text.lstrip("\ufeff")


def _sniff_delimiter(head: str) -> str:
    lines = head.splitlines()[:20]
    # The usual file: one candidate in the header, as often in every line (no sniffing needed).
    first = lines[0] if lines else ""
    found = [d for d in ",;\t" if d in first]
    if len(found) == 1 and '"' not in head and all(
            line.count(found[0]) == first.count(found[0]) for line in lines[1:] if line):
        return found[0]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return max(",;\t", key=first.count)


def _parse_csv(data: bytes | str, **options: Any) -> pd.DataFrame:
    """pandas' C parser over bytes (UTF-8, BOM allowed) or text; raises UnicodeDecodeError."""
    buffer = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data.lstrip("\ufeff"))
    with catch_warnings():
        # Every row one cell longer than the header makes pandas drop data with only a
        # warning; that is a malformed file, so it must fail like any other ragged row.
        simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(buffer, encoding="utf-8-sig", index_col=False,
                           skip_blank_lines=True, skipinitialspace=True, **options)


def read_frame(data: bytes | str) -> tuple[pd.DataFrame, list[str]]:
    """The file as a frame with the user's headers: ids and months as text, amount columns as
    numbers where pandas' parser could read them (formatted ones stay text for parse_amounts)."""
    head = _head_text(data)
    if not head.strip():
        raise InputError([Problem(None, None, None, "the file is empty")])
    delimiter = _sniff_delimiter(head)
    try:
        try:
            # A European file must be read as text: pandas' number parser would take its
            # '1.000' for one. The first rows usually tell; a later unambiguous value is
            # caught after the fast read and the file is read again as text.
            head = _parse_csv(data, sep=delimiter, nrows=2000, dtype=str, keep_default_na=False)
            amounts = [h for h in head.columns if canonical_column(str(h)) in FIELD_NAMES]
            if not detect_european([head[h] for h in amounts]):
                frame = _parse_csv(data, sep=delimiter, keep_default_na=False,
                                   dtype={h: "category" for h in head.columns
                                          if h not in amounts},
                                   na_values=dict.fromkeys(amounts, NULL_TOKENS))
                if not detect_european([frame[h] for h in amounts]):
                    return frame, []
            return _parse_csv(data, sep=delimiter, dtype=str, keep_default_na=False), []
        except UnicodeDecodeError:
            data = data.decode("cp1252", errors="replace") if isinstance(data, bytes) else data
            frame, _ = read_frame(data)
            return frame, ["the file is not UTF-8; it was read as Windows-1252 "
                           "(check accented names)"]
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise InputError([_parser_problem(exc)]) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError([Problem(None, None, None, "the file has no header row")]) from exc


def _parser_problem(exc: Exception) -> Problem:
    # pandas counts file lines from 1 with the header on line 1, as a spreadsheet does.
    line = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if line:
        expected, row, saw = map(int, line.groups())
        return Problem(row, None, None, f"the file is not a readable CSV: this row has {saw} "
                       f"cells but the header has {expected}")
    if isinstance(exc, pd.errors.ParserWarning):
        return Problem(None, None, None, "the file is not a readable CSV: its rows have more "
                       "cells than the header")
    return Problem(None, None, None, f"the file is not a readable CSV: {exc}")


# -- mapping and parsing -----------------------------------------------------------------------

# Headers that name the person by name: the id column when no other column is one, and not
# the id beside one that is (Customer ID, Customer Name).
PERSON_NAME_HEADERS = frozenset({"name", "fullname", "customername", "clientname", "personname"})


def _names_a_person(header: str) -> bool:
    return normalise_header(header) in PERSON_NAME_HEADERS


def map_headers(headers: Iterable[Any], max_chars: int = 100,
                max_columns: int = IngestLimits.max_columns
                ) -> tuple[dict[str, str], list[str], list[Problem]]:
    """(user header -> canonical column, unknown headers, problems) for a file's header row
    (a DataFrame's column names are its headers)."""
    headers = [str(h) for h in headers]
    if len(headers) > max_columns:
        return {}, [], [_too_wide(len(headers), max_columns)]
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for header in headers:
        if len(header) > max_chars:
            problems.append(Problem(1, _shown(header), None, f"the column name is longer than "
                                    f"{max_chars} characters"))
            continue
        canon = canonical_column(header)
        if canon is None:
            unknown.append(header)
        elif canon in mapping.values():
            first = next(h for h, c in mapping.items() if c == canon)
            if canon == "person_id" and _names_a_person(first) != _names_a_person(header):
                # An id and a name (Customer ID, Customer Name): the id is the person.
                name = first if _names_a_person(first) else header
                if name == first:  # the id came second: it replaces the name
                    del mapping[first]
                    mapping[header] = canon
                unknown.append(name)
                continue
            problems.append(Problem(1, header, None,
                                    f"columns {first!r} and {header!r} both mean {canon!r}"))
        else:
            mapping[header] = canon
    if "person_id" not in mapping.values():
        # "Name" is a person's name in a monthly table but a payee in a bank statement, so it is
        # no synonym (which would make statements look like tables); here it can be the person.
        named = next((h for h in unknown if _names_a_person(h)), None)
        if named is not None:
            mapping[named] = "person_id"
            unknown.remove(named)
    missing = [f for f in REQUIRED_FIELDS if f not in mapping.values()]
    for name in missing:
        problems.append(Problem(1, name, None, f"required column {name!r} is missing "
                                f"(found: {_listed(headers)})"))
    return mapping, unknown, problems


def _listed(headers: list[str], most: int = 20) -> str:
    """The first ``most`` headers, comma-separated, and how many more."""
    shown = ", ".join(_shown(h) for h in headers[:most]) or "none"
    return shown + (f" and {len(headers) - most} more" if len(headers) > most else "")


_MONTH_TEXT = re.compile(r"(?:\d{4}-\d{2}\n)*")
# How spreadsheets and exports write a month with its year: "Jan-24" (Excel's mmm-yy),
# "Jan 2024", "January 2024", "01/2024", "2024/01", "2024.01", "202401".
_MONTH_FORMS = ("%b-%y", "%b %y", "%b-%Y", "%b %Y", "%B %Y", "%B-%Y", "%m/%Y", "%Y/%m",
                "%m-%Y", "%Y.%m", "%Y%m")
_FIRST_MONTH, _LAST_MONTH = np.datetime64("1950-01", "M"), np.datetime64("2199-12", "M")


def _parse_months(texts: np.ndarray, warnings: list[str] | None = None) -> np.ndarray:
    """YYYY-MM, YYYY-MM-DD, day-first or month-first dates (decided for the whole column, as
    for statements: 01.02.2026 is February) or any date pandas can read -> datetime64[M]; NaT
    where unreadable. The assumption made for ambiguous dates goes to ``warnings``."""
    if _MONTH_TEXT.fullmatch("".join(t + "\n" for t in texts.tolist())):
        try:  # the usual column, all YYYY-MM: numpy reads it without pandas' setup
            return _plausible(np.array(texts, dtype="datetime64[M]"))
        except ValueError:
            pass  # a month 13: worded below
    # Imported here: shared_features.statements builds on this module.
    from .statements.dates import parse_dates

    text = pd.Series(texts, dtype=object)
    parsed = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    # Month-and-year forms before any date reader, which would take "Jan-24" for January the
    # 24th of no year: ISO dates, then spreadsheets' month formats.
    for form in ("%Y-%m-%d", *_MONTH_FORMS):
        todo = parsed.isna() & (text != "")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=form, errors="coerce")
    todo = parsed.isna() & (text != "")
    if todo.any():
        reading = parse_dates(text[todo].reset_index(drop=True))
        parsed[todo] = reading.dates.astype("datetime64[ns]")
        if reading.warning and warnings is not None:
            warnings.append(f"month column: {reading.warning}")
    todo = parsed.isna() & (text != "")
    if todo.any():
        # utc=True: a cell with a zone among cells without one would otherwise give a series
        # of mixed kinds that cannot be put back (found by fuzzing: a 500).
        anything = pd.to_datetime(text[todo], format="mixed", errors="coerce", utc=True)
        parsed[todo] = anything.dt.tz_convert(None)
    return _plausible(parsed.to_numpy().astype("datetime64[M]"))


def _plausible(months: np.ndarray) -> np.ndarray:
    """A year outside 1950-2199 is a misreading or a typo (a date without its year comes out as
    year 1 or 1900; 9999-12 is no month of anyone's finances): NaT, refused with its row. Both
    readers end here, the fast YYYY-MM one too (it once let 9999-12 through)."""
    return np.where((months >= _FIRST_MONTH) & (months <= _LAST_MONTH), months,
                    np.datetime64("NaT", "M"))


def ingest(source: Source, limits: IngestLimits | None = None) -> IngestResult:
    """Read a CSV (path, bytes, text or file object) into a validated MonthlyPanel.

    A ``str`` is taken as a path if such a file exists and the string has no newline, else as
    CSV text. Raises InputError naming rows, columns and problems.
    """
    limits = limits or IngestLimits()
    data = _located(source)
    head = _head_text(data)
    _check_width(head, limits.max_columns)
    fast = read_columns(data, limits.max_text_chars, head)
    if fast is None:  # pandas reads what the fast readers leave, and words its problems
        frame, warnings = read_frame(data.read_bytes() if isinstance(data, Path) else data)
        return ingest_frame(frame, limits, warnings)
    unknown, columns = fast
    return ingest_columns(columns, limits, unknown=unknown)


def _check_width(head: str, max_columns: int) -> None:
    """InputError when the header row has more than ``max_columns`` cells, before any column
    is read or matched. Counted by delimiters (a quoted one overcounts, which only matters at
    the limit); a header longer than the head read is over any sensible limit anyway."""
    first = head.split("\n", 1)[0]
    width = first.count(_sniff_delimiter(head)) + 1 if first.strip() else 0
    if width > max_columns:
        raise InputError([_too_wide(width, max_columns, whole="\n" in head)])


def _too_wide(width: int, max_columns: int, whole: bool = True) -> Problem:
    count = f"{width:,}" if whole else f"more than {width:,}"  # only the head was looked at
    return Problem(1, None, None, f"the header has {count} columns; a monthly table has at "
                                  f"most {max_columns} (is this the right file?)")


def read_columns(data: bytes | str | Path, max_chars: int = 100, head: str | None = None
                 ) -> tuple[list[str], Columns] | None:
    """(unknown headers, the mapped columns) by the fast readers (``columns``), or None where
    the file needs pandas' parser: a header that is not a plain first line or has problems,
    quotes in a small file, rows of other lengths, text that is not UTF-8. ``head``: the
    file's first bytes as text when the caller has read them already."""
    head = _head_text(data) if head is None else head
    first = head.split("\n", 1)[0].rstrip("\r")
    if not first.strip() or '"' in first:
        return None
    delimiter = _sniff_delimiter(head)
    try:
        headers = next(csv.reader([first], delimiter=delimiter, skipinitialspace=True))
    except csv.Error:  # a lone carriage return in the header: pandas' parser words it
        return None
    mapping, unknown, problems = map_headers(headers, max_chars)
    if problems or len(set(headers)) != len(headers):
        return None
    positions = {headers.index(h): canon for h, canon in mapping.items()}
    if isinstance(data, Path) or len(data) > SMALL_BYTES:
        source = data.encode() if isinstance(data, str) else data
        columns = read_arrow(source, delimiter, len(headers), positions)
    else:
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            return None
        columns = read_small(text.lstrip("\ufeff"), delimiter, positions)
    return None if columns is None else (unknown, columns)


def columns_from_frame(frame: pd.DataFrame, mapping: dict[str, str]) -> Columns:
    """The mapped columns of a frame (user header -> canonical name) as validation reads them:
    amounts as float64 where pandas read numbers, else as their cells; ids and months
    factorised."""
    by_name: dict[str, Column] = {}
    for header, name in mapping.items():
        column = frame[header]
        if name not in FIELD_NAMES:
            by_name[name] = text_column(column)
        elif pd.api.types.is_numeric_dtype(column.dtype):
            by_name[name] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            by_name[name] = column.to_numpy(dtype=object)
    return Columns(by_name, len(frame))


def ingest_frame(frame: pd.DataFrame, limits: IngestLimits | None = None,
                 warnings: list[str] | None = None) -> IngestResult:
    """Validate a frame of user records (any header names, cells as text or numbers)."""
    limits = limits or IngestLimits()
    problems = _Problems(limits.max_problems)
    mapping, unknown, header_problems = map_headers(frame.columns, limits.max_text_chars,
                                                    limits.max_columns)
    for p in header_problems:
        problems.add(p.row, p.column, p.value, p.message)
    problems.raise_if_any(list(warnings or []))
    return ingest_columns(columns_from_frame(frame, mapping), limits, warnings, unknown)


# What a spreadsheet writes in the id or month cell of a summary row (totals, averages), lower
# case and without a trailing colon.
SUMMARY_WORDS = frozenset({
    "total", "totals", "grand total", "sum", "subtotal", "average", "avg", "mean",
    "summe", "gesamt", "insgesamt", "durchschnitt", "totaal", "gemiddelde", "totale", "media",
    "suma", "promedio", "somme", "moyenne", "soma", "média", "razem", "średnia", "celkem",
    "průměr", "összesen", "átlag", "yhteensä", "keskiarvo", "i alt", "totalt", "gennemsnit",
    "genomsnitt", "итого", "всего", "среднее", "合計", "合计", "总计", "平均", "합계", "총계",
    "평균"})
MAX_SUMMARY_ROWS = 5  # at most this many rows at the end of a file are looked at


def trailing_summary_rows(columns: Columns) -> int:
    """How many of the last rows are a spreadsheet's summary (totals, averages) rather than
    records: rows whose person or month cell is one of ``SUMMARY_WORDS``, at the very end of
    the file. Only the end is looked at, so every row kept keeps its number in problems."""
    tail = np.arange(max(0, columns.n_rows - MAX_SUMMARY_ROWS), columns.n_rows)
    is_summary = np.zeros(len(tail), dtype=bool)
    for name in ("person_id", "month"):
        if name in columns:
            text = _as_text(columns[name])
            cells = text.texts[text.codes[tail]]  # the last rows' cells, not all of them
            is_summary |= np.array([str(c).strip().rstrip(":").lower() in SUMMARY_WORDS
                                    for c in cells], dtype=bool)
    run = 0
    for flag in is_summary[::-1]:
        if not flag:
            break
        run += 1
    return run


def ingest_columns(columns: Columns, limits: IngestLimits | None = None,
                   warnings: list[str] | None = None, unknown: list[str] | None = None
                   ) -> IngestResult:
    """Validate a file's mapped columns into a panel; InputError names rows and problems."""
    limits = limits or IngestLimits()
    warnings = list(warnings or [])
    problems = _Problems(limits.max_problems)
    if unknown:
        warnings.append(f"ignored unknown columns: {', '.join(unknown)}")
    summary = trailing_summary_rows(columns)
    if summary:
        kept = columns.n_rows - summary
        which = (f"row {kept + 2} is a summary row" if summary == 1
                 else f"rows {kept + 2}-{kept + 1 + summary} are summary rows")
        warnings.append(f"{which} (totals or averages), not a person's month: skipped")
        columns = columns.first_rows(kept)
    if columns.n_rows == 0:
        raise InputError([Problem(None, None, None, "the file has no data rows")], 1, warnings)
    parsed = parse_rows(columns, limits, warnings)
    for check in parsed.failed:
        problems.add_rows(np.flatnonzero(check.failed) + 2, check.column, check.cells,
                          check.message)

    person_codes, persons = parsed.person_codes, parsed.persons
    counts = np.bincount(person_codes, minlength=len(persons))
    if not parsed.has_month and (counts > 1).any():
        problems.add(1, "month", None, "a month column is required when a person has "
                     "more than one row")
    if len(persons) > limits.max_persons:
        problems.add(None, "person_id", None, f"{len(persons)} persons in one file; the limit "
                     f"is {limits.max_persons}")
    problems.raise_if_any(warnings)

    month_index = month_numbers(parsed)
    order, dup = duplicate_months(person_codes, month_index)
    for a in dup[: limits.max_problems]:
        first, second = order[a] + 2, order[a + 1] + 2  # spreadsheet rows
        problems.add(int(second), "month", str(parsed.month_at(order[a + 1])) if parsed.has_month
                     else None, f"duplicate month for person {persons[person_codes[order[a]]]!r}"
                     f" (also on row {first})")
    problems.total += max(0, len(dup) - limits.max_problems)
    too_long = np.flatnonzero(counts > limits.max_months_per_person)
    for code in too_long[: limits.max_problems]:
        problems.add(None, "month", None, f"person {persons[code]!r} has {counts[code]} months;"
                     f" at most {limits.max_months_per_person} are accepted")
    problems.total += max(0, len(too_long) - limits.max_problems)
    problems.raise_if_any(warnings)

    # Sorted by month within each person: the last of a person's rows is their latest month.
    ends = np.cumsum(counts) - 1
    latest = month_index[order[ends]]
    dropped_old = int((latest[person_codes] - month_index >= limits.max_months_per_person).sum())
    rows = PanelRows(parsed.fields, month_index, parsed.has_month, person_codes, persons, order,
                     limits.max_months_per_person)
    if dropped_old:
        warnings.append(f"{dropped_old} rows are more than {limits.max_months_per_person} "
                        "months before their person's latest month and were not used")
    missing_optional = [f for f in OPTIONAL_FIELDS if f not in columns]
    if missing_optional:
        warnings.append(f"optional columns not provided: {', '.join(missing_optional)}; the "
                        "model imputes them, so the estimate is less certain")
    for f in OPTIONAL_FIELDS:
        values = parsed.fields[FIELD_INDEX[f]]
        n_empty = int(np.isnan(values).sum()) if values is not None else 0
        if n_empty > 0:
            warnings.append(f"{n_empty} empty cells in {f} treated as missing")
    short = int((counts < SHORT_HISTORY_MONTHS).sum())
    if short:
        warnings.append(f"{short} of {len(persons)} persons have fewer than "
                        f"{SHORT_HISTORY_MONTHS} months of history; their estimates are less "
                        "certain")
    return IngestResult(rows, warnings, unknown or [], missing_optional)


# -- row by row --------------------------------------------------------------------------------
# The checks each row passes or fails on its own, separate from the file-level decision above so
# that a batch of many persons (inference.batch) can reject one person's rows and score the rest.

@dataclass(frozen=True)
class RowCheck:
    """The rows that failed one check: which, in what column, their cells, and why."""

    failed: np.ndarray  # bool (rows,)
    column: str
    cells: np.ndarray  # the user's cells of the failed rows, in row order
    message: str


@dataclass
class ParsedRows:
    """A file's rows parsed to canonical values, and the checks some of them failed."""

    person_codes: np.ndarray  # integer (rows,): index into ``persons``
    persons: np.ndarray  # object (distinct ids,): ids without surrounding spaces, first seen first
    fields: list[np.ndarray | None]  # per FIELD_NAMES: float64 (rows,), NaN where empty; None
    # where the file has no such column
    month_codes: np.ndarray  # integer (rows,): index into month_values
    month_values: np.ndarray  # datetime64[M] (distinct month cells,), NaT where unreadable
    has_month: bool
    failed: list[RowCheck]  # in the order a reader goes: id, amounts column by column, month

    @property
    def months(self) -> np.ndarray:
        """datetime64[M] (rows,), NaT where unreadable or no month column."""
        return self.month_values[self.month_codes]

    def month_at(self, row: int) -> np.datetime64:
        return self.month_values[self.month_codes[row]]

    @property
    def person_ids(self) -> np.ndarray:
        """Each row's person id (object (rows,))."""
        return self.persons[self.person_codes]

    @property
    def values(self) -> np.ndarray:
        """float64 (rows, fields), NaN where empty or not a number."""
        n = len(self.person_codes)
        return np.column_stack([np.full(n, np.nan) if v is None else v for v in self.fields])


def parse_rows(frame: pd.DataFrame | Columns, limits: IngestLimits | None = None,
               warnings: list[str] | None = None) -> ParsedRows:
    """Parse every row of ``frame`` (canonical column names, see ``map_headers``) and check it
    on its own: a blank id, amounts that are not numbers, empty required amounts, negative
    amounts, fractional counts, unreadable months. Checks across rows (duplicate months, too
    many months) are the caller's, since they depend on which rows belong together. An
    assumption made to read the months (day-first dates) goes to ``warnings``."""
    limits = limits or IngestLimits()
    columns = frame if isinstance(frame, Columns) else columns_from_frame(
        frame, {str(c): str(c) for c in frame.columns})
    n = columns.n_rows
    present = [f for f in FIELD_NAMES if f in columns]
    european = detect_european([columns[f] for f in present])
    specs = [spec for spec in AMOUNT_FIELDS if spec.name in columns]
    work = [partial(_parsed_ids, columns, n, limits.max_text_chars),
            *(partial(_parsed_amount, columns[spec.name], spec, european, n) for spec in specs)]
    if n >= PARALLEL_ROWS:  # the columns are independent: checked on all cores at once
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as threads:
            done = list(threads.map(lambda task: task(), work))
    else:
        done = [task() for task in work]
    (person_codes, persons, failed), amounts = done[0], done[1:]
    fields: list[np.ndarray | None] = [None] * len(FIELD_NAMES)
    for spec, (parsed, checks) in zip(specs, amounts, strict=True):
        fields[FIELD_INDEX[spec.name]] = parsed
        failed += checks

    if "month" in columns:
        month_text = _as_text(columns["month"])
        month_codes = month_text.codes
        month_values = _parse_months(month_text.texts, warnings)
        unreadable = np.isnat(month_values)[month_codes]
        if unreadable.any():
            failed.append(RowCheck(unreadable, "month",
                                   month_text.texts[month_text.codes[unreadable]],
                                   "is not a month (use YYYY-MM or a date)"))
    else:
        month_codes = np.zeros(n, dtype=np.int32)
        month_values = np.array([np.datetime64("NaT")], dtype="datetime64[M]")
    return ParsedRows(person_codes, persons, fields, month_codes, month_values,
                      "month" in columns, failed)


def _checked(mask: np.ndarray, column: str, cells: np.ndarray | TextColumn,
             message: str) -> list[RowCheck]:
    """The check that the rows in ``mask`` failed, or none if no row did."""
    if not mask.any():
        return []
    shown = cells.texts[cells.codes[mask]] if isinstance(cells, TextColumn) else cells[mask]
    return [RowCheck(mask, column, shown, message)]


def default_person_ids(n: int) -> TextColumn:
    """The ids of a file without a person column: every row is one person."""
    return TextColumn(np.zeros(n, dtype=np.intp), np.array([DEFAULT_PERSON_ID], dtype=object))


def _parsed_ids(columns: Columns, n: int, max_chars: int
                ) -> tuple[np.ndarray, np.ndarray, list[RowCheck]]:
    """(each row's person code, the distinct persons, the id checks failed)."""
    ids = _as_text(columns["person_id"]) if "person_id" in columns else default_person_ids(n)
    failed = _checked((ids.texts == "")[ids.codes], "person_id", ids, "person_id is empty")
    lengths = np.strings.str_len(ids.texts.astype(StringDType()))
    failed += _checked((lengths > max_chars)[ids.codes], "person_id", ids,
                       f"person_id is longer than {max_chars} characters")
    if ids.distinct:  # no two ids differ only by surrounding spaces: each text a person
        return ids.codes, ids.texts, failed
    # Ids that differ only by surrounding spaces (stripped in ``texts``) are one person.
    merged, persons = pd.factorize(ids.texts)
    person_codes = (ids.codes if len(persons) == len(ids.texts)  # the usual case: no copy
                    else merged.astype(np.int32 if len(persons) < 2**31 else np.intp)[ids.codes])
    return person_codes, np.asarray(persons, dtype=object), failed


# A count column kept as "did it happen this month?" (a spreadsheet's yes/no or TRUE/FALSE
# missed-payment column) counts 1 or 0. Compared lower-cased, surrounding spaces removed.
COUNT_WORDS: dict[str, float] = {
    "yes": 1.0, "y": 1.0, "true": 1.0, "ja": 1.0, "oui": 1.0, "si": 1.0, "sí": 1.0, "sim": 1.0,
    "no": 0.0, "n": 0.0, "false": 0.0, "nein": 0.0, "non": 0.0, "não": 0.0, "nao": 0.0,
}


def _counted_words(cells: np.ndarray, parsed: np.ndarray, bad: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``parsed`` and ``bad`` with the yes/no cells among the bad ones counted 1 / 0."""
    where = np.flatnonzero(bad)
    words = pd.Series(np.asarray(cells, dtype=object)[where]).astype(str).str.strip().str.lower()
    counted = words.map(COUNT_WORDS).to_numpy(dtype=np.float64, na_value=np.nan)
    known = ~np.isnan(counted)
    parsed, bad = parsed.copy(), bad.copy()
    parsed[where[known]], bad[where[known]] = counted[known], False
    return parsed, bad


def _parsed_amount(cells: Column, spec: Field, european: bool, n: int
                   ) -> tuple[np.ndarray, list[RowCheck]]:
    """(one amount column as float64, NaN where empty; the checks its rows failed)."""
    parsed, bad = parse_amounts(cells, european)
    if spec.is_count and bad.any():
        parsed, bad = _counted_words(cells, parsed, bad)
    failed: list[RowCheck] = []
    # The column's range first: most columns need no row-by-row range or sign mask.
    low, high = np.fmin.reduce(parsed), np.fmax.reduce(parsed)  # NaN only if all are
    huge = (np.zeros(n, dtype=bool) if low >= -MAX_AMOUNT and high <= MAX_AMOUNT
            else ~np.isnan(parsed) & ~(np.abs(parsed) <= MAX_AMOUNT))  # inf included
    if huge.any():
        failed += _checked(huge, spec.name, cells,
                           f"is out of range (at most {MAX_AMOUNT:,.0f} in magnitude)")
        # Reported once: as a harmless 0 the checks below pass it (the row is refused).
        parsed, bad = np.where(huge, 0.0, parsed), bad & ~huge
    if bad.any():
        failed += _checked(bad, spec.name, cells, "is not a number")
    if spec.required:
        failed += _checked(np.isnan(parsed) & ~bad, spec.name, cells,
                           "is empty; a value is required")
    if spec.name != "liquid_savings" and not low >= 0:  # an overdraft may be negative
        failed += _checked(parsed < 0, spec.name, cells, "must not be negative")
    if spec.is_count:
        failed += _checked(~np.isnan(parsed) & (parsed != np.round(parsed)), spec.name, cells,
                           "must be a whole number")
    return parsed, failed


def _as_text(column: Column) -> TextColumn:
    return column if isinstance(column, TextColumn) else text_column(column)


def month_numbers(parsed: ParsedRows) -> np.ndarray:
    """Months as int32 (months since 1970-01); all 0 when the file has no month column.
    Only for months that were read (an unreadable one is 0 here too)."""
    if not parsed.has_month:
        return np.zeros(len(parsed.month_codes), np.int32)
    numbers = np.where(np.isnat(parsed.month_values), 0, parsed.month_values.view("int64"))
    return numbers.astype(np.int32)[parsed.month_codes]


def duplicate_months(person_codes: np.ndarray, month_index: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(order, dup): rows sorted by person then month, and the positions ``a`` in that order
    where rows ``order[a]`` and ``order[a + 1]`` are the same person's same month."""
    if len(month_index) == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    low, high = int(month_index.min()), int(month_index.max())
    persons = int(person_codes.max()) + 1
    if (high - low + 1) * persons >= 2**62:  # months too far apart for one sort key
        order = np.lexsort((month_index, person_codes))
        key = np.stack([person_codes[order], month_index[order]])
        return order, np.flatnonzero((np.diff(key, axis=1) == 0).all(axis=0))
    # One int64 key; a file already grouped by person, months in order, sorts in linear time.
    key = person_codes.astype(np.int64)  # in place below: a million persons' rows are 12M
    key *= high - low + 1
    key += month_index
    key -= low
    if (key[1:] >= key[:-1]).all():  # the usual file: grouped by person, months in order
        order = np.arange(len(key))
    else:
        order = np.argsort(key, kind="stable")
        key.sort(kind="stable")  # in place: equal to key[order] without a second copy
    return order, np.flatnonzero(key[1:] == key[:-1])


def to_panel(values: np.ndarray | list[np.ndarray | None], months: np.ndarray,
             month_index: np.ndarray, person_codes: np.ndarray, persons: np.ndarray,
             max_months: int) -> tuple[MonthlyPanel, int]:
    """Scatter rows into a right-aligned (persons, months, fields) panel by calendar month.

    ``values``: float64 (rows, fields), or one (rows,) array per field (None: no such column).
    Column -1 is each person's latest month; a gap in someone's months is an unobserved column.
    """
    fields = list(values.T) if isinstance(values, np.ndarray) else values
    n = len(persons)
    month_index = np.asarray(month_index)
    if month_index.dtype.kind not in "iu":
        month_index = month_index.astype(np.int64)
    # In the months' own dtype: ufunc.at casting int32 months into int64 runs ~30x slower.
    latest = np.full(n, np.iinfo(month_index.dtype).min, dtype=month_index.dtype)
    np.maximum.at(latest, person_codes, month_index)
    offset = latest[person_codes] - month_index  # 0 for the latest month
    keep = offset < max_months
    if keep.all():  # the usual case: no row is too old; skip copying every row to drop none
        keep = slice(None)
    width = int(offset[keep].max()) + 1 if len(offset[keep]) else 1
    # Each row's place in a (months, persons) grid, computed once for every field. Laid out
    # month by month in memory: the feature formulas reduce over each person's months, which
    # numpy then does as whole-row vector operations (~25% less feature time than one person's
    # months after another). The panel's shape is still (persons, months, fields).
    column = width - 1 - offset[keep]
    cell = column * n + person_codes[keep]
    # Whole histories in order (the usual file) fill the grid person after person: then each
    # field is copied as a transposed block instead of scattered, and nothing is unobserved.
    by_person = person_codes[keep] * width + column
    dense = len(cell) == n * width and np.array_equal(by_person, np.arange(n * width))
    by_field = np.empty((len(FIELD_NAMES), width, n))
    if not dense:
        by_field.fill(np.nan)
    flat = by_field.reshape(len(FIELD_NAMES), width * n)
    for j, field_values in enumerate(fields):
        if field_values is None:
            by_field[j] = np.nan
        elif dense:
            by_field[j] = field_values[keep].reshape(n, width).T
        else:
            flat[j, cell] = field_values[keep]
    observed = np.zeros((width, n), dtype=bool)
    panel_months = np.full((width, n), np.datetime64("NaT"), dtype="datetime64[M]")
    if dense:
        observed.fill(True)
        panel_months[...] = months[keep].reshape(n, width).T
    else:
        observed.reshape(-1)[cell] = True
        panel_months.reshape(-1)[cell] = months[keep]
    panel = MonthlyPanel(by_field.transpose(2, 1, 0), observed.T, persons, panel_months.T)
    return panel, len(offset) - len(cell)
