"""Response headers for every response: no inline script or framing, no MIME sniffing, no
referrer leaking run ids, and nothing personal left in caches."""

from __future__ import annotations

from flask import Flask, Response, request

# No inline script anywhere (base.html's one-liner is static/js-on.js). Inline style attributes
# stay allowed: the dashboard sizes its bars with style="width: N%" (no script can run there).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Responses without personal data that caches may keep.
CACHEABLE_ENDPOINTS = frozenset({"static", "dashboard.model_plot"})


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            # Pages and API answers carry people's finances (or a token, or a CSRF token).
            headers["Cache-Control"] = "no-store"
        return response
