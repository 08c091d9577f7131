"""Statement files that are not delimited text, recognised by their content (never by their
name) and turned into the grid of text cells the rest of the reading works on, so layout,
roles, classification and aggregation run on them unchanged:

- Excel workbooks (.xlsx, via openpyxl, read-only, cached values not formulas): the sheet with
  most transaction-like rows; dates as ISO, numbers as plain decimals. Zip bombs, encrypted
  workbooks and macro workbooks are refused before any XML is parsed.
- ".xls" files that are really an HTML table (what many banks' "Excel" download is) or an
  Excel 2003 XML spreadsheet; a real (BIFF) .xls is refused with what to save it as instead.
  (An ".xls" that is tab-separated text needs nothing: it is read as text.)
- OFX / QFX (SGML OFX 1.x, leaf tags unclosed, and XML OFX 2.x): one row per <STMTTRN>, read
  by a small tag scanner (see ``_ofx``); a <CCSTMTRS> or an ACCTTYPE of CREDITLINE is a card.
- QIF (!Type:Bank, !Type:CCard, ...): one row per ^-terminated record.

Each row keeps the line (or sheet row) of the source file it came from, so problems and
skipped rows name a place the person can find.
"""

from __future__ import annotations

import html.parser
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .decode import decode, wide_encoding
from .dialect import MAX_COLUMNS, Grid, read_grid
from .errors import StatementError
from .money import decimal_votes, parse_money

T = TypeVar("T")
# -- limits ----------------------------------------------------------------------------------
# An upload is at most 32 MB (web/config.toml); a statement's workbook unpacks to a few MB.
# What a zip declares it unpacks to is checked before anything is read (zipfile never
# inflates past a member's declared size: it fails its CRC check instead), so a small file
# that would unpack to gigabytes is refused.
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
MAX_RATIO = 150  # sheet XML packs 5-20 to 1; a run of identical rows may reach ~100
_RATIO_FLOOR = 1024 * 1024  # members smaller than this unpacked are never bombs
MAX_MEMBERS = 10_000
# A person's statement has thousands of rows; openpyxl reads ~10,000 rows a second, so this
# many keeps a hostile sheet within a request's time.
MAX_SHEET_ROWS = 200_000
MAX_SHEETS = 50

PDF_MESSAGE = ("PDF statements are not read: download the CSV, Excel, OFX or QIF export "
               "instead")
_SAVE_AS = "open it in Excel and save it as .xlsx or CSV (or download the CSV export)"


@dataclass(frozen=True)
class Source:
    """A file as the reader's grid of cells, and what it was."""

    grid: Grid
    encoding: str  # the text encoding, or the container ('xlsx', 'ofx', ...)
    container: str | None = None  # None for delimited text
    card: bool = False  # the container itself says it is a card's (OFX CCSTMTRS, QIF CCard)
    warnings: tuple[str, ...] = ()
    details: tuple[tuple[str, str], ...] = ()  # e.g. the sheet read


# -- detection -------------------------------------------------------------------------------
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: legacy .xls, or an encrypted .xlsx
_HTML = re.compile(r"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta|style)\b",
                   re.I | re.S)
_XML_SPREADSHEET = "urn:schemas-microsoft-com:office:spreadsheet"
_QIF = re.compile(r"^!(?:type|account|option|clear)\b", re.I)
SPREADSHEETS = frozenset({"zip", "html", "xml-spreadsheet"})  # what a monthly table can be


def sniff(head: bytes) -> str | None:
    """The container a file's first bytes show: 'pdf', 'zip', 'cfb', 'ofx', 'qif', 'html',
    'xml-spreadsheet', or None for delimited text."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_CFB):
        return "cfb"
    text = _head_text(head)
    stripped = text.lstrip()
    if stripped.upper().startswith("OFXHEADER") or re.search(r"<\?OFX\b|<OFX>", text[:8192],
                                                              re.I):
        return "ofx"
    if _QIF.match(stripped):
        return "qif"
    if stripped.startswith("<?xml") and _XML_SPREADSHEET in text[:8192]:
        return "xml-spreadsheet"
    if _HTML.match(stripped):
        return "html"
    return None


def _head_text(head: bytes) -> str:
    head = head[:8192]
    encoding = wide_encoding(head)
    if encoding:
        return head.decode(encoding, errors="ignore").lstrip("\ufeff")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf")


def read_source(data: bytes) -> Source:
    """The file as a grid of cells: a container's rows, or delimited text as before."""
    kind = sniff(data[:8192])
    if kind is None:
        decoded = decode(data)
        return Source(read_grid(decoded.text), decoded.encoding, warnings=decoded.warnings)
    if kind == "pdf":
        raise StatementError(PDF_MESSAGE)
    if kind == "cfb":
        raise StatementError(_cfb_message(data))
    if kind == "zip":
        return _guarded(kind, _xlsx, data)
    decoded = decode(data)
    reader = {"ofx": _ofx, "qif": _qif, "html": _html,
              "xml-spreadsheet": _xml_spreadsheet}[kind]
    source = _guarded(kind, reader, decoded.text)
    return Source(source.grid, decoded.encoding, source.container, source.card,
                  decoded.warnings + source.warnings, source.details)


