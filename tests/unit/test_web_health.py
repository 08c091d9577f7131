"""Liveness and readiness; a missing or refused artifact keeps the app up but not ready."""

import pytest

from shared_features import FeatureSpec


def test_healthy_and_ready(client):
    assert client.get("/healthz").json == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json["status"] == "ready"
    assert len(r.json["model_sha256"]) == 64


def _tamper_model(directory):
    with open(directory / "model.onnx", "ab") as fh:
        fh.write(b"\0")


def _other_major_version(directory):
    spec = FeatureSpec.load(directory / "feature_spec.json")
    spec.spec_version = "99.0.0"
    spec.save(directory / "feature_spec.json")


def _remove(directory):
    for path in directory.iterdir():
        path.unlink()
    directory.rmdir()


@pytest.mark.parametrize("break_it, reason", [
    (_remove, "does not exist"),
    (_tamper_model, "sha256 of model.onnx"),
    (_other_major_version, "major versions differ"),
])
def test_refused_artifact_makes_readyz_and_score_503(make_app, artifact_copy, sample_csv,
                                                     break_it, reason):
    break_it(artifact_copy)
    client = make_app(artifacts={"dir": str(artifact_copy)}).test_client()
    assert client.get("/healthz").status_code == 200
    r = client.get("/readyz")
    assert r.status_code == 503 and reason in r.json["error"]["message"]
    r = client.post("/api/v1/score", data=sample_csv, content_type="text/csv")
    assert r.status_code == 503 and reason in r.json["error"]["message"]
    assert r.json["error"]["status"] == "Service Unavailable"
    assert client.get("/api/v1/model").status_code == 503
    assert client.get("/api/v1/runs").status_code == 200  # past runs stay readable
