"""The OpenAPI document is generated from the marshmallow schemas and is valid."""

import pytest

EXPECTED_SCHEMAS = {"ScoreResult", "PersonResult", "Insight", "Recommendation", "KeyMetrics",
                    "History", "RunSummary", "RunList", "ModelInfo", "Error", "ErrorBody",
                    "Problem", "ScoreRecords", "ScoreUpload", "StatementsUpload",
                    "StatementsResult", "StatementFile", "SkippedRow", "MonthRecord"}


@pytest.fixture
def doc(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    return r.json


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_endpoint_is_documented(doc):
    paths = doc["paths"]
    assert set(paths) == {"/api/v1/score", "/api/v1/statements", "/api/v1/runs",
                          "/api/v1/runs/{run_id}", "/api/v1/runs/{run_id}/results",
                          "/api/v1/runs/{run_id}/results.csv",
                          "/api/v1/runs/{run_id}/persons/{person_id}",
                          "/api/v1/model", "/api/v1/template.csv", "/healthz", "/readyz"}
    statements = paths["/api/v1/statements"]["post"]
    assert set(statements["requestBody"]["content"]) == {"multipart/form-data"}
    assert statements["responses"]["200"]["content"]["application/json"]["schema"][
        "$ref"].endswith("/StatementsResult")
    assert set(paths["/api/v1/runs/{run_id}"]) >= {"get", "delete"}
    body = paths["/api/v1/score"]["post"]["requestBody"]["content"]
    assert set(body) == {"multipart/form-data", "text/csv", "application/json"}
    responses = paths["/api/v1/score"]["post"]["responses"]
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ScoreResult")
    for code in ("400", "413", "415", "503"):
        assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/Error")


def test_schemas_and_references_resolve(doc):
    schemas = doc["components"]["schemas"]
    assert set(schemas) >= EXPECTED_SCHEMAS
    for ref in _refs(doc):
        kind, name = ref.split("/")[-2:]
        assert name in doc["components"][kind], ref
    assert doc["components"]["securitySchemes"]["ApiKeyAuth"]["name"] == "X-API-Key"
    assert doc["paths"]["/api/v1/template.csv"]["get"]["security"] == []


def test_document_validates_against_the_openapi_spec(doc):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(doc)
