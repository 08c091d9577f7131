"""Rows whose reading hangs on more than one word: a cash-out that is a payment app's move of
the holder's own money or a cash machine's withdrawal, a card's payment worded by its issuer
or said by its Type column, moves to the holder's own savings pots, a year above the table
that is an amount, and a wallet's conversion between its own currencies."""

from __future__ import annotations

import pandas as pd
import pytest

from shared_features.statements import StatementError, read_statement, read_statements
from shared_features.statements.classify import classify
from shared_features.statements.dates import year_anchor


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def _months(name: str, rows: list[str]) -> list[dict]:
    return read_statements([(name, _csv(rows))]).report()["months"]


# -- 'cash out': a payment app's move to the bank, or a cash machine's withdrawal ------------------

@pytest.mark.parametrize(("description", "in_app", "category"), [
    # On a bank's statement: a cash machine's withdrawal, spending.
    ("ATM CASH OUT 123 MAIN ST", False, "other"), ("CASH OUT", False, "other"),
    ("ATM CASH OUT", True, "other"),  # a cash machine, even in an app's export
    # A payment app's cash-out to the holder's bank: named in the bank's row, or in the app's
    # own export.
    ("VENMO CASHOUT PPD ID: 5264681992", False, "own_transfer"),
    ("CASH APP*CASH OUT", False, "own_transfer"),
    ("Cash out Chase Checking 5678", True, "own_transfer"),
    ("Cash out", True, "own_transfer"),
])
def test_cash_out_is_an_own_transfer_only_in_a_payment_apps_context(
        description: str, in_app: bool, category: str) -> None:
    assert classify(pd.Series([description]), app_export=in_app)[0] == category


def test_a_bank_statements_atm_cash_out_is_spending_and_a_venmo_cashout_no_income() -> None:
    rows = ["Date,Description,Amount,Balance", "01/02/2024,ACME PAYROLL,2000.00,2000.00",
            "01/05/2024,ATM CASH OUT 123 MAIN ST,-60.00,1940.00",
            "01/09/2024,VENMO CASHOUT PPD ID: 5264681992,150.00,2090.00",
            "01/20/2024,WHOLEFDS MKT,-40.00,2050.00"]
    (month,) = _months("checking.csv", rows)
    assert month["income"] == 2000.0 and month["expenses"] == 100.0


def test_a_cash_app_export_is_known_by_its_columns_without_its_name() -> None:
    rows = ["Transaction ID,Date,Transaction Type,Currency,Amount,Fee,Net Amount,Asset Type,"
            "Asset Price,Asset Amount,Status,Notes,Name of sender/receiver,Account",
            "a1,2024-01-02 08:15:00 EST,Direct Deposit,USD,$900.00,$0,$900.00,,,,COMPLETE,"
            "ACME PAYROLL,ACME,Visa Debit 1234",
            "a2,2024-01-05 08:15:00 EST,Cash out,USD,-$300.00,$0,-$300.00,,,,COMPLETE,"
            ",Chase Checking,Visa Debit 1234",
            "a3,2024-01-09 08:15:00 EST,Cash Card Debit,USD,-$20.00,$0,-$20.00,,,,COMPLETE,"
            "TRADER JOE S,TRADER,Visa Debit 1234",
            "a4,2024-01-20 08:15:00 EST,Cash Card Debit,USD,-$60.00,$0,-$60.00,,,,COMPLETE,"
            "ATM CASH OUT 1ST ST,ATM,Visa Debit 1234"]
    f = read_statement(_csv(rows), "report.csv")
    assert list(f.transactions["category"]) == ["income", "own_transfer", "other", "other"]


# -- a card's payment as its issuer words it, or as its Type column says ---------------------------

@pytest.mark.parametrize("description", [
    # On the card's statement.
    "ACH DEPOSIT INTERNET TRANSFER FROM ACCOUNT ENDING IN 1234",  # Apple Card
    "PAYMENT - THANK YOU / PAIEMENT - MERCI", "PAIEMENT - MERCI",  # RBC Visa
    "INTERNET PAYMENT - THANK YOU", "DIRECTPAY FULL BALANCE",  # Discover
    "ONLINE PAYMENT, THANK YOU",  # Citi
    "CAPITAL ONE MOBILE PYMT", "AUTOMATIC PAYMENT - THANK",  # Capital One, Chase (cut short)
    # On the bank's side.
    "APPLECARD GSBANK PAYMENT 2345678 WEB ID: 9999999999", "DISCOVER E-PAYMENT 1234",
    "CITI CARD ONLINE PAYMENT 123456 WEB ID: CITICARDAP",
])
def test_issuers_card_payments_are_card_payments(description: str) -> None:
    assert classify(pd.Series([description]))[0] == "card_payment"


