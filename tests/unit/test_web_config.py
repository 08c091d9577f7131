"""Configuration: TOML defaults, env overrides, test_config, API key, limits."""

import io

import pytest

from web import create_app
from web.settings import ConfigError, load_settings


def test_defaults_from_config_toml():
    s = load_settings(environ={})
    assert str(s.artifacts_dir) == "artifacts"
    assert str(s.database_path) == "instance/scorer.sqlite3"
    assert s.api_key == "" and s.limits.max_months_per_person == 24
    assert s.recommend.pay_down_shares == (0.10, 0.25)


def test_env_overrides_and_other_file(tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('[limits]\nmax_persons = 7\n[api]\nkey = "from-file"\n')
    env = {"SCORER_CONFIG": str(other), "SCORER__LIMITS__MAX_UPLOAD_MB": "2",
           "SCORER__API__KEY": "1e3", "SCORER__DATABASE__PATH": "/tmp/x.db"}
    s = load_settings(environ=env)
    assert s.limits.max_persons == 7  # from the other file
    assert s.max_upload_bytes == 2 * 1024 * 1024  # from the environment
    assert s.api_key == "1e3"  # kept verbatim, not read as the number 1000.0
    assert str(s.database_path) == "/tmp/x.db"
    assert s.limits.max_months_per_person == 24  # untouched defaults remain


def test_bad_values_name_the_variable():
    with pytest.raises(ConfigError, match="SCORER__LIMITS__MAX_PERSONS"):
        load_settings(environ={"SCORER__LIMITS__MAX_PERSONS": "lots"})
    with pytest.raises(ConfigError, match="unknown settings"):
        load_settings({"explain": {"top_sideways": 1}}, environ={})


def test_env_reaches_create_app(monkeypatch, artifact_dir, tmp_path):
    monkeypatch.setenv("SCORER__ARTIFACTS__DIR", str(artifact_dir))
    monkeypatch.setenv("SCORER__DATABASE__PATH", str(tmp_path / "env" / "db.sqlite3"))
    app = create_app({"TESTING": True})
    assert (tmp_path / "env" / "db.sqlite3").exists()
    assert app.test_client().get("/readyz").status_code == 200


def test_api_key_when_configured(make_app, sample_csv):
    client = make_app(api={"key": "s3cret"}).test_client()
    r = client.get("/api/v1/runs")
    assert r.status_code == 401 and "X-API-Key" in r.json["error"]["message"]
    assert client.get("/api/v1/runs", headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.get("/api/v1/runs", headers={"X-API-Key": "s3cret"}).status_code == 200
    r = client.post("/api/v1/score", data=sample_csv, content_type="text/csv",
                    headers={"X-API-Key": "s3cret"})
    assert r.status_code == 200
    # Public: the template, the probes and the API document.
    for url in ("/api/v1/template.csv", "/healthz", "/readyz", "/api/openapi.json", "/"):
        assert client.get(url).status_code == 200, url


def test_no_api_key_by_default(client):
    assert client.get("/api/v1/runs").status_code == 200


def test_upload_limit_is_413(make_app, sim):
    client = make_app(limits={"max_upload_mb": 0.01}).test_client()  # about 10 kB
    big = sim.csv(40, seed=1)
    assert len(big) > 11_000
    r = client.post("/api/v1/score", data=big, content_type="text/csv")
    assert r.status_code == 413 and "0.01 MB" in r.json["error"]["message"]
    r = client.post("/api/v1/score", data={"file": (io.BytesIO(big), "big.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 413
    assert client.get("/api/v1/runs").json["total"] == 0


def test_person_limit_is_a_clear_400(make_app, sim):
    client = make_app(limits={"max_persons": 3}).test_client()
    r = client.post("/api/v1/score", data=sim.csv(5, seed=2), content_type="text/csv")
    assert r.status_code == 400
    assert "5 persons in one file; the limit is 3" in r.json["error"]["message"]


def test_months_limit(make_app, sim):
    client = make_app(limits={"max_months_per_person": 6}).test_client()
    r = client.post("/api/v1/score", data=sim.csv(2, seed=3, short_share=0.0),
                    content_type="text/csv")
    assert r.status_code == 400 and "at most 6 are accepted" in r.json["error"]["message"]


def test_importing_has_no_side_effects(tmp_path):
    import subprocess
    import sys

    code = ("import inference.pipeline, inference.service, inference.store, web, web.api\n"
            "import sys; assert 'torch' not in sys.modules and 'onnx' not in sys.modules\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert list(tmp_path.iterdir()) == []  # no instance/ directory, no database
