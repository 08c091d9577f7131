"""Accounts on, against a real gunicorn (two workers, so anything kept per process would show):
two users each see only their own runs through every route, the anonymous see nothing, CSRF,
the sign-in limit, revoked tokens, and retention.

Every route of the app that takes a run id is tried (found from the app's URL map), so a route
added later is covered without changing this file.
"""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from support.live_server import Server, gunicorn, multipart, wait_until_ready

PASSWORD = "correct horse battery"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# Path parameters other than the run id, filled with a value that exists in the run.
OTHER_PARAMS = {"person_id": "{pid}", "pid": "{pid}", "id": "{pid}", "token_id": "1"}
SKIP_METHODS = {"HEAD", "OPTIONS"}


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None  # the tests look at each 303 themselves


class Client:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as resp:
                return Reply(resp.status, resp.read().decode(errors="replace"),
                             dict(resp.headers))
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode(errors="replace"), dict(err.headers))

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

    def token_from(self, path: str) -> str:
        match = CSRF_FIELD.search(self.get(path).body)
        assert match, f"no csrf_token field on {path}"
        return match.group(1)

    def form(self, path: str, fields: dict[str, str], page: str = "/login",
             token: str | None = "from-page") -> Reply:
        """POST a form as the page would (its CSRF token), or with ``token`` None/forged."""
        fields = dict(fields)
        if token == "from-page":
            fields["csrf_token"] = self.token_from(page)
        elif token is not None:
            fields["csrf_token"] = token
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def login(self, name: str, password: str = PASSWORD) -> Reply:
        return self.form("/login", {"name": name, "password": password})

    def upload(self, csv: bytes, filename: str) -> str:
        body, kind = multipart({"file": (filename, csv)},
                               {"csrf_token": self.token_from("/")})
        reply = self.request("POST", "/upload", body, {"Content-Type": kind})
        assert reply.status == 303, reply.body[:500]
        return reply.headers["Location"].rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, artifact_dir: Path) -> Iterator[Server]:
    env = {"SCORER__AUTH__REQUIRED": "true", "SCORER__AUTH__SECRET_KEY": "s" * 64,
           "SCORER__API__KEY": "service-key"}
    with gunicorn(tmp_path_factory.mktemp("accounts"), artifact_dir, workers=2,
                  extra_env=env) as s:
        wait_until_ready(s)
        for name in ("alice", "bob"):
            done = s.flask("users", "create", name, "--password-stdin", stdin=PASSWORD + "\n")
            assert done.returncode == 0, done.stderr
        done = s.flask("users", "create", "root", "--admin", "--password-stdin",
                       stdin=PASSWORD + "\n")
        assert done.returncode == 0 and "admin" in done.stdout, done.stderr
        yield s


def personal_csv(sample_csv: bytes, owner: str) -> bytes:
    """The sample with person ids that name their owner, to look for in other people's pages."""
    return sample_csv.replace(b"p0000", f"{owner}-person-".encode())


