"""The rules behind the ninth blind round's files (exports re-saved by spreadsheets, or written
by budgeting and accounting tools), each on the smallest values that need it, and the case it
must leave alone."""

from __future__ import annotations

import pandas as pd

from shared_features.statements import read_statement
from shared_features.statements.classify import classify
from shared_features.statements.decode import decode
from shared_features.statements.dialect import read_grid
from shared_features.statements.layout import find_layout

# -- Excel for Mac's "CSV (Macintosh)": Mac Roman, lines ended by CR alone -------------------------

_FRENCH = ("Date;Libellé;Montant;Solde\n02/01/2024;VIR SALAIRE;2\u00a0450,00\u00a0€;"
           "3\u00a0450,00\u00a0€\n05/01/2024;CB CARREFOUR;-84,35\u00a0€;3\u00a0365,65\u00a0€\n")


def test_cr_line_ends_in_a_single_byte_code_page_are_mac_roman() -> None:
    # Before: a detector called it mac_latin2 and every '€' (DB) read as 'Ř', so no amount
    # column was found.
    d = decode(_FRENCH.replace("\n", "\r").encode("mac_roman"))
    assert d.encoding == "mac_roman"
    assert "Libellé" in d.text and "84,35\u00a0€" in d.text


def test_crlf_in_windows_1252_is_left_alone() -> None:
    text = _FRENCH.replace("\n", "\r\n")
    assert decode(text.encode("cp1252")).encoding == "cp1252"
    assert decode(text.replace("\r\n", "\r").encode("utf-8")).encoding == "utf-8"


# -- an account's name between the header and its rows (an accounting report) -------------------

def _report(title: str) -> str:
    return "\n".join([
        '"Date","Num","Description","Memo/Notes","Transfer from/to","Amount"', f'"{title}"',
        '"01/02/2024","","SALARY ACME LTD","","Income:Salary","$2,450.00"',
        '"01/03/2024","","RENT HIGHGATE","","Expenses","-$1,100.00"',
        '"01/05/2024","","TESCO STORES","","Expenses","-$84.35"', ""])


def test_an_account_title_under_the_header_keeps_the_header() -> None:
    # Before: the one-cell row ended the search for the header; the file read as headerless
    # and no date column was found.
    for title in ("Assets:Current Assets:Checking Account", "Assets:Bank:Checking"):
        layout = find_layout(read_grid(_report(title)))
        assert layout.header is not None and layout.header[0] == "Date"


def test_another_one_cell_title_still_ends_the_search() -> None:
    assert find_layout(read_grid(_report("Recent Activity"))).header is None


# -- 'Beginsaldo' beside 'Eindsaldo' ---------------------------------------------------------------

def _dutch(head: list[str], cells: list[list[str]]) -> bytes:
    return "\n".join(["\t".join(head), *("\t".join(r) for r in cells), ""]).encode()


def test_the_balance_after_the_row_is_the_balance() -> None:
    # Before: 'Beginsaldo' (the balance before each row) was taken as the balance, so the
    # month ended on the balance before its last row.
    f = read_statement(_dutch(
        ["Transactiedatum", "Beginsaldo", "Eindsaldo", "Transactiebedrag", "Omschrijving"],
        [["02-01-24", "1000,00", "3450,00", "2450,00", "SALARIS ACME BV"],
         ["03-01-24", "3450,00", "2350,00", "-1100,00", "HUUR WONING"],
         ["05-01-24", "2350,00", "2265,65", "-84,35", "ALBERT HEIJN"]]), "nl.csv")
    assert f.format["columns"]["balance"] == "Eindsaldo"
    assert f.transactions["balance"].iloc[-1] == 2265.65


def test_a_lone_saldo_is_still_the_balance() -> None:
    f = read_statement(_dutch(
        ["Datum", "Saldo", "Bedrag", "Omschrijving"],
        [["02-01-24", "3450,00", "2450,00", "SALARIS ACME BV"],
         ["03-01-24", "2350,00", "-1100,00", "HUUR WONING"],
         ["05-01-24", "2265,65", "-84,35", "ALBERT HEIJN"]]), "nl.csv")
    assert f.format["columns"]["balance"] == "Saldo"


# -- a finance app's 'Original Statement' ----------------------------------------------------------

def _app(head: list[str]) -> bytes:
    rows = [["2024-01-02", "Acme", "Paychecks", "ACME LTD SALARY", "2450.00"],
            ["2024-01-15", "Transfer", "Transfer", "TRANSFER TO SAVINGS", "-200.00"],
            ["2024-01-20", "Takealot", "Shopping", "REFUND TAKEALOT", "25.99"]]
    return "\n".join([",".join(head), *(",".join(r) for r in rows), ""]).encode()


def test_the_banks_own_words_are_read_beside_the_merchant() -> None:
    # Before: only the cleaned 'Merchant' was read, so the savings transfer was spending and
    # the refund income.
    f = read_statement(_app(["Date", "Merchant", "Category", "Original Statement", "Amount"]),
                       "transactions.csv")
    assert list(f.transactions["category"]) == ["income", "own_transfer", "refund"]


def test_a_merchant_column_alone_is_still_the_description() -> None:
    f = read_statement(_app(["Date", "Merchant", "Category", "Reference", "Amount"]),
                       "transactions.csv")
    assert f.transactions["description"].iloc[0].startswith("Acme")


# -- pay's words on money going out ----------------------------------------------------------------

def test_pay_words_on_money_going_out_are_not_income() -> None:
    # Before: 'PICK N PAY', 'PAY-LESS' and 'Pay Bill' rows of money out were labelled income.
    body = "\n".join(["Date,Description,Amount",
                      "2024-01-02,ACME PAYROLL,2450.00",
                      "2024-01-05,PICK N PAY CLAREMONT,-84.35",
                      "2024-01-06,PAY-LESS SUPERMARKET,-12.00",
                      "2024-01-07,Pay Bill to 888880 - KPLC PREPAID,-61.20",
                      "2024-01-08,PAY BILL LATE FEE,-25.00", ""]).encode()
    f = read_statement(body, "account.csv")
    assert list(f.transactions["category"]) == ["income", "other", "other", "other", "missed"]


def test_the_classifier_can_leave_a_category_out() -> None:
    texts = pd.Series(["PICK N PAY", "SALARY ACME"])
    assert list(classify(texts)) == ["income", "income"]
    assert list(classify(texts, exclude=("income",))) == ["other", "other"]
