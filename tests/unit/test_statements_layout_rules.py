"""The general rules behind the layouts added for exports from banks nobody here had seen:
each rule on the smallest file or values that need it, and the case it must leave alone."""

from __future__ import annotations

import pandas as pd
import pytest

from shared_features.statements import read_statement
from shared_features.statements.classify import classify
from shared_features.statements.dates import excel_serial_dates, parse_dates
from shared_features.statements.decode import decode
from shared_features.statements.money import decimal_votes, money_share, parse_money
from shared_features.statements.roles import _header_roles
from shared_features.statements.vocabulary import unspaced


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


# -- words of scripts written without spaces ------------------------------------------------------

@pytest.mark.parametrize(("description", "category"), [
    ("代发工资ACME公司", "income"),  # 工资 inside a run of Chinese with no word boundary
    ("转存定期存款", "own_transfer"),
    ("京东退款", "refund"),
    ("个人贷款还款", "loan_payment"),
    ("信用卡逾期滞纳金", "missed"),
    ("ชำระบัตรเครดิต", "card_payment"),  # Thai: 'pay credit card' written as one run
    ("เงินเดือน ACME", "income"),
])
def test_unspaced_scripts_match_inside_text(description: str, category: str) -> None:
    assert classify(pd.Series([description]))[0] == category


def test_spaced_scripts_still_match_whole_words_only() -> None:
    assert unspaced("工资") and unspaced("เงินเดือน") and not unspaced("pay")
    # 'pay' (income) must not match inside 'paypal' or 'repay'.
    assert list(classify(pd.Series(["PAYPAL *EBAY", "PAY ACME"]))) == ["other", "income"]


@pytest.mark.parametrize(("description", "category"), [
    ("LØNN ACME AS", "income"), ("PALKKA ACME OY", "income"), ("GAJI ACME TBK", "income"),
    ("LUONG THANG 01", "income"), ('משכורת אקמה בע"מ', "income"), ("راتب شهر يناير", "income"),
    ("LUOTTOKORTIN MAKSU", "card_payment"), ("PEMBAYARAN KARTU KREDIT", "card_payment"),
    ("THANH TOAN THE TIN DUNG", "card_payment"), ("חיוב כרטיס אשראי", "card_payment"),
    ("OVERFØRING TIL SPAREKONTO", "own_transfer"), ("OMA TILISIIRTO SÄÄSTÖTILILLE", "own_transfer"),
    ("העברה לחיסכון", "own_transfer"), ("AFDRAG BILLÅN", "loan_payment"),
    ("LAINAN LYHENNYS", "loan_payment"), ("ANGSURAN PINJAMAN", "loan_payment"),
    ("PAGO CREDITO PERSONAL", "loan_payment"), ("MUISTUTUSMAKSU", "missed"),
    ("DENDA KETERLAMBATAN", "missed"), ("COMISION POR CHEQUE DEVUELTO", "missed"),
    ("COMISSAO DEBITO DIRECTO DEVOLVIDO", "missed"), ("REFUSJON ELKJØP", "refund"),
    ("PENGEMBALIAN DANA TOKOPEDIA", "refund"), ("HOAN TIEN SHOPEE", "refund"),
    # Not what only looks like them: a shop, a bill.
    ("K-MARKET KALLIO", "other"), ("PLN TOKEN LISTRIK", "other"), ("EVN TIEN DIEN", "other"),
])
def test_new_languages_descriptions(description: str, category: str) -> None:
    assert classify(pd.Series([description]))[0] == category


@pytest.mark.parametrize(("header", "roles"), [
    (["Dato", "Tekst", "Beløb", "Saldo", "Status"],
     ["date", "description", "amount", "balance", "status"]),
    (["Dato", "Beskrivelse", "Rentedato", "Ut fra konto", "Inn på konto"],
     ["date", "description", "value_date", "debit", "credit"]),
    (["Kirjauspäivä", "Arvopäivä", "Määrä", "Saaja/Maksaja"],
     ["date", "value_date", "amount", "description"]),
    (["Tanggal Transaksi", "Keterangan", "Cabang", "Jumlah", "Saldo"],
     ["date", "description", "ignore", "amount", "balance"]),
    (["Tarikh", "Keterangan", "Debit", "Kredit", "Baki"],
     ["date", "description", "debit", "credit", "balance"]),
    (["Ngày giao dịch", "Mô tả", "Ghi nợ", "Ghi có", "Số dư"],
     ["date", "description", "debit", "credit", "balance"]),
    (["วันที่", "รายการ", "ถอนเงิน", "ฝากเงิน", "ยอดคงเหลือ"],
     ["date", "description", "debit", "credit", "balance"]),
    (["תאריך", "תאריך ערך", "תיאור", "חובה", "זכות", 'יתרה בש"ח'],
     ["date", "value_date", "description", "debit", "credit", "balance"]),
    (["التاريخ", "الوصف", "مدين", "دائن", "الرصيد"],
     ["date", "description", "debit", "credit", "balance"]),
])
def test_new_languages_headers_name_their_columns(header: list[str], roles: list[str]) -> None:
    found = _header_roles(header)
    assert [found.get(k) for k in range(len(header))] == roles