@pytest.fixture(scope="module")
def run_routes(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """(method, path template) of every route taking a run id, with {run} and {pid} holes."""
    from web import create_app

    app = create_app({"TESTING": True, "ARTIFACTS_DIR": "/nonexistent",
                      "DATABASE_PATH": str(tmp_path_factory.mktemp("routes") / "db.sqlite3")})
    routes = []
    for rule in app.url_map.iter_rules():
        if "run_id" not in rule.arguments:
            continue
        values = {a: OTHER_PARAMS.get(a, "x") for a in rule.arguments if a != "run_id"}
        path = rule.rule.replace("<run_id>", "{run}")
        for arg, value in values.items():
            path = re.sub(rf"<(?:[^:<>]+:)?{arg}>", value, path)
        if rule.endpoint == "dashboard.person":
            path += "?id={pid}"
        routes += [(m, path) for m in sorted(rule.methods - SKIP_METHODS)]
    assert len(routes) >= 5, routes  # run page, person page, delete page, API read and delete
    return routes


@pytest.fixture(scope="module")
def users(server: Server, sample_csv: bytes) -> dict[str, tuple[Client, str]]:
    """alice and bob signed in, each with one run scored through the dashboard."""
    out = {}
    for name in ("alice", "bob"):
        client = Client(server.url)
        assert client.login(name).status == 303
        out[name] = (client, client.upload(personal_csv(sample_csv, name), f"{name}-file.csv"))
    return out


def _try(client: Client, method: str, path: str) -> Reply:
    if method in ("POST", "PUT", "PATCH", "DELETE") and not path.startswith("/api/"):
        return client.form(path, {"confirmed": "1"}, page="/")
    headers = {"X-CSRFToken": client.token_from("/")} if method != "GET" else {}
    return client.request(method, path, headers=headers)


def test_each_user_sees_only_their_own_runs_on_every_route(users, run_routes):
    for me, other in (("alice", "bob"), ("bob", "alice")):
        client, mine = users[me]
        _, theirs = users[other]
        for page in ("/", "/runs", "/api/v1/runs"):
            body = client.get(page).body
            assert mine in body and f"{me}-file.csv" in body, (me, page)
            assert theirs not in body and f"{other}-person" not in body and \
                f"{other}-file" not in body, (me, page)
        for method, template in run_routes:
            path = template.format(run=theirs, pid=f"{other}-person-0")
            reply = _try(client, method, path)
            assert reply.status == 404, (me, method, path, reply.status)
            assert f"{other}-person" not in reply.body, (me, method, path)
        for method, template in run_routes:  # reads of one's own run work
            if method == "GET" and "delete" not in template:
                path = template.format(run=mine, pid=f"{me}-person-0")
                assert client.get(path).status == 200, (me, path)


def test_admin_sees_all_and_the_service_key_too(server, users):
    root = Client(server.url)
    assert root.login("root").status == 303
    listing = root.get("/api/v1/runs").body
    assert all(run in listing for _, run in users.values())
    service = Client(server.url)
    reply = service.get(f"/api/v1/runs/{users['alice'][1]}", headers={"X-API-Key": "service-key"})
    assert reply.status == 200 and "alice-person-0" in reply.body


def test_anonymous_gets_the_login_page_or_401_and_no_personal_data(server, users, run_routes):
    anonymous = Client(server.url)
    run = users["alice"][1]
    for method, template in [*run_routes, ("GET", "/"), ("GET", "/runs"), ("GET", "/model"),
                             ("GET", "/account"), ("GET", "/api/v1/runs"),
                             ("DELETE", "/api/v1/runs"), ("POST", "/api/v1/score"),
                             ("POST", "/api/v1/statements"), ("GET", "/api/v1/model"),
                             ("GET", "/api/openapi.json")]:
        path = template.format(run=run, pid="alice-person-0")
        reply = anonymous.request(method, path)
        # (The redirect's body names the URL asked for, person-0 included: not a leak.)
        assert "alice-person-1" not in reply.body and "alice-file" not in reply.body, path
        if path.startswith("/api/"):
            assert reply.status == 401 and reply.headers["Content-Type"] == "application/json"
        else:
            assert reply.status == 303 and reply.headers["Location"].startswith("/login"), path
    login = anonymous.get("/login")
    assert login.status == 200 and 'name="password"' in login.body
    assert run in server.run_ids()  # the anonymous DELETEs changed nothing
    for public in ("/healthz", "/readyz", "/static/style.css"):
        assert anonymous.get(public).status == 200


def test_csrf_missing_or_wrong_is_403(server, users, sample_csv):
    client, run = users["bob"]
    for token in (None, "forged-token"):
        reply = client.form(f"/runs/{run}/delete", {"confirmed": "1"}, token=token)
        assert reply.status == 403 and "CSRF" in reply.body, token
        reply = client.form("/login", {"name": "bob", "password": PASSWORD}, token=token)
        assert reply.status == 403, token
    # The API with the session cookie needs the token too (header); with a token header not.
    reply = client.request("DELETE", f"/api/v1/runs/{run}")
    assert reply.status == 403
    assert run in server.run_ids()


def test_sixth_bad_password_is_429_across_workers(server, users):
    server.flask("users", "create", "carol", "--password-stdin", stdin=PASSWORD + "\n")
    client = Client(server.url)
    statuses = [client.login("carol", "wrong password").status for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert client.login("carol").status == 429  # even the right password, for now
    assert "Too many failed sign-ins" in client.login("carol").body


def test_revoked_token_is_401(server, users, sample_csv):
    token = server.flask("users", "token", "bob").stdout.strip()
    bearer = {"Authorization": f"Bearer {token}"}
    anyone = Client(server.url)
    reply = anyone.request("POST", "/api/v1/score", personal_csv(sample_csv, "bob"),
                           {**bearer, "Content-Type": "text/csv"})
    assert reply.status == 200
    listing = anyone.get("/api/v1/runs", headers=bearer).body
    assert users["bob"][1] in listing and users["alice"][1] not in listing
    assert server.flask("users", "revoke", "bob").returncode == 0
    reply = anyone.get("/api/v1/runs", headers=bearer)
    assert reply.status == 401 and "bob-person" not in reply.body


def test_delete_all_my_data_and_purge(server, users, sample_csv):
    """Last: it deletes. alice's runs go with "Delete all my data"; an old run of bob's goes
    with the purge, from the database file too."""
    alice, _ = users["alice"]
    reply = alice.form("/account/delete-data", {"confirm": "delete"}, page="/account")
    assert reply.status == 303
    assert "alice-person" not in alice.get("/api/v1/runs").body
    bob, _ = users["bob"]
    old = bob.upload(personal_csv(sample_csv, "bob").replace(b"bob-person", b"old-person"),
                     "old.csv")
    long_ago = (datetime.now(UTC) - timedelta(days=365)).isoformat()
    with sqlite3.connect(server.db_path) as conn:
        conn.execute("UPDATE runs SET created_at = ? WHERE id = ?", (long_ago, old))
    done = server.flask("purge")
    assert done.returncode == 0 and "purged 1 run" in done.stdout, done.stderr
    with sqlite3.connect(server.db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs WHERE id = ?", (old,)).fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM results WHERE run_id = ?",
                            (old,)).fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] > 0  # others stay
    files = [server.db_path, *server.db_path.parent.glob(server.db_path.name + "-*")]
    assert not any(b"old-person" in f.read_bytes() for f in files if f.exists())
    assert bob.get(f"/runs/{old}").status == 404
