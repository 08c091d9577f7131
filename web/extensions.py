"""Where the app keeps its per-process objects (the scoring service); settings are in
``app.config``."""

from __future__ import annotations

from flask import Flask, current_app

from inference.service import ScoringService

_SERVICE_KEY = "scorer.service"


def install(app: Flask, service: ScoringService) -> None:
    app.extensions[_SERVICE_KEY] = service


def get_service() -> ScoringService:
    return current_app.extensions[_SERVICE_KEY]
