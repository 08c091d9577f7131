"""Flask CLI: ``flask --app web.wsgi users create|list|delete|token|revoke`` and ``purge``."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..db import get_store
from ..retention import purge_old_runs
from .accounts import AccountError, Accounts

users_cli = AppGroup("users", help="Manage accounts (stored in the service's database).")


def _accounts() -> Accounts:
    return Accounts(get_store())


def _user_or_exit(name: str):
    user = _accounts().find_user(name)
    if user is None:
        raise click.ClickException(f"there is no user named {name!r}")
    return user


@users_cli.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True, help="May see and delete every user's runs.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (for scripts) instead of prompting.")
def create_user(name: str, admin: bool, password_stdin: bool) -> None:
    """Create the user NAME."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = _accounts().create_user(name, password, is_admin=admin)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {'admin ' if user.is_admin else ''}user {user.name}")


@users_cli.command("list")
def list_users() -> None:
    """List the users with their number of runs and tokens."""
    users = _accounts().list_users()
    if not users:
        click.echo("no users")
        return
    click.echo(f"{'name':<24} {'role':<6} {'runs':>6} {'tokens':>6}  created")
    for u in users:
        click.echo(f"{u['name']:<24} {'admin' if u['is_admin'] else 'user':<6} "
                   f"{u['runs']:>6} {u['tokens']:>6}  {u['created_at']}")


@users_cli.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_user(name: str, yes: bool) -> None:
    """Delete the user NAME with all their runs and tokens."""
    user = _user_or_exit(name)
    if not yes:
        click.confirm(f"Delete {user.name} and all their runs?", abort=True)
    _accounts().delete_user(user.name)
    click.echo(f"deleted user {user.name} and their runs")


@users_cli.command("token")
@click.argument("name")
def create_token(name: str) -> None:
    """Print a new API token for NAME (shown only this once; stored as a hash)."""
    user = _user_or_exit(name)
    click.echo(_accounts().create_token(user.id))


@users_cli.command("revoke")
@click.argument("name")
def revoke_tokens(name: str) -> None:
    """Revoke every API token of NAME."""
    user = _user_or_exit(name)
    n = _accounts().revoke_all_tokens(user.id)
    click.echo(f"revoked {n} token{'s' if n != 1 else ''} of {user.name}")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete runs older than [retention] days (for cron; the service also does it hourly)."""
    days = current_app.config["RETENTION_DAYS"]
    if days <= 0:
        click.echo("retention is off ([retention] days = 0): nothing purged")
        return
    n = purge_old_runs(get_store(), days)
    click.echo(f"purged {n} run{'s' if n != 1 else ''} older than {days} days")
