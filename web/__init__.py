"""The Flask application factory.

    app = create_app()                                   # web/config.toml + SCORER_CONFIG + env
    app = create_app({"TESTING": True,                   # then these, like flaskr's test_config
                      "DATABASE_PATH": "/tmp/x.sqlite3"})

Every setting lives in ``app.config`` (web/settings.py says how a TOML ``[section] key`` and its
SCORER__SECTION__KEY variable map to a key there). Everything with a side effect (creating the
database directory, loading the model, the one onnxruntime session of this process) happens
here, never at import. A missing or refused artifact does not stop the app: /healthz stays 200
while /readyz and /api/v1/score answer 503 with why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from inference.service import ScoringService, ServiceOptions

from . import auth, db, extensions, metrics, retention, security, settings
from .cli import register_commands
from .errors import ScorerApi, register_error_handlers


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        API_TITLE="Financial-stress risk scorer",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.from_mapping(settings.load_config_file_and_env())
    app.config.from_mapping(test_config or {})
    app.config.from_mapping(settings.validated(app.config))
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["LIMITS_MAX_UPLOAD_MB"] * settings.MEGABYTE)
    app.json.sort_keys = False  # keep the schemas' field order: easier to read
    _use_gunicorn_logging(app)
    if app.config["PROXY_TRUSTED_HOPS"]:
        # The client's address and scheme as the proxy saw them, not the proxy's own.
        hops = app.config["PROXY_TRUSTED_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    health = db.init_app(app)
    auth.init_app(app)  # before the blueprints: its gate runs ahead of their own hooks
    security.init_app(app)
    retention.init_app(app)
    config = app.config
    options = ServiceOptions(settings.ingest_limits(config), settings.explain_options(config),
                             settings.recommend_options(config),
                             inline_max_persons=config["RESULTS_INLINE_MAX_PERSONS"],
                             page_size=config["RESULTS_DEFAULT_PAGE_SIZE"])
    service = ScoringService.from_artifact_dir(config["ARTIFACTS_DIR"], db.get_store, options,
                                               config["MODEL_INTRA_OP_THREADS"], health)
    if service.ready:
        app.logger.info("model loaded from %s", config["ARTIFACTS_DIR"])
    else:
        app.logger.error("not ready: %s", service.unavailable_reason)
    extensions.install(app, service)
    metrics.init_app(app, service)

    api = ScorerApi(app)
    api.spec.components.security_scheme(
        "BearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "A user's API token (account page, or `flask users "
                                      "token NAME`); needed when accounts are on"})
    api.spec.components.security_scheme(
        "ApiKeyAuth", {"type": "apiKey", "in": "header", "name": "X-API-Key",
                       "description": "The service key ([api] key): admin rights"})
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
