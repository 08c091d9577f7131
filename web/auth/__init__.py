"""Accounts: who may see what.

``init_app`` wires it all into the app: the session cookie and its secret, CSRF protection on
every form, the gate that resolves each request's principal (``principal.py``) and turns away
anonymous requests when [auth] required is on, the sign-in/account pages (``views.py``) and the
``flask users`` commands (``cli.py``). Which runs a principal sees is decided by the store's
``Scope`` (inference/store.py), set from the principal in ``web.db.get_store``.
"""

from __future__ import annotations

import secrets
import sqlite3
from datetime import timedelta

from flask import Flask, Request, Response, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import Forbidden, Unauthorized

from inference.store import StoreError, open_store

from ..db import get_store
from ..errors import error_response
from ..settings import ConfigError
from .accounts import Accounts, User
from .principal import (
    SESSION_EPOCH,
    SESSION_USER,
    current_principal,
    header_credentials,
    resolve,
)

csrf = CSRFProtect()

# Reachable without signing in, even with [auth] required (probes, the sign-in page, assets).
PUBLIC_ENDPOINTS = frozenset({"health.healthz", "health.readyz", "auth.login", "static"})
# Blueprints that answer with HTML pages: anonymous visitors are sent to the sign-in page.
# Everything else (the JSON API, /metrics, ...) answers 401 with a JSON error.
PAGE_BLUEPRINTS = frozenset({"dashboard", "auth"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
LEGACY_PUBLIC_API = frozenset({"api.template_csv"})  # public with only [api] key, as before
KEYED_BLUEPRINTS = frozenset({"api", "metrics"})  # need [api] key when set, without accounts


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over TLS (directly
    or, with [proxy] trusted_hops, through a proxy that says so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or super().get_cookie_secure(app)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # An API call sends no session cookie: an empty session, as Flask would give, without
        # building the signing serializer (~0.1 ms, a measurable share of a one-person score).
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # An empty, untouched session sets no cookie: only the Vary header Flask adds (the
        # cookie settings it would read first decide nothing here).
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    config = app.config
    config["SECRET_KEY"] = _secret_key(app)
    config.update(
        SESSION_COOKIE_NAME="scorer_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=config["AUTH_SESSION_HOURS"]),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _gate, which knows header-authenticated calls
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session: a form left open still works
    )
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    app.before_request(_gate)
    app.context_processor(lambda: {"principal": current_principal(),
                                   "accounts_required": config["AUTH_REQUIRED"]})

    from .cli import purge_command, users_cli
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    app.cli.add_command(purge_command)


def _secret_key(app: Flask) -> str:
    config = app.config
    if config["AUTH_SECRET_KEY"]:
        return config["AUTH_SECRET_KEY"]
    if config["AUTH_REQUIRED"]:
        raise ConfigError("accounts are on ([auth] required) but no secret key is set: set "
                          "SCORER__AUTH__SECRET_KEY to a long random value, e.g. the output of "
                          "python -c 'import secrets; print(secrets.token_hex(32))'")
    # Single-user mode still signs its CSRF tokens: with a secret made once and kept in the
    # database, so every worker (and every restart) agrees on it.
    try:
        with open_store(config["DATABASE_PATH"], config["DATABASE_BUSY_TIMEOUT_MS"]) as store:
            return Accounts(store).instance_value("secret_key", secrets.token_hex(32))
    except (sqlite3.Error, StoreError, OSError) as exc:
        # The app still starts (readiness reports the database); forms work within a worker.
        app.logger.warning("no shared secret from the database (%s): using this process's", exc)
        return secrets.token_hex(32)


def _gate() -> Response | None:
    """Resolve the principal; turn away the anonymous and cross-site form posts."""
    try:
        g.principal = resolve()
    except Unauthorized as exc:
        return _unauthorized(str(exc.description))
    principal, endpoint = g.principal, request.endpoint
    if principal is None and endpoint not in PUBLIC_ENDPOINTS:
        if _is_page():
            return redirect(url_for("auth.login", next=_here()), code=303)
        return _unauthorized("sign in, or send an API token as 'Authorization: Bearer <token>'")
    if (principal is not None and principal.via == "local" and current_app.config["API_KEY"]
            and request.blueprint in KEYED_BLUEPRINTS and endpoint not in LEGACY_PUBLIC_API):
        return _unauthorized("a valid X-API-Key header is required")
    # (A request that matched no route or method runs nothing: it gets its 404/405 as it is.)
    if (request.method not in SAFE_METHODS and request.routing_exception is None
            and _needs_csrf_check()):
        try:
            csrf.protect()
        except CSRFError as exc:
            raise Forbidden(f"{exc.description} Reload the page and try again.") from None
    return None


def _needs_csrf_check() -> bool:
    """Forms and anything else a browser sends with the session cookie; not API calls carrying
    their own credentials in a header, which another site cannot make a browser send."""
    if header_credentials():
        return False
    return _is_page() or current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def _is_page() -> bool:
    return request.blueprint in PAGE_BLUEPRINTS or request.endpoint is None


def _here() -> str:
    return request.full_path if request.query_string else request.path


def _unauthorized(message: str) -> Response:
    return error_response(401, message, headers={"WWW-Authenticate": 'Bearer realm="scorer"'})


def sign_in(user: User) -> None:
    session.clear()  # a fresh session (and CSRF token) on sign-in: no fixation
    session[SESSION_USER] = user.id
    session[SESSION_EPOCH] = user.session_epoch
    session.permanent = True


def sign_out() -> None:
    """End the signed-in user's sessions everywhere, then this browser's cookie. The cookie is
    signed, not stored: without the epoch moving on, a copy taken before would still work."""
    principal = current_principal()
    if principal is not None and principal.via == "session" and principal.user_id is not None:
        Accounts(get_store()).end_sessions(principal.user_id)
    session.clear()