@pytest.mark.parametrize("description", ["DISCOVER BOOKS LTD", "APPLE.COM/BILL",
                                         "INTERNET TRANSFER TO J SMITH"])
def test_what_only_looks_like_an_issuers_payment_is_not(description: str) -> None:
    assert classify(pd.Series([description]))[0] != "card_payment"


APPLE_LIKE = ["Transaction Date,Clearing Date,Description,Merchant,Category,Type,Amount (USD)",
              "02/27/2024,02/28/2024,UBER EATS,Uber Eats,Restaurants,Purchase,23.40",
              "02/20/2024,02/20/2024,ACH DEPOSIT,Ach Deposit,Payment,Payment,-500.00",
              "02/15/2024,02/16/2024,WHOLEFDS 10234,Whole Foods,Grocery,Purchase,88.12",
              "02/05/2024,02/06/2024,AMAZON MKTPL,Amazon,Shopping,Credit,-19.99",
              "02/02/2024,02/03/2024,SHELL OIL 57442,Shell,Gas,Purchase,45.00"]


def test_a_card_rows_type_saying_payment_is_a_payment_to_the_card() -> None:
    # The description names no payment; the Type column does: a debt payment, not a refund.
    reading = read_statements([("Apple Card Transactions - February 2024.csv",
                                _csv(APPLE_LIKE))])
    (f,) = reading.files
    assert list(f.transactions["category"]) == ["other", "card_payment", "other", "other",
                                                "other"]
    (month,) = reading.report()["months"]
    assert month["debt_payments"] == 500.0
    assert month["expenses"] == round(23.40 + 88.12 + 45.00 - 19.99, 2)


def test_a_type_saying_payment_on_an_accounts_rows_is_no_card_payment() -> None:
    # Venmo-like: 'Payment' is every payment between people, on an account, not a card.
    rows = ["Datetime,Type,Status,Note,From,To,Amount (total)",
            "2024-01-02T08:00:00,Payment,Complete,rent,Jane,Bob,- $500.00",
            "2024-01-05T08:00:00,Payment,Complete,pizza,Al,Jane,+ $20.00",
            "2024-01-09T08:00:00,Payment,Complete,tickets,Jane,Cy,- $35.00"]
    f = read_statement(_csv(rows), "venmo_statement.csv")
    assert f.kind == "account" and "card_payment" not in set(f.transactions["category"])


# -- moves to and from the holder's own savings pots, spaces and vaults ----------------------------

@pytest.mark.parametrize("description", [
    "To GBP Savings", "From GBP Savings", "TRANSFER Current To EUR Savings",  # Revolut
    "To pocket GBP Holiday from GBP", "From pocket GBP Holiday to GBP",
    "Savings vault top-up", "Pot transfer Savings Pot", "Savings Pot",  # Monzo
    "Transfer to Space: Holiday", "Transfer from Space: Holiday",  # Starling
    "Transfer to Savings", "Online Transfer to SAV ...1234",  # Chase
])
def test_moves_to_the_holders_own_savings_are_own_transfers(description: str) -> None:
    assert classify(pd.Series([description]))[0] == "own_transfer"


@pytest.mark.parametrize("description", ["SPACE NK LTD", "POCKET GAMES", "SAVINGS BANK FEE"])
def test_what_only_looks_like_a_savings_move_is_not(description: str) -> None:
    assert classify(pd.Series([description]))[0] == "other"


