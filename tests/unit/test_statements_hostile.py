"""Hostile statement files: whatever the bytes, reading ends in a result or an InputError that
names the file, never another exception (which the service would turn into a 500)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_features import InputError
from shared_features.statements import read_statements

CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"

CELLS = st.sampled_from(["2024-01-02", "02.01.2024", "01/13/2024", "-12,50", "1.234,56",
                         "(5.00)", "$-3", "CR", "D", "Pending", "Opening balance", "", '"',
                         '="x"', "Salary", "€", "\u00a0", "9" * 30, "Datum", "Betrag"])
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=8), min_size=0, max_size=25)


def _read(data: bytes) -> None:
    try:
        read_statements([("hostile.csv", data)])
    except InputError as exc:
        assert all(p.file == "hostile.csv" and p.message for p in exc.problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS, st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["\n", "\r\n", "\r"]))
def test_csv_like_garbage_is_read_or_refused(rows, delimiter, newline) -> None:
    _read(newline.join(delimiter.join(r) for r in rows).encode())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_are_read_or_refused(data) -> None:
    _read(data)


def test_a_row_with_a_huge_number_of_cells_is_refused() -> None:
    data = ("Date,Description,Amount\n2024-01-02,Pay,100\n" + "," * 200_000 + "\n").encode()
    _read(data)



def test_an_amount_out_of_range_is_refused_at_its_row_and_column() -> None:
    """Found by fuzzing: a corrupt amount (1e308, thirty nines) was read, overflowed the cents
    used to match transfers, and was refused only later, at a monthly record the person never
    wrote. It is now refused at the cell."""
    text = (CORPUS / "uk_current_account.csv").read_text()
    # line 2: SALARY, paid in 2,450.00, balance 3,450.00; line 3: RENT, paid out 1,100.00
    for cell, replaced, column, row in (("1e308", '"£1,100.00"', "Paid Out", 3),
                                        ("9" * 30, '"£2,450.00"', "Paid In", 2),
                                        ("1e13", '"£3,450.00"', "Balance", 2)):
        try:
            read_statements([("s.csv", text.replace(replaced, cell, 1).encode())])
        except InputError as exc:
            (problem,) = exc.problems
            assert (problem.row, problem.column, problem.value) == (row, column, cell)
            assert "out of range" in problem.message and problem.file == "s.csv"
        else:
            raise AssertionError(f"{cell} in {column} was read")
