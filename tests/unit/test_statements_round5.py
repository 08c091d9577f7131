"""The rules behind the fifth blind round's layouts, each on the smallest file or values that
need it, and the case it must leave alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shared_features.statements import read_statement
from shared_features.statements.classify import classify
from shared_features.statements.dates import parse_dates


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize(("cells", "expected"), [
    (["05MAR2024", "14FEB2024", "02JAN2024"], ["2024-03-05", "2024-02-14", "2024-01-02"]),
    (["05MAR24", "14FEB24"], ["2024-03-05", "2024-02-14"]),
    (["5mars2024", "14févr2024", "2janv.2024"], ["2024-03-05", "2024-02-14", "2024-01-02"]),
])
def test_month_name_glued_to_day_and_year(cells: list[str], expected: list[str]) -> None:
    got = parse_dates(pd.Series(cells)).dates
    assert [str(d) for d in got] == expected


def test_glued_letters_that_are_no_month_stay_no_date() -> None:
    got = parse_dates(pd.Series(["05ABC2024", "12XY2024"])).dates
    assert np.isnat(got).all()


def test_compact_dates_make_a_date_column() -> None:
    f = read_statement(_csv(["DATE|TEXT|AMOUNT", "05MAR2024|SHOP|12.50-",
                             "07MAR2024|SALARY|1000.00"]), "x.csv")
    assert f.transactions["date"].astype(str).str[:10].tolist() == ["2024-03-05", "2024-03-07"]
    assert f.transactions["amount"].tolist() == [-12.5, 1000.0]


def test_two_row_header_names_debit_and_credit_under_a_merged_amount() -> None:
    f = read_statement(_csv(["Date,Details,Amount,,Balance", ",,Debit,Credit,",
                             "02/01/2024,SALARY,,2450.00,3450.00",
                             "03/01/2024,RENT,1100.00,,2350.00",
                             "05/01/2024,SHOP,84.35,,2265.65",
                             "20/01/2024,REFUND,,25.99,2291.64"]), "x.csv")
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0, -84.35, 25.99]
    assert f.transactions["balance"].tolist() == [3450.0, 2350.0, 2265.65, 2291.64]


def test_a_title_line_above_a_full_header_is_no_header_row() -> None:
    # A preamble line above a header that leaves no column unnamed stays preamble.
    f = read_statement(_csv(["Account history,Current account", "Date,Details,Amount,Balance",
                             "02/01/2024,SALARY,2450.00,3450.00",
                             "03/01/2024,RENT,-1100.00,2350.00"]), "x.csv")
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0]


def test_balance_brought_forward_between_header_and_rows() -> None:
    f = read_statement(_csv(["Date,Particulars,Amount,Balance",
                             ",BALANCE BROUGHT FORWARD,,1000.00 CR",
                             "02/01/2024,SALARY,2450.00 CR,3450.00 CR",
                             "03/01/2024,RENT,1100.00 DR,2350.00 CR",
                             "05/01/2024,SHOP,84.35 DR,2265.65 CR"]), "x.csv")
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0, -84.35]
    assert f.skipped_total == 1


@pytest.mark.parametrize(("currency", "scale"), [("EUR", 100), ("JPY", 1), ("KWD", 1000)])
def test_minor_units_named_in_the_header(currency: str, scale: int) -> None:
    f = read_statement(_csv(["created,description,amount_minor_units,currency,balance (cents)",
                             f"2024-01-02T09:00:00+05:30,SALARY,245000,{currency},345000",
                             f"2024-01-03T10:00:00+05:30,RENT,-110000,{currency},235000",
                             f"2024-01-05T11:00:00+05:30,SHOP,-8435,{currency},226565"]),
                        "x.csv")
    assert f.transactions["amount"].tolist() == pytest.approx(
        [245000 / scale, -110000 / scale, -8435 / scale])
    assert f.transactions["balance"].tolist() == pytest.approx(
        [345000 / scale, 235000 / scale, 226565 / scale])


def test_whole_amounts_without_the_words_stay_as_written() -> None:
    f = read_statement(_csv(["Date,Description,Amount", "2024-01-02,SALARY,2450",
                             "2024-01-03,RENT,-1100"]), "x.csv")
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0]


def test_savings_side_of_an_own_transfer() -> None:
    got = classify(pd.Series(["TRANSFER FROM CURRENT ACCOUNT 12345678",
                              "TRANSFER TO CURRENT ACCOUNT 12345678", "CREDIT INTEREST"]))
    assert list(got) == ["own_transfer", "own_transfer", "interest"]


def test_daily_subtotal_rows_are_summary_rows() -> None:
    f = read_statement(_csv(["거래일자,적요,출금액,입금액,잔액",
                             "2024.01.02,급여,0,2450.00,3450.00",
                             ",일계,0,2450.00,", "2024.01.03,월세,1100.00,0,2350.00",
                             ",일계,1100.00,0,", ",합계,1100.00,2450.00,"]), "x.csv")
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0]
    assert {s["reason"] for s in f.summary()["rows_skipped"]} == {
        "summary row (balance, total, account or page line)"}


def test_glued_date_shape_needs_a_month_or_a_full_year() -> None:
    from shared_features.statements.layout import _date_like
    cells = pd.Series(["05MAR2024", "5mars2024", "14févr2024", "05MAR24", "12ABC34", "12ABC345"])
    assert _date_like(cells).tolist() == [True, True, True, True, False, False]
