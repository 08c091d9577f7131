"""The rules behind the seventh blind round's layouts (Americas, Europe, the UK, Oceania), each
on the smallest values that need it, and the case it must leave alone."""

from __future__ import annotations

import pandas as pd

from shared_features.statements import read_statement
from shared_features.statements.classify import classify
from shared_features.statements.decode import decode
from shared_features.statements.dialect import key_value_grid, read_grid
from shared_features.statements.layout import find_layout


def _cats(texts: list[str]) -> list[str]:
    return list(classify(pd.Series(texts)))


# -- a text export of 'Label: value' blocks -------------------------------------------------------

_BLOCKS = ("From:\u00a001/01/2024\u00a0to\u00a029/02/2024\n\n"
           "Account:\u00a0XXXX XXXX XXXX 1234\n\n"
           + "".join(f"Date:\u00a0{d}/01/2024\nDescription:\u00a0{t}\nAmount:\u00a0{a} \n"
                     f"Balance:\u00a0{b} \n\n"
                     for d, t, a, b in (("02", "SALARY, ACME LTD", "2450.00", "3450.00"),
                                        ("03", "RENT AT 10:30", "-1100.00", "2350.00"),
                                        ("05", "TESCO STORES", "-84.35", "2265.65"))))


def test_label_value_blocks_read_as_a_table() -> None:
    grid = key_value_grid(_BLOCKS)
    assert grid is not None
    cells = grid.cells.to_numpy().tolist()
    assert cells[0][:2] == ["From:", "01/01/2024\u00a0to\u00a029/02/2024"]  # preamble
    assert cells[2] == ["Date", "Description", "Amount", "Balance"]
    assert cells[4] == ["03/01/2024", "RENT AT 10:30", "-1100.00", "2350.00"]  # ':' in value
    # Each block from its first line; the header on the (blank) line above the first.
    assert grid.lines.tolist() == [1, 3, 4, 5, 10, 15]
    f = read_statement(_BLOCKS.encode("cp1252"), "statement.txt")
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0, -84.35]
    assert f.transactions["balance"].tolist() == [3450.0, 2350.0, 2265.65]


def test_a_csv_with_label_lines_above_it_is_no_block_file() -> None:
    # A preamble of 'Label:' lines over an ordinary table, and two-line blocks that repeat
    # too few times, stay as they are.
    csv = ("Account Name:,FlexAccount\nAccount Balance:,100.00\n\nDate,Description,Amount\n"
           "02/01/2024,SALARY,2450.00\n03/01/2024,RENT,-1100.00\n05/01/2024,TESCO,-84.35\n")
    assert key_value_grid(csv) is None
    assert read_grid(csv).delimiter == ","
    assert key_value_grid("Date: 02/01/2024\nAmount: 1.00\n\nDate: 03/01/2024\n"
                          "Amount: 2.00\n") is None


# -- currency signs in cp1252 ---------------------------------------------------------------------

def test_pound_signs_alone_are_cp1252() -> None:
    # charset-normalizer took the only non-ASCII byte, A3, for Baltic cp775's 'Ż'.
    data = ('"Account Balance:","£2,813.34"\n"Date","Description","Paid out","Balance"\n'
            '"02 Jan 2024","RENT","£1,100.00","£3,450.00"\n').encode("cp1252")
    decoded = decode(data)
    assert decoded.encoding == "cp1252" and "£2,813.34" in decoded.text
    # A no-break space after a label's colon or beside a number is cp1252's too.
    assert decode("Date:\u00a002/01/2024\nAmount:\u00a0-1.00\n".encode("cp1252")).encoding \
        == "cp1252"


def test_letters_in_another_code_page_are_still_detected() -> None:
    # Polish cp1250 ('Ł' is A3 there, before a letter, not a number) is not forced to cp1252.
    data = ("Data;Opis;Kwota\n02.01.2024;WPŁATA ŁÓDŹ ŻABKA;-12,50\n"
            "03.01.2024;PŁATNOŚĆ KARTĄ;-1,00\n").encode("cp1250")
    assert decode(data).encoding != "cp1252"


# -- a pending section's title under the header ---------------------------------------------------

def _sections(title: str) -> bytes:
    return "\n".join([
        '"Transactions for Checking account ...1234 as of 03/01/2024"',
        "Date,Type,Description,Withdrawal (-),Deposit (+),RunningBalance", f"{title},,,,,",
        "02/29/2024,ATM,ATM WITHDRAWAL,$40.00,,", "Posted Transactions,,,,,",
        "02/27/2024,VISA,TRADER JOE S,$92.10,,$2813.34",
        "02/14/2024,ACH,RETURNED ITEM FEE,$25.00,,$2905.44",
        "02/01/2024,ACH,ACME PAYROLL,,$2450.00,$2930.44", ""]).encode()


def test_a_pending_title_under_the_header_keeps_the_header() -> None:
    # Before: the title ended the search for the header and the file read as headerless.
    f = read_statement(_sections("Pending Transactions"), "checking.csv")
    assert f.format["header_row"] == 2
    assert f.pending == 1 and len(f.transactions) == 3
    assert [r["reason"] for r in f.rows_skipped] == ["section title", "section title"]


def test_a_title_that_is_not_pending_still_ends_the_search() -> None:
    # A one-cell row of other words directly above the rows is no pending section's title:
    # the rows under it are no header's.
    layout = find_layout(read_grid(_sections("Recent Activity").decode()))
    assert layout.header is None


# -- [unless] -------------------------------------------------------------------------------------

def test_a_transfer_type_is_no_own_transfer() -> None:
    assert _cats(["Übertrag / Überweisung Auftraggeber: MIETE WOHNUNG",
                  "Übertrag / Überweisung UMBUCHUNG AUF TAGESGELD",
                  "Übertrag auf Tagesgeld", "ÜBERTRAG"]) == [
        "other", "own_transfer", "own_transfer", "own_transfer"]


