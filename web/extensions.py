"""Where the app keeps its per-process objects (settings, the scoring service)."""

from __future__ import annotations

from flask import Flask, current_app

from inference.service import ScoringService

from .settings import Settings

_SERVICE_KEY = "scorer.service"
_SETTINGS_KEY = "scorer.settings"


def install(app: Flask, settings: Settings, service: ScoringService) -> None:
    app.extensions[_SETTINGS_KEY] = settings
    app.extensions[_SERVICE_KEY] = service


def get_service() -> ScoringService:
    return current_app.extensions[_SERVICE_KEY]


def get_settings() -> Settings:
    return current_app.extensions[_SETTINGS_KEY]
