"""Statements through the JSON API: the dry run, scoring one person's files, and refusals that
name the file, the line and the problem."""

from __future__ import annotations

import io
import json
from pathlib import Path

from web.api.schemas import ScoreResultSchema, StatementsResultSchema

CORPUS = Path(__file__).resolve().parents[1] / "data" / "statements"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
CHECKING, CARD = "uk_current_account.csv", "amex_activity.csv"


def _files(*names: str) -> dict:
    return {"file": [(io.BytesIO((CORPUS / n).read_bytes()), n) for n in names]}


def test_dry_run_reports_each_file_and_the_months_and_stores_nothing(client):
    r = client.post("/api/v1/statements", data=_files(CHECKING, CARD),
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    body = r.json
    assert StatementsResultSchema().validate(body) == {}
    checking, card = body["files"]
    assert (checking["name"], checking["kind"], card["kind"]) == (CHECKING, "account", "card")
    for file in (checking, card):
        expected = EXPECTED["files"][file["name"]]
        assert file["rows_read"] == expected["rows_read"]
        assert (file["date_min"], file["date_max"]) == (expected["date_min"],
                                                         expected["date_max"])
        assert (file["inflow_total"], file["outflow_total"]) == (expected["inflow_total"],
                                                                   expected["outflow_total"])
    combined = next(c for c in EXPECTED["combined"] if c["files"] == [CHECKING, CARD])
    assert body["months"] == combined["months"]
    assert any("sign" in w and CARD in w for w in body["warnings"])  # the flip is stated
    assert client.get("/api/v1/runs").json["total"] == 0


def test_score_takes_statements_as_one_person(client):
    r = client.post("/api/v1/score", data=_files(CHECKING, CARD),
                    query_string={"person_id": "me"}, content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    assert ScoreResultSchema().validate(r.json) == {}
    (person,) = r.json["results"]
    assert person["person_id"] == "me"
    assert person["history"]["months"] == ["2024-01", "2024-02"]
    assert person["history"]["income"] == [2450.0, 2450.0]
    assert r.json["source_name"] == f"{CHECKING}, {CARD}"


def test_score_still_takes_a_monthly_table_as_a_file(client, sample_csv):
    r = client.post("/api/v1/score", data={"file": (io.BytesIO(sample_csv), "family.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and r.json["n_persons"] == 5


def test_an_unreadable_statement_names_file_line_and_problem(client):
    broken = b"Account: 12345678\nPeriod: January\n\nDate,Description,Note\n" \
             b"2024-01-02,Coffee,nice\n2024-01-03,Tea,ok\n"
    r = client.post("/api/v1/statements", data={"file": [
        (io.BytesIO((CORPUS / CHECKING).read_bytes()), CHECKING),
        (io.BytesIO(broken), "broken.csv")]}, content_type="multipart/form-data")
    assert r.status_code == 400
    (problem,) = r.json["error"]["problems"]
    assert problem["file"] == "broken.csv"
    assert "broken.csv" in problem["message"] and "amount" in problem["message"]
    assert "broken.csv" in r.json["error"]["message"]


def test_binary_and_empty_statements_are_400(client):
    for data, word in ((b"\x00\x01\x02" * 100, "binary"), (b"  \n\n", "empty")):
        r = client.post("/api/v1/statements", data={"file": (io.BytesIO(data), "x.csv")},
                        content_type="multipart/form-data")
        assert r.status_code == 400 and word in r.json["error"]["message"]


def test_statements_need_multipart_files(client):
    assert client.post("/api/v1/statements", data="a,b", content_type="text/csv"
                       ).status_code == 415
    r = client.post("/api/v1/statements", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and "file" in r.json["error"]["message"]