# -- loan-account words and pay coming in ---------------------------------------------------------

def _account_with_preamble(line: str) -> bytes:
    return "\n".join([line, "", "Date,Description,Amount,Balance",
                      "01/02/2024,ACH DEPOSIT ACME CORP PAYROLL,2450.00,3450.00",
                      "01/03/2024,ZELLE TO JOHN SMITH,-1100.00,2350.00",
                      "01/05/2024,POS PURCHASE WHOLEFDS,-84.35,2265.65",
                      "01/10/2024,CAPITAL ONE CREDIT CARD,-300.00,1965.65",
                      "01/28/2024,CON ED OF NY,-61.20,1904.45", ""]).encode()


def test_an_account_naming_its_linked_loan_stays_an_account() -> None:
    f = read_statement(_account_with_preamble(
        "Overdraft Protection:,Linked loan account XXXX5678"), "share_draft.csv")
    assert f.kind == "account"


def test_pay_coming_in_outweighs_loan_words() -> None:
    # Loan words with nothing saying the loan is another account's: the salary among the
    # rows, which never reaches a loan, makes it the account it is.
    f = read_statement(_account_with_preamble("Account and loan account summary"),
                       "export.csv")
    assert f.kind == "account"
    assert any("names a loan account, but pay comes in" in w for w in f.warnings)


def test_a_linked_loan_line_says_nothing_of_the_file() -> None:
    # Without pay among the rows, the line naming the linked loan no longer makes it debt.
    text = _account_with_preamble("Overdraft Protection:,Linked loan account XXXX5678")
    no_pay = text.replace(b"ACH DEPOSIT ACME CORP PAYROLL", b"MOBILE DEPOSIT")
    assert read_statement(no_pay, "share_draft.csv").kind == "account"
    # The same account whose preamble calls the file itself a loan account is read as one.
    loan = no_pay.replace(b"Overdraft Protection:,Linked loan account", b"Loan account")
    assert read_statement(loan, "share_draft.csv").kind == "card"


def test_card_words_and_a_loan_without_pay_are_still_debt() -> None:
    # A card word in the preamble is not overruled by the rows (only loan words are).
    f = read_statement(_account_with_preamble("Card account XXXX5678"), "export.csv")
    assert f.kind == "card"
    loan = "\n".join(["Loan Account Statement", "", "Date,Description,Debit,Credit,Balance",
                      "09/01/2024,REPAYMENT THANK YOU,,150.00,4850.00",
                      "31/01/2024,INTEREST CHARGED,32.10,,4882.10",
                      "09/02/2024,REPAYMENT,,150.00,4732.10",
                      "29/02/2024,INTEREST CHARGED,30.95,,4763.05", ""]).encode()
    assert read_statement(loan, "statement.csv").kind == "card"


# -- a card's merchant credit worded as a payment adjustment --------------------------------------

def test_a_payment_adjustment_is_a_refund_not_the_cards_payment() -> None:
    assert _cats(["AMAZON.COM PAYMENT ADJUSTMENT", "POS RETURN AMAZON MKTPLACE",
                  "PAYMENT - THANK YOU", "PAYMENT"]) == [
        "refund", "refund", "card_payment", "other"]
    card = "\n".join(["Posted Date,Reference Number,Payee,Address,Amount",
                      "01/04/2024,1,STARBUCKS,SEATTLE WA,-4.50",
                      "01/08/2024,2,WHOLE FOODS,NEW YORK NY,-62.30",
                      "01/12/2024,3,PAYMENT - THANK YOU,,300.00",
                      "01/18/2024,4,AMAZON.COM,SEATTLE WA,-45.99",
                      "01/22/2024,5,AMAZON.COM PAYMENT ADJUSTMENT,,15.00",
                      "01/30/2024,6,OLIVE GARDEN,NEW YORK NY,-38.40",
                      "02/03/2024,7,SHELL OIL,HOUSTON TX,-55.00",
                      "02/16/2024,8,BARNES & NOBLE,NEW YORK NY,-19.90", ""]).encode()
    f = read_statement(card, "January2024_1234.csv")
    assert f.kind == "card"
    assert f.transactions["category"].tolist()[2:5] == ["card_payment", "other", "refund"]


# -- vocabulary of the round ----------------------------------------------------------------------

def test_round_seven_words() -> None:
    assert _cats(["RETURNED DD CHARGE", "Multa por atraso", "COMISION CHEQUE RECHAZADO",
                  "KOSTEN WEIGERING DOMICILIERING", "AFREKENING KREDIETKAART VISA",
                  "TRAN.CTAS.PROPIAS A AHORROS", "Funds Transfer to Brokerage -5678",
                  "TRANSFER TO 38-9000-0123456-01 ONLINE CALL ACCOUNT",
                  "TRANSFER TO 09-01-28 12345678 EVERYDAY SAVER",
                  "ABONO REMUNERACIONES ACME SAC"]) == [
        "missed", "missed", "missed", "missed", "card_payment", "own_transfer",
        "own_transfer", "own_transfer", "own_transfer", "income"]


def test_round_seven_words_leave_alone() -> None:
    # A DD that was paid, a fine with no lateness, a saver's shop, a call to a phone company,
    # a shop's card takings paid in.
    assert _cats(["DD OCTOPUS ENERGY", "MULTA DE TRANSITO", "PRICE SAVER SUPERMARKET",
                  "VODAFONE ONLINE CALL CHARGES", "TERUGBETALING BOL.COM",
                  "BANKCARD MERCHANT CREDIT"]) == [
        "other", "other", "other", "other", "refund", "other"]
