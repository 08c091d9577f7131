"""Hostile input is a 4xx in the one error shape, never a 500 (issue #13)."""

from __future__ import annotations

import io
import json

import pytest

from shared_features.schema import MAX_AMOUNT

HEADER = "person_id,month,income,expenses\n"


def _csv(income: str) -> bytes:
    return (HEADER + f"a,2024-01,{income},100\na,2024-02,3000,100\n").encode()


def _assert_error_shape(body: dict, code: int) -> dict:
    error = body["error"]
    assert error["code"] == code and error["message"]
    assert isinstance(error["problems"], list) and error["total_problems"] >= len(
        error["problems"])
    return error


@pytest.mark.parametrize("value", ["1e200", "1e308", "inf", "-inf", "Infinity", "1e309",
                                   "9" * 400, "-1e13"])
def test_out_of_range_csv_amounts_are_400_naming_the_cell(client, value):
    r = client.post("/api/v1/score", data=_csv(value), content_type="text/csv")
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    error = _assert_error_shape(r.json, 400)
    [problem] = error["problems"]
    assert problem["row"] == 2 and problem["column"] == "income"
    assert "out of range" in problem["message"] and f"{MAX_AMOUNT:,.0f}" in problem["message"]
    assert len(problem["value"]) <= 83  # a 400-digit cell is echoed shortened


def test_the_largest_allowed_amount_scores(client):
    r = client.post("/api/v1/score", data=_csv(f"{MAX_AMOUNT:.0f}"), content_type="text/csv")
    assert r.status_code == 200, r.json


@pytest.mark.parametrize("value", [1e200, 1e308, 10 ** 400, -10 ** 20])
def test_out_of_range_json_amounts_are_400(client, value):
    records = [{"income": value, "expenses": 100}]
    r = client.post("/api/v1/score", data=json.dumps({"records": records}),
                    content_type="application/json")
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    problem = _assert_error_shape(r.json, 400)["problems"][0]
    assert problem["row"] == 1 and problem["column"] == "income"


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e309"])
def test_non_json_numbers_are_400(client, literal):
    body = '{"records": [{"income": ' + literal + ', "expenses": 100}]}'
    r = client.post("/api/v1/score", data=body, content_type="application/json")
    assert r.status_code == 400
    _assert_error_shape(r.json, 400)


def test_deeply_nested_json_is_400(client):
    body = "[" * 5000 + "]" * 5000
    r = client.post("/api/v1/score", data=body, content_type="application/json")
    assert r.status_code == 400
    assert "nested too deeply" in _assert_error_shape(r.json, 400)["message"]
    r = client.post("/api/v1/score", data='{"records": [' + "[" * 50 + "]" * 50 + "]}",
                    content_type="application/json")
    assert r.status_code == 422  # a list where a record belongs: reported by the schema


@pytest.mark.parametrize("key", ["²", "7", "٣", "-1", ""])
def test_odd_record_keys_are_named_as_columns(client, key):
    r = client.post("/api/v1/score", json={"records": [{"income": 1, key: [1]}]})
    assert r.status_code == 422
    [problem] = _assert_error_shape(r.json, 422)["problems"]
    assert problem["row"] == 1 and problem["column"].endswith(key)


@pytest.mark.parametrize("query", ["offset=9223372036854775808", "offset=-1", "limit=0",
                                   "limit=501", "limit=99999999999999999999", "offset=1e3",
                                   "limit=²"])
def test_out_of_range_query_numbers_are_422(client, query):
    r = client.get(f"/api/v1/runs?{query}")
    assert r.status_code == 422
    assert _assert_error_shape(r.json, 422)["problems"][0]["column"] in ("limit", "offset")


def test_the_openapi_document_states_the_bounds(client):
    params = {p["name"]: p["schema"] for p in
              client.get("/api/openapi.json").json["paths"]["/api/v1/runs"]["get"]["parameters"]}
    assert params["limit"]["minimum"] == 1 and params["limit"]["maximum"] == 500
    assert params["offset"]["minimum"] == 0 and params["offset"]["maximum"] >= 10 ** 9