# -- decoding ------------------------------------------------------------------------------------

_HEBREW = ["תאריך,תיאור,חובה,זכות,יתרה"] + [
    f"{d:02d}/01/2024,{t},\u200e{o}\u200e,,\u200f{b}\u200f" for d, t, o, b in (
        (2, "שכר דירה", "1,100.00", "2,350.00"), (5, "שופרסל דיל", "84.35", "2,265.65"),
        (8, "חברת החשמל", "61.20", "2,204.45"), (12, "רמי לוי", "92.10", "2,112.35"))]


def test_hebrew_cp1255_with_direction_marks_is_read_as_hebrew() -> None:
    # The marks' bytes (FD, FE) made the detector name a Cyrillic code page.
    decoded = decode(_csv(_HEBREW).replace(b"\n", b"\r\n").decode().encode("cp1255"))
    assert decoded.encoding == "cp1255"
    assert "שופרסל" in decoded.text
    assert "\u200e" not in decoded.text and "\u200f" not in decoded.text


def test_arabic_cp1256_with_direction_marks_is_read_as_arabic() -> None:
    rows = ["التاريخ,الوصف,مدين,دائن,الرصيد"] + [
        f"{d:02d}/01/2024,{t},\u200f{o}\u200f,,\u200f{b}\u200f" for d, t, o, b in (
            (3, "إيجار الشقة", "1,100.00", "2,350.00"), (5, "كارفور", "84.35", "2,265.65"),
            (9, "فاتورة كهرباء", "61.20", "2,204.45"), (14, "لولو هايبر ماركت", "92.10",
                                                        "2,112.35"))]
    decoded = decode(_csv(rows).decode().encode("cp1256"))
    assert decoded.encoding == "cp1256"
    assert "كارفور" in decoded.text and "\u200f" not in decoded.text


def test_arabic_indic_persian_and_full_width_digits_read_as_ascii() -> None:
    text = decode("٠٢/٠١/٢٠٢٤,٢٬٤٥٠٫٠٠,۱۲۳,１２３\n".encode()).text
    assert text == "02/01/2024,2'450.00,123,123\n"


# -- currency ------------------------------------------------------------------------------------

def _dollar_file(dates: list[str]) -> bytes:
    rows = ["Fecha,Concepto,Cargo,Abono,Saldo"]
    balance = 1000.0
    for i, d in enumerate(dates):
        balance -= 10 + i
        rows.append(f'{d},TIENDA {i},"$ {10 + i:.2f}",,"$ {balance:,.2f}"')
    return _csv(rows)


def test_a_bare_dollar_with_day_first_dates_is_not_taken_for_usd() -> None:
    # Mexico, Argentina, Australia, Canada write '$' too; the US writes month-first dates.
    peso = read_statement(_dollar_file(["02/01/2024", "15/01/2024", "28/01/2024"]), "mx.csv")
    assert peso.currency is None and peso.format["day_first"] is True
    usd = read_statement(_dollar_file(["01/02/2024", "01/15/2024", "01/28/2024"]), "us.csv")
    assert usd.currency == "USD" and usd.format["day_first"] is False
    named = read_statement(_dollar_file(["02 Jan 2024", "15 Jan 2024", "28 Jan 2024"]), "x.csv")
    assert named.currency == "USD"


def test_the_rand_prefix_reads_as_an_amount_and_names_the_currency() -> None:
    values = pd.Series(["R2,450.00", "-R84.35", "R 1,100.00", "-R 61.20"])
    assert money_share(values) == 1.0
    assert list(parse_money(values, ".").values) == [2450.0, -84.35, 1100.0, -61.2]
    rows = ["Date,Description,Amount,Balance", "2024/01/02,SALARY,R2450.00,R3450.00",
            "2024/01/03,RENT,-R1100.00,R2350.00", "2024/01/05,SPAR,-R84.35,R2265.65"]
    assert read_statement(_csv(rows), "za.csv").currency == "ZAR"


