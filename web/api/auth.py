"""Optional API key: when [api] key is set, /api/v1/* requires it in the X-API-Key header."""

from __future__ import annotations

import hmac

from flask import request
from werkzeug.exceptions import Unauthorized

API_KEY_HEADER = "X-API-Key"
# Public even with a key: the blank template users download before they have anything to send.
PUBLIC_ENDPOINTS = frozenset({"api.template_csv"})


def check_api_key(expected: str) -> None:
    """Raise 401 unless the request carries the expected key (or no key is configured)."""
    if not expected or request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return
    given = request.headers.get(API_KEY_HEADER, "")
    # compare_digest: the time taken does not tell how much of a guessed key was right.
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized(f"a valid {API_KEY_HEADER} header is required"
                           if not given else f"the {API_KEY_HEADER} header is not valid")
