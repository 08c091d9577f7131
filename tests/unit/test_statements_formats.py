"""Statement files that are not CSV: Excel workbooks, HTML '.xls', OFX / QFX and QIF, known by
their content; hostile ones (zip bombs, cut-short or encrypted workbooks, macros, PDFs, OFX and
QIF that hold no readable transactions) refused with a StatementError that names the file and,
where there is one, the line and field."""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from shared_features.ingest import InputError
from shared_features.statements import (
    StatementError,
    containers,
    is_monthly_table,
    read_statement,
    read_statements,
    read_upload,
)
from shared_features.statements.containers import read_source, sniff

CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())["files"]
FORMATS = {  # corpus file -> the container it must be read as
    "xlsx_current_account_summary_sheet.xlsx": "xlsx",
    "xlsx_card_activity.xlsx": "xlsx",
    "html_table_download.xls": "html",
    "ofx1_sgml_checking.ofx": "ofx",
    "quicken_web_connect.qfx": "ofx",
    "qif_bank_opening_balance.qif": "qif",
    "money_export.qif": "qif",
}
FIELDS = ("kind", "rows_read", "pending", "date_min", "date_max", "inflow_total",
          "outflow_total", "currency")


def _bytes(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def _error(data: bytes, name: str = "upload.xlsx") -> StatementError:
    with pytest.raises(StatementError) as caught:
        read_statement(data, name)
    return caught.value


# -- each format reads as its history says --------------------------------------------------------

@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_reads_as_its_history(name: str) -> None:
    reading = read_statements([(name, _bytes(name))])
    (file,) = reading.report()["files"]
    expected = EXPECTED[name]
    assert {k: file[k] for k in FIELDS} == {k: expected[k] for k in FIELDS}
    assert file["rows_skipped_total"] == expected["rows_skipped"]
    assert reading.report()["months"] == expected["months"]
    assert file["format"]["container"] == FORMATS[name]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_container_is_known_by_content_whatever_the_name(name: str) -> None:
    """The same bytes named as a CSV (or with no extension) read the same: the name is
    never what decides the format (the card files' names have no card word either)."""
    right = read_statements([(name, _bytes(name))]).report()
    for other in ("statement.csv", "download"):
        renamed = read_statements([(other, _bytes(name))]).report()
        assert renamed["months"] == right["months"]
        assert renamed["files"][0]["kind"] == right["files"][0]["kind"]


def test_a_csv_named_xlsx_is_read_as_the_csv_it_is() -> None:
    name = "uk_current_account.csv"
    report = read_statements([("statement.xlsx", _bytes(name))]).report()
    assert report["months"] == EXPECTED[name]["months"]
    assert "container" not in report["files"][0]["format"]


def test_the_workbook_sheet_with_the_transactions_is_read() -> None:
    source = read_source(_bytes("xlsx_current_account_summary_sheet.xlsx"))
    assert dict(source.details) == {"sheet": "Transactions"}
    cells = source.grid.cells
    # Dates as ISO, numbers as plain decimals; the row numbers are the sheet's.
    row = cells[cells[0] == "2024-01-05"].iloc[0]
    assert list(row) == ["2024-01-05", "TESCO STORES 3021", "84.35", "", "2265.65"]
    assert int(source.grid.lines[cells.index[cells[0] == "2024-01-05"][0]]) == 7


def test_excel_cells_are_shown_as_excel_shows_them() -> None:
    text = containers._cell_text
    assert text(-62.300000000000004) == "-62.3"
    assert text(1219.5600000000002) == "1219.56"
    assert text(2450.0) == "2450"
    assert text(1e-7) == "0.0000001"
    assert text(12345678901234567890.0) == "12345678901234600000"  # 15 digits, as Excel
    assert text(date(2024, 1, 2)) == "2024-01-02"
    from datetime import datetime
    assert text(datetime(2024, 1, 2)) == "2024-01-02"
    assert text(datetime(2024, 1, 2, 14, 5)) == "2024-01-02 14:05:00"
    assert text(True) == "TRUE" and text(None) == ""


def test_ofx_rows_keep_the_line_of_their_stmttrn_and_a_card_reads_as_a_card() -> None:
    data = _bytes("ofx1_sgml_checking.ofx")
    source = read_source(data)
    lines = data.decode("cp1252").splitlines()
    first = int(source.grid.lines[1])
    assert lines[first - 1] == "<STMTTRN>"
    card = read_source(_bytes("quicken_web_connect.qfx"))
    assert card.card and not source.card
    # The ledger balance, worked back: the row before the last is the last balance less the
    # last amount.
    cells = card.grid.cells
    assert cells.iloc[-1, list(cells.iloc[0]).index("Balance")] == "-444.84"


def test_an_ofx_creditline_account_is_a_card() -> None:
    data = _bytes("ofx1_sgml_checking.ofx").replace(b"<ACCTTYPE>CHECKING", b"<ACCTTYPE>CREDITLINE")
    assert read_source(data).card


def test_ofx_leaf_tags_closed_or_not_lowercase_and_entities_read_alike() -> None:
    body = ("<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKTRANLIST>"
            + "".join(f"<stmttrn><trntype>DEBIT<dtposted>2024010{d}<trnamt>-1{d}.50"
                      f"<fitid>{d}<name>A &amp; B SHOP {d}</stmttrn>" for d in range(1, 6))
            + "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>")
    file = read_statement(("OFXHEADER:100\nDATA:OFXSGML\n\n" + body).encode(), "x.ofx")
    assert file.currency == "EUR" and len(file.transactions) == 5
    assert file.transactions["description"].iloc[0].startswith("A & B SHOP 1")
    assert file.transactions["amount"].sum() == pytest.approx(-(11.5 + 12.5 + 13.5 + 14.5
                                                                 + 15.5))


def test_qif_opening_balance_gives_the_month_end_balances() -> None:
    file = read_statement(_bytes("qif_bank_opening_balance.qif"), "x.qif")
    assert file.has_balance and file.transactions["balance"].iloc[-1] == pytest.approx(2813.34)
    assert any("opening balance" in w for w in file.warnings)


def test_detection_looks_at_content() -> None:
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"PK\x03\x04rest") == "zip"
    assert sniff(b"\r\n  OFXHEADER:100\r\n") == "ofx"
    assert sniff(b'<?xml version="1.0"?><?OFX OFXHEADER="200"?><OFX>') == "ofx"
    assert sniff(b"!Type:CCard\nD01/02/2024\n") == "qif"
    assert sniff("<html><table>".encode("utf-16")) == "html"
    assert sniff(b"Date,Description,Amount\n2024-01-02,<b>x</b>,1\n") is None