# -- amounts -------------------------------------------------------------------------------------

def test_lakh_grouping_and_trailing_minus_with_a_code() -> None:
    lakh = pd.Series(["1,23,456.78", "12,34,567.00", "99,999.50"])
    comma, dot = decimal_votes(lakh)
    assert dot > comma
    assert list(parse_money(lakh, ".").values) == [123456.78, 1234567.0, 99999.5]
    assert list(parse_money(pd.Series(["EUR 1.100,00-", "EUR 2.450,00"]), ",").values) == [
        -1100.0, 2450.0]


# -- what is a card ------------------------------------------------------------------------------

def _masked(preamble: str) -> bytes:
    return _csv([preamble, "", "Date,Description,Withdrawal,Deposit,Balance",
                 "02/01/2024,SALARY ACME,,2450.00,3450.00",
                 "03/01/2024,RENT,1100.00,,2350.00", "05/01/2024,GROCER,84.35,,2265.65"])


def test_a_masked_account_number_does_not_make_a_card() -> None:
    account = read_statement(_masked("Account Number,XXXXXXXX1234 ( INR ) - JOHN DOE"), "s.csv")
    assert account.kind == "account"
    card = read_statement(_masked("Card,XXXX XXXX XXXX 1234"), "s.csv")
    assert card.kind == "card"
    card_account = read_statement(_masked("Credit card account,**** 1234"), "s.csv")
    assert card_account.kind == "card"


# -- rows that are not transactions ---------------------------------------------------------------

def test_a_header_repeated_mid_file_is_no_row_and_a_page_footer_is_a_summary_row() -> None:
    rows = ["Date,Description,Amount", "02/01/2024,SALARY,2450.00", "03/01/2024,RENT,-1100.00",
            "", "Page 1 of 2", "Date,Description,Amount", "05/01/2024,GROCER,-84.35",
            "10/01/2024,GROCER,-20.00"]
    f = read_statement(_csv(rows), "s.csv")
    assert len(f.transactions) == 4
    assert f.rows_skipped == [{"row": 5, "reason": "summary row (balance, total, account or "
                                                   "page line)"}]


def test_a_section_titled_pending_holds_pending_rows() -> None:
    rows = ["Pending transactions", "Date,Description,Amount", "29/02/2024,ALDI,-23.40",
            "29/02/2024,SHELL,-40.00", "", "Posted transactions", "Date,Description,Amount",
            "27/02/2024,GROCER,-92.10", "14/02/2024,FEE,-25.00", "01/02/2024,SALARY,2450.00"]
    f = read_statement(_csv(rows), "s.csv")
    assert f.pending == 2
    assert sorted(f.transactions["amount"]) == [-92.10, -25.0, 2450.0]
    assert f.rows_skipped == [{"row": 6, "reason": "section title"}]
    # A title that does not say pending ends the pending section and opens no other.
    booked_first = ["Posted transactions", *rows[1:4], "", "Pending transactions", *rows[6:]]
    assert read_statement(_csv(booked_first), "s.csv").pending == 3


# -- Excel day numbers ---------------------------------------------------------------------------

def test_excel_day_numbers_under_a_date_header_read_as_dates() -> None:
    cells = pd.DataFrame({0: ["Date", "45293", "45294", "45296.5", "45301"],
                          1: ["Amount", "45293", "45100", "45296", "45301"]})
    out, notes = excel_serial_dates(cells)
    assert list(out[0]) == ["Date", "2024-01-02", "2024-01-03", "2024-01-05", "2024-01-10"]
    assert list(out[1]) == list(cells[1])  # an amount column keeps its whole numbers
    assert len(notes) == 1 and "'Date'" in notes[0]


@pytest.mark.parametrize("values", [
    ["45293", "45100", "45296", "45301"],  # out of date order
    ["12345", "12346", "12350", "12360"],  # before 1990
])
def test_whole_numbers_that_are_not_day_numbers_are_left_alone(values: list[str]) -> None:
    cells = pd.DataFrame({0: ["Date", *values]})
    out, notes = excel_serial_dates(cells)
    assert out is cells and notes == []


# -- balance columns that do not run -------------------------------------------------------------