def test_dashboard_history_survives_a_huge_page_number(client):
    assert client.get("/runs?page=9223372036854775808").status_code == 200


def test_405_names_the_allowed_methods(client):
    r = client.put("/api/v1/score")
    assert r.status_code == 405
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "OPTIONS"}
    _assert_error_shape(r.json, 405)
    r = client.post("/api/v1/runs")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_too_many_multipart_fields_is_reported_as_such(client, sample_csv):
    data = {f"f{i}": "x" for i in range(1100)}
    data["file"] = (io.BytesIO(sample_csv), "a.csv")
    r = client.post("/api/v1/score", data=data, content_type="multipart/form-data")
    assert r.status_code == 413
    message = _assert_error_shape(r.json, 413)["message"]
    assert "more than 1000 fields" in message and "MB" not in message


def test_a_too_large_body_is_reported_with_the_size_limit(make_app):
    client = make_app(limits={"max_upload_mb": 0.001}).test_client()
    r = client.post("/api/v1/score", data=b"x" * 5000, content_type="text/csv")
    assert r.status_code == 413 and "larger than" in r.json["error"]["message"]


def test_a_header_of_thousands_of_columns_is_400_before_any_is_read(client, monkeypatch):
    """Matching a header's words costs ~0.3 ms a column: 100,000 columns held a worker for a
    minute. The width is checked first; no column name is matched at all."""
    import importlib

    # The package re-exports a function of the same name, which hides the module.
    ingest_module = importlib.import_module("shared_features.ingest")

    def no_matching(header):
        raise AssertionError("a column name was matched")
    monkeypatch.setattr(ingest_module, "canonical_column", no_matching)
    width = 100_000
    body = (",".join(f"c{i}" for i in range(width)) + "\n" + ",".join("1" * width) + "\n")
    r = client.post("/api/v1/score", data=body.encode(), content_type="text/csv")
    assert r.status_code == 400
    [problem] = _assert_error_shape(r.json, 400)["problems"]
    assert problem["row"] == 1 and "more than" in problem["message"]
    assert "at most 200" in problem["message"]


def test_a_header_just_over_the_limit_is_counted_exactly_and_one_under_reads(client):
    body = HEADER.rstrip("\n") + "".join(f",extra{i}" for i in range(196)) + "\n"
    row = "a,2024-01,3000,100" + ",x" * 196 + "\n"
    assert client.post("/api/v1/score", data=(body + row).encode(),
                       content_type="text/csv").status_code == 200  # 200 columns: read
    wide = body.rstrip("\n") + ",one_more\n"
    r = client.post("/api/v1/score", data=(wide + row.rstrip("\n") + ",x\n").encode(),
                    content_type="text/csv")
    assert r.status_code == 400
    assert "the header has 201 columns" in r.json["error"]["problems"][0]["message"]


def test_a_missing_column_lists_a_bounded_number_of_the_headers_found(client):
    body = ",".join(f"col{i}" for i in range(150)) + "\n" + ",".join("1" * 150) + "\n"
    r = client.post("/api/v1/score", data=body.encode(), content_type="text/csv")
    messages = [p["message"] for p in _assert_error_shape(r.json, 400)["problems"]]
    assert any("col19 and 130 more" in m for m in messages), messages
    assert all("col20," not in m for m in messages)


@pytest.mark.parametrize("persons", [1, 3000])  # the small-file reader and pyarrow's
def test_a_month_in_year_9999_is_refused_with_its_row_by_every_reader(client, persons):
    rows = "".join(f"p{i},2024-01,3000,100\n" for i in range(persons))
    body = HEADER + rows + "p0,9999-12,3000,100\n"
    assert (len(body) > 64 * 1024) == (persons > 1)
    r = client.post("/api/v1/score", data=body.encode(), content_type="text/csv")
    assert r.status_code == 400
    [problem] = _assert_error_shape(r.json, 400)["problems"]
    assert problem["row"] == persons + 2 and problem["column"] == "month"
    assert problem["value"] == "9999-12"