# -- a workbook of the monthly table ------------------------------------------------------------

def _monthly_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["person_id", "month", "income", "expenses", "liquid_savings"])
    for m in range(1, 7):
        sheet.append(["p1", date(2024, m, 1), 3000.0, 2500.5, 1000.25 * m])
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


def test_a_workbook_of_the_monthly_table_is_read_as_that_table(tmp_path) -> None:
    data = _monthly_workbook()
    assert is_monthly_table(data)
    for upload in (data, tmp_path / "table.xlsx"):
        if isinstance(upload, Path):
            upload.write_bytes(data)
        result = read_upload([("table.xlsx", upload)])
        assert result.statements is None
        assert result.result.panel.values[0, :, 0].tolist() == [3000.0] * 6
    assert not is_monthly_table(_bytes("xlsx_card_activity.xlsx"))
    assert not is_monthly_table(_bytes("ofx1_sgml_checking.ofx"))


# -- hostile files -----------------------------------------------------------------------------

def _zip(members: dict[str, bytes], encrypted: bool = False) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    out = bytearray(raw.getvalue())
    if encrypted:  # the 'encrypted' flag bit, in each local header and central directory entry
        for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = out.find(signature)
            while start >= 0:
                out[start + at] |= 0x1
                start = out.find(signature, start + 4)
    return bytes(out)


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b"\0" * (20 * 2**20)})
    assert len(bomb) < 100_000
    assert "zip bomb" in _error(bomb).message


def test_a_workbook_that_unpacks_past_the_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(containers, "MAX_UNPACKED_BYTES", 4096)
    big = _zip({"xl/workbook.xml": b"<workbook/>",
                "xl/worksheets/sheet1.xml": bytes(random.Random(1).randbytes(8192))})
    assert "unpacks to" in _error(big).message


