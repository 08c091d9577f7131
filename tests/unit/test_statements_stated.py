"""What a statement states about itself: limit, available credit, balances and closing date read
from its preamble and summary rows, and what the months make of them - each rule on the
smallest input that needs it, and the cases it must leave alone."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shared_features.statements import read_statement, read_statements
from shared_features.statements.stated import StatedValues, read_stated

CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"


def stated(*lines: str, decimal: str = ".", day_first: bool = False, kind: str = "card"
           ) -> StatedValues:
    return read_stated(pd.Series(list(lines), dtype=object), decimal, day_first, kind)


# -- reader side: the label families -------------------------------------------------------------

@pytest.mark.parametrize(("line", "decimal", "field", "value"), [
    # English
    ("Credit Limit: $5,000.00", ".", "credit_limit", 5000.00),
    ("Credit line 5000", ".", "credit_limit", 5000.00),
    ("Available Credit 3,217.50", ".", "available_credit", 3217.50),
    ("New Balance $1,782.50", ".", "closing_balance", 1782.50),
    ("Statement Balance: USD 1,782.50", ".", "closing_balance", 1782.50),
    ("Closing balance 1782.50", ".", "closing_balance", 1782.50),
    ("Previous Balance $500.00", ".", "opening_balance", 500.00),
    # German
    ("Kreditlimit 5.000,00 EUR", ",", "credit_limit", 5000.00),
    ("Verfügungsrahmen: 2.500,00 €", ",", "credit_limit", 2500.00),
    ("Neuer Saldo 1.234,56", ",", "closing_balance", 1234.56),
    # Spanish
    ("Límite de crédito: 3.000,00", ",", "credit_limit", 3000.00),
    ("Saldo actual 812,40", ",", "closing_balance", 812.40),
    ("Saldo nuevo 812,40", ",", "closing_balance", 812.40),
    # French
    ("Plafond 1 500,00 €", ",", "credit_limit", 1500.00),
    ("Nouveau solde : 640,10", ",", "closing_balance", 640.10),
    # Japanese, Korean, Chinese
    ("ご利用限度額 500,000円", ".", "credit_limit", 500000.0),
    ("利用可能枠 320,000", ".", "available_credit", 320000.0),
    ("신용한도 3,000,000", ".", "credit_limit", 3000000.0),
    ("信用额度：20,000.00", ".", "credit_limit", 20000.00),
])
def test_each_label_family_states_its_value(line, decimal, field, value):
    got = stated(line, decimal=decimal)
    assert getattr(got, field) == pytest.approx(value)
    others = {k for k in ("credit_limit", "available_credit", "closing_balance",
                          "opening_balance") if k != field}
    assert all(getattr(got, k) is None for k in others)


def test_a_closing_date_line_gives_the_day_month_first_or_day_first():
    assert stated("Statement closing date 02/26/2024").closing_date == np.datetime64(
        "2024-02-26")
    assert stated("Stichtag 26.02.2024", day_first=True).closing_date == np.datetime64(
        "2024-02-26")


def test_cr_marks_a_card_in_credit_and_an_account_in_funds():
    assert stated("New Balance 25.00 CR").closing_balance == -25.00
    assert stated("New Balance 25.00").closing_balance == 25.00
    assert stated("Closing balance 1,000.00 CR", kind="account").closing_balance == 1000.00
    assert stated("Closing balance 1,000.00 DR", kind="account").closing_balance == -1000.00


def test_the_limit_is_the_credit_available_plus_the_balance_when_only_those_are_stated():
    s = stated("Available Credit 3,217.50", "New Balance 1,782.50")
    assert s.credit_limit is None and s.limit == 5000.00
    assert stated("Available Credit 3,217.50").limit is None  # the balance is needed too


# -- reader side: what is left alone -------------------------------------------------------------

def test_minimum_payment_and_due_date_are_no_balance_nor_closing_date():
    s = stated("Minimum Payment Due $25.00", "Payment Due Date 03/25/2024",
               "Amount due 25.00")
    assert s == StatedValues()


def test_an_account_or_card_number_after_a_label_is_no_amount():
    s = stated("Balance 000123456789", "Limit 4000123412341234", "Card account 4000 1234",
               kind="account")
    assert s == StatedValues()


def test_a_limit_in_a_transaction_description_is_not_read():
    data = (b"Card statement\nDate,Description,Amount\n"
            b"01/05/2024,CREDIT LIMIT 5000 INCREASE FEE,-10.00\n"
            b"01/09/2024,NEW BALANCE TRANSFER 300.00,-300.00\n"
            b"01/20/2024,PAYMENT - THANK YOU,50.00\n")
    f = read_statement(data, "visa_card.csv")
    assert f.kind == "card" and f.stated == StatedValues()


def test_a_skipped_transaction_row_is_not_read_as_a_summary():
    # A declined row is skipped, but it is a transaction: its words and amount state nothing.
    data = (b"Card statement\nDate,Description,Amount,Status\n"
            b"01/05/2024,NEW BALANCE,-10.00,Declined\n"
            b"01/09/2024,BOOKSHOP,-30.00,Posted\n"
            b"01/20/2024,PAYMENT - THANK YOU,50.00,Posted\n")
    f = read_statement(data, "visa_card.csv")
    assert f.skipped_total == 1 and f.stated == StatedValues()


# -- aggregate side ------------------------------------------------------------------------------

# A card with charges written positive, no balance column, closing on 02/26 with 1,100.00 owed
# and a row after the close. Owed after each row, worked by hand from the close:
#   01-05 +100.00 -> 1100.00 - 30.25 - 19.75 + 50.00 - 100.00 ... written forward from 1000.00:
#   opening 1000.00; 01-05 1100.00; 01-20 1050.00; 02-10 1080.25; 02-25 1100.00 (the close);
#   03-20 1110.00. Month ends: Jan 1050.00, Feb 1100.00, Mar 1110.00.
CARD = ("Statement closing date,02/26/2024\nNew Balance,\"$1,100.00\"\n"
        "Minimum Payment Due,$35.00\nCredit Limit,\"$4,000.00\"\n"
        "Date,Description,Amount\n"
        "01/05/2024,HARDWARE STORE,100.00\n"
        "01/20/2024,PAYMENT - THANK YOU,-50.00\n"
        "02/10/2024,BOOKSHOP,30.25\n"
        "02/25/2024,GROCER,19.75\n"
        "03/20/2024,PHARMACY,10.00\n")


def _months(*files: tuple[str, str]) -> tuple[pd.DataFrame, list[str]]:
    reading = read_statements([(n, d.encode()) for n, d in files])
    return reading.months, reading.warnings


def test_a_card_without_balance_column_gets_month_end_debt_from_its_stated_balance():
    months, warnings = _months(("visa_card.csv", CARD))
    assert months["month"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert months["total_debt"].tolist() == [1050.00, 1100.00, 1110.00]
    assert months["credit_limit"].tolist() == [4000.00, 4000.00, 4000.00]
    assert any("total_debt of visa_card.csv worked back" in w for w in warnings)
    assert not any("no balance column" in w for w in warnings)


def test_with_no_closing_date_the_balance_is_at_the_last_row():
    data = CARD.replace("Statement closing date,02/26/2024\n", "").replace(
        "$1,100.00", "$1,110.00")
    months, _ = _months(("visa_card.csv", data))
    assert months["total_debt"].tolist() == [1050.00, 1100.00, 1110.00]


def test_an_account_without_balance_column_gets_liquid_savings_from_its_closing_balance():
    data = ("Account summary\nClosing balance,\"1,234.56\"\n"
            "Date,Description,Amount\n"
            "01/02/2024,SALARY ACME,2000.00\n01/15/2024,RENT,-1200.00\n"
            "02/01/2024,SALARY ACME,2000.00\n02/20/2024,RENT,-1365.44\n")
    months, warnings = _months(("checking.csv", data))
    # 1234.56 at the last row; back: before 02-20 2600.00, before 02-01 600.00 ... Jan end
    # = 1234.56 + 1365.44 - 2000.00 = 600.00
    assert months["liquid_savings"].tolist() == [600.00, 1234.56]
    assert any("liquid_savings of checking.csv worked back" in w for w in warnings)


# A second card with rows of its own (two files with the same rows are one card exported
# twice, and count once).
OTHER = ("New Balance,$80.00\nCredit Limit,\"$1,500.00\"\nDate,Description,Amount\n"
         "01/07/2024,GARDEN CENTRE,40.00\n02/14/2024,FLORIST,25.00\n"
         "03/18/2024,CINEMA,15.00\n")


def test_two_cards_limits_are_summed():
    other = OTHER
    months, _ = _months(("visa_card.csv", CARD), ("mastercard_card.csv", other))
    assert months["credit_limit"].tolist() == [5500.00, 5500.00, 5500.00]
    # The second card owes 80.00 after its last row: 65.00 at February's end, 40.00 at
    # January's; added to the first card's.
    assert months["total_debt"].tolist() == [1090.00, 1165.00, 1190.00]


def test_one_card_exported_twice_counts_its_limit_once():
    months, _ = _months(("visa_card.csv", CARD), ("visa_card_again.csv", CARD))
    assert months["credit_limit"].tolist() == [4000.00, 4000.00, 4000.00]
    assert months["total_debt"].tolist() == [1050.00, 1100.00, 1110.00]


def test_a_card_that_states_no_limit_leaves_credit_limit_unknown_with_a_warning():
    other = OTHER.replace("Credit Limit,\"$1,500.00\"\n", "")
    months, warnings = _months(("visa_card.csv", CARD), ("mastercard_card.csv", other))
    assert months["credit_limit"].isna().all()
    assert any("credit_limit left unknown: mastercard_card.csv" in w for w in warnings)


def test_no_card_stating_a_limit_leaves_it_unknown_silently():
    other = CARD.replace("Credit Limit,\"$4,000.00\"\n", "")
    months, warnings = _months(("visa_card.csv", other))
    assert months["credit_limit"].isna().all()
    assert not any("credit_limit" in w for w in warnings)


# -- end to end: the score sees utilisation ------------------------------------------------------

def test_a_scored_card_statement_shows_credit_utilisation(client):
    names = ["us_checking_indicator.csv", "card_previous_new_balance_block.csv"]
    r = client.post("/api/v1/score",
                    data={"file": [(io.BytesIO((CORPUS / n).read_bytes()), n) for n in names]},
                    query_string={"person_id": "me"}, content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    (person,) = r.json["results"]
    assert person["history"]["total_debt"] == [336.19, 444.84]
    assert person["history"]["credit_limit"] == [2000.0, 2000.0]
    utilisation = person["key_metrics"]["credit_utilization"]
    assert utilisation is not None and not math.isnan(utilisation)
    # Between the two months' debt over the limit (however the figure averages them).
    assert 336.19 / 2000 - 0.001 <= utilisation <= 444.84 / 2000 + 0.001