def _guarded(kind: str, reader: Callable[..., T], *args: Any) -> T:
    """``reader(*args)``, any failure but a StatementError worded as one: a damaged file is
    the person's to fix, never a server error (the failures known are worded where they
    occur; this is for the ones a fuzzer has not found yet)."""
    try:
        return reader(*args)
    except StatementError:
        raise
    except Exception as exc:  # noqa: BLE001 - see above
        raise StatementError(f"the {_NAMES[kind]} cannot be read ({type(exc).__name__}: "
                             f"{exc}); download it again, or the CSV export") from None


_NAMES = {"zip": "workbook", "ofx": "OFX file", "qif": "QIF file", "html": "HTML table",
          "xml-spreadsheet": "Excel XML spreadsheet"}


def table_csv(data: bytes, rows: int | None = None) -> bytes | None:
    """A spreadsheet (xlsx, an HTML table, an Excel 2003 XML sheet) as CSV bytes for the
    monthly-table reader: its first sheet with anything in it, ``rows`` rows at most (all by
    default). None for anything else (delimited text, OFX, QIF: those are used as they are)."""
    kind = sniff(data[:8192])
    if kind == "zip":
        cells = _guarded(kind, _xlsx_first_sheet, data, rows)
    elif kind in ("html", "xml-spreadsheet"):
        source = read_source(data)
        cells = source.grid.cells if rows is None else source.grid.cells.iloc[:rows]
    else:
        return None
    return cells.to_csv(index=False, header=False, lineterminator="\n").encode()


def _cfb_message(data: bytes) -> str:
    """An OLE2 file: an encrypted (password-protected) xlsx, or a legacy binary .xls."""
    if "EncryptedPackage".encode("utf-16-le") in data[:1 << 20] or \
            "EncryptionInfo".encode("utf-16-le") in data[:1 << 20]:
        return ("the workbook is password-protected (encrypted) and cannot be read: remove the "
                "password in Excel (File > Info > Protect Workbook) and upload it again, or "
                "download the CSV export")
    return f"this is a legacy binary Excel (.xls) file, which is not read: {_SAVE_AS}"


# -- cells as text ---------------------------------------------------------------------------

