"""The JSON API through Flask's test client: every endpoint, every input form."""

import io
import json

import pytest

from shared_features import ingest
from web.api.schemas import ModelInfoSchema, RunListSchema, ScoreResultSchema


def _score_csv(client, data, **kwargs):
    return client.post("/api/v1/score", data=data, content_type="text/csv", **kwargs)


def test_score_multipart_upload(client, sample_csv):
    r = client.post("/api/v1/score", data={"file": (io.BytesIO(sample_csv), "family.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.json
    body = r.json
    assert ScoreResultSchema().validate(body) == {}
    assert body["source_name"] == "family.csv" and body["n_persons"] == 5
    assert [p["person_id"] for p in body["results"]] == [f"p{i:05d}" for i in range(5)]
    person = body["results"][0]
    assert person["insights"] and person["insights"][0]["sentence"].endswith(".")
    assert len(person["history"]["months"]) == 12 and person["history"]["months"][0] == "2024-01"


def test_score_csv_body_with_a_source_name(client, sample_csv):
    r = _score_csv(client, sample_csv, query_string={"source_name": "march"})
    assert r.status_code == 200 and r.json["source_name"] == "march"


def test_score_json_records(client):
    records = [{"Person ID": "x", "Month": "2024-01", "Monthly Income": "$3,000",
                "Spending": 2500, "Savings": None},
               {"Person ID": "x", "Month": "2024-02", "Monthly Income": 3000,
                "Spending": "2,600.50", "Savings": 900}]
    r = client.post("/api/v1/score", json={"records": records, "source_name": "app"})
    assert r.status_code == 200, r.json
    assert r.json["source_name"] == "app" and r.json["results"][0]["person_id"] == "x"
    assert any("optional columns not provided" in w for w in r.json["warnings"])


def test_a_bare_list_of_records(client):
    r = client.post("/api/v1/score", json=[{"income": 3000, "expenses": 2900}])
    assert r.status_code == 200 and r.json["results"][0]["person_id"] == "person_1"
    assert r.json["source_name"] == "records.json"


def test_json_records_are_validated(client):
    r = client.post("/api/v1/score", json={"records": [{"income": [1, 2]}]})
    assert r.status_code == 422
    problem = r.json["error"]["problems"][0]
    assert problem["row"] == 1 and "income" in problem["column"]
    r = client.post("/api/v1/score", json={"records": []})
    assert r.status_code == 422 and r.json["error"]["problems"][0]["column"] == "records"
    r = client.post("/api/v1/score", data="{not json", content_type="application/json")
    assert r.status_code == 400


def test_json_record_problems_name_the_record(client):
    r = client.post("/api/v1/score", json={"records": [
        {"income": 100, "expenses": 10}, {"income": "lots", "expenses": 10}]})
    assert r.status_code == 400
    assert r.json["error"]["problems"][0]["row"] == 2
    assert "record 2, column 'income': is not a number" in r.json["error"]["message"]


def test_unsupported_media_type(client):
    r = client.post("/api/v1/score", data=b"<xml/>", content_type="application/xml")
    assert r.status_code == 415 and "text/csv" in r.json["error"]["message"]


def test_multipart_without_file_field(client, sample_csv):
    r = client.post("/api/v1/score", data={"upload": (io.BytesIO(sample_csv), "a.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "'file'" in r.json["error"]["message"]


def test_bad_csv_is_400_with_row_and_column_and_stores_nothing(client):
    r = _score_csv(client, b"person_id,month,income,expenses\na,2024-01,12x,100\n"
                           b"a,2024-02,-5,100\n")
    assert r.status_code == 400
    error = r.json["error"]
    assert error["code"] == 400 and error["status"] == "Bad Request"
    assert error["total_problems"] == 2
    assert error["problems"][0] == {"row": 2, "column": "income", "value": "12x",
                                    "message": "is not a number"}
    assert "row 3, column 'income': must not be negative" in error["message"]
    assert client.get("/api/v1/runs").json["total"] == 0


def test_runs_list_read_delete(client, sample_csv):
    ids = [_score_csv(client, sample_csv).json["id"] for _ in range(3)]
    listed = client.get("/api/v1/runs").json
    assert RunListSchema().validate(listed) == {}
    assert listed["total"] == 3 and [r["id"] for r in listed["runs"]] == ids[::-1]
    assert "results" not in listed["runs"][0]
    page = client.get("/api/v1/runs", query_string={"limit": 1, "offset": 1}).json
    assert [r["id"] for r in page["runs"]] == [ids[1]] and page["limit"] == 1

    run = client.get(f"/api/v1/runs/{ids[0]}")
    assert run.status_code == 200 and run.mimetype == "application/json"
    assert ScoreResultSchema().validate(run.json) == {} and len(run.json["results"]) == 5

    assert client.delete(f"/api/v1/runs/{ids[0]}").status_code == 204
    assert client.get(f"/api/v1/runs/{ids[0]}").status_code == 404
    missing = client.delete(f"/api/v1/runs/{ids[0]}")
    assert missing.status_code == 404 and ids[0] in missing.json["error"]["message"]
    assert client.get("/api/v1/runs").json["total"] == 2


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 10_000}, {"offset": -1},
                                   {"limit": "many"}])
def test_runs_query_is_validated(client, query):
    r = client.get("/api/v1/runs", query_string=query)
    assert r.status_code == 422
    assert r.json["error"]["problems"][0]["column"] == next(iter(query))


def test_model_info(client):
    r = client.get("/api/v1/model")
    assert r.status_code == 200 and ModelInfoSchema().validate(r.json) == {}
    assert r.json["model_card"].startswith("# Test model")
    assert r.json["risk_bands"] == {"moderate": 0.15, "high": 0.40}


def test_template_csv_round_trips_through_ingest(client):
    r = client.get("/api/v1/template.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    result = ingest(r.data)
    assert result.panel.n_persons == 2 and result.missing_optional == []
    scored = _score_csv(client, r.data)
    assert scored.status_code == 200 and scored.json["n_persons"] == 2


def test_unknown_url_uses_the_error_shape(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert set(r.json["error"]) == {"code", "status", "message", "problems", "total_problems"}


def test_dashboard_is_served_at_the_root(client):
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"


def test_internal_errors_hide_the_traceback(make_app, monkeypatch, sample_csv):
    app = make_app()
    service = app.extensions["scorer.service"]

    def boom(*_a, **_k):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(service, "score_csv", boom)
    r = app.test_client().post("/api/v1/score", data=sample_csv, content_type="text/csv")
    assert r.status_code == 500
    assert "secret" not in r.get_data(as_text=True)
    assert r.json["error"]["message"].startswith("internal error")


def test_responses_are_json_everywhere(client, sample_csv):
    for method, url in [("get", "/api/v1/runs"), ("get", "/api/v1/model"),
                        ("get", "/healthz"), ("get", "/readyz"), ("get", "/api/openapi.json")]:
        r = getattr(client, method)(url)
        assert r.status_code == 200 and json.loads(r.data) is not None


# -- large runs: pages, the CSV download, one person ---------------------------------------------

def test_large_upload_answers_a_page_then_pages_persons_and_csv(make_app, sim):
    from web.api.schemas import PersonResultSchema, ResultsPageSchema

    client = make_app(results={"inline_max_persons": 3, "default_page_size": 4,
                               "max_page_size": 5}).test_client()
    r = _score_csv(client, sim.csv(9, seed=4))
    assert r.status_code == 200
    body = r.json
    assert ScoreResultSchema().validate(body) == {}
    assert len(body["results"]) == 4 and body["results_page"]["next_offset"] == 4
    assert body["results"][0]["insights"] is None
    run_id = body["id"]
    assert client.get(f"/api/v1/runs/{run_id}").json["results"] == body["results"]
    page = client.get(f"/api/v1/runs/{run_id}/results", query_string={"offset": 5, "limit": 5})
    assert page.status_code == 200 and ResultsPageSchema().validate(page.json) == {}
    assert [p["person_id"] for p in page.json["results"]] == [f"p{i:05d}" for i in range(5, 9)]
    assert page.json["next_offset"] is None and page.json["total"] == 9
    too_many = client.get(f"/api/v1/runs/{run_id}/results", query_string={"limit": 6})
    assert too_many.status_code == 422
    assert client.get("/api/v1/runs/0000/results").status_code == 404

    person = client.get(f"/api/v1/runs/{run_id}/persons/p00007")
    assert person.status_code == 200 and PersonResultSchema().validate(person.json) == {}
    assert person.json["insights"] is not None and person.json["recommendations"] is not None
    assert person.json["probability"] == page.json["results"][2]["probability"]
    missing = client.get(f"/api/v1/runs/{run_id}/persons/nobody")
    assert missing.status_code == 404 and "nobody" in missing.json["error"]["message"]

    csv = client.get(f"/api/v1/runs/{run_id}/results.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("person_id,probability,risk_score,risk_band") and len(lines) == 10
    assert client.get("/api/v1/runs/0000/results.csv").status_code == 404
