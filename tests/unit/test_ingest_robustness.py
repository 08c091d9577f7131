"""Monthly tables as people write them: headers in other languages or with more words,
day-first dates, and text too long to be a name."""

from __future__ import annotations

import numpy as np
import pytest

from shared_features import InputError, ingest
from shared_features.schema import canonical_column


@pytest.mark.parametrize(("header", "canonical"), [
    ("Monat", "month"), ("Einkommen", "income"), ("Ausgaben", "expenses"),
    ("revenus", "income"), ("dépenses", "expenses"), ("gastos", "expenses"),
    ("ingresos", "income"), ("Total Expenses", "expenses"), ("Savings Balance", "liquid_savings"),
    ("Total Debt Payments", "debt_payments"), ("Monthly net income (EUR)", "income"),
    ("Monatseinkommen", "income"), ("Kreditrahmen", "credit_limit"),
    ("Outstanding card debt", "total_debt"), ("Number of missed payments", "missed_payments"),
    ("Notes", None), ("Colour", None),
])
def test_headers_are_matched_by_their_words(header: str, canonical: str | None) -> None:
    assert canonical_column(header) == canonical


def test_a_german_table_with_day_first_dates() -> None:
    text = ("Monat;Einkommen;Ausgaben;Ersparnisse\n"
            "01.02.2026;3.100,00;2.450,50;1.000,00\n"
            "01.03.2026;3.100,00;2.600,00;950,00\n"
            "01.04.2026;3.150,00;2.500,00;1.020,00\n")
    result = ingest(text)
    months = result.panel.months[0]
    assert [str(m) for m in months] == ["2026-02", "2026-03", "2026-04"]
    np.testing.assert_allclose(result.panel.field("expenses")[0], [2450.5, 2600.0, 2500.0])


def test_ambiguous_slashed_dates_are_read_day_first_and_said_so() -> None:
    text = ("month,income,expenses\n01/02/2026,3000,2500\n01/03/2026,3000,2400\n"
            "01/04/2026,3000,2450\n")
    result = ingest(text)
    assert [str(m) for m in result.panel.months[0]] == ["2026-02", "2026-03", "2026-04"]
    assert any("day-first" in w for w in result.warnings)


def test_a_huge_person_id_is_refused_with_a_short_quote() -> None:
    huge = "x" * 3_000_000
    with pytest.raises(InputError) as info:
        ingest(f"person_id,month,income,expenses\n{huge},2026-01,3000,2500\n")
    (problem,) = info.value.problems
    assert problem.row == 2 and problem.column == "person_id"
    assert "longer than 100 characters" in problem.message
    assert len(problem.value) <= 83


def test_a_huge_column_name_is_refused() -> None:
    with pytest.raises(InputError) as info:
        ingest(f"income,expenses,{'y' * 5000}\n3000,2500,1\n")
    assert any("longer than 100 characters" in p.message for p in info.value.problems)
    assert all(len(p.column or "") <= 83 for p in info.value.problems)


def test_statements_and_monthly_tables_are_told_apart() -> None:
    from pathlib import Path

    from shared_features.statements import is_monthly_table

    corpus = Path(__file__).resolve().parents[1] / "data" / "statements"
    assert not any(is_monthly_table(p.read_bytes()) for p in corpus.glob("*.csv"))
    for table in ("person_id,month,income,expenses\n", "Monat;Einkommen;Ausgaben\n",
                  "Month,Total Income,Total Expenses,Savings Balance\n"):
        assert is_monthly_table(table.encode()), table


def test_the_api_refuses_a_huge_person_id_with_a_400(client) -> None:
    body = f"person_id,month,income,expenses\n{'x' * 3_000_000},2026-01,3000,2500\n"
    r = client.post("/api/v1/score", data=body, content_type="text/csv")
    assert r.status_code == 400
    (problem,) = r.json["error"]["problems"]
    assert problem["column"] == "person_id" and len(problem["value"]) <= 83
    assert len(r.get_data()) < 5000
