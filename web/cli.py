"""``flask --app web.wsgi runs ...``: maintenance commands on the service's runs.

    flask --app web.wsgi runs import DIR     # keep a `stress-scorer batch` output as a run

They go through the service layer and its store, with the app's own settings (database path,
ownership), exactly as a request would.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

runs = AppGroup("runs", help="Scoring runs kept by the service.")


@runs.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--name", help="the run's source name (default: the batch's input)")
def import_batch(directory: str, name: str | None) -> None:
    """Store the output DIRECTORY of `stress-scorer batch` as one run (its scored persons)."""
    from inference.batch.output import NotABatchOutput, mean_probability, read_summary, result_rows

    from .extensions import get_service

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
            str(summary.get("model_version") or "unknown"), summary["model_sha256"], warnings)
    except NotABatchOutput as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"imported {scored:,} persons as run {run['id']}")


def init_app(app: Flask) -> None:
    app.cli.add_command(runs)
