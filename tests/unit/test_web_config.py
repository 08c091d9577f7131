"""Configuration: TOML defaults, env overrides, test_config, API key, limits."""

import io

import pytest

from web import create_app
from web.settings import ConfigError, load_config_file_and_env, validated


def load(environ):
    return validated(load_config_file_and_env(environ))


def test_defaults_from_config_toml():
    c = load({})
    assert c["ARTIFACTS_DIR"] == "artifacts"
    assert c["DATABASE_PATH"] == "instance/scorer.sqlite3"
    assert c["API_KEY"] == "" and c["LIMITS_MAX_MONTHS_PER_PERSON"] == 24
    assert c["RECOMMEND_PAY_DOWN_SHARES"] == (0.10, 0.25)


def test_env_overrides_and_other_file(tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('[limits]\nmax_persons = 7\n[api]\nkey = "from-file"\n')
    env = {"SCORER_CONFIG": str(other), "SCORER__LIMITS__MAX_UPLOAD_MB": "2",
           "SCORER__API__KEY": "1e3", "SCORER__DATABASE__PATH": "/tmp/x.db"}
    c = load(env)
    assert c["LIMITS_MAX_PERSONS"] == 7  # from the other file
    assert c["LIMITS_MAX_UPLOAD_MB"] == 2.0  # from the environment, an int read as a float
    assert c["API_KEY"] == "1e3"  # kept verbatim, not read as the number 1000.0
    assert c["DATABASE_PATH"] == "/tmp/x.db"
    assert c["LIMITS_MAX_MONTHS_PER_PERSON"] == 24  # untouched defaults remain


def test_bad_values_name_the_variable(make_app):
    with pytest.raises(ConfigError, match="SCORER__LIMITS__MAX_PERSONS"):
        load({"SCORER__LIMITS__MAX_PERSONS": "lots"})
    with pytest.raises(ConfigError, match="SCORER__RUNS__DEFAULT_PAGE_SIZE.*positive"):
        load({"SCORER__RUNS__DEFAULT_PAGE_SIZE": "0"})
    with pytest.raises(ConfigError, match="SCORER__RUNS__MAX_PAGE_SIZE.*at most 500"):
        load({"SCORER__RUNS__MAX_PAGE_SIZE": "501"})
    with pytest.raises(ConfigError, match="no setting 'top_sideways'"):
        load({"SCORER__EXPLAIN__TOP_SIDEWAYS": "1"})
    with pytest.raises(ConfigError, match="EXPLAIN__TOP_UP"):  # test_config is checked too
        make_app(EXPLAIN_TOP_UP="three")


def test_settings_are_in_app_config(make_app, tmp_path):
    app = make_app(limits={"max_upload_mb": 2}, EXPLAIN_TOP_UP=1)
    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    assert app.config["LIMITS_MAX_UPLOAD_MB"] == 2.0
    from web.extensions import get_service
    with app.app_context():
        assert get_service().options.explain.top_up == 1


def test_env_reaches_create_app(monkeypatch, artifact_dir, tmp_path):
    monkeypatch.setenv("SCORER__ARTIFACTS__DIR", str(artifact_dir))
    monkeypatch.setenv("SCORER__DATABASE__PATH", str(tmp_path / "env" / "db.sqlite3"))
    app = create_app({"TESTING": True})
    assert (tmp_path / "env" / "db.sqlite3").exists()
    assert app.test_client().get("/readyz").status_code == 200


def test_api_key_when_configured(make_app, sample_csv):
    client = make_app(API_KEY="s3cret").test_client()
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
