"""The Flask application factory.

    app = create_app()                      # web/config.toml + SCORER_CONFIG + SCORER__* env
    app = create_app({"TESTING": True,      # upper-case keys: Flask config
                      "database": {"path": "/tmp/x.sqlite3"}})  # lower-case: config sections

Everything with a side effect (creating the database directory, loading the model, the one
onnxruntime session of this process) happens here, never at import. A missing or refused artifact
does not stop the app: /healthz stays 200 while /readyz and /api/v1/score answer 503 with why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from inference.service import ScoringService, ServiceOptions

from . import db, extensions, metrics
from .cli import register_commands
from .errors import ScorerApi, register_error_handlers
from .settings import load_settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    test_config = dict(test_config or {})
    flask_config = {k: v for k, v in test_config.items() if k.isupper()}
    sections = {k: v for k, v in test_config.items() if not k.isupper()}
    settings = load_settings(sections)

    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        API_TITLE="Financial-stress risk scorer",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.update(flask_config)
    if settings.trusted_proxy_hops:
        # The client's address and scheme as the proxy saw them, not the proxy's own.
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.json.sort_keys = False  # keep the schemas' field order: easier to read
    _use_gunicorn_logging(app)

    health = db.init_app(app, settings)
    options = ServiceOptions(settings.limits, settings.explain, settings.recommend)
    service = ScoringService.from_artifact_dir(settings.artifacts_dir, db.get_store, options,
                                               settings.intra_op_threads, health)
    if service.ready:
        app.logger.info("model loaded from %s", settings.artifacts_dir)
    else:
        app.logger.error("not ready: %s", service.unavailable_reason)
    extensions.install(app, settings, service)
    metrics.init_app(app, service)

    api = ScorerApi(app)
    api.spec.components.security_scheme(
        "ApiKeyAuth", {"type": "apiKey", "in": "header", "name": "X-API-Key",
                       "description": "Needed only when the service is configured with a key"})
    from .api import blp as api_blp
    from .dashboard import bp as dashboard_bp
    from .health import blp as health_blp

    api.register_blueprint(api_blp)
    api.register_blueprint(health_blp)
    app.register_blueprint(dashboard_bp)
    register_error_handlers(app)
    register_commands(app)
    return app


def _use_gunicorn_logging(app: Flask) -> None:
    """Under gunicorn, log through its error log (same format and level); else leave Flask's."""
    gunicorn = logging.getLogger("gunicorn.error")
    if gunicorn.handlers:
        app.logger.handlers = gunicorn.handlers
        app.logger.setLevel(gunicorn.level)
