"""One JSON error shape for every failure:

    {"error": {"code": 400, "status": "Bad Request", "message": "...",
               "problems": [{"row": 3, "column": "income", "value": "abc", "message": "..."}],
               "total_problems": 1}}

Input problems from ingestion and request validation become ``problems``; a 500 says only that
something went wrong (the traceback goes to the log, never to the client).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from flask_smorest import Api
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from inference.service import IdempotencyConflict, ModelUnavailable, RunNotFound
from inference.store import StoreError
from inference.store_health import describe
from shared_features import InputError, Problem

from .api.schemas import ErrorSchema
from .db import close_thread_stores
from .extensions import get_service

MAX_LISTED_IN_MESSAGE = 3


def error_response(code: int, message: str, problems: Iterable[dict[str, Any]] = (),
                   total: int | None = None, headers: dict[str, str] | None = None) -> Response:
    problems = list(problems)
    body = {"error": {"code": code, "status": HTTPStatus(code).phrase, "message": message,
                      "problems": problems,
                      "total_problems": len(problems) if total is None else total}}
    response = jsonify(body)
    response.status_code = code
    response.headers.update(headers or {})
    return response


def _problem_dict(p: Problem) -> dict[str, Any]:
    problem = {"row": p.row, "column": p.column, "value": p.value, "message": p.message}
    if p.file is not None:  # only when several files were read together
        problem["file"] = p.file
    return problem


def _describe(p: Problem, row_label: str) -> str:
    where = ", ".join(x for x in (f"{row_label} {p.row}" if p.row else None,
                                  f"column {p.column!r}" if p.column else None) if x)
    shown = f" (value {p.value!r})" if p.value not in (None, "") else ""
    return f"{where}: {p.message}{shown}" if where else f"{p.message}{shown}"


def input_error_message(exc: InputError) -> str:
    label = getattr(exc, "row_label", "row")
    listed = "; ".join(_describe(p, label) for p in exc.problems[:MAX_LISTED_IN_MESSAGE])
    more = exc.total - min(len(exc.problems), MAX_LISTED_IN_MESSAGE)
    count = f"{exc.total} problem{'s' if exc.total != 1 else ''}"
    return (f"the input cannot be scored ({count}): {listed}"
            + (f"; and {more} more (see problems)" if more > 0 else ""))


def flatten_validation(messages: Any, path: tuple[str, ...] = (), row: int | None = None
                       ) -> list[dict[str, Any]]:
    """marshmallow/webargs nested messages -> problems; list indices become 1-based rows.

    Only integer keys are list indices: a string key, even ``"7"`` or ``"²"``, is a name the
    client sent (a record's key) and is reported as a column.
    """
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            if isinstance(key, int) and not isinstance(key, bool):
                out += flatten_validation(value, path, key + 1)
            elif key in ("json", "query", "headers", "files", "form", "_schema", "value"):
                out += flatten_validation(value, path, row)  # where it came from, not a name
            else:
                out += flatten_validation(value, (*path, str(key)), row)
        return out
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        column = ".".join(path) or None
        return [{"row": row, "column": column, "value": None, "message": m} for m in messages]
    if isinstance(messages, list | tuple):
        return [p for m in messages for p in flatten_validation(m, path, row)]
    return [{"row": row, "column": ".".join(path) or None, "value": None,
             "message": str(messages)}]


def _validation_response(code: int, messages: Any) -> Response:
    problems = flatten_validation(messages)
    listed = "; ".join(f"{p['column']}: {p['message']}" if p["column"] else p["message"]
                       for p in problems[:MAX_LISTED_IN_MESSAGE])
    return error_response(code, f"the request is not valid: {listed}", problems)


class ScorerApi(Api):
    """flask-smorest Api whose errors (and their documentation) use the shape above."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        data = getattr(error, "data", None) or {}
        headers = dict(data.get("headers") or {})
        messages = data.get("errors") or data.get("messages")
        if messages and error.code in (400, 422):
            return _validation_response(error.code, messages)
        if isinstance(error, RequestEntityTooLarge):
            return error_response(413, too_large_message())
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(sorted(error.valid_methods))
        message = data.get("message") or error.description or error.name
        return error_response(error.code or 500, message, headers=headers)


def too_large_message() -> str:
    """Which limit a 413 hit: Werkzeug raises the same exception for all three."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if length is None or not limit or length > limit:
        mb = f"{limit / 1024 / 1024:.3g} MB" if limit else "the configured size"
        return f"the request body is larger than the {mb} limit"
    parts = request.max_form_parts
    field_kb = (request.max_form_memory_size or 0) // 1024
    return (f"the multipart form has more than {parts} fields, or a field other than the file "
            f"is larger than {field_kb} kB; send the CSV as one field named 'file'")


def report_store_error(exc: BaseException) -> str:
    """Log a store failure, let the store's health know, and word it for the client.

    Every SQLite error (locked, full, read-only, damaged, ...) is the store's state, not the
    request's fault: a 503 in SQLite's own words. Damage is remembered, so /readyz says so at
    once and no new run goes into the damaged file. This thread's kept connection is dropped:
    one that met a read-only or replaced file stays in that state, a new one sees the file as
    it is now.
    """
    health = get_service().health
    if health is not None:
        health.report(exc)
    close_thread_stores()
    reason = describe(exc)
    current_app.logger.error("database unavailable: %s", reason)
    return reason


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(InputError)
    def input_error(exc: InputError) -> Response:
        return error_response(400, input_error_message(exc),
                              [_problem_dict(p) for p in exc.problems], exc.total)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError) -> Response:
        return _validation_response(422, exc.messages)

    @app.errorhandler(ModelUnavailable)
    def model_unavailable(exc: ModelUnavailable) -> Response:
        return error_response(503, f"the model is not available: {exc}")

    @app.errorhandler(IdempotencyConflict)
    def idempotency_conflict(exc: IdempotencyConflict) -> Response:
        return error_response(422, str(exc), [{"row": None, "column": "Idempotency-Key",
                                               "value": None, "message": str(exc)}])

    @app.errorhandler(RunNotFound)
    def run_not_found(exc: RunNotFound) -> Response:
        return error_response(404, str(exc))

    @app.errorhandler(StoreError)
    @app.errorhandler(sqlite3.Error)
    def store_unavailable(exc: Exception) -> Response:
        return error_response(503, f"the database is not available: {report_store_error(exc)}")

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> Response:
        # HTTPExceptions never get here: Flask prefers the more specific handler above.
        app.logger.exception("unhandled error")
        return error_response(500, "internal error; the details are in the server log")