def test_a_balance_repeated_on_every_row_is_not_a_running_balance() -> None:
    rows = ["dateOp;label;amount;accountbalance", "2024-01-02;SALAIRE ACME;2450,00;2813,34",
            "2024-01-03;LOYER;-1100,00;2813,34", "2024-01-05;CARREFOUR;-84,35;2813,34",
            "2024-02-01;SALAIRE ACME;2450,00;2813,34"]
    f = read_statement(_csv(rows), "s.csv")
    assert not f.has_balance and "balance" not in f.format["columns"]
    assert any("holds one value on every row" in w for w in f.warnings)
    # A running balance is kept, and so is one that stands still over zero amounts.
    running = ["date;label;amount;balance", "2024-01-02;A;10,00;110,00", "2024-01-03;B;0,00;110,00",
               "2024-01-04;C;-5,00;105,00", "2024-01-05;D;0,00;105,00"]
    assert read_statement(_csv(running), "s.csv").has_balance


# -- card words in the header alone --------------------------------------------------------------

def _wise(salary: bool) -> bytes:
    rows = ["Date,Amount,Currency,Description,Running Balance,Card Last Four Digits"]
    balance = 1000.0
    lines = [("02-01-2024", 2450.0 if salary else -12.0,
              "SALARY ACME LTD" if salary else "PRET A MANGER")]
    lines += [(f"{d:02d}-01-2024", -a, t) for d, a, t in (
        (3, 84.35, "TESCO"), (5, 61.20, "OCTOPUS ENERGY"), (8, 20.0, "UBER"),
        (12, 9.99, "SPOTIFY"))]
    for d, a, t in lines:
        balance += a
        rows.append(f"{d},{a:.2f},EUR,{t},{balance:.2f},{'' if t.isupper() else '1234'}")
    return _csv(rows)


def test_card_words_in_the_header_alone_yield_to_pay_coming_in() -> None:
    account = read_statement(_wise(salary=True), "statement.csv")
    assert account.kind == "account"
    assert any("the header names a card" in w for w in account.warnings)
    # With nothing that says otherwise, the header's word still makes it a card.
    assert read_statement(_wise(salary=False), "statement.csv").kind == "card"


@pytest.mark.parametrize(("description", "category"), [
    ("PLAĆA ACME D.O.O.", "income"), ("Заробітна плата ТОВ Акме", "income"),
    ("ЗАПЛАТА АКМЕ ЕООД", "income"), ("PALK ACME OÜ", "income"),
    ("PLAĆANJE KREDITNE KARTICE", "card_payment"), ("Погашення кредитної картки", "card_payment"),
    ("KREDIITKAARDI TAGASIMAKSE", "card_payment"), ("LAENU TAGASIMAKSE", "loan_payment"),
    ("ВНОСКА ПО КРЕДИТ", "loan_payment"), ("ÜLEKANNE OMA HOIUKONTOLE", "own_transfer"),
    ("PRIJENOS NA ŠTEDNI RAČUN", "own_transfer"), ("Повернення коштів Rozetka", "refund"),
    ("ZATEZNE KAMATE", "missed"), ("НАКАЗАТЕЛНА ЛИХВА", "missed"), ("VIIVIS", "missed"),
])
def test_croatian_ukrainian_bulgarian_and_estonian_descriptions(description: str,
                                                                 category: str) -> None:
    assert classify(pd.Series([description]))[0] == category


@pytest.mark.parametrize(("header", "roles"), [
    (["Datum valute", "Datum knjiženja", "Opis plaćanja", "Isplata", "Uplata", "Stanje"],
     ["value_date", "date", "description", "debit", "credit", "balance"]),
    (["Дата", "Основание", "Дебит", "Кредит", "Салдо"],
     ["date", "description", "debit", "credit", "balance"]),
    (["Kuupäev", "Saaja/Maksja", "Selgitus", "Summa", "Deebet/Kreedit"],
     ["date", "description", "description", "amount", "indicator"]),
    (["F.Valor", "Fecha", "Concepto", "Importe", "Disponible"],
     ["value_date", "date", "description", "amount", "balance"]),
])
def test_more_headers_name_their_columns(header: list[str], roles: list[str]) -> None:
    found = _header_roles(header)
    assert [found.get(k) for k in range(len(header))] == roles


# -- dates with a weekday or in long form --------------------------------------------------------

