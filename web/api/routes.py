"""JSON API routes: parse the request, call the service, render. Nothing else lives here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import orjson
from flask import Response, current_app, request
from flask_smorest import Blueprint, abort
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from inference.documents import RunDocument
from inference.result import document
from inference.store import IdempotencyKey

from ..auth.principal import current_principal
from ..downloads import results_csv_response
from ..extensions import get_service
from .body import content_digest, request_body
from .jsonbody import load_json
from .schemas import (
    DeletedSchema,
    ErrorSchema,
    ModelInfoSchema,
    PersonResultSchema,
    ResultsPageSchema,
    ResultsQuerySchema,
    RunListQuerySchema,
    RunListSchema,
    ScoreHeadersSchema,
    ScoreQuerySchema,
    ScoreRecordsSchema,
    ScoreResultSchema,
    ScoreUploadSchema,
    StatementsResultSchema,
    StatementsUploadSchema,
)
from .template import TEMPLATE_CSV, TEMPLATE_FILENAME

blp = Blueprint("api", __name__, url_prefix="/api/v1",
                description="Score monthly finances, and read or delete past scoring runs.")

CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain"})
MAX_FILES = 20  # statement files in one request
SECURED = [{"BearerAuth": []}, {"ApiKeyAuth": []}]
REPLAYED_HEADER = "Idempotent-Replayed"
# Request schemas are given as instances: given a class, webargs builds a new schema for every
# request (a measurable share of a one-person score request).

SCORE_BODY = {
    "required": True,
    "description": "Monthly records, one per person per month, in one of three forms. Columns "
                   "are matched by name and common synonyms; GET /api/v1/template.csv shows "
                   "the canonical ones.",
    "content": {
        "multipart/form-data": {"schema": ScoreUploadSchema},
        "text/csv": {"schema": {"type": "string"}},
        # A bare JSON list of records is accepted as well as {"records": [...]}.
        "application/json": {"schema": ScoreRecordsSchema},
    },
}


def _json(body: bytes) -> Response:
    """A document already encoded by the service layer (orjson, see inference.documents): sent
    as it is rather than dumped again through the schema that describes it."""
    return Response(body, mimetype="application/json")


def _run_json(doc: RunDocument) -> Response:
    response = _json(doc.to_json())
    if doc.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response


def _idempotency(key: str | None, kind: str, source_name: str | None,
                 digests: Iterable[bytes]) -> IdempotencyKey | None:
    """The request's Idempotency-Key with a fingerprint of what it asks to score: the sha256
    ``digests`` of the content itself (not of the raw body: a multipart boundary differs between
    two sends of one file). A lazy ``digests`` is not computed for a request without a key."""
    if key is None:
        return None
    digest = hashlib.sha256()
    for part in (kind.encode(), (source_name or "").encode(), *digests):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    # Keys are per caller: another user's same key neither replays nor blocks this request.
    principal = current_principal()
    owner = "" if principal is None or principal.user_id is None else f"user:{principal.user_id}"
    return IdempotencyKey(key, digest.hexdigest(), owner)


def _errors(*codes: int):
    """Document the shared error shape for these status codes."""
    def decorate(func):
        for code in codes:
            func = blp.alt_response(code, schema=ErrorSchema, description="Error")(func)
        return func
    return decorate


@blp.route("/score", methods=["POST"])
@blp.arguments(ScoreQuerySchema(), location="query", as_kwargs=True)
@blp.arguments(ScoreHeadersSchema(), location="headers", as_kwargs=True)
@blp.doc(requestBody=SCORE_BODY, security=SECURED,
         summary="Score a CSV upload, a CSV body or JSON records; the run is stored")
@blp.response(200, ScoreResultSchema, headers={REPLAYED_HEADER: {
    "description": "true when an earlier request with the same Idempotency-Key and body "
                   "stored this run", "schema": {"type": "string"}}})
@_errors(400, 401, 413, 415, 422, 503)
def score(source_name: str | None = None, person_id: str = "person_1",
          idempotency_key: str | None = None) -> Any:
    service = get_service()
    service.ensure_ready()  # 503 with the reason before reading a body that cannot be scored
    kind = request.mimetype
    if kind == "multipart/form-data":
        uploads = _uploads()
        key = _idempotency(idempotency_key, f"files:{person_id}", source_name,
                           (content_digest(part) for name, content in uploads
                            for part in (name.encode(), content)))
        return _run_json(service.score_uploads(uploads, source_name, person_id, key))
    if kind in CSV_TYPES:
        with request_body(digest=idempotency_key is not None) as body:
            return _run_json(service.score_csv(
                body.content, source_name,
                _idempotency(idempotency_key, "csv", source_name, [body.sha256])))
    if kind == "application/json" or kind.endswith("+json"):
        data = request.get_data()
        payload = load_json(data)
        if isinstance(payload, list):  # a bare list of records is accepted too
            payload = {"records": payload}
        records = ScoreRecordsSchema().load(payload)
        name = source_name or records["source_name"]
        return _run_json(service.score_records(
            records["records"], name,
            _idempotency(idempotency_key, "json", name, [content_digest(data)])))
    raise UnsupportedMediaType(
        f"send multipart/form-data (field 'file'), text/csv or application/json, not "
        f"{kind or 'a body without Content-Type'}")


def _uploads() -> list[tuple[str, bytes]]:
    """The multipart request's 'file' parts as (name, content)."""
    files = request.files.getlist("file")
    if not files:
        raise BadRequest("a multipart upload needs its file(s) in fields named 'file'")
    if len(files) > MAX_FILES:
        raise BadRequest(f"{len(files)} files sent; at most {MAX_FILES} are read at once")
    return [(f.filename or f"file {i + 1}", f.read()) for i, f in enumerate(files)]


