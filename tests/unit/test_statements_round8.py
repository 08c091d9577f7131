"""The rules behind the eighth blind round's layouts (Africa, the Middle East, South and East
Asia, payment apps), each on the smallest values that need it, and the case it must leave
alone."""

from __future__ import annotations

import pandas as pd

from shared_features.statements import is_monthly_table, read_statement
from shared_features.statements.classify import classify


def _cats(texts: list[str]) -> list[str]:
    return list(classify(pd.Series(texts)))


def _read(lines: list[str], name: str = "statement.csv"):
    return read_statement(("\n".join(lines) + "\n").encode(), name)


# -- vocabulary ---------------------------------------------------------------------------------

def test_late_and_penal_charges_are_missed_payments_but_a_repayment_is_not() -> None:
    assert _cats(["PENALTY CHARGE LATE LOAN REPAYMENT", "Late Repayment Penalty - OKash",
                  "LATE PAYMENT CHARITY CHARGES", "PENAL CHARGES EMI 0224",
                  "LOAN REPAYMENT QUICKCREDIT", "CREDIT CARD REPAYMENT"]) == [
        "missed", "missed", "missed", "missed", "loan_payment", "card_payment"]


def test_savings_products_and_self_transfers_are_own_money() -> None:
    assert _cats(["Target Savings Deposit", "M-Shwari Deposit", "Transfer to GSave",
                  "MMT/IMPS/401512345678/Self transfer/RAHUL SHARMA/HDFC Bank",
                  "VIREMENT PERMANENT VERS COMPTE EPARGNE", "余额宝-自动转入",
                  "TRANSFER TO OWN SAVINGS A/C 8001234567",
                  # left alone: a cash deposit, a deposit to someone else, the fund's yield
                  "CASH DEPOSIT BRANCH 012", "Customer Transfer to 0722XXX123 - JOHN KAMAU",
                  "TRANSFER TO OWNER J SMITH",
                  "余额宝-收益发放"]) == [
        "own_transfer", "own_transfer", "own_transfer", "own_transfer", "own_transfer",
        "own_transfer", "own_transfer", "other", "other", "other", "interest"]


def test_wallet_loans_consumer_credit_and_arabic_card_payment() -> None:
    assert _cats(["GLoan Repayment", "QWIKLOAN REPAYMENT", "ECHEANCE CREDIT CONSOMMATION",
                  "سداد بطاقة ائتمانية 4321", "شراء نقاط بيع - بنده"]) == [
        "loan_payment", "loan_payment", "loan_payment", "card_payment", "other"]


# -- a bill paid to a masked card number --------------------------------------------------------

def test_a_bill_paid_to_a_masked_card_number_is_the_card_payment() -> None:
    assert _cats(["IB BILLPAY DR-HDFCC2-XXXXXXXXXXXX1234", "BPAY 4564********1234",
                  # left alone: the card a purchase was made with, a bill paid to a biller
                  # by its consumer number, a masked account number too short for a card
                  "POS 4147XXXXXXXX1234 DMART BANGALORE", "IB BILLPAY DR-BSESRA-123456789",
                  "BILL PAYMENT A/C XX1234"]) == [
        "card_payment", "card_payment", "other", "other", "other"]


# -- currencies ---------------------------------------------------------------------------------

def test_african_and_asian_currency_codes_and_the_naira_sign() -> None:
    rows = ["02/01/2024,SALARY,2450.00", "03/01/2024,RENT,-1100.00", "05/01/2024,SHOP,-84.35"]
    assert _read(["Currency,NGN", "", "Date,Description,Amount", *rows]).currency == "NGN"
    assert _read(["Devise :,MAD", "", "Date,Description,Amount", *rows]).currency == "MAD"
    assert _read(["Date,Description,Amount(₦)", *rows]).currency == "NGN"
    assert _read(["Date,Description,Amount", *rows]).currency is None  # left alone


# -- a charge alone in a fee column -------------------------------------------------------------

def test_a_charge_alone_in_the_fee_column_is_money_out() -> None:
    head = "Date,Description,Money In,Money Out,Fee,Balance"
    f = _read([head, "2024-01-02,SALARY,2450.00,,,3450.00",
               "2024-01-03,RENT,,-1100.00,,2350.00",
               "2024-02-14,UNPAID DEBIT ORDER FEE,,,-25.00,2325.00"])
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0, -25.0]
    assert f.skipped_total == 0
    assert f.transactions["category"].tolist()[-1] == "missed"