def test_a_revolut_savings_move_is_neither_spending_nor_income() -> None:
    rows = ["Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,"
            "Balance",
            "TOPUP,Current,2024-01-02 09:00:00,2024-01-02 09:00:05,Payment from Acme Ltd,"
            "2000.00,0.00,GBP,COMPLETED,2000.00",
            "TRANSFER,Current,2024-01-05 09:00:00,2024-01-05 09:00:05,To GBP Savings,"
            "-500.00,0.00,GBP,COMPLETED,1500.00",
            "CARD_PAYMENT,Current,2024-01-09 09:00:00,2024-01-09 09:00:05,Tesco,"
            "-40.00,0.00,GBP,COMPLETED,1460.00",
            "TRANSFER,Current,2024-01-20 09:00:00,2024-01-20 09:00:05,From GBP Savings,"
            "100.00,0.00,GBP,COMPLETED,1560.00"]
    (month,) = _months("account-statement_2024-01.csv", rows)
    assert month["income"] == 2000.0 and month["expenses"] == 40.0


# -- a year stated alone above the table: labelled as a year, a period or a statement -----------

@pytest.mark.parametrize("preamble", [
    ["Balance 2000"], ["Opening balance 2000"], ["Opening balance 2,000.00"],
    ["Available balance: 2024"], ["Saldo 2000 EUR"], ["Credit limit 2000"],
    ["Statement balance 2000"], ["ACME BANK", "Total 2050"],
])
def test_an_amount_above_the_table_is_no_year(preamble: list[str]) -> None:
    assert year_anchor(preamble, "export.csv") is None


@pytest.mark.parametrize(("preamble", "last"), [
    (["Kontoauszug 2024"], "2024-12-31"), (["Annual statement 2023"], "2023-12-31"),
    (["Year: 2022"], "2022-12-31"), (["Statement period 2024"], "2024-12-31"),
    (["Relevé de compte 2024", "Solde 1500"], "2024-12-31"), (["2024"], "2024-12-31"),
    (["Geschäftsjahr 2023"], "2023-12-31"), (["Extracto 2024"], "2024-12-31"),
])
def test_a_labelled_year_above_the_table_is_the_years_anchor(preamble: list[str],
                                                              last: str) -> None:
    anchor = year_anchor(preamble, "export.csv")
    assert anchor is not None and str(anchor.last) == last and anchor.whole_year


def test_an_opening_balance_is_never_the_year_of_dates_without_one() -> None:
    rows = ["Opening balance,2000", "Date,Description,Amount", "03 Nov,TESCO,-12.50",
            "05 Nov,SALARY ACME,1500.00"]
    with pytest.raises(StatementError, match="no year"):
        read_statement(_csv(rows), "export.csv")


# -- a wallet's conversion between the holder's own currency balances -----------------------------

WISE_LIKE = ["ID,Status,Direction,Created on,Source amount (after fees),Source currency,"
             "Target amount (after fees),Target currency,Reference",
             "T-1,COMPLETED,IN,2024-01-02 09:00:00,2450.00,EUR,2450.00,EUR,SALARY ACME",
             "T-2,COMPLETED,OUT,2024-01-05 12:00:00,84.35,EUR,84.35,EUR,REWE",
             "B-3,COMPLETED,NEUTRAL,2024-01-15 08:00:00,200.00,EUR,217.00,USD,",
             "B-4,COMPLETED,NEUTRAL,2024-01-18 08:00:00,50.00,USD,46.00,EUR,",
             "T-5,COMPLETED,OUT,2024-01-20 12:00:00,45.00,EUR,45.00,EUR,AMAZON"]


def test_a_conversion_out_of_the_files_currency_is_an_own_transfer_counted_once() -> None:
    reading = read_statements([("wise.csv", _csv(WISE_LIKE))])
    (f,) = reading.files
    t = f.transactions
    # Out of the euro balance: the holder's own money moved, read as such; the conversion
    # from dollars is in another currency and left out, so nothing is counted twice.
    assert list(t["amount"]) == [2450.0, -84.35, -200.0, -45.0]
    assert list(t["category"]) == ["income", "other", "own_transfer", "other"]
    assert [r["row"] for r in f.rows_skipped] == [5]
    assert "USD" in f.rows_skipped[0]["reason"]
    (month,) = reading.report()["months"]
    assert month["income"] == 2450.0 and month["expenses"] == round(84.35 + 45.0, 2)
    (note,) = [w for w in f.warnings if "conversion" in w]
    assert "1 conversion" in note and "'Direction'" in note and "own transfer" in note
    assert "neither income nor spending" in note
