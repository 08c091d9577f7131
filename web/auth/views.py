"""Sign-in, sign-out and the account page (API tokens, "Delete all my data")."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound

from ..db import get_store
from ..extensions import get_service
from .accounts import Accounts
from .principal import current_principal

bp = Blueprint("auth", __name__)

# The one message for an unknown name and a wrong password: it must not tell which it was.
FAILED = "The user name or password is not right."


def _subjects(name: str) -> list[str]:
    """What failed sign-ins are counted against: the account tried and the address trying."""
    return [f"user:{name.strip().casefold()}", f"addr:{request.remote_addr or '?'}"]


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //other.example or https://other.example)."""
    if not target:
        return url_for("dashboard.upload")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.upload")
    return target


def _login_page(status: int = 200, message: str | None = None, name: str = ""
                ) -> tuple[str, int]:
    return render_template("login.html", message=message, name=name,
                           next=request.values.get("next", ""),
                           signed_out=request.args.get("signed_out") == "1"), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    if request.method == "GET":
        return _login_page()
    name = request.form.get("name", "")
    password = request.form.get("password", "")
    accounts = Accounts(get_store())
    config = current_app.config
    window_s = config["AUTH_FAILURE_WINDOW_MINUTES"] * 60.0
    subjects = _subjects(name)
    if any(accounts.recent_failures(s, window_s) >= config["AUTH_MAX_FAILURES"]
           for s in subjects):
        minutes = config["AUTH_FAILURE_WINDOW_MINUTES"]
        page, _ = _login_page(message=f"Too many failed sign-ins. Try again in {minutes} "
                                      f"minutes.", name=name)
        return Response(page, status=429, headers={"Retry-After": str(int(window_s))})
    user = accounts.authenticate(name, password)
    if user is None:
        accounts.record_failure(subjects, window_s)
        return _login_page(401, FAILED, name)
    accounts.clear_failures(subjects[0])
    from . import sign_in

    sign_in(user)
    return redirect(_safe_next(request.form.get("next")), code=303)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Response | str:
    if request.method == "POST":
        from . import sign_out

        sign_out()
        return redirect(url_for(".login", signed_out="1"), code=303)
    return render_template("logout.html")  # a GET only asks: signing out is a (CSRF-safe) POST


# -- account -------------------------------------------------------------------------------------

def _account_user_id() -> int:
    principal = current_principal()
    if principal is None or principal.user_id is None:
        # The local single user and the service key have no account page.
        raise NotFound("Accounts are not in use here: there is no account page.")
    return principal.user_id


def _account_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    user_id = _account_user_id()
    accounts = Accounts(get_store())
    return render_template("account.html", active="account", tokens=accounts.list_tokens(user_id),
                           user=accounts.get_user(user_id),
                           runs=get_store().count_own_runs(), **extra), status


@bp.get("/account")
def account() -> tuple[str, int]:
    return _account_page(deleted=request.args.get("deleted"),
                         revoked=request.args.get("revoked") == "1")


@bp.post("/account/tokens")
def create_token() -> tuple[str, int]:
    token = Accounts(get_store()).create_token(_account_user_id())
    return _account_page(201, new_token=token)  # shown this once; never stored in clear


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> Response:
    if not Accounts(get_store()).revoke_token(_account_user_id(), token_id):
        raise NotFound("You have no token with that id.")
    return redirect(url_for(".account", revoked="1"), code=303)


@bp.post("/account/delete-data")
def delete_data() -> Response | tuple[str, int]:
    _account_user_id()
    if request.form.get("confirm") != "delete":
        return _account_page(400, confirm_error=True)
    deleted = get_service().delete_own_runs()
    return redirect(url_for(".account", deleted=str(deleted)), code=303)
