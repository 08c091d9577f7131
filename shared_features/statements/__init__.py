"""Bank and card statements as exported, with no per-bank profile -> canonical monthly records.

    reading = read_statements([("checking.csv", data1), ("visa.csv", data2)])
    reading.report()        # per file: kind, rows read / pending / skipped, dates, totals
    reading.months          # DataFrame: month + the canonical fields, one row per month
    upload = read_upload(files)   # statements or a monthly table, detected -> IngestResult

Modules, one job each: decode (encoding, line endings), dialect (delimiter, cells), layout
(preamble, header, body), roles (which column is what), dates, money (amounts), classify
(categories.toml), reader (one file), aggregate (a person's files -> months).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..ingest import IngestLimits, IngestResult, InputError, Problem, ingest, ingest_frame
from ..schema import FIELD_NAMES, HEADER_SYNONYMS, canonical_column, normalise_header
from .aggregate import monthly_records
from .containers import SPREADSHEETS, sniff, table_csv
from .decode import decode
from .dialect import detect_delimiter
from .errors import StatementError
from .reader import StatementFile, read_statement
from .vocabulary import best_word, columns

Upload = tuple[str, bytes | Path]  # (file name, content or a local file's path)


@dataclass
class StatementsReading:
    files: list[StatementFile]
    months: pd.DataFrame  # "month" (YYYY-MM) then FIELD_NAMES
    warnings: list[str] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        """The dry-run answer: what was read per file, the months derived, the assumptions."""
        months = self.months.astype(object).where(self.months.notna(), None)
        return {"files": [f.summary() for f in self.files],
                "months": months.to_dict(orient="records"),
                "warnings": self.warnings}

    def monthly_csv(self) -> str:
        return monthly_csv(self.report()["months"])

    def ingest(self, person_id: str, limits: IngestLimits | None = None) -> IngestResult:
        frame = self.months.assign(person_id=person_id)
        result = ingest_frame(frame, limits, list(self.warnings))
        return result


def monthly_csv(months: list[dict[str, Any]]) -> str:
    """Monthly records (as in ``report()["months"]``) as the canonical monthly CSV, which
    scores as it is; unknown values are empty cells."""
    frame = pd.DataFrame.from_records(months, columns=["month", *FIELD_NAMES])
    return frame.to_csv(index=False, float_format="%.2f", lineterminator="\n")


def read_statements(uploads: list[Upload]) -> StatementsReading:
    """Read one person's statement files; InputError names each file that cannot be read, with
    its line and the problem."""
    files: list[StatementFile] = []
    problems: list[Problem] = []
    for name, data in uploads:
        try:
            files.append(read_statement(data, name))
        except StatementError as exc:
            problems.append(Problem(exc.line, exc.column, exc.value, f"{name}: {exc.message}",
                                    file=name))
    if problems:
        raise InputError(problems)
    months, warnings = monthly_records(files)
    for f in files:
        warnings = [f"{f.name}: {w}" for w in f.warnings] + warnings
    return StatementsReading(files, months, warnings)


# Columns only a monthly table has (a statement's 'Date' and 'Balance' map to month and
# liquid_savings too, so those two cannot tell).
_TABLE_ONLY = frozenset({"income", "expenses", "debt_payments", "total_debt", "credit_limit",
                         "missed_payments", "person_id"})


def is_monthly_table(data: bytes) -> bool:
    """True when the file's first row names a column only the monthly table has, by its exact
    name or synonym; or income and expenses by their words (``Einkommen``, ``Total Expenses``)
    with no description column, which every statement has (an Italian statement's ``Entrate``
    and ``Uscite`` are money in and out, not monthly income and expenses)."""
    kind = sniff(data[:8192])
    if kind is not None:  # a workbook is judged by its first rows; OFX, QIF, PDF never are
        if kind not in SPREADSHEETS:
            return False
        try:
            data = table_csv(data, rows=20) or b""
        except StatementError:
            return False  # the statement reader words what is wrong with the file
    if _names_table_column(data):
        return True
    try:
        text = decode(data[:65536]).text
    except StatementError:
        return True  # let the monthly-table reader word the problem, as it always has
    first = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = detect_delimiter("\n".join(text.split("\n")[:20]))
    cells = [cell.strip().strip('"') for cell in first.split(delimiter)]
    if _table_only(cells):
        return True
    described = any(best_word(c, columns()["roles"]["description"]) for c in cells)
    return {"income", "expenses"} <= {canonical_column(c) for c in cells} and not described


def _names_table_column(data: bytes) -> bool:
    """The cheap answer for the usual table: a UTF-8 first line with one kind of delimiter, one
    of whose cells is a table-only column's exact name or synonym (no decoding or sniffing)."""
    first = data[:4096].split(b"\n", 1)[0]
    try:
        line = first.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return False
    delimiters = [d for d in ",;\t" if d in line]
    if len(delimiters) != 1:
        return False
    cells = [cell.strip().strip('"') for cell in line.split(delimiters[0])]
    return _table_only(cells)


