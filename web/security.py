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


# Set on every response unless the view set its own.
DEFAULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        # What headers.setdefault does, with the names present looked up once rather than
        # the header list scanned twice per header.
        present = {name.lower() for name, _ in headers.items()}
        for name, value in DEFAULT_HEADERS:
            if name.lower() not in present:
                headers.add(name, value)
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            # Pages and API answers carry people's finances (or a token, or a CSRF token).
            headers["Cache-Control"] = "no-store"
        return response
