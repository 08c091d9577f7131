"""Dashboard pages: parse the request, call the service layer, render a template.

Upload (POST -> redirect to the run: PRG), a bundled sample, results per run and per person,
history with delete, and the model page. Failures become HTML pages with a reason, never a
traceback; input problems re-render the upload page with every row/column problem listed.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from inference.result import INDEX
from inference.service import ModelUnavailable, PersonNotFound, RunNotFound
from inference.store import RESULT_ORDERS, StoreError
from shared_features import FIELD_NAMES, InputError
from shared_features.statements import is_monthly_table, monthly_csv, monthly_table_bytes

from ..downloads import results_csv_response
from ..errors import report_store_error, too_large_message
from ..extensions import get_service
from . import present
from .detail import person_view
from .markdown import render as render_markdown

bp = Blueprint("dashboard", __name__)

SAMPLE_FILE = "sample.csv"
RECENT_RUNS = 5
TABLE_PAGE_SIZE = 250
# Evaluation plots served from the artifact's plots/ directory: only these names.
PLOTS: dict[str, str] = {
    "roc": "ROC curve of the model on the test set",
    "pr": "Precision-recall curve of the model on the test set",
    "calibration": "Calibration curve: predicted probability against observed stress rate",
}


@bp.context_processor
def _globals() -> dict[str, Any]:
    service = get_service()
    return {"model_ready": service.ready, "model_reason": service.unavailable_reason,
            "band_class": present.band_class}


MAX_PAGE = 1_000_000  # beyond any real history; keeps the offset an integer SQLite can hold


def _page(value: str | None) -> int:
    try:
        return min(max(1, int(value or 1)), MAX_PAGE)
    except ValueError:
        return 1


# -- upload --------------------------------------------------------------------------------------

def _upload_page(status: int = 200, problems: list[dict[str, Any]] | None = None,
                 total: int = 0, filename: str | None = None, message: str | None = None
                 ) -> tuple[str, int]:
    recent = get_service().list_runs(RECENT_RUNS)["runs"]
    return render_template("upload.html", active="upload", problems=problems or [],
                           total_problems=total, filename=filename, message=message,
                           recent=recent, columns=present.column_guide(),
                           fmt_datetime=present.fmt_datetime), status


def _input_problems(exc: InputError, filename: str) -> tuple[str, int]:
    problems = [{"row": p.row, "column": p.column, "value": p.value, "message": p.message}
                for p in exc.problems]
    return _upload_page(400, problems, exc.total, filename)


def _score(data: bytes, filename: str) -> Response | tuple[str, int]:
    try:
        doc = get_service().score_csv(data, filename)
    except InputError as exc:
        return _input_problems(exc, filename)
    except ModelUnavailable:
        return _upload_page(503, filename=filename,
                            message="The model is not available, so nothing was scored.")
    return redirect(url_for(".run", run_id=doc.summary["id"]), code=303)


@bp.get("/")
def upload() -> tuple[str, int]:
    return _upload_page()


@bp.post("/upload")
def upload_file() -> Response | tuple[str, int]:
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        message = too_large_message()
        return _upload_page(413, message=f"{message[0].upper()}{message[1:]}.")
    if upload is None or not upload.filename:
        return _upload_page(400, message="Choose a CSV file first, or try the sample.")
    uploads = [(f.filename or f"file {i + 1}", f.read())
               for i, f in enumerate(request.files.getlist("file")) if f.filename]
    if len(uploads) == 1 and is_monthly_table(uploads[0][1]):
        # A workbook's table is scored as the CSV it holds.
        return _score(bytes(monthly_table_bytes(uploads[0][1])), uploads[0][0])
    return _statements_preview(uploads)


def _statements_preview(uploads: list[tuple[str, bytes]]) -> tuple[str, int]:
    """Bank or card statements: show what was read and the months they give, before scoring."""
    names = ", ".join(name for name, _ in uploads)
    try:
        report = get_service().read_statements(uploads)
    except InputError as exc:
        return _input_problems(exc, names)
    return render_template("statements.html", active="upload", report=report,
                           columns=FIELD_NAMES, monthly_csv=monthly_csv(report["months"]),
                           csv_name="monthly-from-statements.csv", source_name=names[:200],
                           fmt_money=present.fmt_money), 200


@bp.post("/statements/score")
def score_statements() -> Response | tuple[str, int]:
    """Score the months a statements preview derived (sent back as the monthly CSV)."""
    data = request.form.get("monthly_csv", "")
    if not data.strip():
        return _upload_page(400, message="Nothing to score: upload your statements again.")
    return _score(data.encode("utf-8"), request.form.get("source_name") or "statements")


@bp.post("/sample")
def score_sample() -> Response | tuple[str, int]:
    path = Path(current_app.static_folder or "static") / SAMPLE_FILE
    return _score(path.read_bytes(), SAMPLE_FILE)


@bp.get("/upload")
@bp.get("/sample")
@bp.get("/statements/score")
def upload_get() -> Response:
    """A bookmarked or reloaded form target: back to the upload page."""
    return redirect(url_for(".upload"))


# -- results -------------------------------------------------------------------------------------

def _model_context() -> tuple[tuple[float, float] | None, int | None]:
    """(Moderate and High band starts, horizon in months) of the loaded model, if any."""
    service = get_service()
    if not service.ready:
        return None, None
    info = service.model_info()
    bands = info["risk_bands"]
    return (float(bands["moderate"]), float(bands["high"])), info["horizon_months"]


@bp.get("/runs/<run_id>")
def run(run_id: str) -> str:
    service = get_service()
    summary = service.get_summary(run_id)
    thresholds, horizon = _model_context()
    context: dict[str, Any] = {"active": "history", "run": summary, "horizon": horizon,
                               "bands": present.band_share(summary["band_counts"]),
                               "fmt_datetime": present.fmt_datetime,
                               "fmt_percent": present.fmt_percent}
    n = summary["n_persons"]
    if n == 1:
        only = service.results_page(run_id, 0, 1).rows[0]
        row = service.person(run_id, only[INDEX["person_id"]])
        return render_template("run.html", person=person_view(row, thresholds), **context)
    sort = request.args.get("sort", "position")
    sort = sort if sort in RESULT_ORDERS else "position"
    descending = request.args.get("order", "asc" if sort in ("position", "person")
                                  else "desc") == "desc"
    pages = max(1, math.ceil(n / TABLE_PAGE_SIZE))
    page = min(_page(request.args.get("page")), pages)
    offset = (page - 1) * TABLE_PAGE_SIZE
    # Sorted and cut by the database: a large run is never read whole for one page.
    shown = service.results_page(run_id, offset, TABLE_PAGE_SIZE, sort, descending).rows
    rows = present.table_rows(shown, list(range(offset, offset + len(shown))))
    return render_template("run.html", rows=rows, sort=sort, descending=descending,
                           page=page, pages=pages, fmt_number=present.fmt_number, **context)


@bp.get("/runs/<run_id>/results.csv")
def results_csv(run_id: str) -> Response:
    return results_csv_response(get_service(), run_id)


@bp.get("/runs/<run_id>/person")
def person(run_id: str) -> str:
    # The id goes in the query string: in a path, an id such as ".." is a dot segment the
    # browser resolves away before the request is sent.
    person_id = request.args.get("id", "")
    service = get_service()
    summary = service.get_summary(run_id)
    row = service.person(run_id, person_id)  # explained now if the run did not explain it
    thresholds, horizon = _model_context()
    return render_template("person.html", active="history", run=summary,
                           person=person_view(row, thresholds), horizon=horizon,
                           fmt_datetime=present.fmt_datetime)


# -- history -------------------------------------------------------------------------------------

@bp.get("/runs")
def history() -> str:
    size = current_app.config["RUNS_DEFAULT_PAGE_SIZE"]
    page = _page(request.args.get("page"))
    listing = get_service().list_runs(size, (page - 1) * size)
    pages = max(1, math.ceil(listing["total"] / size))
    return render_template("history.html", active="history", runs=listing["runs"],
                           total=listing["total"], page=page, pages=pages,
                           deleted=request.args.get("deleted") == "1",
                           fmt_datetime=present.fmt_datetime, fmt_percent=present.fmt_percent)


@bp.route("/runs/<run_id>/delete", methods=["GET", "POST"])
def delete_run(run_id: str) -> Response | str:
    service = get_service()
    if request.method == "POST" and request.form.get("confirmed") == "1":
        service.delete_run(run_id)
        return redirect(url_for(".history", deleted="1"), code=303)
    # Without JavaScript (or via GET) the delete button lands here: confirm on a page.
    return render_template("confirm_delete.html", active="history",
                           run=service.get_summary(run_id),
                           fmt_datetime=present.fmt_datetime)


# -- model ---------------------------------------------------------------------------------------

@bp.get("/model")
def model() -> tuple[str, int]:
    service = get_service()
    try:
        info = service.model_info()
    except ModelUnavailable:
        return render_template("model.html", active="model", info=None), 503
    plots_dir = _plots_dir()
    plots = [{"name": name, "alt": alt, "available": (plots_dir / f"{name}.png").is_file()}
             for name, alt in PLOTS.items()]
    card = render_markdown(info["model_card"]) if info.get("model_card") else None
    return render_template("model.html", active="model", info=info, plots=plots, card=card,
                           metrics=present.metrics_table(info.get("metrics")),
                           fmt_datetime=present.fmt_datetime), 200


def _plots_dir() -> Path:
    return Path(current_app.config["ARTIFACTS_DIR"]) / "plots"


@bp.get("/model/plots/<name>.png")
def model_plot(name: str) -> Response:
    if name not in PLOTS:
        abort(404)
    directory = _plots_dir()
    return send_from_directory(directory.resolve(), f"{name}.png", mimetype="image/png",
                               max_age=300)


# -- errors as pages -----------------------------------------------------------------------------

def _error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message), status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
    # Raised on the first read of the form: by the view or already by the CSRF check.
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _upload_page(413, message=f"The file is larger than the {limit / 1024 / 1024:g} MB "
                                     "limit.")


@bp.errorhandler(PersonNotFound)
def _person_not_found(exc: PersonNotFound) -> tuple[str, int]:
    return _error_page(404, "Person not found", "This run has no person with that id.")


@bp.errorhandler(RunNotFound)
def _run_not_found(exc: RunNotFound) -> tuple[str, int]:
    return _error_page(404, "Run not found",
                       "That run does not exist. It may have been deleted.")


@bp.errorhandler(ModelUnavailable)
def _model_unavailable(exc: ModelUnavailable) -> tuple[str, int]:
    return _error_page(503, "The model is not available", str(exc))


@bp.errorhandler(StoreError)
@bp.errorhandler(sqlite3.Error)
def _store_unavailable(exc: Exception) -> tuple[str, int]:
    reason = report_store_error(exc)
    return _error_page(503, "The database is not available",
                       f"Past runs cannot be read or saved right now ({reason}). "
                       "Try again shortly.")


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> tuple[str, int]:
    return _error_page(exc.code or 500, exc.name, exc.description or "")


@bp.errorhandler(Exception)
def _internal_error(exc: Exception) -> tuple[str, int]:
    current_app.logger.exception("unhandled error in the dashboard")
    return _error_page(500, "Something went wrong",
                       "The error has been logged. Please try again.")
