"""Dates without a year, era and Minguo years, full-width digits, a balance's own Dr/Cr column
and several currencies: each rule on the smallest file that needs it, and the case it must
leave alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shared_features.ingest import InputError
from shared_features.statements import StatementError, read_statement, read_statements
from shared_features.statements.dates import parse_dates, year_anchor
from shared_features.statements.decode import decode
from shared_features.statements.money import parse_money


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def _dates(f) -> list[str]:
    return [str(d.date()) for d in f.transactions["date"]]


# -- dates without a year -------------------------------------------------------------------------

def test_a_stated_period_over_new_year_puts_december_in_the_year_before() -> None:
    rows = ["Statement period 15/12/2023 - 14/01/2024", "", "Date,Description,Amount",
            "18 Dec,TESCO STORES,-12.50", "24 Dec,SALARY ACME,1500.00",
            "02 Jan,RENT,-800.00", "10 Jan,OCTOPUS ENERGY,-60.00"]
    f = read_statement(_csv(rows), "s.csv")
    assert _dates(f) == ["2023-12-18", "2023-12-24", "2024-01-02", "2024-01-10"]
    assert any("no year" in w and "2023 and 2024" in w for w in f.warnings)


def test_the_date_in_the_file_name_gives_the_year_and_rolls_back_over_new_year() -> None:
    rows = ["Date,Description,Amount", "12/28,GROCER,-20.00", "12/31,SALARY,1500.00",
            "01/05,RENT,-800.00", "01/09,FUEL,-40.00"]
    f = read_statement(_csv(rows), "Activity20240110.csv")
    assert _dates(f) == ["2023-12-28", "2023-12-31", "2024-01-05", "2024-01-09"]


@pytest.mark.parametrize(("preamble", "name", "last"), [
    (["Statement period 01/10/2024 - 31/10/2024"], "x.csv", "2024-10-31"),
    (["Kontoauszug Oktober 2024"], "x.csv", "2024-10-31"),
    (["照会期間 令和6年10月1日～令和6年10月31日"], "x.csv", "2024-10-31"),
    (["Statement date: Nov 15, 2024"], "x.csv", "2024-11-15"),
    ([], "statement_2024-10.csv", "2024-10-31"),
    ([], "Umsaetze_Oktober_2024.csv", "2024-10-31"),
    ([], "export_2024.csv", "2024-12-31"),
])
def test_where_the_year_is_stated(preamble: list[str], name: str, last: str) -> None:
    anchor = year_anchor(preamble, name)
    assert anchor is not None and str(anchor.last) == last


@pytest.mark.parametrize("preamble", [["Sort code 12-34-56 Account 12345678"],
                                      ["Kontoauszug Nr. 1/2024"], ["Page 1 of 2"]])
def test_numbers_that_are_no_year_state_none(preamble: list[str]) -> None:
    # A sort code is no date, a statement's number in the year ('Nr. 1/2024') is no month.
    assert year_anchor(preamble, "export.csv") is None


@pytest.mark.parametrize(("preamble", "name"), [
    ([], "statement_20240231.csv"), ([], "export_20241301.csv"), ([], "st_0000-05.csv"),
    (["Ref 05/0000"], "x.csv"), (["Oktober 0000"], "x.csv")])
def test_an_impossible_date_or_year_is_no_date(preamble: list[str], name: str) -> None:
    # Each raised a ValueError out of the upload (a 500); now they state no year, and
    # year-less rows are refused as with any other file.
    assert year_anchor(preamble, name) is None
    rows = [*preamble, "Date,Description,Amount", "11/03,TESCO,-12.50", "11/15,SALARY,1500.00"]
    with pytest.raises(StatementError):
        read_statement(_csv(rows), name)


def test_no_year_anywhere_is_refused_naming_column_row_and_what_to_add() -> None:
    rows = ["Account,XXXX1234", "Date,Description,Amount", "11/03,TESCO,-12.50",
            "11/15,SALARY,1500.00"]
    with pytest.raises(StatementError) as caught:
        read_statement(_csv(rows), "export.csv")
    err = caught.value
    assert (err.line, err.column, err.value) == (3, "Date", "11/03")
    assert "no year" in err.message and "statement_2024-10.csv" in err.message
    with pytest.raises(InputError):  # the 4xx the upload answers with
        read_statements([("export.csv", _csv(rows))])


def test_year_less_day_and_month_order_follows_the_stated_period() -> None:
    # '03/11', '05/11', '09/11' are in order either way round: the period's dates, written
    # day-first, settle it.
    rows = ["Period,01/11/2024 - 30/11/2024", "Date,Description,Amount", "03/11,A,-1.00",
            "05/11,B,-2.00", "09/11,C,-3.00"]
    assert _dates(read_statement(_csv(rows), "s.csv")) == ["2024-11-03", "2024-11-05",
                                                          "2024-11-09"]


def test_dotted_pairs_without_the_closing_dot_are_amounts_not_dates() -> None:
    reading = parse_dates(pd.Series(["03.11", "12.05", "1.10"]))
    assert np.isnat(reading.dates).all() and reading.missing_year is None
    assert parse_dates(pd.Series(["03.11.", "12.05."])).missing_year == "03.11."


def test_full_dates_are_read_as_before_with_no_year_rule_involved() -> None:
    reading = parse_dates(pd.Series(["02/01/2024", "15/01/2024"]))
    assert [str(d) for d in reading.dates] == ["2024-01-02", "2024-01-15"]
    assert reading.missing_year is None and reading.warning is None


# -- era and Minguo years, full-width forms -------------------------------------------------------

@pytest.mark.parametrize(("cell", "iso"), [
    ("令和6年10月3日", "2024-10-03"), ("令和元年5月1日", "2019-05-01"),
    ("平成31年4月30日", "2019-04-30"), ("昭和64年1月7日", "1989-01-07"),
    ("R06.10.03", "2024-10-03"), ("H31.04.30", "2019-04-30"),
    ("民國113年10月3日", "2024-10-03"), ("113/10/03", "2024-10-03"),
    ("2024年10月3日", "2024-10-03"), ("2024년 10월 3일", "2024-10-03"),
    ("2024/10/03(木)", "2024-10-03"),
])
def test_era_minguo_and_cjk_dates_read_as_the_common_era(cell: str, iso: str) -> None:
    reading = parse_dates(pd.Series([cell, cell]))
    assert [str(d) for d in reading.dates] == [iso, iso]


def test_an_era_year_is_said_in_the_warnings() -> None:
    reading = parse_dates(pd.Series(["R06.01.02", "R06.01.05"]))
    assert reading.warning and "Japanese era or the Minguo calendar" in reading.warning


def test_full_width_amounts_and_the_triangle_minus_read_as_numbers() -> None:
    text = decode("日付,摘要,金額\n２０２４／１０／０３,ＪＣＢ　カード,－１２，３４５．００\n"
                  "2024/10/04,給与,\"▲1,200\"\n2024/10/05,X,（５００）\n".encode()).text
    assert "2024/10/03,JCB カード,-12'345.00" in text
    assert '"-1,200"' in text and "X,(500)" in text
    amounts = parse_money(pd.Series(["-12'345.00", "-1,200", "(500)"]), ".").values
    assert list(amounts) == [-12345.0, -1200.0, -500.0]
    assert "△" in decode("摘要,金額\n3△4,1\n".encode()).text  # inside a word: no minus


def test_a_full_width_comma_that_is_no_digit_grouping_is_left_alone() -> None:
    # In a Chinese sentence '，' is a comma: only between digits, before three, does it group.
    assert "东，西" in decode("摘要,金额\n东，西,１，２３４\n".encode()).text
    assert "1'234" in decode("摘要,金额\n东，西,１，２３４\n".encode()).text


# -- a balance's own Dr / Cr column ---------------------------------------------------------------

def test_a_dr_cr_column_after_the_balance_signs_it() -> None:
    rows = ["Txn Date,Description,Debit,Credit,Balance,Dr/Cr",
            "02-01-2024,SALARY,,2450.00,1450.00,Cr", "03-01-2024,RENT,1100.00,,350.00,Cr",
            "05-01-2024,GROCER,500.00,,150.00,Dr", "10-01-2024,FUEL,50.00,,200.00,Dr"]
    f = read_statement(_csv(rows), "s.csv")
    assert list(f.transactions["balance"]) == [1450.0, 350.0, -150.0, -200.0]
    assert f.format["columns"]["balance_indicator"] == "Dr/Cr"


def test_two_sh_columns_sign_the_amount_and_the_balance_each() -> None:
    rows = ["Buchungstag;Text;Umsatz;Soll/Haben;Saldo;Soll/Haben",
            "02.01.2024;GEHALT;2.450,00;H;1.450,00;H", "03.01.2024;MIETE;1.100,00;S;350,00;H",
            "05.01.2024;REWE;500,00;S;150,00;S", "10.01.2024;ARAL;50,00;S;200,00;S"]
    f = read_statement(_csv(rows), "s.csv")
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -500.0, -50.0]
    assert list(f.transactions["balance"]) == [1450.0, 350.0, -150.0, -200.0]


def test_the_only_indicator_stays_the_amounts_when_the_amounts_are_unsigned() -> None:
    # 'Amount, Balance, Dr/Cr' with amounts written without sign: the column signs them.
    rows = ["Date,Description,Amount,Balance,Dr/Cr", "02/01/2024,SALARY,2450.00,3450.00,CR",
            "03/01/2024,RENT,1100.00,2350.00,DR", "05/01/2024,GROCER,84.35,2265.65,DR"]
    f = read_statement(_csv(rows), "s.csv")
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -84.35]
    assert list(f.transactions["balance"]) == [3450.0, 2350.0, 2265.65]


# -- several currencies ---------------------------------------------------------------------------

_WALLET = ["Date,Description,Amount,Currency", "2024-01-02,SALARY ACME,2450.00,EUR",
           "2024-01-03,AMAZON.COM,-45.20,USD", "2024-01-05,REWE,-84.35,EUR",
           "2024-01-06,UBER,-12.80,USD", "2024-01-09,RENT,-800.00,EUR", "2024-01-12,X,-1.00,"]


def test_rows_in_another_currency_are_skipped_and_named() -> None:
    f = read_statement(_csv(_WALLET), "wallet.csv")
    assert f.currency == "EUR"
    assert sorted(f.transactions["amount"]) == [-800.0, -84.35, -1.0, 2450.0]  # '' is EUR
    assert [r["row"] for r in f.rows_skipped] == [3, 5]
    assert all("in USD, not EUR" in r["reason"] for r in f.rows_skipped)
    assert any("2 rows in other currencies than EUR" in w and "rows 3, 5" in w
               for w in f.warnings)


def test_one_currency_column_skips_nothing() -> None:
    rows = [r.replace("USD", "EUR") for r in _WALLET]
    f = read_statement(_csv(rows), "wallet.csv")
    assert len(f.transactions) == 6 and not f.rows_skipped


def test_a_file_in_another_currency_is_left_out_of_the_months() -> None:
    eur = _csv(["Date,Description,Amount,Currency", "2024-01-02,SALARY,2450.00,EUR",
                "2024-01-20,RENT,-800.00,EUR", "2024-01-28,GROCER,-50.00,EUR"])
    usd = _csv(["Date,Description,Amount,Currency", "2024-01-04,PAY,999.00,USD",
                "2024-01-25,SHOP,-10.00,USD"])
    reading = read_statements([("eur.csv", eur), ("usd.csv", usd)])
    (month,) = reading.report()["months"]
    assert month["income"] == 2450.0 and month["expenses"] == 850.0
    assert any("usd.csv (USD) left out" in w for w in reading.warnings)


# -- layouts first read wrong: mortgages, deposit interest, a short Turkish file -----------------

@pytest.mark.parametrize(("description", "category"), [
    ("SPŁATA RATY KREDYTU HIPOTECZNEGO NR 20190012345", "mortgage"),
    ("RATA KREDYTU MIESZKANIOWEGO", "mortgage"),
    ("HYPOTHEKENRATE SPARKASSE", "mortgage"), ("ROCKET MORTGAGE PAYMENT", "mortgage"),
    ("KONUT KREDİSİ TAKSİT ÖDEMESİ", "mortgage"), ("住宅ローン返済", "mortgage"),
    # still loans: a cash loan, a loan's interest
    ("SPŁATA RATY KREDYTU GOTÓWKOWEGO", "loan_payment"), ("대출이자 02월", "loan_payment"),
    ("ODSETKI OD LOKATY TERMINOWEJ", "interest"), ("KAPITALIZACJA ODSETEK", "interest"),
    ("VADELİ HESAP FAİZİ", "interest"), ("VADELI MEVDUAT FAIZI", "interest"),
    ("ZINSEN TAGESGELD", "interest"), ("INTEREST FROM SAVINGS", "interest"),
    ("定期預金利息", "interest"), ("예금 이자", "interest"),
    # still own transfers: the deposit itself
    ("LOKATA 3M", "own_transfer"), ("UMBUCHUNG AUF TAGESGELD", "own_transfer"),
    ("HESAPLAR ARASI VİRMAN VADELİ HESABA", "own_transfer"),
    # still missed payments: penalty interest
    ("ODSETKI KARNE", "missed"), ("GECİKME FAİZİ", "missed"),
    ("ÖDEMENİZ İÇİN TEŞEKKÜR EDERİZ", "card_payment"), ("쿠팡(주) 승인취소", "refund"),
])
def test_mortgages_and_deposit_interest(description: str, category: str) -> None:
    from shared_features.statements.classify import classify
    assert classify(pd.Series([description]))[0] == category


def test_deposit_interest_is_income_and_a_mortgage_is_spending() -> None:
    rows = ["Date,Description,Amount", "2024-01-02,WYNAGRODZENIE ACME,5000.00",
            "2024-01-10,SPŁATA RATY KREDYTU HIPOTECZNEGO,-2000.00",
            "2024-01-15,RATA KREDYTU GOTÓWKOWEGO,-300.00",
            "2024-01-20,PRZELEW NA LOKATĘ,-1000.00", "2024-01-31,ODSETKI OD LOKATY,12.50"]
    (month,) = read_statements([("konto.csv", _csv(rows))]).report()["months"]
    assert month["income"] == 5012.50
    assert month["expenses"] == 2000.0 and month["debt_payments"] == 300.0


def test_a_short_turkish_file_is_read_as_turkish_by_the_words_it_holds() -> None:
    # Few letters outside ASCII: the detector's guesses tie, and cp1250 or cp1257 would
    # read 'Açıklama' as 'Aç˝klama' or 'Aēżklama'; the reader's own words settle it.
    rows = ["Kart Numarası;5401 **** **** 1234", "Hesap Kesim Tarihi;29.02.2024", "",
            "İşlem Tarihi;Açıklama;Tutar;Bonus", "04.01.2024;STARBUCKS KADIKOY;4,50 TL;0,04",
            "08.01.2024;MIGROS ATASEHIR;62,30 TL;0,62"]
    f = read_statement(("\n".join(rows) + "\n").encode("cp1254"), "ekstre.csv")
    assert f.format["encoding"] == "cp1254"
    assert f.format["columns"]["description"] == "Açıklama"


def test_polish_debit_and_credit_headers_and_a_dash_before_the_time() -> None:
    from shared_features.statements.roles import _header_roles
    assert _header_roles(["Data transakcji", "Obciążenia", "Uznania", "Saldo"]) == {
        0: "date", 1: "debit", 2: "credit", 3: "balance"}
    reading = parse_dates(pd.Series(["02/01/2024-09:15", "15/01/2024-18:40"]))
    assert [str(d) for d in reading.dates] == ["2024-01-02", "2024-01-15"]
    # A dash alone still separates a date's own parts.
    assert str(parse_dates(pd.Series(["2024-01-02", "2024-01-15"])).dates[1]) == "2024-01-15"


def test_a_row_whose_indicator_marks_no_direction_is_skipped_not_counted() -> None:
    # A wallet's '/' in 收/支: a withdrawal to the person's own bank, neither in nor out.
    rows = ["交易时间,商品,收/支,金额(元)", "2024-01-02 09:00:00,工资,收入,¥2450.00",
            "2024-01-03 10:00:00,房租,支出,¥1100.00", "2024-01-16 20:00:00,零钱提现,/,¥64.30",
            "2024-01-20 10:00:00,超市,支出,¥84.35"]
    f = read_statement(_csv(rows), "wallet.csv")
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -84.35]
    assert f.rows_skipped == [{"row": 4, "reason": "neither money in nor out: column '收/支' "
                                                   "marks no direction"}]
    # Signed amounts keep their own sign where the indicator is blank.
    signed = ["Date,Description,Amount,Dr/Cr", "02/01/2024,SALARY,2450.00,CR",
              "03/01/2024,RENT,-1100.00,", "05/01/2024,GROCER,-84.35,DR"]
    assert list(read_statement(_csv(signed), "s.csv").transactions["amount"]) == [
        2450.0, -1100.0, -84.35]


def test_the_spreadsheet_text_apostrophe_is_removed_before_digits_only() -> None:
    rows = ["Periode :,01/01/2024 - 29/02/2024", "", "Tanggal,Keterangan,Jumlah,,Saldo",
            "'02/01,GAJI ACME,2450.00,CR,3450.00", "'03/01,'SEWA KOS,1100.00,DB,2350.00",
            "'05/01,INDOMARET,84.35,DB,2265.65"]
    f = read_statement(_csv(rows), "rekening.csv")
    assert _dates(f) == ["2024-01-02", "2024-01-03", "2024-01-05"]
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -84.35]
    assert f.transactions["description"].iloc[1] == "'SEWA KOS"  # a word keeps it


@pytest.mark.parametrize(("description", "category"), [
    ("TRF TO FD 50012345678 AUTO SWEEP", "own_transfer"),
    ("TRANSFER TO TERM DEPOSIT 1234", "own_transfer"), ("PLAZO FIJO CONSTITUCION", "own_transfer"),
    ("FD INTEREST 50012345678", "interest"), ("INT.PD:01-01-2024 TO 31-03-2024", "interest"),
    ("PAGO INTERESES PLAZO FIJO", "interest"),
    ("NACH RTN CHGS INCL GST", "missed"), ("ECS RETURN CHARGES", "missed"),
    ("ACH D- BAJAJ FINANCE LTD EMI", "loan_payment"),
    ("CC BILL PAYMENT 4147XXXXXXXX5678", "card_payment"),
])
def test_term_deposits_and_indian_narration_codes(description: str, category: str) -> None:
    from shared_features.statements.classify import classify
    assert classify(pd.Series([description]))[0] == category


def test_a_short_japanese_card_export_the_detector_finds_too_mixed_is_still_shift_jis() -> None:
    # Every line mixes full-width letters, kana and kanji with ASCII: at its default threshold
    # the detector names nothing (and cp1252 would be assumed); a looser one finds cp932.
    rows = ["山田　太郎　様,4980-00**-****-1234,三井住友カード　ＶＩＳＡ（ＮＬ）",
            "2024/01/04,スターバックス　渋谷店,450,１,１,450,",
            "2024/01/08,イオン　品川シーサイド店,6230,１,１,6230,",
            "2024/01/18,ＡＭＡＺＯＮ．ＣＯ．ＪＰ,4599,１,１,4599,",
            "2024/01/22,ＡＭＡＺＯＮ．ＣＯ．ＪＰ　返品,-1500,１,１,-1500,",
            "2024/01/30,すき家　五反田店,3840,１,１,3840,",
            "2024/02/03,ＥＮＥＯＳ　大崎ＳＳ,5500,１,１,5500,", ",,,,,18620,"]
    f = read_statement(("\r\n".join(rows) + "\r\n").encode("cp932"), "meisai.csv")
    assert f.format["encoding"] == "cp932" and f.kind == "card"
    assert f.transactions["description"].iloc[2] == "AMAZON.CO.JP"
    assert list(f.transactions["category"])[3] == "refund"


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_year_alone_in_the_file_name_turns_over_new_year_by_the_row_order(
        newest_first: bool) -> None:
    rows = ["Dec 20,GROCER,-20.00", "Dec 28,SALARY,1500.00", "Jan 05,RENT,-800.00",
            "Jan 09,FUEL,-40.00"]
    rows = rows[::-1] if newest_first else rows
    f = read_statement(_csv(["Date,Description,Amount", *rows]), "transactions_2024.csv")
    assert sorted(_dates(f)) == ["2023-12-20", "2023-12-28", "2024-01-05", "2024-01-09"]


def test_a_year_alone_keeps_every_date_in_it_when_the_rows_do_not_turn() -> None:
    rows = ["Date,Description,Amount", "Jan 05,RENT,-800.00", "Mar 09,FUEL,-40.00",
            "Dec 28,SALARY,1500.00"]
    f = read_statement(_csv(rows), "export_2024.csv")
    assert _dates(f) == ["2024-01-05", "2024-03-09", "2024-12-28"]


# -- round 3: a year alone above the table, two-digit Minguo years, codes inside the amounts -----

@pytest.mark.parametrize(("preamble", "last"), [
    (["Kontoauszug 2024"], "2024-12-31"),
    (["Annual statement 2023", "Account holder: J. Smith"], "2023-12-31"),
])
def test_a_year_alone_above_the_table_is_a_whole_year_anchor(preamble: list[str],
                                                             last: str) -> None:
    anchor = year_anchor(preamble, "export.csv")
    assert anchor is not None and str(anchor.last) == last and anchor.whole_year


@pytest.mark.parametrize("preamble", [["IBAN DE12 1234 5678 0001 2024 67"],
                                      ["Balance: 2000.00"], ["Saldo 2.024,00"],
                                      ["Opening balance $2024"]])
def test_a_four_digit_number_among_others_or_an_amount_is_no_year(preamble: list[str]) -> None:
    assert year_anchor(preamble, "export.csv") is None


def test_a_year_above_the_table_turns_over_new_year_by_the_row_order() -> None:
    rows = ["Kontoauszug 2024", "Datum;Text;Betrag", "28.11.;Gehalt;2500,00",
            "15.12.;Supermarkt;-80,00", "03.01.;Miete;-900,00", "10.01.;Strom;-60,00"]
    f = read_statement(_csv(rows), "umsaetze.csv")
    assert _dates(f) == ["2023-11-28", "2023-12-15", "2024-01-03", "2024-01-10"]
    assert any("the year above the table (2024)" in w for w in f.warnings)


def test_the_file_name_date_is_preferred_to_a_year_alone_above_the_table() -> None:
    rows = ["Statement 2024", "Date,Description,Amount", "01/28,GROCER,-20.00",
            "02/05,RENT,-800.00", "02/09,FUEL,-40.00"]
    f = read_statement(_csv(rows), "Activity20240210.csv")
    assert _dates(f) == ["2024-01-28", "2024-02-05", "2024-02-09"]


def test_two_digit_minguo_years_beside_three_digit_ones_are_minguo() -> None:
    # An export across 2010-2011: ROC 99 is 2010, 100 is 2011.
    rows = ["日期,摘要,支出,存入,餘額", "99/12/20,薪資,,45000,120000",
            "99/12/28,房租,18000,,102000",
            "100/01/05,信用卡費,8000,,94000", "100/01/20,薪資,,45000,139000"]
    f = read_statement(_csv(rows), "tw.csv")
    assert _dates(f) == ["2010-12-20", "2010-12-28", "2011-01-05", "2011-01-20"]
    assert f.skipped_total == 0


def test_two_digit_years_first_with_no_minguo_year_beside_them_are_not_minguo() -> None:
    got = parse_dates(pd.Series(["05/01/24", "20/01/24", "03/02/24"])).dates
    assert [str(d) for d in got] == ["2024-01-05", "2024-01-20", "2024-02-03"]


@pytest.mark.parametrize(("sep", "cells", "skipped", "kept"), [
    (",", ["EUR 2500.00", "EUR -900.00", "GBP -120.00", "EUR -80.50", "USD -45.00"],
     {"GBP": [4], "USD": [6]}, [2500.0, -900.0, -80.5]),
    (";", ["2.500,00 EUR", "-900,00 EUR", "-120,00 GBP", "-80,50 EUR", "-45,00 EUR"],
     {"GBP": [4]}, [2500.0, -900.0, -80.5, -45.0]),
    (",", ["€2,500.00", "-€900.00", "-£120.00", "-€80.50", "-€45.00"],
     {"GBP": [4]}, [2500.0, -900.0, -80.5, -45.0]),
])
def test_currencies_inside_the_amount_cells_are_never_added_together(
        sep: str, cells: list[str], skipped: dict[str, list[int]], kept: list[float]) -> None:
    # No currency column: the codes or symbols in the amount cells say each row's currency.
    texts = ["SALARY ACME", "RENT", "HOTEL LONDON", "GROCER", "AMAZON"]
    rows = [f"Date{sep}Description{sep}Amount"] + [
        f'2024-03-{i + 1:02d}{sep}{t}{sep}"{c}"' for i, (t, c) in enumerate(
            zip(texts, cells, strict=True))]
    f = read_statement(_csv(rows), "wallet.csv")
    assert f.currency == "EUR"
    assert list(f.transactions["amount"]) == kept
    got: dict[str, list[int]] = {}
    for r in f.rows_skipped:
        got.setdefault(r["reason"].split()[1].rstrip(","), []).append(r["row"])
    assert got == skipped
    assert any("not added together" in w for w in f.warnings)


def test_one_code_or_one_dollar_form_in_the_amount_cells_skips_nothing() -> None:
    rows = ["Date,Description,Amount", "2024-03-01,SALARY,USD 2500.00", "2024-03-02,RENT,$-900.00",
            "2024-03-03,GROCER,-$80.50", "2024-03-04,FUEL,-40.00 USD"]
    f = read_statement(_csv(rows), "wallet.csv")
    assert f.skipped_total == 0 and f.currency == "USD"
    assert list(f.transactions["amount"]) == [2500.0, -900.0, -80.5, -40.0]


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_year_alone_places_an_export_over_more_than_a_year_by_each_turn(
        newest_first: bool) -> None:
    # Nov 2022 to Feb 2024 with only '2024' stated: two turns of the year, so the rows
    # before the first are two years before 2024, not all in 2024.
    rows = ["Nov 20,GROCER,-20.00", "Dec 28,SALARY,1500.00", "Mar 05,RENT,-800.00",
            "Jul 09,FUEL,-40.00", "Dec 20,SALARY,1500.00", "Jan 05,RENT,-800.00",
            "Feb 09,FUEL,-40.00"]
    rows = rows[::-1] if newest_first else rows
    f = read_statement(_csv(["Date,Description,Amount", *rows]), "export_2024.csv")
    assert sorted(_dates(f)) == ["2022-11-20", "2022-12-28", "2023-03-05", "2023-07-09",
                                 "2023-12-20", "2024-01-05", "2024-02-09"]


def test_amount_columns_named_by_currency_are_not_money_out_and_money_in() -> None:
    # 'CAD$' and 'USD$', each row filling one, were read as debit and credit: pay became
    # money out. The fuller one is the amount; the other currency's rows are skipped.
    rows = ['"Transaction Date","Description 1","CAD$","USD$"', '1/2/2024,PAYROLL,2450.00,',
            '1/3/2024,RENT,-1100.00,', '1/5/2024,AMAZON.COM,,-45.00', '1/9/2024,GROCER,-84.35,']
    f = read_statement(_csv(rows), "rbc.csv")
    assert f.currency == "CAD" and f.format["columns"]["amount"] == "CAD$"
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -84.35]
    assert [r["row"] for r in f.rows_skipped] == [4]
    assert "in USD, not CAD" in f.rows_skipped[0]["reason"]


def test_debit_and_credit_columns_with_no_currency_in_their_names_stay_a_pair() -> None:
    rows = ["Date,Description,Out,In", "2024-01-02,PAYROLL,,2450.00", "2024-01-03,RENT,1100.00,",
            "2024-01-05,GROCER,84.35,"]
    f = read_statement(_csv(rows), "x.csv")
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -84.35]
