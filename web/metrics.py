"""Prometheus metrics at GET /metrics (prometheus-client).

Under gunicorn every worker is its own process: prometheus-client's multiprocess mode keeps each
worker's values in files under ``PROMETHEUS_MULTIPROC_DIR`` (set up by web/gunicorn_conf.py
before the workers start) and /metrics, whichever worker answers it, adds them up. Without that
variable (``flask run``, tests) the values live in this process.

Labels are bounded: the route *template* (``/api/v1/runs/<run_id>``, never an id), the method
among the few the app serves, the status code. No person or run ids anywhere.

The endpoint is protected like the API by web.auth's gate: with accounts on it needs a token
(or the service key); without, it needs the API key when one is configured.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sqlite3
import time
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from inference.service import ModelUnavailable, ScoringService
from inference.store import StoreError

from .extensions import get_service

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_METRICS_KEY = "scorer.metrics"
_METHODS = frozenset({"GET", "HEAD", "POST", "DELETE", "OPTIONS", "PUT", "PATCH"})
# Seconds: probes and pages take milliseconds, a 10,000-person upload a few seconds.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
                    120.0)

bp = Blueprint("metrics", __name__)


class _MultiProcessCollector(multiprocess.MultiProcessCollector):
    """prometheus-client's collector, minus files that hold nothing yet.

    A process creates its metric file before sizing it, so a scrape served while another
    worker starts (or restarts after max_requests) can find a 0-byte file, and the library
    then fails the whole scrape (prometheus/client_python#1199). Such a file has no values
    to lose; a file removed between listing and reading (a worker that just exited) neither.
    """

    def collect(self):  # type: ignore[no-untyped-def]
        files = []
        for path in glob.glob(os.path.join(self._path, "*.db")):
            with contextlib.suppress(FileNotFoundError):
                if os.path.getsize(path) > 0:
                    files.append(path)
        return self.merge(files, accumulate=True)


class Metrics:
    """This process's metrics; created once per app (tests build many apps in one process)."""

    def __init__(self) -> None:
        directory = os.environ.get(MULTIPROC_ENV)
        self.registry = CollectorRegistry()
        if directory:
            # Values go to files, read back for every scrape by the collector.
            _MultiProcessCollector(self.registry, path=directory)
            own: CollectorRegistry | None = None
        else:
            own = self.registry
        self.requests = Counter(
            "scorer_http_requests", "HTTP requests by route template, method and status",
            ["route", "method", "status"], registry=own)
        self.latency = Histogram(
            "scorer_http_request_duration_seconds", "Time to produce the response",
            ["route", "method"], buckets=_LATENCY_BUCKETS, registry=own)
        self.persons_scored = Counter(
            "scorer_persons_scored", "Persons scored in stored runs", registry=own)
        self.runs_stored = Counter("scorer_runs_stored", "Scoring runs stored", registry=own)
        self.model_info = Gauge(
            "scorer_model_info", "The loaded model (1); absent when none is loaded",
            ["spec_version", "model_sha256"], registry=own, multiprocess_mode="liveall")
        self.ready = Gauge(
            "scorer_ready", "1 when /readyz would answer 200 (model and database), else 0",
            registry=own, multiprocess_mode="livemostrecent")

    def run_stored(self, n_persons: int) -> None:
        self.runs_stored.inc()
        self.persons_scored.inc(n_persons)


def init_app(app: Flask, service: ScoringService) -> Metrics:
    metrics = Metrics()
    if service.scorer is not None:
        metrics.model_info.labels(service.scorer.spec.spec_version,
                                  service.scorer.artifact.model_sha256[:12]).set(1)
    service.on_run_stored = metrics.run_stored
    app.extensions[_METRICS_KEY] = metrics
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(bp)
    return metrics


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    metrics: Metrics = _metrics()
    started = g.pop("metrics_started", None)
    rule = request.url_rule
    route = rule.rule if rule is not None else "<unmatched>"
    method = request.method if request.method in _METHODS else "other"
    metrics.requests.labels(route, method, str(response.status_code)).inc()
    if started is not None:
        metrics.latency.labels(route, method).observe(time.perf_counter() - started)
    return response


def _metrics() -> Metrics:
    return current_app.extensions[_METRICS_KEY]


@bp.get("/metrics")
def metrics_endpoint() -> Any:
    metrics = _metrics()
    service = get_service()
    try:
        service.readiness()
        metrics.ready.set(1)
    except (ModelUnavailable, StoreError, sqlite3.Error):  # /readyz says why
        metrics.ready.set(0)
    return Response(generate_latest(metrics.registry), mimetype=CONTENT_TYPE_LATEST)