def _number_text(value: float) -> str:
    """A number as a plain decimal, as Excel's General format shows it (15 significant
    digits: 1219.5600000000002 is 1219.56), never in exponent form."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return np.format_float_positional(float(f"{value:.15g}"), trim="-")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _grid(rows: list[list[str]], lines: list[int] | np.ndarray, what: str) -> Grid:
    """Rows of text cells (ragged) as the reader's grid: trailing empty columns and rows
    dropped, cells trimmed and kept on one line, at most ``MAX_COLUMNS`` columns."""
    last = len(rows)
    while last and not any(rows[last - 1]):
        last -= 1
    rows, lines = rows[:last], np.asarray(lines[:last], dtype=np.int64)
    if not rows:
        raise StatementError(f"the {what} holds no rows")
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    frame = frame.fillna("").astype(str)
    used = np.flatnonzero((frame != "").any(axis=0).to_numpy())
    frame = frame.iloc[:, : int(used.max()) + 1] if len(used) else frame.iloc[:, :1]
    if frame.shape[1] > MAX_COLUMNS:
        row = int(np.flatnonzero((frame.iloc[:, MAX_COLUMNS:] != "").any(axis=1))[0])
        raise StatementError(f"a row has {frame.shape[1]} cells; a statement has at most "
                             f"{MAX_COLUMNS} columns", line=int(lines[row]))
    frame.columns = range(frame.shape[1])
    # A cell over several lines (an address in a workbook) is one line of the statement; the
    # non-breaking space is what many banks pad cells with.
    for k in frame.columns:
        col = frame[k]
        if col.str.contains(r"[\r\n\t\u00a0]", regex=True).any():
            col = col.str.replace(r"[\r\n\t\u00a0]+", " ", regex=True)
        frame[k] = col.str.strip()
    return Grid(frame, lines, ",")


# -- xlsx --------------------------------------------------------------------------------------

def _open_zip(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip, checked before anything in it is unpacked: sizes, ratios, members,
    encryption and macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError) as exc:  # the last: a zip 'version' Python does not read
        raise StatementError("the file is a damaged or incomplete zip archive (an .xlsx "
                             f"workbook cut short?): {exc}; download it again") from None
    names = {m.filename for m in members}
    if len(members) > MAX_MEMBERS:
        raise StatementError(f"the archive holds {len(members)} files; a workbook has far "
                             "fewer")
    if "mimetype" in names and b"opendocument" in data[:200]:
        raise StatementError(f"OpenDocument spreadsheets (.ods) are not read: {_SAVE_AS}")
    if "xl/workbook.bin" in names:
        raise StatementError(f"binary Excel workbooks (.xlsb) are not read: {_SAVE_AS}")
    if "xl/workbook.xml" not in names and not any(n.startswith("xl/workbook") for n in names):
        raise StatementError("a zip archive that is not an Excel workbook: upload the "
                             "statement file itself (CSV, .xlsx, OFX or QIF), not a zip")
    if any(m.flag_bits & 0x1 for m in members):
        raise StatementError("the workbook is encrypted and cannot be read: remove its "
                             "password and upload it again, or download the CSV export")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise StatementError("the workbook holds macros (.xlsm), which are not accepted: "
                             "save it as a plain .xlsx workbook or CSV")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES:
        raise StatementError(f"the workbook unpacks to {total / 2**20:,.0f} MB, more than "
                             f"the {MAX_UNPACKED_BYTES // 2**20} MB read: export a shorter "
                             "period, or CSV")
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise StatementError(f"the workbook's {m.filename!r} unpacks "
                                 f"{m.file_size // max(m.compress_size, 1):,} times larger "
                                 "than it is packed: refused as a zip bomb")
    return archive


def _load_workbook(data: bytes):  # noqa: ANN202 - openpyxl's Workbook, imported lazily
    # Imported here: only a workbook needs it, and it costs ~0.2 s to import.
    from openpyxl import load_workbook

    _open_zip(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                             keep_links=False)
    except StatementError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise StatementError(f"the workbook cannot be read ({type(exc).__name__}: {exc}): "
                             f"{_SAVE_AS}") from None


def _sheet_rows(sheet, limit: int | None = None) -> tuple[list[list[str]], list[int]]:  # noqa: ANN001
    """A sheet's rows as text cells and the sheet row each is."""
    rows: list[list[str]] = []
    numbers: list[int] = []
    # The sheet's stated size is not trusted: a tiny file can claim A1:XFD1048576, and openpyxl
    # pads every row to it. Without it each row is as long as its last cell, and the rows
    # missing between two rows are empty tuples.
    sheet.reset_dimensions()
    try:
        for k, row in enumerate(sheet.iter_rows(values_only=True)):
            if limit is not None and k >= limit:
                break
            if k >= MAX_SHEET_ROWS:
                raise StatementError(f"the workbook's sheet {sheet.title!r} has more than "
                                     f"{MAX_SHEET_ROWS:,} rows: export a shorter period",
                                     line=k + 1)
            # One past the column limit is kept so that a wider table is refused, not cut.
            rows.append([v if type(v) is str else _cell_text(v)
                         for v in row[: MAX_COLUMNS + 1]] if row else [])
            numbers.append(k + 1)
    except StatementError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged XML inside the zip
        raise StatementError(f"the workbook's sheet {sheet.title!r} cannot be read "
                             f"({type(exc).__name__}: {exc}): {_SAVE_AS}",
                             line=len(rows) + 1) from None
    return rows, numbers


_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")
_NUMBER_TEXT = re.compile(r"^[-+(]?[^\d]{0,3}\d[\d.,' ]*\)?$")


