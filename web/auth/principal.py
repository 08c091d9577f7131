"""Who is asking: resolved once per request from the credentials it carries.

In order: ``Authorization: Bearer <token>`` (a user's API token), ``X-API-Key`` (the service key
of [api] key: admin rights, for compatibility), the signed session cookie of a signed-in user.
Without any, the request is anonymous: with [auth] required it may reach only the public
endpoints; without, it acts as the single local user of `make serve` (sees every run).

``request_scope()`` turns the principal into the store's ``Scope``: the one thing that decides
which runs a request can see (inference/store.py applies it to every query).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import current_app, g, has_request_context, request, session
from werkzeug.exceptions import Unauthorized

from inference.store import EVERYONE, NOBODY, Scope

from ..db import get_store
from .accounts import Accounts, User

API_KEY_HEADER = "X-API-Key"
SESSION_USER = "user_id"
SESSION_EPOCH = "epoch"  # the user's session epoch at sign-in (accounts.User.session_epoch)


@dataclass(frozen=True)
class Principal:
    user_id: int | None  # None: the service key or the local single user (owns no runs)
    name: str
    is_admin: bool
    via: str  # "session" | "token" | "service key" | "local"

    @property
    def scope(self) -> Scope:
        return Scope(self.user_id, sees_all=self.is_admin)

    @property
    def signed_in(self) -> bool:
        return self.via == "session"


LOCAL = Principal(None, "local", True, "local")
SERVICE = Principal(None, "service key", True, "service key")


def _from_user(user: User, via: str) -> Principal:
    return Principal(user.id, user.name, user.is_admin, via)


def header_credentials() -> bool:
    """The request authenticates with a header (no ambient cookie): not forgeable cross-site."""
    return bool(request.headers.get("Authorization") or request.headers.get(API_KEY_HEADER))


def resolve() -> Principal | None:
    """The principal of the current request (None: anonymous with accounts required).
    Wrong credentials are a 401, never a fall-back to anonymous."""
    config = current_app.config
    auth = request.headers.get("Authorization")
    if auth is not None:  # an empty header is a wrong credential too, not an absent one
        scheme, _, token = auth.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("send an API token as 'Authorization: Bearer <token>'")
        user = Accounts(get_store()).user_for_token(token.strip())
        if user is None:
            raise Unauthorized("the API token is not valid (revoked or mistyped)")
        return _from_user(user, "token")
    given = request.headers.get(API_KEY_HEADER)
    if given is not None:
        expected = config["API_KEY"]
        # compare_digest: the time taken does not tell how much of a guessed key was right.
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized(f"the {API_KEY_HEADER} header is not valid")
        return SERVICE
    user_id = session.get(SESSION_USER)
    if user_id is not None:
        user = Accounts(get_store()).get_user(int(user_id))
        if user is not None and session.get(SESSION_EPOCH) == user.session_epoch:
            return _from_user(user, "session")
        session.clear()  # the user was deleted, or signed out (here or on another browser)
    return None if config["AUTH_REQUIRED"] else LOCAL


def current_principal() -> Principal | None:
    """The principal resolved for this request (by ``web.auth.gate``); None when anonymous."""
    return g.get("principal")


def request_scope() -> Scope:
    """Whose runs this request sees: nobody's while anonymous; everyone's outside a request
    (CLI commands, maintenance)."""
    if not has_request_context():
        return EVERYONE
    principal = g.get("principal")
    return principal.scope if principal is not None else NOBODY