@pytest.mark.parametrize(("values", "first"), [
    (["Tue, 02 Jan 2024", "Fri, 05 Jan 2024"], "2024-01-02"),
    (["Tuesday, January 02, 2024", "Friday, January 05, 2024"], "2024-01-02"),
    (["Dienstag, 2. Januar 2024", "Freitag, 5. Januar 2024"], "2024-01-02"),
    (["martes, 2 de enero de 2024", "2 de fevereiro de 2024"], "2024-01-02"),
    (["So, 14.01.2024", "Mo, 15.01.2024"], "2024-01-14"),
    (["Mar 02, 2024", "Mar 15, 2024"], "2024-03-02"),  # 'mar' is March here, not mardi/martes
])
def test_weekday_and_long_form_dates(values: list[str], first: str) -> None:
    reading = parse_dates(pd.Series(values))
    assert str(reading.dates[0]) == first and not pd.isna(reading.dates).any()


def test_a_lone_balance_between_header_and_rows_does_not_hide_the_header() -> None:
    rows = ["Account Activity", ",ID,Datetime,Note,Amount (total),Beginning Balance",
            ",,,,,$1000.00", ",1,2024-01-02T08:15:00,SALARY ACME,+ $2450.00,",
            ",2,2024-01-03T08:15:00,RENT,- $1100.00,", ",3,2024-01-05T08:15:00,GROCER,- $84.35,"]
    f = read_statement(_csv(rows), "s.csv")
    assert f.format["header_row"] == 2
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -84.35]
    assert [r["row"] for r in f.rows_skipped] == [3]


def test_an_overdrawn_balance_marked_dr_is_negative() -> None:
    rows = ["Date,Description,Amount,Dr / Cr,Balance", "02/01/2024,SALARY,2450.00,CR,2200.00 Cr",
            "03/01/2024,RENT,1100.00,DR,1100.00 Cr", "05/01/2024,GROCER,1200.00,DR,100.00 Dr",
            "08/01/2024,FUEL,50.00,DR,150.00 Dr"]
    f = read_statement(_csv(rows), "s.csv")
    assert list(f.transactions["balance"]) == [2200.0, 1100.0, -100.0, -150.0]
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -1200.0, -50.0]


def test_buddhist_era_years_read_as_common_era() -> None:
    reading = parse_dates(pd.Series(["02/01/2567", "29/02/2567", "15/03/2567"]))
    assert [str(d) for d in reading.dates] == ["2024-01-02", "2024-02-29", "2024-03-15"]
    assert reading.warning and "Buddhist era" in reading.warning
    assert parse_dates(pd.Series(["02/01/2024", "15/03/2024"])).warning is None


# -- payment apps: the holder's own money moved, held or converted ---------------------------------

@pytest.mark.parametrize(("description", "category"), [
    ("TOPUP Current Top-Up by *1234", "own_transfer"),
    ("TOPUP Current Apple Pay Top-Up by *1234", "own_transfer"),
    ("Standard Transfer Chase Bank *1234 Venmo", "own_transfer"),
    ("General Withdrawal", "own_transfer"),
    ("Chase Bank Bank Deposit to PP Account", "own_transfer"),
    ("Payment Hold 1AB001", "own_transfer"), ("Payment Release 1AB001", "own_transfer"),
    ("EXCHANGE Current Exchanged to EUR", "own_transfer"),
    ("General Currency Conversion", "own_transfer"),
    # Not what only looks like them: a payment to a person, pay received, a conversion fee.
    ("P2P pizza $bob", "other"), ("TRANSFER Current Payment from Acme Ltd", "other"),
    ("CURRENCY CONVERSION FEE", "other"), ("Direct Deposit ACME PAYROLL", "income"),
])
def test_payment_app_rows_moving_own_money(description: str, category: str) -> None:
    assert classify(pd.Series([description]))[0] == category


def test_a_hold_and_its_release_are_neither_income_nor_spending() -> None:
    rows = ['"Date","Name","Type","Status","Currency","Gross","Fee","Net","Balance"',
            '"01/02/2024","ACME LLC","Mobile Payment","Completed","USD","1,200.00","-35.10",'
            '"1,164.90","1,164.90"',
            '"01/03/2024","","Payment Hold","Completed","USD","-1,164.90","0.00","-1,164.90",'
            '"0.00"',
            '"01/05/2024","","Payment Release","Completed","USD","1,164.90","0.00","1,164.90",'
            '"1,164.90"',
            '"01/06/2024","ETSY","Express Checkout Payment","Completed","USD","-45.00","0.00",'
            '"-45.00","1,119.90"',
            '"01/10/2024","","General Withdrawal","Completed","USD","-1,000.00","0.00",'
            '"-1,000.00","119.90"']
    f = read_statement(_csv(rows), "paypal.csv")
    t = f.transactions
    assert list(t["category"]) == ["other", "own_transfer", "own_transfer", "other",
                                   "own_transfer"]
    assert list(t["amount"]) == [1164.9, -1164.9, 1164.9, -45.0, -1000.0]