_SHEET_SAMPLE = 2000  # rows a sheet is judged on


def _transaction_rows(rows: list[list[str]]) -> int:
    """How many rows (of the first 2,000) hold a date and another number: how much a sheet
    looks like a statement's transactions (a summary or cover sheet has a few such rows)."""
    rows = rows[:_SHEET_SAMPLE]
    if not rows:
        return 0
    width = max(len(r) for r in rows)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    dated = np.zeros(len(frame), dtype=bool)
    numbers = np.zeros(len(frame), dtype=np.int64)
    for k in frame.columns:
        col = frame[k].str.strip()
        is_date = col.str.contains(_DATE_TEXT, regex=True).to_numpy(dtype=bool)
        dated |= is_date
        numbers += (col.str.match(_NUMBER_TEXT) & ~col.str.contains(_DATE_TEXT)).to_numpy(
            dtype=np.int64)
    return int((dated & (numbers >= 1)).sum())


def _xlsx(data: bytes) -> Source:
    book = _load_workbook(data)
    try:
        sheets = book.worksheets[:MAX_SHEETS]
        best: tuple[int, int, str, list[list[str]], list[int]] | None = None
        filled = []
        for i, sheet in enumerate(sheets):
            if sheet.sheet_state != "visible" and len(sheets) > 1:
                continue  # a hidden sheet is the bank's lookup table, not the statement
            rows, numbers = _sheet_rows(sheet)
            if not any(any(r) for r in rows):
                continue
            filled.append(sheet.title)
            score = _transaction_rows(rows)
            if best is None or score > best[0]:
                best = (score, i, sheet.title, rows, numbers)
    finally:
        book.close()
    if best is None:
        raise StatementError("the workbook's sheets are empty")
    _, _, title, rows, numbers = best
    warnings = ()
    if len(filled) > 1:
        warnings = (f"the workbook has {len(filled)} sheets ({', '.join(filled)}); sheet "
                    f"{title!r}, which has most transactions, was read",)
    return Source(_grid(rows, numbers, f"sheet {title!r}"), "xlsx", "xlsx",
                  warnings=warnings, details=(("sheet", title),))


def _xlsx_first_sheet(data: bytes, limit: int | None) -> pd.DataFrame:
    book = _load_workbook(data)
    try:
        for sheet in book.worksheets[:MAX_SHEETS]:
            rows, numbers = _sheet_rows(sheet, limit)
            if any(any(r) for r in rows):
                return _grid(rows, numbers, f"sheet {sheet.title!r}").cells
    finally:
        book.close()
    raise StatementError("the workbook's sheets are empty")


# -- HTML tables ("xls" downloads that are web pages) -----------------------------------------