def test_a_cut_short_workbook_is_refused_as_damaged() -> None:
    data = _bytes("xlsx_card_activity.xlsx")
    for cut in (len(data) // 2, 100, len(data) - 30):
        assert "damaged or incomplete" in _error(data[:cut]).message


def test_encrypted_and_macro_workbooks_are_refused() -> None:
    # What Excel writes for a workbook with a password to open: an OLE2 file holding the
    # encrypted package (the stream names are UTF-16).
    ole = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
           + "EncryptionInfo".encode("utf-16-le") + b"\0" * 50
           + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1000)
    assert "password-protected" in _error(ole).message
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le")
    assert "save it as .xlsx or CSV" in _error(legacy, "old.xls").message
    zipped = _zip({"xl/workbook.xml": b"<workbook/>"}, encrypted=True)
    assert "encrypted" in _error(zipped).message
    macro = _zip({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\0" * 10})
    assert "macros" in _error(macro, "book.xlsm").message
    assert "not an Excel workbook" in _error(_zip({"statement.csv": b"a,b\n"}), "x.zip").message
    assert ".xlsb" in _error(_zip({"xl/workbook.bin": b"\0"}), "x.xlsb").message


def test_a_pdf_gets_what_to_download_instead() -> None:
    message = _error(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "statement.pdf").message
    assert message == containers.PDF_MESSAGE


def test_ofx_without_transactions_or_with_a_bad_amount_is_refused() -> None:
    data = _bytes("ofx1_sgml_checking.ofx")
    start, end = data.index(b"<STMTTRN>"), data.rindex(b"</STMTTRN>") + len(b"</STMTTRN>")
    assert "no transactions" in _error(data[:start] + data[end:], "x.ofx").message
    bad = data.replace(b"<TRNAMT>-84.35", b"<TRNAMT>abc", 1)
    error = _error(bad, "x.ofx")
    line = bad.decode("cp1252").splitlines().index("<TRNAMT>abc") + 1
    assert (error.column, error.value) == ("TRNAMT", "abc")
    assert line - 6 <= error.line <= line  # the line of that transaction's <STMTTRN>
    assert "investment" in _error(b"OFXHEADER:100\n\n<OFX><INVSTMTRS><INVTRANLIST>"
                                  b"</INVTRANLIST></INVSTMTRS></OFX>", "x.ofx").message


def test_qif_with_a_garbage_amount_names_the_record_and_field() -> None:
    data = b"!Type:Bank\nD01/02/2024\nT12.00\nPSHOP\n^\nD01/03/2024\nTtwelve\nPSHOP\n^\n"
    error = _error(data, "x.qif")
    assert (error.line, error.column, error.value) == (6, "T", "twelve")
    assert "no bank, cash or credit card register" in _error(b"!Type:Cat\nNFood\n^\n",
                                                             "x.qif").message
    two = b"!Type:Bank\nD01/02/2024\nT1\n^\n!Type:CCard\nD01/02/2024\nT1\n^\n"
    assert "2 accounts" in _error(two, "x.qif").message


def test_problems_name_the_file_through_read_statements() -> None:
    with pytest.raises(InputError) as caught:
        read_statements([("bank.xlsx", b"PK\x03\x04broken"), ("card.pdf", b"%PDF-1.5")])
    files = [p.file for p in caught.value.problems]
    assert files == ["bank.xlsx", "card.pdf"]
    assert "PDF statements are not read" in caught.value.problems[1].message


def test_mutated_containers_raise_only_statement_errors() -> None:
    """Cut short, bytes flipped or inserted: every new format's file is read or refused with
    an InputError naming the problem, never another exception (which the API would answer
    with a 500)."""
    rng = random.Random(20261203)
    for name in sorted(FORMATS):
        original = _bytes(name)
        for _ in range(8):
            data = bytearray(original)
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(data))
                pick = rng.random()
                if pick < 0.3:
                    data = data[:at]
                elif pick < 0.6:
                    data[at] = rng.randrange(256)
                elif pick < 0.8:
                    data[at:at] = rng.choice([b"<", b"^", b"\n", b"\0", b"-", b"&", b"<OFX>"])
                else:
                    del data[at:at + rng.randint(1, 50)]
                if not data:
                    break
            # read_upload: the monthly-table check, the statement reader and ingest.
            with contextlib.suppress(InputError):
                read_upload([(name, bytes(data))])


# -- through the web API ----------------------------------------------------------------------

def test_the_dry_run_api_reads_an_uploaded_workbook(client) -> None:
    name = "xlsx_current_account_summary_sheet.xlsx"
    answer = client.post("/api/v1/statements",
                         data={"file": [(io.BytesIO(_bytes(name)), name)]},
                         content_type="multipart/form-data")
    assert answer.status_code == 200, answer.json
    assert answer.json["months"] == EXPECTED[name]["months"]
    assert answer.json["files"][0]["format"]["sheet"] == "Transactions"
    refused = client.post("/api/v1/statements",
                          data={"file": [(io.BytesIO(b"%PDF-1.7\n"), "march.pdf")]},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "march.pdf" in json.dumps(refused.json)


def _rezip(data: bytes, member: str, change) -> bytes:  # noqa: ANN001 - bytes -> bytes
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info, change(body) if info.filename == member else body)
    return out.getvalue()


def test_a_sheet_claiming_to_be_huge_is_read_at_its_real_size() -> None:
    """A sheet's stated dimension (A1:XFD1048576 on a sheet of 12 rows) is not what is read:
    openpyxl would pad every row to 16,384 cells and add a million empty rows."""
    name = "xlsx_current_account_summary_sheet.xlsx"
    lying = _rezip(_bytes(name), "xl/worksheets/sheet2.xml",
                   lambda b: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"',
                                    b))
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(lying)).read("xl/worksheets/sheet2.xml")
    started = time.perf_counter()
    source = read_source(lying)
    assert time.perf_counter() - started < 10
    assert source.grid.cells.shape == (16, 5)
    assert read_statements([(name, lying)]).report()["months"] == EXPECTED[name]["months"]


