"""The rules behind the sixth blind round's layouts, each on the smallest values that need it,
and the case it must leave alone."""

from __future__ import annotations

import re

import pandas as pd

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
