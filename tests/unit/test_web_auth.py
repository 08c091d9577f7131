"""Accounts in the app (Flask test client): sign-in, the gate, tokens, ownership, CLI, retention,
headers. tests/integration/test_accounts.py checks the same against a real gunicorn."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from web.settings import ConfigError

SECRET = "test-secret-" + "x" * 32
PASSWORD = "correct horse battery"


@pytest.fixture
def accounts_app(make_app):
    app = make_app(AUTH_REQUIRED=True, AUTH_SECRET_KEY=SECRET)
    runner = app.test_cli_runner()
    for name, admin in (("alice", False), ("bob", False), ("root", True)):
        args = ["users", "create", name, "--password-stdin"] + (["--admin"] if admin else [])
        result = runner.invoke(args=args, input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    return app


def signed_in(app, name: str) -> FlaskClient:
    client = app.test_client()
    r = client.post("/login", data={"name": name, "password": PASSWORD})
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    return client


def score(client, csv: bytes, name: str = "mine.csv") -> str:
    r = client.post("/api/v1/score", data=csv, content_type="text/csv",
                    query_string={"source_name": name})
    assert r.status_code == 200, r.json
    return r.json["id"]


def test_accounts_on_without_a_secret_refuses_to_start(make_app):
    with pytest.raises(ConfigError, match="SCORER__AUTH__SECRET_KEY"):
        make_app(AUTH_REQUIRED=True)


def test_anonymous_gets_the_login_page_or_401(accounts_app):
    client = accounts_app.test_client()
    r = client.get("/runs")
    assert r.status_code == 303 and r.headers["Location"].startswith("/login?next=/runs")
    r = client.get("/api/v1/runs")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    for public in ("/healthz", "/readyz", "/login", "/static/style.css"):
        assert client.get(public).status_code == 200, public


def test_unknown_user_and_wrong_password_read_the_same(accounts_app):
    client = accounts_app.test_client()
    unknown = client.post("/login", data={"name": "nobody", "password": PASSWORD})
    wrong = client.post("/login", data={"name": "alice", "password": "wrong password"})
    assert unknown.status_code == wrong.status_code == 401

    def message(r):
        return re.search(r'data-testid="login-error">([^<]*)<', r.get_data(as_text=True))[1]

    assert message(unknown) == message(wrong)


def test_sixth_failure_is_429_even_with_the_right_password(accounts_app):
    client = accounts_app.test_client()
    for _ in range(5):
        assert client.post("/login", data={"name": "alice", "password": "nope"}
                           ).status_code == 401
    r = client.post("/login", data={"name": "alice", "password": PASSWORD})
    assert r.status_code == 429 and "Retry-After" in r.headers
    # The limit is per account and per address: bob, from the same address, is held too.
    assert client.post("/login", data={"name": "bob", "password": PASSWORD}).status_code == 429


def test_session_cookie_flags(accounts_app):
    client = accounts_app.test_client()
    r = client.get("/login")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    r = accounts_app.test_client().get("/login", base_url="https://localhost")
    assert "Secure" in r.headers["Set-Cookie"]


def test_next_only_goes_to_this_site(accounts_app):
    client = accounts_app.test_client()
    r = client.post("/login", data={"name": "alice", "password": PASSWORD,
                                    "next": "//evil.example/x"})
    assert r.status_code == 303 and r.headers["Location"] == "/"


def test_runs_are_visible_only_to_their_owner_and_admins(accounts_app, sample_csv):
    alice, bob, root = (signed_in(accounts_app, n) for n in ("alice", "bob", "root"))
    run_id = score(alice, sample_csv)
    assert alice.get(f"/runs/{run_id}").status_code == 200
    for path in (f"/runs/{run_id}", f"/runs/{run_id}/person?id=p00000",
                 f"/runs/{run_id}/delete", f"/api/v1/runs/{run_id}"):
        assert bob.get(path).status_code == 404, path
    assert bob.delete(f"/api/v1/runs/{run_id}").status_code == 404
    assert bob.get("/api/v1/runs").json["total"] == 0
    assert "mine.csv" not in bob.get("/runs").get_data(as_text=True)
    assert root.get(f"/api/v1/runs/{run_id}").status_code == 200  # admins see all
    assert root.get("/api/v1/runs").json["total"] == 1
    assert alice.get(f"/runs/{run_id}").status_code == 200  # still there


def test_tokens_act_as_their_user_and_stop_when_revoked(accounts_app, sample_csv):
    runner = accounts_app.test_cli_runner()
    token = runner.invoke(args=["users", "token", "alice"]).output.strip()
    assert token.startswith("sk_")
    client = accounts_app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    run_id = client.post("/api/v1/score", data=sample_csv, content_type="text/csv",
                         headers=bearer).json["id"]
    alice = signed_in(accounts_app, "alice")
    assert alice.get(f"/api/v1/runs/{run_id}").status_code == 200  # the run is alice's
    with sqlite3.connect(accounts_app.config["DATABASE_PATH"]) as conn:
        stored = [r[0] for r in conn.execute("SELECT token_sha256 FROM tokens")]
    assert token not in stored and len(stored) == 1  # only its digest is kept
    assert "revoked 1 token" in runner.invoke(args=["users", "revoke", "alice"]).output
    r = client.get("/api/v1/runs", headers=bearer)
    assert r.status_code == 401 and "not valid" in r.json["error"]["message"]


def test_account_page_creates_and_revokes_own_tokens(accounts_app):
    alice = signed_in(accounts_app, "alice")
    r = alice.post("/account/tokens")
    assert r.status_code == 201
    token = re.search(r'data-testid="new-token">([^<]+)<', r.get_data(as_text=True))[1]
    assert alice.get("/api/v1/runs", headers={"Authorization": f"Bearer {token}"}
                     ).status_code == 200
    token_id = re.search(r'/account/tokens/(\d+)/revoke', r.get_data(as_text=True))[1]
    bob = signed_in(accounts_app, "bob")
    assert bob.post(f"/account/tokens/{token_id}/revoke").status_code == 404  # not bob's
    assert alice.post(f"/account/tokens/{token_id}/revoke").status_code == 303
    assert alice.get("/api/v1/runs", headers={"Authorization": f"Bearer {token}"}
                     ).status_code == 401


def test_delete_all_my_data(accounts_app, sample_csv):
    alice, bob = signed_in(accounts_app, "alice"), signed_in(accounts_app, "bob")
    score(alice, sample_csv), score(alice, sample_csv), score(bob, sample_csv)
    assert alice.post("/account/delete-data", data={"confirm": "no"}).status_code == 400
    r = alice.post("/account/delete-data", data={"confirm": "delete"})
    assert r.status_code == 303 and "deleted=2" in r.headers["Location"]
    assert alice.get("/api/v1/runs").json["total"] == 0
    assert bob.get("/api/v1/runs").json["total"] == 1
    assert bob.delete("/api/v1/runs").json == {"deleted": 1}
    assert bob.get("/api/v1/runs").json["total"] == 0


def test_deleting_a_user_deletes_their_runs_and_ends_their_session(accounts_app, sample_csv):
    alice = signed_in(accounts_app, "alice")
    score(alice, sample_csv)
    runner = accounts_app.test_cli_runner()
    listing = runner.invoke(args=["users", "list"]).output
    assert re.search(r"alice\s+user\s+1\s+0", listing) and re.search(r"root\s+admin", listing)
    assert runner.invoke(args=["users", "delete", "alice", "--yes"]).exit_code == 0
    with sqlite3.connect(accounts_app.config["DATABASE_PATH"]) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 0
    assert alice.get("/api/v1/runs").status_code == 401


def test_signing_out_ends_a_copied_session_cookie_too(accounts_app, sample_csv):
    """The cookie is signed, not stored: a copy taken before signing out (another browser, a
    stolen cookie) must stop working once its user signs out."""
    alice = signed_in(accounts_app, "alice")
    run_id = score(alice, sample_csv)
    cookie_name = accounts_app.config["SESSION_COOKIE_NAME"]
    copied = alice.get_cookie(cookie_name).value
    thief = accounts_app.test_client()
    thief.set_cookie(cookie_name, copied)
    assert thief.get(f"/api/v1/runs/{run_id}").status_code == 200  # the copy works ...
    other_alice = signed_in(accounts_app, "alice")  # (another browser of hers)
    assert alice.post("/logout").status_code == 303
    # ... until she signs out: then neither the copy nor her other browser gets in.
    assert thief.get(f"/api/v1/runs/{run_id}").status_code == 401
    assert thief.get("/runs").status_code == 303  # pages send it to sign in
    assert other_alice.get("/api/v1/runs").status_code == 401
    again = signed_in(accounts_app, "alice")  # signing in again works as before
    assert again.get(f"/api/v1/runs/{run_id}").status_code == 200
    assert signed_in(accounts_app, "bob").get("/api/v1/runs").status_code == 200  # others stay


def test_service_key_is_an_admin(make_app, sample_csv):
    app = make_app(AUTH_REQUIRED=True, AUTH_SECRET_KEY=SECRET, API_KEY="service-key")
    client = app.test_client()
    assert client.get("/api/v1/runs", headers={"X-API-Key": "wrong"}).status_code == 401
    run_id = client.post("/api/v1/score", data=sample_csv, content_type="text/csv",
                         headers={"X-API-Key": "service-key"}).json["id"]
    assert client.get(f"/api/v1/runs/{run_id}", headers={"X-API-Key": "service-key"}
                      ).status_code == 200



@pytest.mark.parametrize("authorization", ["", "Basic eDp5", "Bearer", "Bearer not-a-token"])
def test_a_wrong_authorization_header_is_refused_even_beside_the_service_key(
        make_app, authorization):
    # A request carrying any Authorization header is judged by it: an empty or malformed one
    # must not fall back to the X-API-Key beside it (schemathesis' ignored-auth check, ST401).
    client = make_app(API_KEY="service-key").test_client()
    r = client.get("/api/v1/model", headers={"X-API-Key": "service-key",
                                              "Authorization": authorization})
    assert r.status_code == 401

def test_purge_deletes_old_runs_only(accounts_app, sample_csv):
    alice = signed_in(accounts_app, "alice")
    old, new = score(alice, sample_csv, "old.csv"), score(alice, sample_csv, "new.csv")
    long_ago = (datetime.now(UTC) - timedelta(days=91)).isoformat()
    with sqlite3.connect(accounts_app.config["DATABASE_PATH"]) as conn:
        conn.execute("UPDATE runs SET created_at = ? WHERE id = ?", (long_ago, old))
    result = accounts_app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "purged 1 run older than 90 days" in result.output
    with sqlite3.connect(accounts_app.config["DATABASE_PATH"]) as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM runs")] == [new]
        assert conn.execute("SELECT COUNT(*) FROM results WHERE run_id = ?",
                            (old,)).fetchone()[0] == 0


def test_security_headers(accounts_app):
    alice = signed_in(accounts_app, "alice")
    for path in ("/", "/runs", "/api/v1/runs", "/login"):
        r = alice.get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp.split("style-src-attr")[0], path
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert r.headers["Cache-Control"] == "no-store", path
    assert "no-store" not in alice.get("/static/style.css").headers.get("Cache-Control", "")
    assert "<script>" not in alice.get("/").get_data(as_text=True)  # no inline script left


def test_without_accounts_the_local_user_sees_everything(client, sample_csv):
    run_id = score(client, sample_csv)
    assert client.get(f"/runs/{run_id}").status_code == 200
    assert client.get("/account").status_code == 404  # nobody to have an account page


def test_an_api_call_without_a_cookie_gets_no_session_and_a_view_keeps_its_own_headers(
        accounts_app):
    """The session interface's shortcut for a request without a cookie: no cookie is set, the
    response still varies on Cookie; a signed-in browser keeps its session. A header the view
    set itself is not replaced by the default."""
    @accounts_app.get("/own-headers-test")
    def own_headers():
        return "", 204, {"X-Frame-Options": "SAMEORIGIN", "x-content-type-options": "x"}

    api = accounts_app.test_client()
    r = api.get("/api/v1/runs", headers={"X-API-Key": "wrong"})
    assert "Set-Cookie" not in r.headers and r.headers["X-Frame-Options"] == "DENY"
    alice = signed_in(accounts_app, "alice")
    r = alice.get("/api/v1/runs")
    assert r.status_code == 200 and "Cookie" in r.headers["Vary"]
    assert alice.get("/runs").status_code == 200  # the session cookie still reads

    r = alice.get("/own-headers-test")
    assert r.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert r.headers.getlist("X-Content-Type-Options") == ["x"]
