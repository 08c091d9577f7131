"""A card export no word marks as one (neutral file name, plain header) is told from its
values: charges far outnumber money in, and what comes in is payments received and refunds."""

from __future__ import annotations

from shared_features.statements import read_statements

CHARGES = [("01/04/2024", "STARBUCKS #1234", "4.50"), ("01/08/2024", "WHOLE FOODS MARKET", "62.30"),
           ("01/18/2024", "AMAZON.COM*2K4", "45.99"), ("01/30/2024", "OLIVE GARDEN 0042", "38.40"),
           ("02/03/2024", "SHELL OIL 5744", "55.00"), ("02/16/2024", "BARNES & NOBLE", "19.90"),
           ("02/26/2024", "INTEREST CHARGE ON PURCHASES", "8.75")]


def _csv(rows: list[tuple[str, str, str]]) -> bytes:
    body = sorted(rows, key=lambda r: (r[0][6:], r[0][:5]))
    return ("Date,Description,Amount\n" + "".join(f"{d},{t},{a}\n" for d, t, a in body)).encode()


def test_a_neutral_card_export_is_read_as_a_card() -> None:
    data = _csv([*CHARGES, ("01/12/2024", "PAYMENT - THANK YOU", "-300.00"),
                 ("01/22/2024", "REFUND AMAZON.COM", "-15.00")])
    reading = read_statements([("export.csv", data)])
    (file,) = reading.report()["files"]
    assert file["kind"] == "card"
    assert any("read as a card statement" in w for w in file["warnings"])
    jan, feb = reading.report()["months"]
    # The payment is a debt payment, not income; charges less the refund are spending.
    assert jan["income"] == 0.0 and feb["income"] == 0.0
    assert jan["debt_payments"] == 300.0
    assert jan["expenses"] == round(4.50 + 62.30 + 45.99 + 38.40 - 15.00, 2)
    assert feb["expenses"] == round(55.00 + 19.90 + 8.75, 2)


def test_pay_on_the_money_in_side_keeps_an_account_and_says_so() -> None:
    # Mixed evidence: a payment-received row, but also pay coming in - an account it stays.
    data = _csv([*CHARGES, ("01/12/2024", "PAYMENT RECEIVED", "-300.00"),
                 ("02/01/2024", "ACME CORP PAYROLL", "-2450.00")])
    (file,) = read_statements([("export.csv", data)]).report()["files"]
    assert file["kind"] == "account"
    assert any("read as a bank account, though" in w for w in file["warnings"])


def test_an_account_paying_its_card_stays_an_account() -> None:
    rows = [(d, t, f"-{a}") for d, t, a in CHARGES]
    data = _csv([*rows, ("01/10/2024", "CREDIT CARD PAYMENT", "-300.00"),
                 ("01/02/2024", "ACME CORP PAYROLL", "2450.00")])
    reading = read_statements([("export.csv", data)])
    (file,) = reading.report()["files"]
    assert file["kind"] == "account"
    assert not any("card" in w for w in file["warnings"])
    assert reading.report()["months"][0]["income"] == 2450.0
