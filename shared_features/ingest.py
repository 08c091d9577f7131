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
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd

from .amounts import NULL_TOKENS, detect_european, parse_amounts
from .panel import MonthlyPanel
from .schema import (
    AMOUNT_FIELDS,
    FIELD_NAMES,
    MAX_AMOUNT,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    canonical_column,
)

DEFAULT_PERSON_ID = "person_1"
SHORT_HISTORY_MONTHS = 3

Source = str | bytes | os.PathLike | IO[str] | IO[bytes]


@dataclass(frozen=True)
class IngestLimits:
    max_months_per_person: int = 24
    max_persons: int = 1_000_000
    max_problems: int = 20  # problems listed; the total is always counted
    max_text_chars: int = 100  # longest person id, month text or column name accepted


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
class IngestResult:
    panel: MonthlyPanel
    warnings: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)


MAX_SHOWN_VALUE = 80  # characters of an offending cell echoed back in a problem


def _shown(value: Any) -> str | None:
    """A value (or column name) as quoted back in a problem: cut short (a cell may be MBs)."""
    if value is None:
        return None
    text = str(value)
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
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source
                                           and "," not in source and Path(source).exists()):
        source = Path(source).read_bytes()
    if isinstance(source, bytes) and b"\x00" in source[:4096]:
        raise InputError([Problem(None, None, None,
                                  "the file is binary, not CSV text (export it as CSV)")])
    return source


def _head_text(data: bytes | str, size: int = 65536) -> str:
    head = data[:size]
    text = head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head
    return text.lstrip("\ufeff")


