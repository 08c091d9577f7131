"""One person's statement files read together: the same file twice, overlapping exports of one
account, account + card + savings + loan with transfers between them, different currencies and
different periods. Nothing is lost or counted twice.

Each case is built from small histories written here: a row is (date, description, signed
amount); the balance column, when a file has one, is the running balance of the whole history,
so two exports of one account agree on it row by row, as a bank's exports do."""

from __future__ import annotations

import html
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from shared_features.statements import read_statements

CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"
Row = tuple[date, str, float]


def _history(months: tuple[int, ...] = (1, 2, 3, 4)) -> list[Row]:
    """A checking account: pay, rent, groceries, two equal coffees on one day, a card payment,
    a transfer to savings and a monthly fee, each month of 2024 given."""
    rows: list[Row] = []
    for m in months:
        d = date(2024, m, 1)
        rows += [(d, "SALARY ACME LTD", 2500.00),
                 (d + timedelta(1), "RENT HIGHGATE LETTINGS", -1100.00),
                 (d + timedelta(4), "TESCO STORES 3021", -84.35 - m),
                 (d + timedelta(9), "COFFEE HOUSE", -3.20),
                 (d + timedelta(9), "COFFEE HOUSE", -3.20),
                 (d + timedelta(11), "CREDIT CARD PAYMENT", -250.00),
                 (d + timedelta(14), "TRANSFER TO SAVINGS", -100.00),
                 (d + timedelta(19), "OCTOPUS ENERGY", -61.20),
                 (d + timedelta(26), "MONTHLY ACCOUNT FEE", -5.00)]
    return rows


def _card_history(months: tuple[int, ...] = (1, 2, 3, 4)) -> list[Row]:
    rows: list[Row] = []
    for m in months:
        d = date(2024, m, 1)
        rows += [(d + timedelta(2), "STARBUCKS 1234", -4.50),
                 (d + timedelta(7), "WHOLE FOODS MARKET", -62.30 - m),
                 (d + timedelta(13), "PAYMENT THANK YOU", 250.00),
                 (d + timedelta(20), "SHELL OIL 5744", -55.00)]
    return rows


def _csv(rows: list[Row], balance: bool = True, opening: float = 1000.0,
         lo: date | None = None, hi: date | None = None) -> bytes:
    """The rows dated lo..hi (both included) as an export; the balance is that of the whole
    history, as each export of the account shows it."""
    lines = ["Date,Description,Amount" + (",Balance" if balance else "")]
    running = opening
    for d, text, amount in rows:
        running = round(running + amount, 2)
        if (lo is None or d >= lo) and (hi is None or d <= hi):
            lines.append(f"{d.isoformat()},{text},{amount:.2f}"
                         + (f",{running:.2f}" if balance else ""))
    return ("\n".join(lines) + "\n").encode()


def _months(*uploads: tuple[str, bytes]) -> pd.DataFrame:
    return read_statements(list(uploads)).months


def _warnings(*uploads: tuple[str, bytes]) -> list[str]:
    return read_statements(list(uploads)).warnings


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


ACCOUNT = _csv(_history())
CARD = _csv(_card_history(), balance=False)


# -- the same file twice, overlapping exports of one account ------------------------------------

def test_the_same_file_uploaded_twice_counts_once() -> None:
    once = _months(("a.csv", ACCOUNT))
    _same(_months(("a.csv", ACCOUNT), ("a.csv", ACCOUNT)), once)
    _same(_months(("a.csv", ACCOUNT), ("copy of a.csv", ACCOUNT)), once)
    (said,) = [w for w in _warnings(("a.csv", ACCOUNT), ("copy of a.csv", ACCOUNT))
               if "repeats" in w]
    assert said == ("copy of a.csv repeats 36 rows of a.csv (2024-01-01 .. 2024-04-27): "
                    "counted once")


def test_overlapping_exports_of_one_account_count_the_overlap_once() -> None:
    jan_feb = _csv(_history(), hi=date(2024, 2, 29))
    feb_apr = _csv(_history(), lo=date(2024, 2, 1))
    whole = _months(("whole.csv", ACCOUNT))
    got = _months(("a.csv", jan_feb), ("b.csv", feb_apr))
    _same(got, whole)  # income, spending, debt payments, fees and balances once
    warnings = _warnings(("a.csv", jan_feb), ("b.csv", feb_apr))
    assert "b.csv repeats 9 rows of a.csv (2024-02-01 .. 2024-02-27): counted once" in warnings


