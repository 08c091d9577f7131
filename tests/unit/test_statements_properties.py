"""Property tests: how a statement is written down (encoding, row order, delimiter, decimal
style) does not change what is read from it."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_features.statements import read_statements

DESCRIPTIONS = ["SALARY ACME LTD", "RENT MARCH", "TESCO STORES", "CREDIT CARD PAYMENT",
                "REFUND AMAZON", "PERSONAL LOAN INSTALMENT", "NSF FEE", "COFFEE CORNER",
                "TRANSFER TO SAVINGS", "CAFÉ MÜLLER"]
SETTINGS = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

transactions = st.lists(
    st.tuples(st.integers(0, 89), st.sampled_from(DESCRIPTIONS),
              st.integers(-250_000, 400_000).filter(lambda c: c != 0)),
    min_size=3, max_size=30)


def _rows(txs: list[tuple[int, str, int]]) -> list[tuple[date, str, int]]:
    # A day after the 12th pins the reading day-first whatever the row order.
    anchor = (date(2024, 1, 28), "SALARY ACME LTD", 300_000)
    return [anchor] + [(date(2024, 1, 1) + timedelta(days=d), text, c) for d, text, c in txs]


def _amount(cents: int, decimal: str) -> str:
    text = f"{cents / 100:,.2f}"
    return text if decimal == "." else text.replace(",", "\0").replace(".", ",").replace(
        "\0", ".")


def _render(rows, delimiter: str = ",", decimal: str = ".") -> str:
    def cell(text: str) -> str:
        return f'"{text}"' if delimiter in text or '"' in text else text
    head = delimiter.join(["Date", "Description", "Amount"])
    body = [delimiter.join([d.strftime("%d.%m.%Y"), cell(t), cell(_amount(c, decimal))])
            for d, t, c in rows]
    return "\n".join([head, *body]) + "\n"


def _reading(data: bytes) -> tuple:
    report = read_statements([("statement.csv", data)]).report()
    (file,) = report["files"]
    return (file["rows_read"], file["date_min"], file["date_max"], file["inflow_total"],
            file["outflow_total"], report["months"])


@SETTINGS
@given(transactions, st.sampled_from(["utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_re_encoding_leaves_the_reading_unchanged(txs, encoding) -> None:
    text = _render(_rows(txs))
    assert _reading(text.encode(encoding)) == _reading(text.encode("utf-8"))


@SETTINGS
@given(transactions, st.randoms(use_true_random=False))
def test_row_order_leaves_the_reading_unchanged(txs, rnd) -> None:
    rows = _rows(txs)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert _reading(_render(shuffled).encode()) == _reading(_render(rows).encode())


@SETTINGS
@given(transactions, st.sampled_from([";", "\t", "|"]))
def test_delimiter_leaves_the_reading_unchanged(txs, delimiter) -> None:
    rows = _rows(txs)
    assert _reading(_render(rows, delimiter).encode()) == _reading(_render(rows).encode())


@SETTINGS
@given(transactions, st.sampled_from([",", ";"]))
def test_decimal_comma_leaves_the_reading_unchanged(txs, delimiter) -> None:
    rows = _rows(txs)
    european = _render(rows, delimiter, decimal=",")
    assert _reading(european.encode()) == _reading(_render(rows).encode())


@SETTINGS
@given(transactions, st.sampled_from(["\r\n", "\r", "\r\r\n"]))
def test_line_endings_leave_the_reading_unchanged(txs, newline) -> None:
    text = _render(_rows(txs))
    assert _reading(text.replace("\n", newline).encode()) == _reading(text.encode())
