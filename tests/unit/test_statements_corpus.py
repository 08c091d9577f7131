"""The statement corpus: every layout in tests/data/statements read as expected.json says
(rows, pending and skipped rows, dates, totals, currency, kind, monthly records)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared_features.statements import read_statements

CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"
MANIFEST = json.loads((CORPUS / "expected.json").read_text())
READ_FIELDS = ("kind", "rows_read", "pending", "date_min", "date_max", "inflow_total",
               "outflow_total", "currency")


def test_corpus_has_enough_layouts() -> None:
    assert len(MANIFEST["files"]) >= 25
    assert all((CORPUS / name).exists() for name in MANIFEST["files"])


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_each_layout_reads_as_expected(name: str) -> None:
    expected = MANIFEST["files"][name]
    report = read_statements([(name, (CORPUS / name).read_bytes())]).report()
    (file,) = report["files"]
    assert {k: file[k] for k in READ_FIELDS} == {k: expected[k] for k in READ_FIELDS}
    assert file["rows_skipped_total"] == expected["rows_skipped"]
    assert len(file["rows_skipped"]) == expected["rows_skipped"]
    assert all(r["row"] >= 1 and r["reason"] for r in file["rows_skipped"])
    assert report["months"] == expected["months"]


@pytest.mark.parametrize("combo", MANIFEST["combined"], ids=lambda c: "+".join(c["files"]))
def test_account_and_card_combine_into_one_picture(combo: dict) -> None:
    uploads = [(name, (CORPUS / name).read_bytes()) for name in combo["files"]]
    reading = read_statements(uploads)
    assert reading.report()["months"] == combo["months"]
    assert any("matched and counted once" in w for w in reading.warnings)