def test_a_last_30_days_export_inside_a_90_day_one_adds_nothing() -> None:
    ninety = _csv(_history(), lo=date(2024, 1, 29), hi=date(2024, 4, 27))
    thirty = _csv(_history(), lo=date(2024, 3, 29), hi=date(2024, 4, 27))
    _same(_months(("90.csv", ninety), ("30.csv", thirty)), _months(("90.csv", ninety)))
    # in either order
    _same(_months(("30.csv", thirty), ("90.csv", ninety)), _months(("90.csv", ninety)))


def test_overlapping_card_exports_without_balances_count_once() -> None:
    rows = _card_history()
    a = _csv(rows, balance=False, hi=date(2024, 3, 3))
    b = _csv(rows, balance=False, lo=date(2024, 2, 1))
    _same(_months(("visa_a.csv", a), ("visa_b.csv", b)), _months(("visa.csv", CARD)))


def test_two_equal_rows_in_one_file_stay_two_and_across_files_the_larger_count() -> None:
    rows = _history()
    a = _csv(rows, balance=False, hi=date(2024, 2, 29))
    b = _csv(rows, balance=False, lo=date(2024, 2, 1))
    got = _months(("a.csv", a), ("b.csv", b))
    _same(got, _months(("whole.csv", _csv(rows, balance=False))))
    # A third coffee that day in the later export only (booked after the first was taken):
    # the two coffees both files show are counted once, the third is counted too.
    third = rows + [(date(2024, 2, 10), "COFFEE HOUSE", -3.20)]
    third.sort(key=lambda r: r[0])
    b3 = _csv(third, balance=False, lo=date(2024, 2, 1))
    got3 = _months(("a.csv", a), ("b.csv", b3)).set_index("month")
    base = got.set_index("month")
    assert got3.loc["2024-02", "expenses"] == pytest.approx(base.loc["2024-02", "expenses"] + 3.2)
    assert got3.drop("2024-02").equals(base.drop("2024-02"))


def test_two_accounts_that_share_a_fee_row_are_not_merged() -> None:
    """A joint account and a personal one at the same bank: both charge the monthly fee on the
    same day; nothing else coincides, so both fees are spending."""
    joint = [(date(2024, m, 1) + timedelta(k), text, amount)
             for m in (1, 2, 3, 4)
             for k, text, amount in ((3, "COUNCIL TAX", -150.00), (8, "WATER BILL", -40.00),
                                     (26, "MONTHLY ACCOUNT FEE", -5.00),
                                     (0, "DEPOSIT FROM PARTNER", 400.00))]
    joint.sort(key=lambda r: r[0])
    alone = _months(("me.csv", ACCOUNT)).set_index("month")
    both = _months(("me.csv", ACCOUNT), ("joint.csv", _csv(joint, opening=300.0)))
    both = both.set_index("month")
    assert (both["expenses"] - alone["expenses"]).round(2).tolist() == [195.0] * 4
    # the same without balance columns: one shared row is no evidence either
    both_nb = _months(("me.csv", _csv(_history(), balance=False)),
                      ("joint.csv", _csv(joint, balance=False))).set_index("month")
    assert (both_nb["expenses"] - alone["expenses"]).round(2).tolist() == [195.0] * 4
    assert not any("repeats" in w for w in _warnings(("me.csv", ACCOUNT),
                                                     ("joint.csv", _csv(joint))))


def test_liquid_savings_of_two_exports_of_one_account_is_one_balance() -> None:
    a = _csv(_history(), hi=date(2024, 3, 10))
    b = _csv(_history(), lo=date(2024, 2, 1))
    got = _months(("a.csv", a), ("b.csv", b))
    assert got["liquid_savings"].tolist() == _months(("w.csv", ACCOUNT))["liquid_savings"].tolist()


# -- several accounts and transfers between them ------------------------------------------------

def test_account_card_and_a_repeated_file() -> None:
    pair = _months(("me.csv", ACCOUNT), ("visa.csv", CARD))
    _same(_months(("me.csv", ACCOUNT), ("visa.csv", CARD), ("me (1).csv", ACCOUNT)), pair)
    _same(_months(("me.csv", ACCOUNT), ("visa.csv", CARD), ("visa (1).csv", CARD)), pair)
    # the card's payments are matched once each, to the account's payments
    assert pair["debt_payments"].tolist() == [250.0] * 4