def _sniff_delimiter(head: str) -> str:
    sample = "\n".join(head.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
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

def map_headers(frame: pd.DataFrame, max_chars: int = 100
                ) -> tuple[dict[str, str], list[str], list[Problem]]:
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for header in frame.columns:
        if len(str(header)) > max_chars:
            problems.append(Problem(1, _shown(header), None, f"the column name is longer than "
                                    f"{max_chars} characters"))
            continue
        canon = canonical_column(str(header))
        if canon is None:
            unknown.append(str(header))
        elif canon in mapping.values():
            first = next(h for h, c in mapping.items() if c == canon)
            problems.append(Problem(1, str(header), None,
                                    f"columns {first!r} and {header!r} both mean {canon!r}"))
        else:
            mapping[str(header)] = canon
    missing = [f for f in REQUIRED_FIELDS if f not in mapping.values()]
    for name in missing:
        problems.append(Problem(1, name, None, f"required column {name!r} is missing "
                                f"(found: {', '.join(map(str, frame.columns)) or 'none'})"))
    return mapping, unknown, problems


def _factorized_text(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, stripped unique texts): string work done once per distinct value, not per row
    (a file has few distinct months and one id per person)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    texts = pd.Series(uniques, dtype="string").fillna("").str.strip()
    return codes, texts.to_numpy(dtype=object)


def _parse_months(texts: np.ndarray, warnings: list[str] | None = None) -> np.ndarray:
    """YYYY-MM, YYYY-MM-DD, day-first or month-first dates (decided for the whole column, as
    for statements: 01.02.2026 is February) or any date pandas can read -> datetime64[M]; NaT
    where unreadable. The assumption made for ambiguous dates goes to ``warnings``."""
    # Imported here: shared_features.statements builds on this module.
    from .statements.dates import parse_dates

    text = pd.Series(texts, dtype=object)
    parsed = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    todo = parsed.isna() & (text != "")
    if todo.any():
        parsed[todo] = pd.to_datetime(text[todo], format="%Y-%m-%d", errors="coerce")
    todo = parsed.isna() & (text != "")
    if todo.any():
        reading = parse_dates(text[todo].reset_index(drop=True))
        parsed[todo] = reading.dates.astype("datetime64[ns]")
        if reading.warning and warnings is not None:
            warnings.append(f"month column: {reading.warning}")
    todo = parsed.isna() & (text != "")
    if todo.any():
        parsed[todo] = pd.to_datetime(text[todo], format="mixed", errors="coerce")
    return parsed.to_numpy().astype("datetime64[M]")


def ingest(source: Source, limits: IngestLimits | None = None) -> IngestResult:
    """Read a CSV (path, bytes, text or file object) into a validated MonthlyPanel.

    A ``str`` is taken as a path if such a file exists and the string has no newline, else as
    CSV text. Raises InputError naming rows, columns and problems.
    """
    frame, warnings = read_frame(raw_data(source))
    return ingest_frame(frame, limits, warnings)


def ingest_frame(frame: pd.DataFrame, limits: IngestLimits | None = None,
                 warnings: list[str] | None = None) -> IngestResult:
    """Validate a frame of user records (any header names, cells as text or numbers)."""
    limits = limits or IngestLimits()
    warnings = list(warnings or [])
    problems = _Problems(limits.max_problems)
    mapping, unknown, header_problems = map_headers(frame, limits.max_text_chars)
    for p in header_problems:
        problems.add(p.row, p.column, p.value, p.message)
    problems.raise_if_any(warnings)
    if unknown:
        warnings.append(f"ignored unknown columns: {', '.join(unknown)}")
    frame = frame.rename(columns=mapping)[list(mapping.values())].reset_index(drop=True)
    if frame.empty:
        raise InputError([Problem(None, None, None, "the file has no data rows")], 1, warnings)
    rows = np.arange(len(frame)) + 2  # spreadsheet row numbers
    parsed = parse_rows(frame, limits, warnings)
    for check in parsed.failed:
        problems.add_rows(rows[check.failed], check.column, check.cells, check.message)
    values, months = parsed.values, parsed.months

    # Ids that differ only by surrounding spaces are one person.
    person_codes, persons = pd.factorize(parsed.person_ids, sort=False)
    counts = np.bincount(person_codes, minlength=len(persons))
    if not parsed.has_month:
        multi = counts[person_codes] > 1
        if multi.any():
            problems.add(1, "month", None, "a month column is required when a person has "
                         "more than one row")
    if len(persons) > limits.max_persons:
        problems.add(None, "person_id", None, f"{len(persons)} persons in one file; the limit "
                     f"is {limits.max_persons}")
    problems.raise_if_any(warnings)

    month_index = month_numbers(parsed)
    order, dup = duplicate_months(person_codes, month_index)
    for a in dup[: limits.max_problems]:
        first, second = rows[order[a]], rows[order[a + 1]]
        problems.add(int(second), "month", str(months[order[a + 1]]) if parsed.has_month
                     else None, f"duplicate month for person {persons[person_codes[order[a]]]!r}"
                     f" (also on row {first})")
    problems.total += max(0, len(dup) - limits.max_problems)
    too_long = np.flatnonzero(counts > limits.max_months_per_person)
    for code in too_long[: limits.max_problems]:
        problems.add(None, "month", None, f"person {persons[code]!r} has {counts[code]} months;"
                     f" at most {limits.max_months_per_person} are accepted")
    problems.total += max(0, len(too_long) - limits.max_problems)
    problems.raise_if_any(warnings)

    panel, dropped_old = to_panel(values, months, month_index, person_codes,
                                  np.asarray(persons, dtype=object),
                                  limits.max_months_per_person)
    if dropped_old:
        warnings.append(f"{dropped_old} rows are more than {limits.max_months_per_person} "
                        "months before their person's latest month and were not used")
    missing_optional = [f for f in OPTIONAL_FIELDS if f not in frame]
    if missing_optional:
        warnings.append(f"optional columns not provided: {', '.join(missing_optional)}; the "
                        "model imputes them, so the estimate is less certain")
    for f in OPTIONAL_FIELDS:
        n_empty = int(np.isnan(values[:, FIELD_NAMES.index(f)]).sum()) if f in frame else 0
        if n_empty > 0:
            warnings.append(f"{n_empty} empty cells in {f} treated as missing")
    short = int((counts < SHORT_HISTORY_MONTHS).sum())
    if short:
        warnings.append(f"{short} of {len(persons)} persons have fewer than "
                        f"{SHORT_HISTORY_MONTHS} months of history; their estimates are less "
                        "certain")
    return IngestResult(panel, warnings, unknown, missing_optional)


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
    """A frame's rows parsed to canonical values, and the checks some of them failed."""

    person_ids: np.ndarray  # object (rows,): the id text without surrounding spaces
    values: np.ndarray  # float64 (rows, fields), NaN where empty or not a number
    months: np.ndarray  # datetime64[M] (rows,), NaT where unreadable or no month column
    has_month: bool
    failed: list[RowCheck]  # in the order a reader goes: id, amounts column by column, month


def parse_rows(frame: pd.DataFrame, limits: IngestLimits | None = None,
               warnings: list[str] | None = None) -> ParsedRows:
    """Parse every row of ``frame`` (canonical column names, see ``map_headers``) and check it
    on its own: a blank id, amounts that are not numbers, empty required amounts, negative
    amounts, fractional counts, unreadable months. Checks across rows (duplicate months, too
    many months) are the caller's, since they depend on which rows belong together. An
    assumption made to read the months (day-first dates) goes to ``warnings``."""
    limits = limits or IngestLimits()
    failed: list[RowCheck] = []

    def check(mask: np.ndarray, column: str, cells: np.ndarray, message: str) -> None:
        if mask.any():
            failed.append(RowCheck(mask, column, cells[mask], message))

    if "person_id" in frame:
        id_codes, id_texts = _factorized_text(frame["person_id"])
    else:
        id_codes, id_texts = np.zeros(len(frame), dtype=np.intp), np.array([DEFAULT_PERSON_ID])
    person_ids = id_texts[id_codes]
    check(person_ids == "", "person_id", person_ids, "person_id is empty")
    long_id = (pd.Series(id_texts, dtype=object).str.len() > limits.max_text_chars
               ).to_numpy(dtype=bool)[id_codes]
    check(long_id, "person_id", person_ids,
          f"person_id is longer than {limits.max_text_chars} characters")

    present = [f for f in FIELD_NAMES if f in frame]
    european = detect_european([frame[f] for f in present])
    values = np.full((len(frame), len(FIELD_NAMES)), np.nan)
    for spec in AMOUNT_FIELDS:
        if spec.name not in frame:
            continue
        col = frame[spec.name]
        cells = col.to_numpy()
        parsed, bad = parse_amounts(col, european)
        huge = ~np.isnan(parsed) & ~(np.abs(parsed) <= MAX_AMOUNT)  # inf included
        if huge.any():
            check(huge, spec.name, cells,
                  f"is out of range (at most {MAX_AMOUNT:,.0f} in magnitude)")
            # Reported once: as a harmless 0 the checks below pass it (the row is refused).
            parsed, bad = np.where(huge, 0.0, parsed), bad & ~huge
        values[:, FIELD_NAMES.index(spec.name)] = parsed
        check(bad, spec.name, cells, "is not a number")
        if spec.required:
            check(np.isnan(parsed) & ~bad, spec.name, cells, "is empty; a value is required")
        if spec.name != "liquid_savings":  # an overdrawn account may be negative
            check(parsed < 0, spec.name, cells, "must not be negative")
        if spec.is_count:
            check(~np.isnan(parsed) & (parsed != np.round(parsed)), spec.name, cells,
                  "must be a whole number")

    if "month" in frame:
        month_codes, month_texts = _factorized_text(frame["month"])
        months = _parse_months(month_texts, warnings)[month_codes]
        unreadable = np.isnat(months)
        if unreadable.any():
            failed.append(RowCheck(unreadable, "month", month_texts[month_codes[unreadable]],
                                   "is not a month (use YYYY-MM or a date)"))
    else:
        months = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[M]")
    return ParsedRows(person_ids, values, months, "month" in frame, failed)


def month_numbers(parsed: ParsedRows) -> np.ndarray:
    """Months as int64 (months since 1970-01); all 0 when the file has no month column."""
    if not parsed.has_month:
        return np.zeros(len(parsed.months), "int64")
    return parsed.months.astype("int64")


def duplicate_months(person_codes: np.ndarray, month_index: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(order, dup): rows sorted by person then month, and the positions ``a`` in that order
    where rows ``order[a]`` and ``order[a + 1]`` are the same person's same month."""
    order = np.lexsort((month_index, person_codes))
    key_sorted = np.stack([person_codes[order], month_index[order]])
    return order, np.flatnonzero((np.diff(key_sorted, axis=1) == 0).all(axis=0))


def to_panel(values: np.ndarray, months: np.ndarray, month_index: np.ndarray,
              person_codes: np.ndarray, persons: np.ndarray, max_months: int
              ) -> tuple[MonthlyPanel, int]:
    """Scatter rows into a right-aligned (persons, months, fields) panel by calendar month.

    Column -1 is each person's latest month; a gap in someone's months is an unobserved column.
    """
    n = len(persons)
    latest = pd.Series(month_index).groupby(person_codes).max().to_numpy()
    offset = latest[person_codes] - month_index  # 0 for the latest month
    keep = offset < max_months
    if keep.all():  # the usual case: no row is too old; skip copying every row to drop none
        keep = slice(None)
    width = int(offset[keep].max()) + 1 if len(offset[keep]) else 1
    col = width - 1 - offset[keep]
    who = person_codes[keep]
    panel_values = np.full((n, width, len(FIELD_NAMES)), np.nan)
    panel_values[who, col] = values[keep]
    observed = np.zeros((n, width), dtype=bool)
    observed[who, col] = True
    panel_months = np.full((n, width), np.datetime64("NaT"), dtype="datetime64[M]")
    panel_months[who, col] = months[keep]
    return MonthlyPanel(panel_values, observed, persons, panel_months), len(offset) - len(col)
