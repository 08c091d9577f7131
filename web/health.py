"""Liveness and readiness probes (no API key: orchestrators call them)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from .api.schemas import ErrorSchema, HealthSchema, ReadySchema
from .extensions import get_service

blp = Blueprint("health", __name__, description="Probes for load balancers and orchestrators.")


@blp.route("/healthz", methods=["GET"])
@blp.doc(summary="The process is up (even without a usable model)")
@blp.response(200, HealthSchema)
def healthz() -> Any:
    return {"status": "ok"}


@blp.route("/readyz", methods=["GET"])
@blp.doc(summary="A verified model is loaded and the database answers; 503 with the reason "
                 "otherwise")
@blp.response(200, ReadySchema)
@blp.alt_response(503, schema=ErrorSchema, description="Not ready; the message says why")
def readyz() -> Any:
    return get_service().readiness()