@blp.route("/statements", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {
    "multipart/form-data": {"schema": StatementsUploadSchema}}}, security=SECURED,
    summary="Dry run: read bank and card statements; nothing is scored or stored",
    description="What each file was read as (kind, rows read, pending and skipped rows with "
                "reasons, dates, totals, the format found) and the canonical monthly records "
                "the files give together, with every assumption in warnings.")
@blp.response(200, StatementsResultSchema)
@_errors(400, 401, 413, 415)
def statements() -> Any:
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("send multipart/form-data with the statements in fields "
                                   "named 'file'")
    return get_service().read_statements(_uploads())


@blp.route("/runs", methods=["GET"])
@blp.arguments(RunListQuerySchema(), location="query")
@blp.doc(security=SECURED, summary="List scoring runs, newest first")
@blp.response(200, RunListSchema)
@_errors(401, 422)
def list_runs(query: dict[str, Any]) -> Any:
    limit = query["limit"] or current_app.config["RUNS_DEFAULT_PAGE_SIZE"]
    most = current_app.config["RUNS_MAX_PAGE_SIZE"]
    if limit > most:
        abort(422, errors={"query": {"limit": [f"must be at most {most}"]}})
    return get_service().list_runs(limit, query["offset"])


@blp.route("/runs", methods=["DELETE"])
@blp.doc(security=SECURED, summary="Delete all my runs and their results (with the service key "
                                   "or without accounts: the runs that have no owner)")
@blp.response(200, DeletedSchema)
@_errors(401)
def delete_my_runs() -> Any:
    return {"deleted": get_service().delete_own_runs()}


@blp.route("/runs/<run_id>", methods=["GET"])
@blp.doc(security=SECURED, summary="One run with its results (the first page of a large run)")
@blp.response(200, ScoreResultSchema)
@_errors(401, 404)
def get_run(run_id: str) -> Any:
    return _json(get_service().get_run(run_id).to_json())


@blp.route("/runs/<run_id>/results", methods=["GET"])
@blp.arguments(ResultsQuerySchema(), location="query")
@blp.doc(security=SECURED, summary="A page of a run's results, in upload order")
@blp.response(200, ResultsPageSchema)
@_errors(401, 404, 422)
def run_results(query: dict[str, Any], run_id: str) -> Any:
    limit = query["limit"] or current_app.config["RESULTS_DEFAULT_PAGE_SIZE"]
    most = current_app.config["RESULTS_MAX_PAGE_SIZE"]
    if limit > most:
        abort(422, errors={"query": {"limit": [f"must be at most {most}"]}})
    return _json(get_service().results_page(run_id, query["offset"], limit).to_json())


@blp.route("/runs/<run_id>/results.csv", methods=["GET"])
@blp.doc(security=SECURED, summary="All of a run's results as CSV, one row per person")
@blp.response(200, description="CSV (cells that would run as a spreadsheet formula start "
                               "with ')", content_type="text/csv")
@_errors(401, 404)
def run_results_csv(run_id: str) -> Response:
    return results_csv_response(get_service(), run_id)


@blp.route("/runs/<run_id>/persons/<path:person_id>", methods=["GET"])
@blp.doc(security=SECURED, summary="One person's complete result; explanations are computed "
                                   "on first read for a large run, then kept")
@blp.response(200, PersonResultSchema)
@_errors(401, 404, 503)
def run_person(run_id: str, person_id: str) -> Any:
    return _json(orjson.dumps(document(get_service().person(run_id, person_id))))


@blp.route("/runs/<run_id>", methods=["DELETE"])
@blp.doc(security=SECURED, summary="Delete a run and all its results")
@blp.response(204)
@_errors(401, 404)
def delete_run(run_id: str) -> Any:
    get_service().delete_run(run_id)
    return Response(status=204)


@blp.route("/model", methods=["GET"])
@blp.doc(security=SECURED, summary="The loaded model: versions, metrics, model card, features")
@blp.response(200, ModelInfoSchema)
@_errors(401, 503)
def model_info() -> Any:
    return get_service().model_info()


@blp.route("/template.csv", methods=["GET"])
@blp.doc(security=[], summary="A CSV template with every column and example rows")
@blp.response(200, description="CSV", content_type="text/csv")
def template_csv() -> Response:
    return Response(TEMPLATE_CSV, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{TEMPLATE_FILENAME}"'})