class _Tables(html.parser.HTMLParser):
    """Every <table>'s rows of cell texts, with the line each row starts on; a cell spanning
    columns is followed by empty cells so the columns stay aligned."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list[str]], list[int]]] = []
        self._open: list[tuple[list[list[str]], list[int]]] = []
        self._cell: list[str] | None = None
        self._span = 1
        self._skip = 0  # inside <script> / <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._open.append(([], []))
        elif self._open and tag == "tr":
            self._end_cell()
            self._open[-1][0].append([])
            self._open[-1][1].append(self.getpos()[0])
        elif self._open and tag in ("td", "th"):
            self._end_cell()
            if not self._open[-1][0]:  # a cell before any <tr>
                self._open[-1][0].append([])
                self._open[-1][1].append(self.getpos()[0])
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = min(int(span), MAX_COLUMNS) if span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th", "tr"):
            self._end_cell()
        elif tag == "table" and self._open:
            self._end_cell()
            self.tables.append(self._open.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def _end_cell(self) -> None:
        if self._cell is not None and self._open:
            row = self._open[-1][0][-1]
            row.append(" ".join("".join(self._cell).split()))
            row.extend([""] * (self._span - 1))
        self._cell, self._span = None, 1

    def close(self) -> None:
        super().close()
        while self._open:  # a table never closed (a page cut short): kept as it is
            self._end_cell()
            self.tables.append(self._open.pop())


def _html(text: str) -> Source:
    parser = _Tables()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # the parser's own complaints
        raise StatementError(f"the HTML table cannot be read ({exc}): {_SAVE_AS}") from None
    tables = [t for t in parser.tables if any(any(r) for r in t[0])]
    if not tables:
        raise StatementError("the file is a web page with no table of transactions "
                             f"(an .xls that is HTML): {_SAVE_AS}")
    rows, lines = max(tables, key=lambda t: (_transaction_rows(t[0]), len(t[0])))
    warnings = ("the file is an HTML page (as some banks' Excel download is); its table of "
                "transactions was read",)
    return Source(_grid(rows, lines, "table"), "html", "html", warnings=warnings)


# -- Excel 2003 XML spreadsheets ----------------------------------------------------------------

def _xml_spreadsheet(text: str) -> Source:
    # defusedxml: entity expansion and external entities refused (a billion laughs).
    from defusedxml import ElementTree

    ns = "{" + _XML_SPREADSHEET + "}"
    try:
        root = ElementTree.fromstring(re.sub(r"^<\?xml[^>]*\?>", "", text.lstrip()))
    except Exception as exc:  # noqa: BLE001 - ParseError, defusedxml's refusals
        raise StatementError(f"the Excel XML spreadsheet cannot be read ({exc}): "
                             f"{_SAVE_AS}") from None
    sheets = root.findall(f"{ns}Worksheet")
    best: tuple[int, list[list[str]], list[int], str] | None = None
    for sheet in sheets[:MAX_SHEETS]:
        rows: list[list[str]] = []
        numbers: list[int] = []
        at = 0
        for row in sheet.iter(f"{ns}Row"):
            at = int(row.get(f"{ns}Index") or at + 1)
            if at > MAX_SHEET_ROWS:
                break
            cells: list[str] = []
            for cell in row.findall(f"{ns}Cell"):
                index = cell.get(f"{ns}Index")
                if index and index.isdigit():
                    cells.extend([""] * (min(int(index), MAX_COLUMNS + 1) - 1 - len(cells)))
                data = cell.find(f"{ns}Data")
                value = "".join(data.itertext()) if data is not None else ""
                if data is not None and data.get(f"{ns}Type") == "DateTime":
                    value = value.removesuffix(".000").removesuffix("T00:00:00")
                cells.append(value)
                across = cell.get(f"{ns}MergeAcross")
                if across and across.isdigit():
                    cells.extend([""] * min(int(across), MAX_COLUMNS))
            rows.append(cells)
            numbers.append(at)
        if any(any(r) for r in rows):
            score = _transaction_rows(rows)
            if best is None or score > best[0]:
                best = (score, rows, numbers, sheet.get(f"{ns}Name") or "")
    if best is None:
        raise StatementError("the Excel XML spreadsheet's sheets are empty")
    _, rows, numbers, title = best
    return Source(_grid(rows, numbers, f"sheet {title!r}"), "xml-spreadsheet",
                  "xml-spreadsheet", details=(("sheet", title),))


# -- OFX / QFX -----------------------------------------------------------------------------------
# A small tag scanner, not an OFX library: real files are SGML with unclosed leaf tags, XML,
# or a mix (closed leaves in an SGML header, lower-case tags, '&amp;' in one file and a bare '&'
# in the next, a missing </OFX>), which a validating parser refuses and this one need not
# understand: every leaf is '<TAG>value' up to the next '<'.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9.]*)>([^<]*)")
_BLOCK = re.compile(r"<STMTTRN>(.*?)(?:</STMTTRN>|(?=<STMTTRN>|</BANKTRANLIST>|</OFX>|\Z))",
                    re.I | re.S)
_STATEMENT = re.compile(r"<(STMTRS|CCSTMTRS|INVSTMTRS|LOANSTMTRS)>", re.I)
_AMOUNT = re.compile(r"^[-+]?\s*(?:\d[\d,.' ]*|[.,]\d+)$")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'",
             "&nbsp;": " "}


def _unescape(values: pd.Series) -> pd.Series:
    if not values.str.contains("&", regex=False).any():
        return values
    for entity, char in _ENTITIES.items():
        values = values.str.replace(entity, char, regex=False, case=False)
    return values


def _ofx_date(value: str) -> str:
    """'20240102120000.000[-5:EST]' -> '2024-01-02'; anything else as it is, for the date
    reader to judge."""
    m = re.match(r"^\s*(\d{4})(\d{2})(\d{2})", value)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else value.strip()


def _leaves(block: str) -> dict[str, str]:
    """A block's leaf values by tag (upper case); within <CURRENCY> the code is 'CURRENCY',
    within <ORIGCURRENCY> it is left out (the amount is already in the statement's own
    currency), and a <PAYEE>'s NAME stands in for a missing NAME."""
    out: dict[str, str] = {}
    inside: list[str] = []
    for closing, tag, value in _TAG.findall(block):
        tag = tag.upper()
        if closing:
            if tag in inside:
                del inside[inside.index(tag):]
            continue
        value = value.strip()
        if not value:  # an aggregate opening (or an empty leaf)
            inside.append(tag)
            continue
        if tag == "CURSYM":
            if "CURRENCY" in inside:
                out.setdefault("CURRENCY", value)
            continue
        key = "PAYEE.NAME" if tag == "NAME" and "PAYEE" in inside else tag
        out.setdefault(key, value)
    return out