def test_a_transfer_to_an_uploaded_savings_account_is_neither_income_nor_spending() -> None:
    savings = [(date(2024, m, 15), "ONLINE DEPOSIT REF 8812", 100.00) for m in (1, 2, 3, 4)]
    savings += [(date(2024, m, 28), "CREDIT INTEREST", 1.50) for m in (1, 2, 3, 4)]
    savings.sort(key=lambda r: r[0])
    alone = _months(("me.csv", ACCOUNT)).set_index("month")
    got = _months(("me.csv", ACCOUNT), ("savings.csv", _csv(savings, opening=5000.0)))
    got = got.set_index("month")
    assert (got["income"] - alone["income"]).round(2).tolist() == [1.5] * 4
    assert got["expenses"].tolist() == alone["expenses"].tolist()


def test_a_loan_repayment_to_an_uploaded_loan_statement_counts_once() -> None:
    name = "loan_account_principal_balance.csv"
    loan = (CORPUS / name).read_bytes()
    account = (CORPUS / "uk_current_account.csv").read_bytes()
    got = _months(("uk_current_account.csv", account), (name, loan))
    # account: the card payment (Jan) and the loan instalment (Feb, matched to the loan's
    # receipt); the loan's January repayment has no account row, so it counts from the loan
    assert got["debt_payments"].tolist() == [450.0, 150.0]
    assert got["total_debt"].tolist() == [4882.10, 4763.05]


def test_a_card_payment_is_matched_to_the_card_not_to_an_equal_savings_transfer() -> None:
    """The account pays the card 300 and moves 300 to savings the day after; the savings account
    receives its 300 that day, the card its payment two days later. The closest pair in days is
    the wrong one for the card payment."""
    account = [(date(2024, 1, 2), "SALARY ACME LTD", 2500.00),
               (date(2024, 1, 10), "CREDIT CARD PAYMENT", -300.00),
               (date(2024, 1, 11), "TRANSFER TO SAVINGS", -300.00),
               (date(2024, 1, 30), "TESCO STORES", -50.00)]
    savings = [(date(2024, 1, 3), "INTEREST", 1.00), (date(2024, 1, 11), "DEPOSIT", 300.00),
               (date(2024, 1, 29), "INTEREST", 1.00)]
    card = [(date(2024, 1, 4), "STARBUCKS", -4.50), (date(2024, 1, 12), "PAYMENT RECEIVED", 300.0),
            (date(2024, 1, 28), "SHELL OIL", -20.00)]
    got = _months(("me.csv", _csv(account)), ("savings.csv", _csv(savings)),
                  ("visa.csv", _csv(card, balance=False)))
    assert got["debt_payments"].tolist() == [300.0]
    assert got["income"].tolist() == [2502.0]
    assert got["expenses"].tolist() == [74.5]


def test_two_equal_card_payments_days_apart_are_both_matched() -> None:
    account = [(date(2024, 1, 2), "SALARY ACME LTD", 2500.00),
               (date(2024, 1, 10), "CREDIT CARD PAYMENT", -300.00),
               (date(2024, 1, 12), "CREDIT CARD PAYMENT", -300.00),
               (date(2024, 1, 30), "TESCO STORES", -50.00)]
    card = [(date(2024, 1, 3), "STARBUCKS", -4.50), (date(2024, 1, 11), "PAYMENT RECEIVED", 300.0),
            (date(2024, 1, 13), "PAYMENT RECEIVED", 300.0), (date(2024, 1, 29), "SHELL", -20.0)]
    reading = read_statements([("me.csv", _csv(account)), ("visa.csv", _csv(card, False))])
    assert reading.months["debt_payments"].tolist() == [600.0]
    assert any(w.startswith("2 transfers") for w in reading.warnings)


# -- currencies and periods ---------------------------------------------------------------------

def test_a_file_in_another_currency_is_left_out_with_a_warning() -> None:
    pounds = (CORPUS / "uk_current_account.csv").read_bytes()  # 12 rows in GBP
    lines = _csv(_history()).decode().splitlines()
    euros = "\n".join([lines[0] + ",Currency", *(line + ",EUR" for line in lines[1:])]) + "\n"
    reading = read_statements([("uk.csv", pounds), ("eu.csv", euros.encode())])
    assert any(w.startswith("uk.csv (GBP) left out") for w in reading.warnings)
    _same(reading.months, _months(("eu.csv", euros.encode())))


