"""A run's results as a streamed CSV download (the API and the dashboard send the same file)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, stream_with_context
from werkzeug.utils import secure_filename

from inference.service import ScoringService


def results_csv_response(service: ScoringService, run_id: str) -> Response:
    """Streamed in pieces of a few thousand persons: a million-person run is never one string.
    A missing run raises RunNotFound before anything is sent."""
    summary = service.get_summary(run_id)
    stem = Path(summary["source_name"] or "run").stem
    name = secure_filename(f"{stem}-results-{run_id}.csv") or f"results-{run_id}.csv"
    return Response(stream_with_context(service.results_csv(run_id)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