# -- Wise's newer export: Direction, fee columns first, an 'ID' column ----------------------------

def test_fee_amount_and_fee_currency_columns_are_not_the_amount_or_the_currency() -> None:
    roles = _header_roles(["Source fee amount", "Source fee currency", "Source amount (after fees)",
                           "Source currency"])
    assert roles[0] == "ignore" and roles[1] == "ignore"
    assert roles[2] == "amount" and roles[3] == "currency"


def test_a_neutral_direction_is_an_own_transfer_neither_income_nor_spending() -> None:
    rows = ["ID,Status,Direction,Created on,Source amount (after fees),Source currency,Reference",
            "T-1,COMPLETED,IN,2024-01-02 09:00:00,2450.00,EUR,SALARY ACME",
            "T-2,COMPLETED,OUT,2024-01-05 12:00:00,84.35,EUR,REWE",
            "B-3,COMPLETED,NEUTRAL,2024-01-15 08:00:00,200.00,EUR,To USD balance",
            "T-4,COMPLETED,OUT,2024-01-20 12:00:00,45.00,EUR,AMAZON"]
    f = read_statement(_csv(rows), "wise.csv")
    # A conversion between the holder's own balances: out of the euros, the holder's money.
    assert list(f.transactions["amount"]) == [2450.0, -84.35, -200.0, -45.0]
    assert f.transactions["category"].iloc[2] == "own_transfer" and not f.rows_skipped


def test_an_id_column_beside_amounts_is_a_statement_not_a_monthly_table() -> None:
    from shared_features.statements import is_monthly_table
    assert not is_monthly_table(b"ID,Status,Direction,Created on,Source amount (after fees)\n"
                                b"T-1,COMPLETED,IN,2024-01-02,2450.00\n")
    assert not is_monthly_table("ID;Datum;Betrag\n1;02.01.2024;-5,00\n".encode("cp1252"))
    # A monthly table keyed by 'id' still is one.
    assert is_monthly_table(b"id,month,liquid_savings\np1,2024-01,100\n")
    assert is_monthly_table(b"id,month,income,expenses\np1,2024-01,100,50\n")


# -- a typeset minus and a marker's abbreviation dot ----------------------------------------------

@pytest.mark.parametrize(("decimal", "cell", "value", "mark"), [
    (",", "\u22121\u00a0100,00", -1100.0, 0), (",", "1 234,56\u2212", -1234.56, 0),
    (".", "\u2013 12.50", -12.5, 0), (".", "45.00", 45.0, 0),
    (".", "20.00 Cr.", 20.0, 1), (".", "20.00 Dr.", 20.0, -1), (".", "12.", 12.0, 0),
])
def test_a_typeset_minus_is_a_minus_and_a_marker_dot_no_decimal(decimal: str, cell: str,
                                                                 value: float, mark: int) -> None:
    r = parse_money(pd.Series([cell]), decimal)
    assert r.values[0] == value and r.marked[0] == mark


# -- a card export whose payments no description names: its type column tells their side ---------

def test_a_card_type_column_saying_payment_and_credit_shows_charges_are_positive() -> None:
    # Apple-Card-like: charges plus, the payment and credits minus, and the payment's
    # description ('ACH DEPOSIT ...') no card-payment word: the Type column tells the side.
    rows = ["Transaction Date,Clearing Date,Description,Merchant,Category,Type,Amount (USD)",
            "02/27/2024,02/28/2024,UBER EATS,Uber Eats,Restaurants,Purchase,23.40",
            "02/20/2024,02/20/2024,ACH DEPOSIT INTERNET TRANSFER FROM ACCOUNT ENDING IN 1234,"
            "Ach Deposit,Payment,Payment,-500.00",
            "02/15/2024,02/16/2024,WHOLEFDS 10234,Whole Foods,Grocery,Purchase,88.12",
            "02/05/2024,02/06/2024,AMAZON MKTPL,Amazon,Shopping,Credit,-19.99",
            "02/02/2024,02/03/2024,SHELL OIL 57442,Shell,Gas,Purchase,45.00",
            "01/28/2024,01/29/2024,APPLE.COM/BILL,Apple Services,Other,Purchase,9.99",
            "01/15/2024,01/16/2024,HEB GROCERY,HEB,Grocery,Purchase,120.55"]
    f = read_statement(_csv(rows), "Apple Card Transactions - February 2024.csv")
    assert f.kind == "card"
    assert list(f.transactions["amount"]) == [-23.40, 500.0, -88.12, 19.99, -45.0, -9.99,
                                              -120.55]