def test_months_without_a_bank_account_are_left_out_and_a_short_card_cuts_nothing() -> None:
    """A card for January-March and the account for February-April: January has no account
    (no pay: income 0 would be made up), so it is left out; April has the account but not the
    card, and stays - it lacks the card's spending, as when no card is uploaded, and a card
    export's few months must not cut the account's history. Both are said."""
    card = _csv(_card_history(), balance=False, hi=date(2024, 3, 31))
    account = _csv(_history(), lo=date(2024, 2, 1))
    reading = read_statements([("visa.csv", card), ("me.csv", account)])
    assert reading.months["month"].tolist() == ["2024-02", "2024-03", "2024-04"]
    assert (reading.months["income"] == 2500.0).all()
    assert any("left out: 2024-01" in w for w in reading.warnings)
    assert any(w.startswith("visa.csv covers 2024-01-") and "missing from 1 of the months" in w
               for w in reading.warnings)
    # February and March are what the two files give together over those months
    both = _months(("visa.csv", _csv(_card_history((2, 3)), balance=False)),
                   ("me.csv", _csv(_history(), lo=date(2024, 2, 1), hi=date(2024, 3, 31))))
    _same(reading.months.iloc[:2].drop(columns=["liquid_savings"]),
          both.drop(columns=["liquid_savings"]))


def test_a_card_ending_early_in_the_last_month_keeps_that_month() -> None:
    """The account to 28 March, the card only to 5 March: March is the account's month, kept,
    with a warning that it lacks most of the card's spending."""
    card = _csv(_card_history(), balance=False, hi=date(2024, 3, 5))
    account = _csv(_history(), hi=date(2024, 3, 28))
    reading = read_statements([("me.csv", account), ("visa.csv", card)])
    assert reading.months["month"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert any(w.startswith("visa.csv covers") and "2024-03-03 only" in w
               for w in reading.warnings)


def test_two_bank_accounts_score_the_months_both_cover() -> None:
    """A checking account for January-April and a savings account for February-April:
    January has only one account's balance, so the months kept are those both cover."""
    savings = [row for m in (2, 3, 4) for row in (
        (date(2024, m, 10), "TRANSFER FROM CHECKING", 100.00),
        (date(2024, m, 28), "INTEREST PAID", 1.50))]
    reading = read_statements([("a.csv", _csv(_history())),
                               ("b.csv", _csv(savings, opening=5000.0))])
    assert reading.months["month"].tolist() == ["2024-02", "2024-03", "2024-04"]


def test_one_account_split_over_two_files_is_one_coverage() -> None:
    """Two exports of one account (January-February, March-April) with no overlap and a card
    over all four months: the account covers all four (the two files are one after the
    other), so all four months are scored."""
    a = _csv(_history(), hi=date(2024, 2, 29))
    b = _csv(_history(), lo=date(2024, 3, 1))
    got = _months(("a.csv", a), ("b.csv", b), ("visa.csv", CARD))
    assert got["month"].tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]


# -- the corpus's combined uploads and the dry run ----------------------------------------------

MANIFEST = json.loads((CORPUS / "expected.json").read_text())
REPEATED = [c for c in MANIFEST["combined"] if "repeats" in c]


def test_the_corpus_has_combined_uploads_with_repeats() -> None:
    assert len(REPEATED) >= 2
    assert any(len(set(c["files"])) < len(c["files"]) for c in REPEATED)  # a file twice


@pytest.mark.parametrize("combo", REPEATED, ids=lambda c: "+".join(c["files"]))
def test_corpus_repeats_are_counted_once_and_said(combo: dict) -> None:
    reading = read_statements([(n, (CORPUS / n).read_bytes()) for n in combo["files"]])
    assert reading.report()["months"] == combo["months"]
    assert combo["repeats"] in reading.warnings


def test_the_dry_run_shows_the_repeat(client) -> None:
    (combo,) = [c for c in REPEATED if len(set(c["files"])) == len(c["files"])]
    files = [(io.BytesIO((CORPUS / n).read_bytes()), n) for n in combo["files"]]
    r = client.post("/api/v1/statements", data={"file": files},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    assert r.json["months"] == combo["months"]
    assert combo["repeats"] in r.json["warnings"]


def test_the_dashboard_preview_shows_the_repeat(client) -> None:
    (combo,) = [c for c in REPEATED if len(set(c["files"])) < len(c["files"])]
    files = [(io.BytesIO((CORPUS / n).read_bytes()), n) for n in combo["files"]]
    r = client.post("/upload", data={"file": files}, content_type="multipart/form-data")
    assert r.status_code == 200
    assert combo["repeats"] in html.unescape(r.get_data(as_text=True))