def test_a_sheet_past_the_row_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(containers, "MAX_SHEET_ROWS", 10)
    error = _error(_bytes("xlsx_current_account_summary_sheet.xlsx"))
    assert "more than 10 rows" in error.message and error.line == 11


def test_an_excel_2003_xml_spreadsheet_is_read() -> None:
    rows = "".join(
        f'<Row><Cell><Data ss:Type="DateTime">2024-01-{d:02d}T00:00:00.000</Data></Cell>'
        f'<Cell><Data ss:Type="String">SHOP &amp; CO {d}</Data></Cell>'
        f'<Cell ss:Index="4"><Data ss:Type="Number">-{d}.5</Data></Cell></Row>'
        for d in range(2, 9))
    doc = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Umsatz">'
           '<Table><Row><Cell><Data ss:Type="String">Date</Data></Cell><Cell><Data '
           'ss:Type="String">Description</Data></Cell><Cell ss:Index="4"><Data ss:Type="String">'
           'Amount</Data></Cell></Row>' + rows + "</Table></Worksheet></Workbook>")
    file = read_statement(doc.encode(), "export.xls")
    assert file.format["container"] == "xml-spreadsheet" and file.format["sheet"] == "Umsatz"
    assert len(file.transactions) == 7
    assert file.transactions["amount"].sum() == pytest.approx(-sum(d + 0.5 for d in range(2, 9)))
    assert file.transactions["description"].iloc[0] == "SHOP & CO 2"
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            f'<Workbook xmlns="{containers._XML_SPREADSHEET}"><Worksheet><Table><Row><Cell>'
            '<Data>&b;</Data></Cell></Row></Table></Worksheet></Workbook>')
    assert "cannot be read" in _error(bomb.encode(), "x.xls").message


def test_comma_decimal_ofx_and_qif_give_the_same_balances() -> None:
    """European exports write '-84,35': the balances worked back from the ledger balance (or
    on from a QIF opening balance) are written the same way, so the file reads as one."""
    name = "ofx1_sgml_checking.ofx"
    comma = re.sub(rb"(<(?:TRNAMT|BALAMT)>-?\d+)\.(\d\d)", rb"\1,\2", _bytes(name))
    assert b"<TRNAMT>-84,35" in comma
    assert read_statements([(name, comma)]).report()["months"] == EXPECTED[name]["months"]
    name = "qif_bank_opening_balance.qif"
    comma = re.sub(rb"([TU]-?[\d,]+)\.(\d\d)", lambda m: m.group(1).replace(b",", b".") + b","
                   + m.group(2), _bytes(name))
    assert b"T-1.100,00" in comma
    assert read_statements([(name, comma)]).report()["months"] == EXPECTED[name]["months"]


def test_ofx_with_unclosed_transactions_on_one_line_reads() -> None:
    """Some banks close no <STMTTRN> at all (each ends where the next begins) and write the
    whole body on a line or two; a card by its CCSTMTRS, the balances worked back from
    LEDGERBAL (-50.00 owed at the end: nothing owed before the first charge)."""
    rows = "".join(f"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2024012{d}<TRNAMT>-{d}0.00<FITID>{d}"
                   f"<NAME>SHOP {d}\n" for d in range(1, 6))
    body = ("OFXHEADER:100\n\n<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>CAD"
            "<BANKTRANLIST>" + rows + "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240129"
            "<TRNAMT>100.00<NAME>PAYMENT THANK YOU</BANKTRANLIST><LEDGERBAL><BALAMT>-50.00"
            "<DTASOF>20240131</LEDGERBAL></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>")
    file = read_statement(body.encode(), "download.ofx")
    assert (file.kind, file.currency, len(file.transactions)) == ("card", "CAD", 6)
    assert file.transactions["balance"].tolist() == [-10.0, -30.0, -60.0, -100.0, -150.0,
                                                     -50.0]
    assert file.transactions["description"].iloc[-1] == "PAYMENT THANK YOU"