def _table_only(cells: list[str]) -> bool:
    """A cell names a column only the monthly table has. An 'ID' alone does not when another
    cell names a statement's amount or description: exports number their transactions too
    (Wise's first column is 'ID'), and no monthly table has an amount or description column."""
    found = {HEADER_SYNONYMS.get(normalise_header(c)) for c in cells} & _TABLE_ONLY
    if found != {"person_id"}:
        return bool(found)
    roles = columns()["roles"]
    # A statement's description column says so too: a wallet's '[-]' and '[+]' money columns
    # name no amount, but its 'Transaction Details' names a statement's column ('balance' is
    # no sign: a monthly table's savings may be called that).
    statement = [*roles["amount"], *roles["debit"], *roles["credit"], *roles["description"]]
    return not any(best_word(c, statement) for c in cells)


@dataclass
class UploadReading:
    """What an upload was and what was read from it: the scorable panel, and for statements
    the reading behind it."""

    result: IngestResult
    statements: StatementsReading | None = None


def read_upload(uploads: list[Upload], person_id: str = "person_1",
                limits: IngestLimits | None = None) -> UploadReading:
    """One monthly table, or one person's statement files, detected from the content."""
    if not uploads:
        raise InputError([Problem(None, None, None, "no file was sent")])
    tables = [name for name, data in uploads if is_monthly_table(_head(data))]
    if tables and len(uploads) == 1:
        # A path is streamed, not loaded; a workbook is read as the CSV it holds.
        return UploadReading(ingest(monthly_table_bytes(uploads[0][1]), limits))
    if tables:
        raise InputError([Problem(None, None, None, f"{name}: a monthly table cannot be sent "
                                  "with other files; send it alone", file=name)
                          for name in tables])
    reading = read_statements([(name, data.read_bytes() if isinstance(data, Path) else data)
                               for name, data in uploads])
    return UploadReading(reading.ingest(person_id, limits), reading)


def monthly_table_bytes(data: bytes | Path) -> bytes | Path:
    """A monthly table as the CSV ingest reads: a workbook's (xlsx, an HTML or Excel XML
    '.xls') first sheet as CSV bytes; anything else as it is."""
    head = _head(data, 8192)
    if sniff(head) not in SPREADSHEETS:
        return data
    try:
        return table_csv(data.read_bytes() if isinstance(data, Path) else data) or b""
    except StatementError:
        return data  # the monthly-table reader words what is wrong, as for any file


def _head(data: bytes | Path, size: int = 65536) -> bytes:
    """What ``is_monthly_table`` looks at: the first 64 KiB; all of a workbook (a zip cannot
    be read from its start alone)."""
    if isinstance(data, bytes):
        return data if sniff(data[:8192]) in SPREADSHEETS else data[:size]
    with open(data, "rb") as fh:
        head = fh.read(size)
        if sniff(head[:8192]) in SPREADSHEETS:
            head += fh.read()
        return head


__all__ = ["StatementError", "StatementFile", "StatementsReading", "UploadReading",
           "is_monthly_table", "monthly_csv", "monthly_table_bytes", "read_statement",
           "read_statements", "read_upload"]
