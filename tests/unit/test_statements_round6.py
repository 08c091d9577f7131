"""The rules behind the sixth blind round's layouts, each on the smallest values that need it,
and the case it must leave alone."""

from __future__ import annotations

import re

import pandas as pd

from shared_features.statements import monthly_records, read_statement
from shared_features.statements.classify import classify
from shared_features.statements.vocabulary import contains_pattern, fold, words_pattern


def _cats(texts: list[str]) -> list[str]:
    return list(classify(pd.Series(texts)))


def test_a_loan_repayment_is_no_card_payment() -> None:
    # 'epayment' (a card's online payment) once matched inside 'repayment'.
    assert _cats(["BPAY PERSONAL LOAN REPAYMENT", "LOAN REPAYMENT", "CC EPAYMENT 4564"]) == [
        "loan_payment", "loan_payment", "card_payment"]


def test_an_equals_word_matches_only_whole() -> None:
    pattern = contains_pattern(["=epayment", "gehalt"], compounds=True, inside_from=6)
    assert re.search(pattern, fold("EPAYMENT THANK YOU"))
    assert not re.search(pattern, fold("REPAYMENT"))
    assert re.search(pattern, fold("GEHALTSZAHLUNG"))  # other words still inside compounds
    assert re.findall(words_pattern(["=epayment"], compounds=True), "repayment epayment") == [
        "epayment"]


def test_transfer_to_a_masked_account_number_is_own() -> None:
    assert _cats(["Transfer to xx1234 CommBank app", "TRF FROM A/C **5678",
                  "Transfer To RAY WHITE REALTY NetBank Rent", "TRANSFER TO 12345678"]) == [
        "own_transfer", "own_transfer", "other", "other"]


def test_dishonour_and_insufficient_balance_returns_are_missed() -> None:
    assert _cats(["DISHONOUR FEE", "ACH RTN CHRG INSUFF BAL 24-02-2024",
                  "DISHONOURED PAYMENT FEE", "HONOUR ROLL DONATION"]) == [
        "missed", "missed", "missed", "other"]


def _loan_file(header_balance: str, title: str) -> bytes:
    return "\n".join([title, "", f"Date,Description,Debit,Credit,{header_balance}",
                      "09/01/2024,REPAYMENT THANK YOU,,150.00,4850.00",
                      "31/01/2024,INTEREST CHARGED,32.10,,4882.10",
                      "09/02/2024,REPAYMENT,,150.00,4732.10",
                      "29/02/2024,INTEREST CHARGED,30.95,,4763.05", ""]).encode()


def test_a_loan_statement_reads_as_debt_not_income_and_savings() -> None:
    # Before: the repayments were income and the principal owed was liquid savings.
    f = read_statement(_loan_file("Principal Balance", "Statement"), "statement.csv")
    assert f.kind == "card"
    months = monthly_records([f])[0]
    assert months["income"].tolist() == [0, 0]
    assert months["debt_payments"].tolist() == [150.0, 150.0]
    assert months["expenses"].tolist() == [32.10, 30.95]
    assert months["total_debt"].tolist() == [4882.10, 4763.05]
    assert months["liquid_savings"].isna().all()


def test_a_loan_account_named_in_the_preamble_is_debt() -> None:
    f = read_statement(_loan_file("Balance", "Loan Account Statement"), "x.csv")
    assert f.kind == "card"


def test_an_account_with_a_balance_column_stays_an_account() -> None:
    f = read_statement(_loan_file("Balance", "Statement"), "statement.csv")
    # A loan is known by its words (name, preamble, header); without them it stays an account.
    assert f.kind == "account"