def _ofx(text: str) -> Source:
    start = re.search(r"<OFX>", text, re.I)
    if start is None:
        raise StatementError("the OFX file has no <OFX> body")
    body = text[start.start():]
    statements = _STATEMENT.findall(body)
    kinds = {s.upper() for s in statements}
    if kinds == {"INVSTMTRS"}:
        raise StatementError("investment account statements (OFX <INVSTMTRS>) are not read: "
                             "upload the bank or card account's statement")
    if len(statements) > 1:
        raise StatementError(f"the OFX file holds {len(statements)} account statements "
                             f"({', '.join(s.upper() for s in statements)}); export each "
                             "account to a file of its own and upload them together")
    # Line of each <STMTTRN>: counted once over the text, not per block.
    offset = start.start()
    newlines = np.flatnonzero(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
                              == ord("\n"))
    blocks = list(_BLOCK.finditer(body))
    if not blocks:
        raise StatementError("the OFX file holds no transactions (no <STMTTRN>): export a "
                             "period with transactions")
    line_of = np.searchsorted(newlines, [offset + m.start() for m in blocks]) + 1
    leaves = pd.DataFrame([_leaves(m.group(1)) for m in blocks], dtype=object)
    leaves = leaves.reindex(columns=["DTPOSTED", "TRNAMT", "NAME", "PAYEE.NAME", "MEMO",
                                     "TRNTYPE", "CHECKNUM", "FITID", "CURRENCY", "DTUSER"])
    leaves = leaves.astype(object).fillna("").astype(str)
    for k in leaves.columns:
        leaves[k] = _unescape(leaves[k])
    _refuse_amounts(leaves["TRNAMT"], line_of, "TRNAMT")
    dated = leaves["DTPOSTED"].where(leaves["DTPOSTED"] != "", leaves["DTUSER"])
    if (dated == "").any():
        row = int(np.flatnonzero((dated == "").to_numpy())[0])
        raise StatementError("a transaction has no date (<DTPOSTED>)", line=int(line_of[row]),
                             column="DTPOSTED")
    head = _leaves(body[: blocks[0].start()])  # the statement's own leaves, before its rows
    card = kinds == {"CCSTMTRS"} or head.get("ACCTTYPE", "").upper() == "CREDITLINE"
    currency = head.get("CURDEF", "")
    iso = dated.map(_ofx_date)
    frame = pd.DataFrame({
        "Date": iso, "Amount": leaves["TRNAMT"].str.replace(" ", "", regex=False),
        "Name": leaves["NAME"].where(leaves["NAME"] != "", leaves["PAYEE.NAME"]),
        "Memo": leaves["MEMO"], "Type": leaves["TRNTYPE"],
        "Check number": leaves["CHECKNUM"], "Transaction ID": leaves["FITID"],
        "Currency": leaves["CURRENCY"].where(leaves["CURRENCY"] != "", currency)})
    # Oldest first (a stable sort: the file's order within a day), so a balance worked back
    # from the ledger balance is the balance after each row in the order the reader takes.
    order = np.argsort(iso.to_numpy(dtype=str), kind="stable")
    frame, line_of = frame.iloc[order].reset_index(drop=True), line_of[order]
    warnings: list[str] = []
    balance = _ledger_balances(body, frame, card, warnings)
    if balance is not None:
        frame["Balance"] = balance
    header = list(frame.columns)
    rows = [header, *frame.to_numpy(dtype=object).tolist()]
    lines = np.concatenate(([int(line_of[0])], line_of))  # the header: the first row's line
    return Source(_grid(rows, lines, "OFX file"), "ofx", "ofx", card=card,
                  warnings=tuple(warnings))


