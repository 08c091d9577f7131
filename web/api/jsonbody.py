"""Reading a JSON request body strictly: RFC 8259 JSON only, with input problems as 400s.

Flask's ``request.get_json`` accepts ``NaN`` and ``Infinity`` (Python extensions to JSON) and lets
a body nested thousands of levels deep end in a RecursionError (a 500). Here both are input
problems, answered in the one error shape like any other.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.exceptions import BadRequest


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (send numbers, or null for no value)")


def load_json(data: bytes) -> Any:
    """The parsed body; BadRequest saying what is wrong when it is not plain JSON."""
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except RecursionError:
        raise BadRequest("the JSON body is nested too deeply; records are a list of flat "
                         "objects") from None
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the JSON body is not UTF-8 text: {exc.reason}") from None
    except ValueError as exc:  # JSONDecodeError, a refused constant, an over-long integer
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