def test_a_fee_beside_an_amount_leaves_the_amount_as_it_is() -> None:
    # A payment app's net amount already has its fee taken off; an empty row stays unread.
    head = "Date,Name,Gross,Fee,Net,Balance"
    f = _read([head, "01/02/2024,ACME,2450.00,-0.30,2449.70,3449.70",
               "01/03/2024,RENT,-1100.00,0.00,-1100.00,2349.70",
               "01/05/2024,SHOP,-84.35,0.00,-84.35,2265.35",
               "01/06/2024,NOTHING,,,,"])
    assert f.transactions["amount"].tolist() == [2449.70, -1100.0, -84.35]
    assert f.skipped_total == 1


# -- balance before and after -------------------------------------------------------------------

def test_unsigned_amounts_between_balance_before_and_after_take_the_move_s_sign() -> None:
    head = "DATE,AMOUNT,BAL BEFORE,BAL AFTER,REF"
    f = _read([head, "2024-01-02,2450.00,1000.00,3450.00,SALARY",
               "2024-01-03,1100.00,3450.00,2350.00,RENT",
               "2024-01-05,84.35,2350.00,2265.65,SHOP"])
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0, -84.35]
    assert f.transactions["balance"].tolist() == [3450.0, 2350.0, 2265.65]


def test_signed_amounts_with_balance_before_and_after_stay_as_written() -> None:
    head = "DATE,AMOUNT,BAL BEFORE,BAL AFTER,REF"
    f = _read([head, "2024-01-02,2450.00,1000.00,3450.00,SALARY",
               "2024-01-03,-1100.00,3450.00,2350.00,RENT",
               "2024-01-05,-84.35,2350.00,2265.65,SHOP"])
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0, -84.35]


# -- a 'REF' column of words --------------------------------------------------------------------

def test_a_ref_column_of_words_joins_the_description_but_one_of_codes_does_not() -> None:
    rows = [("2450.00", "1000.00", "3450.00"), ("1100.00", "3450.00", "2350.00"),
            ("150.00", "2350.00", "2200.00")]
    words = ["ACME GHANA SALARY", "KWAME MENSAH RENT", "QWIKLOAN REPAYMENT"]
    codes = ["TX1001", "TX1002", "TX1003"]
    for refs, expected in ((words, words), (codes, ["", "", ""])):
        f = _read(["DATE,NAME,AMOUNT,BAL BEFORE,BAL AFTER,REF"]
                  + [f"2024-01-0{i + 2},AMA,{a},{b},{c},{r}"
                     for i, ((a, b, c), r) in enumerate(zip(rows, refs, strict=True))])
        assert [d.removeprefix("AMA").strip() for d in f.transactions["description"]] == expected


# -- opening and closing rows -------------------------------------------------------------------

def test_an_opening_balance_written_as_a_credit_is_no_income() -> None:
    f = _read(["Date;Libellé;Débit;Crédit", "01/01/2024;SOLDE DE DEPART;;1 000,00",
               "02/01/2024;VIREMENT RECU SALAIRE;;2 450,00", "03/01/2024;LOYER;1 100,00;",
               "04/01/2024;DEPART EN VACANCES;200,00;"])
    assert f.transactions["amount"].tolist() == [2450.0, -1100.0, -200.0]  # the trip stays
    assert [r["reason"] for r in f.rows_skipped] == ["balance line, not a transaction"]


# -- a wallet export with an ID column is no monthly table --------------------------------------

def test_an_id_beside_a_details_column_is_a_statement_not_a_monthly_table() -> None:
    assert not is_monthly_table(b'"ID","Time (UTC)","Type","Transaction Details","[-]","[+]"\n')
    assert is_monthly_table(b"ID,month,savings\np1,2024-01,100\n")  # left alone


# -- a rule under the table ends it -------------------------------------------------------------

def test_a_rule_under_the_table_is_no_continuation_of_the_last_description() -> None:
    rows = ["Date,Details,Amount", "2024-01-02,SALARY ACME,2450.00",
            "2024-01-03,RENT,-1100.00", "2024-01-05,SUPERMARKET,-84.35"]
    # (as a wallet's bill prints it: the rule and the count in the description's column)
    f = _read([*rows, "," + "-" * 30 + ",", ",3 records,"])
    assert f.transactions["description"].tolist()[-1] == "SUPERMARKET"
    assert f.skipped_total == 2
    # left alone: a description carried on to the row below is still joined
    g = _read([*rows, ",WESTLANDS BRANCH,"])
    assert g.transactions["description"].tolist()[-1] == "SUPERMARKET WESTLANDS BRANCH"