def _refuse_amounts(amounts: pd.Series, lines: np.ndarray, tag: str) -> None:
    bad = ~amounts.str.strip().str.match(_AMOUNT)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = str(amounts.iloc[row])
        raise StatementError("is not an amount" if value.strip() else "has no amount",
                             line=int(lines[row]), column=tag, value=value)


def _plain_numbers(values: pd.Series) -> tuple[np.ndarray, str] | None:
    """OFX and QIF amounts as numbers, and their decimal mark, read as every statement's
    amounts are (``money``): '-1,100.00', or '-1.100,00' as European exports write them;
    None if any is not a number."""
    texts = values.astype(str)
    comma, dot = decimal_votes(texts)
    mark = "," if comma > dot else "."
    reading = parse_money(texts, mark)
    out = reading.values
    return None if reading.bad.any() or not np.isfinite(out).all() else (out, mark)


def _balance_texts(values: np.ndarray, mark: str) -> list[str]:
    """Balances written with the amounts' decimal mark, so the file reads as one."""
    texts = [f"{v:.2f}" for v in np.round(values, 2)]
    return texts if mark == "." else [t.replace(".", ",") for t in texts]


def _ledger_balances(body: str, frame: pd.DataFrame, card: bool, warnings: list[str]
                     ) -> list[str] | None:
    """The balance after each row, worked back from <LEDGERBAL> (the balance at the
    statement's end): the ledger balance less every amount after the row. Only when its date
    (DTASOF) is on or after the last transaction's, and every amount reads as a number; else
    None and the month-end balances stay unknown."""
    m = re.search(r"<LEDGERBAL>(.*?)(?:</LEDGERBAL>|<AVAILBAL>|</STMTRS>|</CCSTMTRS>|\Z)",
                  body, re.I | re.S)
    if m is None:
        return None
    leaves = _leaves(m.group(1))
    numbers = _plain_numbers(pd.concat([frame["Amount"],
                                        pd.Series([leaves.get("BALAMT", "")])]))
    if numbers is None:
        warnings.append("the OFX ledger balance or amounts are not plain numbers: month-end "
                        "balances were left unknown")
        return None
    values, end, mark = numbers[0][:-1], float(numbers[0][-1]), numbers[1]
    as_of = _ofx_date(leaves.get("DTASOF", ""))
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", as_of) or as_of < str(frame["Date"].max()):
        warnings.append(f"the OFX ledger balance is dated {as_of or 'nowhere'}, before the "
                        "last transaction: month-end balances were left unknown")
        return None
    if card and end > 0:
        # OFX writes what a card owes as a negative balance; a positive one is most often the
        # amount owed written as a bank would print it (a card in credit is rare).
        end = -end
        warnings.append("the card's OFX ledger balance is positive: read as the amount owed")
    after = np.concatenate((np.cumsum(values[::-1])[::-1][1:], [0.0]))
    return _balance_texts(end - after, mark)


# -- QIF -------------------------------------------------------------------------------------------
_QIF_KINDS = {"bank": False, "cash": False, "ccard": True, "oth a": False, "oth l": True}
# (C, the cleared mark, and A, the payee's address, say nothing of the transaction.)
_QIF_HEADER = {"D": "Date", "T": "Amount", "P": "Payee", "M": "Memo", "N": "Number",
               "L": "Category"}


def _qif_date(values: pd.Series) -> pd.Series:
    """Quicken's dates as the date reader knows them: spaces out ('1/ 2/24'), and the
    apostrophe before a two-digit year of the 2000s as '/20' ("1/2'24" -> '1/2/2024')."""
    values = values.str.replace(" ", "", regex=False)
    return values.str.replace(r"'(\d{1,2})$", lambda m: "/20" + m.group(1).zfill(2),
                              regex=True)