def test_a_type_word_on_most_card_rows_says_nothing_of_the_sign() -> None:
    # 'Card payment' on every purchase: not a payment received; signs stay as written.
    rows = ["Date,Type,Description,Amount", "2024-01-02,Card payment,TESCO,-12.50",
            "2024-01-03,Card payment,SHELL,-40.00", "2024-01-05,Card payment,BOOTS,-8.20",
            "2024-01-09,Card payment,PRET,-5.10", "2024-01-10,Refund,BOOTS,8.20"]
    f = read_statement(_csv(rows), "card.csv")
    assert list(f.transactions["amount"]) == [-12.5, -40.0, -8.2, -5.1, 8.2]


# -- round four: rules behind the blind round's layouts ------------------------------------------

def test_constant_and_counter_columns_are_no_amounts_in_a_headerless_file() -> None:
    # Account number, a row counter, date, description, amount, balance, charges of 0.00.
    rows = [f"62012345678,{i + 1},0{d}/01/2024,{t},{a},{b},0.00" for i, (d, t, a, b) in
            enumerate([(2, "SALARY", "2450.00", "3450.00"), (3, "RENT", "-1100.00", "2350.00"),
                       (5, "GROCER", "-84.35", "2265.65"), (9, "FUEL", "-40.00", "2225.65")])]
    f = read_statement(_csv(rows), "s.csv")
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -84.35, -40.0]
    assert list(f.transactions["balance"]) == [3450.0, 2350.0, 2265.65, 2225.65]


def test_a_balance_before_and_after_each_row_ahead_of_the_amount() -> None:
    rows = ["123456789\tEUR\t20240102\t1000,00\t3450,00\t2450,00\tSALARIS",
            "123456789\tEUR\t20240103\t3450,00\t2350,00\t-1100,00\tHUUR",
            "123456789\tEUR\t20240105\t2350,00\t2265,65\t-84,35\tALBERT HEIJN",
            "123456789\tEUR\t20240110\t2265,65\t1965,65\t-300,00\tCREDITCARD"]
    f = read_statement(_csv(rows), "s.tab")
    assert list(f.transactions["amount"]) == [2450.0, -1100.0, -84.35, -300.0]
    assert f.transactions["balance"].iloc[-1] == 1965.65


def test_a_description_carried_on_to_the_next_rows_belongs_to_the_row_above() -> None:
    rows = ["Transaction date,Description,Withdrawals,Deposits", "02/01/2024,FAST PAYMENT,,2450.00",
            ",SALARY ACME LTD,,", "10/01/2024,GIRO,300.00,", ",CREDIT CARD PAYMENT,,",
            ",VISA 1234,,", "15/01/2024,GIRO,84.35,", "Total,,384.35,2450.00"]
    f = read_statement(_csv(rows), "s.csv")
    assert list(f.transactions["description"]) == [
        "FAST PAYMENT SALARY ACME LTD", "GIRO CREDIT CARD PAYMENT VISA 1234", "GIRO"]
    assert list(f.transactions["category"]) == ["income", "card_payment", "other"]
    assert f.rows_skipped == [{"row": 8, "reason": "summary row (balance, total, account or "
                                                   "page line)"}]


def test_pending_rows_between_the_header_and_the_first_booked_row() -> None:
    rows = ["Bokföringsdag;Belopp;Rubrik;Saldo", "Reserverat;-45,00;ICA;",
            "2024/01/05;-84,35;COOP;2265,65", "2024/01/03;-1100,00;HYRA;2350,00",
            "2024/01/02;2450,00;LÖN;3450,00"]
    f = read_statement(_csv(rows), "s.csv")
    assert f.pending == 1 and len(f.transactions) == 3
    assert f.format["header_row"] == 1


