"""Operator commands, with the app's own settings (database path, ownership) as a request has:

    flask --app web.wsgi backup DEST          # an online copy of the runs database
    flask --app web.wsgi runs import DIR [--owner NAME]   # keep a `stress-scorer batch` output
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from inference.store import StoreError, backup_database


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(runs)


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace DESTINATION if it exists.")
@with_appcontext
def backup(destination: Path, force: bool) -> None:
    """Copy the runs database to DESTINATION while the service keeps running.

    Uses SQLite's online backup API: the copy is a consistent snapshot even while runs are
    being written, and is checked with PRAGMA integrity_check. Restore: see the README.
    """
    source = current_app.config["DATABASE_PATH"]
    if destination.exists() and not force:
        raise click.ClickException(f"{destination} exists; pass --force to replace it")
    if destination.resolve() == Path(source).resolve():
        raise click.ClickException("the destination is the database itself")
    if not Path(source).is_file():
        raise click.ClickException(f"there is no database at {source}")
    try:
        pages = backup_database(source, destination)
    except (sqlite3.Error, StoreError, OSError) as exc:
        raise click.ClickException(f"backup failed: {exc}") from exc
    size = destination.stat().st_size
    click.echo(f"backed up {source} to {destination} ({pages} pages, {size:,} bytes, "
               "integrity_check ok)")


runs = AppGroup("runs", help="Scoring runs kept by the service.")


@runs.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--name", help="the run's source name (default: the batch's input)")
@click.option("--owner", help="the user who will own the run (default: no owner, which only "
              "admins see when accounts are on)")
def import_batch(directory: str, name: str | None, owner: str | None) -> None:
    """Store the output DIRECTORY of `stress-scorer batch` as one run (its scored persons)."""
    from inference.batch.output import NotABatchOutput, mean_probability, read_summary, result_rows

    from .auth.accounts import Accounts
    from .db import get_store
    from .extensions import get_service

    owner_id = None
    if owner is not None:
        user = Accounts(get_store()).find_user(owner)
        if user is None:  # checked first: a typo must not leave an unowned run behind
            raise click.ClickException(f"there is no user named {owner!r} (see `flask users "
                                       "list`)")
        owner_id = user.id
    try:
        summary = read_summary(directory)
    except NotABatchOutput as exc:
        raise click.ClickException(str(exc)) from None
    warnings = [f"imported from the batch output {directory}"]
    if summary.get("persons_not_scored"):
        warnings.append(f"{summary['persons_not_scored']} persons were not scored because of "
                        f"problems in their rows; see the problems column in {directory}")
    scored = int(summary.get("persons_scored", summary["persons"]))
    try:
        run = get_service().import_run(
            result_rows(directory), name or str(summary.get("source") or directory), scored,
            summary["band_counts"], mean_probability(directory),
            str(summary.get("model_version") or "unknown"), summary["model_sha256"], warnings,
            owner_id)
    except NotABatchOutput as exc:
        raise click.ClickException(str(exc)) from None
    whose = f" owned by {owner}" if owner else ""
    click.echo(f"imported {scored:,} persons as run {run['id']}{whose}")