def _qif(text: str) -> Source:
    lines = text.split("\n")
    first = pd.Series(lines, dtype=object)
    code = first.str[:1]
    headers = np.flatnonzero(code.to_numpy(dtype=object) == "!")
    # Sections: each '!Type:X' header opens one; only account registers hold transactions.
    sections = [(int(i), lines[i][1:].strip()) for i in headers]
    registers = [(i, s.split(":", 1)[1].strip().lower()) for i, s in sections
                 if s.lower().startswith("type:")]
    kinds = [k for _, k in registers if k in _QIF_KINDS]
    if not registers or not kinds:
        found = ", ".join(s for _, s in sections) or "none"
        raise StatementError("the QIF file has no bank, cash or credit card register "
                             f"(sections: {found}); export the account's transactions")
    if len(kinds) > 1:
        raise StatementError(f"the QIF file holds {len(kinds)} accounts' registers; export "
                             "each account to a file of its own and upload them together")
    start = next(i for i, k in registers if k in _QIF_KINDS)
    end = next((i for i, _ in sections if i > start), len(lines))
    card = _QIF_KINDS[next(k for _, k in registers if k in _QIF_KINDS)]
    part = first.iloc[start + 1: end]
    part = part[part.str.strip() != ""]
    fields = part.str[:1]
    values = part.str[1:].str.strip()
    record = np.cumsum((fields == "^").to_numpy()) - (fields == "^").to_numpy()
    keep = fields.isin(list(_QIF_HEADER)).to_numpy()
    # U is T at more precision (Quicken writes both): used where T is missing.
    is_u = (fields == "U").to_numpy()
    table = pd.DataFrame({"record": record[keep], "field": fields[keep].to_numpy(),
                          "value": values[keep].to_numpy()})
    wide = table.drop_duplicates(["record", "field"]).pivot(index="record", columns="field",
                                                            values="value")
    u = pd.Series(values[is_u].to_numpy(), index=record[is_u]).groupby(level=0).first()
    wide = wide.reindex(columns=list(_QIF_HEADER), fill_value=np.nan)
    all_records = np.unique(record[(fields != "^").to_numpy()])
    wide = wide.reindex(all_records).astype(object).fillna("").astype(str)
    wide["T"] = wide["T"].where(wide["T"] != "", u.reindex(wide.index).fillna(""))
    if wide.empty:
        raise StatementError("the QIF file holds no transactions")
    # Each record's line: where its first field is.
    first_line = pd.Series(part.index.to_numpy() + 1, index=range(len(part)))
    line_of = first_line.groupby(record).first().reindex(wide.index).to_numpy()
    _refuse_amounts(wide["T"], line_of, "T")
    no_date = (wide["D"] == "").to_numpy()
    if no_date.any():
        row = int(np.flatnonzero(no_date)[0])
        raise StatementError("a transaction has no date (D line)", line=int(line_of[row]),
                             column="D")
    wide["D"] = _qif_date(wide["D"])
    wide["T"] = wide["T"].str.replace(" ", "", regex=False)
    frame = wide[list(_QIF_HEADER)].rename(columns=_QIF_HEADER)
    warnings: list[str] = []
    frame, line_of = _qif_opening(frame, line_of, warnings)
    rows = [list(frame.columns), *frame.to_numpy(dtype=object).tolist()]
    lines_out = np.concatenate(([start + 1], line_of))
    return Source(_grid(rows, lines_out, "QIF file"), "qif", "qif", card=card,
                  warnings=tuple(warnings))


def _qif_opening(frame: pd.DataFrame, line_of: np.ndarray, warnings: list[str]
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """Quicken starts a register's export with its opening balance, a record paid to the
    account itself ('Opening Balance', category '[Checking]'): not a transaction but the
    balance before the first one. It is taken out, and the balance after each row is the
    opening balance plus the amounts so far (Quicken writes a register in date order).
    Only when every amount reads as a number."""
    first = frame.iloc[0]
    if not (re.fullmatch(r"(?i)opening balance", first["Payee"].strip())
            and first["Category"].startswith("[")) or len(frame) < 2:
        return frame, line_of
    numbers = _plain_numbers(frame["Amount"])
    if numbers is None:
        return frame, line_of
    values, mark = numbers
    rest = frame.iloc[1:].reset_index(drop=True)
    rest["Balance"] = _balance_texts(values[0] + np.cumsum(values[1:]), mark)
    warnings.append(f"the QIF's opening balance ({first['Amount']} on {first['Date']}) was "
                    "read as the balance before the first transaction, not as a transaction")
    return rest, line_of[1:]


__all__ = ["PDF_MESSAGE", "SPREADSHEETS", "Source", "read_source", "sniff", "table_csv"]