def test_a_card_payment_in_the_cards_words_is_no_refund() -> None:
    rows = ["data;lançamento;valor", "04/01/2024;PADARIA;4,50", "08/01/2024;MERCADO;62,30",
            "12/01/2024;PAGAMENTO EFETUADO;-300,00", "18/01/2024;LOJA;45,99",
            "22/01/2024;ESTORNO LOJA;-15,00"]
    f = read_statement(_csv(rows), "fatura-cartao.csv")
    assert f.kind == "card"
    assert list(f.transactions["category"])[2:] == ["card_payment", "other", "refund"]
    # On an account a 'payment' is any payment made: not read as a card's.
    account = ["Date,Description,Amount,Balance", "02/01/2024,SALARY,2450.00,3450.00",
               "03/01/2024,PAGAMENTO EFETUADO BOLETO,-100.00,3350.00",
               "04/01/2024,RENT,-1100.00,2250.00"]
    assert read_statement(_csv(account), "s.csv").transactions["category"].iloc[1] == "other"


def test_an_account_named_with_its_card_is_an_account() -> None:
    account = read_statement(_masked("Compte de Dépôt carte n° 12345678901"), "s.csv")
    assert account.kind == "account"
    assert read_statement(_masked("Carte Visa Premier n° 4974"), "s.csv").kind == "card"
    # Only the bare word for a card yields to an account's word before it.
    assert read_statement(_masked("Account Type,Credit Card"), "s.csv").kind == "card"


@pytest.mark.parametrize(("header", "currency"), [
    ("Date;Libellé;Débit euros;Crédit euros", "EUR"),
    ("Date;Libellé;Montant(EUROS);Montant(FRANCS)", "EUR"),
    ("Date;Libellé;Débit;Crédit", None),
])
def test_a_currency_named_in_words_in_the_amount_headers(header: str, currency: str | None
                                                         ) -> None:
    rows = [header, "02/01/2024;SALAIRE;;2450,00", "03/01/2024;LOYER;1100,00;",
            "05/01/2024;CARREFOUR;84,35;"]
    if "FRANCS" in header:
        rows = [header, "02/01/2024;SALAIRE;2450,00;16070,95",
                "03/01/2024;LOYER;-1100,00;-7215,53", "05/01/2024;CARREFOUR;-84,35;-553,30"]
    f = read_statement(_csv(rows), "s.csv")
    assert f.currency == currency
    assert f.transactions["amount"].abs().sum() == pytest.approx(3634.35)


def test_of_two_amounts_the_one_in_the_accounts_currency_is_read() -> None:
    rows = ["Дата;Сумма операции;Валюта операции;Сумма платежа;Валюта платежа;Описание",
            "02.01.2024;2450,00;RUB;2450,00;RUB;Зарплата",
            "05.01.2024;-20,00;USD;-1840,00;RUB;Steam",
            "08.01.2024;-84,35;RUB;-84,35;RUB;Пятёрочка",
            "09.01.2024;-10,00;EUR;-990,00;RUB;Booking"]
    f = read_statement(_csv(rows), "s.csv")
    assert f.currency == "RUB" and f.skipped_total == 0
    assert list(f.transactions["amount"]) == [2450.0, -1840.0, -84.35, -990.0]
    # One currency in each: the first amount column stays the amount.
    same = [r.replace("USD", "RUB").replace("EUR", "RUB") for r in rows]
    assert list(read_statement(_csv(same), "s.csv").transactions["amount"]) == [
        2450.0, -20.0, -84.35, -10.0]


@pytest.mark.parametrize(("description", "category"), [
    ("TRANSFER TO OWN A/C 001-234567-838", "own_transfer"),
    ("RETURNED CHEQUE CHARGE", "missed"),
    ("UNPAID DEBIT ORDER FEE", "missed"),
    ("REVERSION COMPRA FALABELLA", "refund"),
    ("PAGO CUOTA CREDITO LIBRE INVERSION", "loan_payment"),
    ("TRANSF A CTA AHORROS PROPIA", "own_transfer"),
])
def test_round_four_descriptions(description: str, category: str) -> None:
    assert classify(pd.Series([description]))[0] == category


def test_the_same_amount_on_every_row_is_still_the_amount() -> None:
    rows = [f"0{m}/01/2024,RENT HIGHGATE,-1100.00" for m in range(1, 6)]
    f = read_statement(_csv(rows), "s.csv")
    assert list(f.transactions["amount"]) == [-1100.0] * 5
