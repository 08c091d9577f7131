"""Operator commands: ``flask --app web.wsgi backup DEST``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from inference.store import StoreError, backup_database


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup)


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
