"""A person's result: the one definition of its parts.

``PARTS`` lists what a scored person has, in order. Everything else follows from it:

* the store's ``results`` columns (``inference.store`` builds its table from ``PARTS``);
* the API's ``PersonResultSchema`` (``web.api.schemas`` maps each part to a field, and refuses
  to start if a part has no field);
* the JSON encoding (``encode``/``document`` here): a row holds its nested parts as the JSON text
  they were encoded to once, and orjson splices that text in as it is (``orjson.Fragment``)
  instead of decoding and re-encoding it.

Parts marked ``lazy`` (reasons and what-ifs, about 30 model rows per person) are computed when
someone opens the person, or at once for small uploads; until then they are null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True)
class Part:
    name: str
    kind: str  # "text", "real", "integer" (stored as they are) or "json" (stored as JSON text)
    description: str
    lazy: bool = False  # null until the person is opened (or inline for small uploads)


PARTS: tuple[Part, ...] = (
    Part("person_id", "text", "The person's id from the upload"),
    Part("probability", "real", "Calibrated probability of financial stress within the horizon"),
    Part("risk_score", "integer", "0-100, 100 x probability rounded"),
    Part("risk_band", "text", "Low, Moderate or High (thresholds in the model's spec)"),
    Part("components", "json", "Calibrated probability of each kind of stress the model has a "
                               "head for, by labeler rule ({} when it has none)"),
    Part("key_metrics", "json", "The figures a person recognises (null where unknown)"),
    Part("history", "json", "The uploaded months, oldest first, for the charts"),
    Part("warnings", "json", "What makes this person's estimate less certain"),
    Part("insights", "json", "What raises and lowers the risk, strongest first", lazy=True),
    Part("recommendations", "json", "What-if actions that lower the risk, best first",
         lazy=True),
    Part("contributions", "json", "Every feature's points on the 0-100 score (Shapley values "
                                  "against the reference person: they add up to the score "
                                  "minus reference_score), and apart from them each field not "
                                  "given, with how far giving it could move the score",
         lazy=True),
)

RESULT_FIELDS: tuple[str, ...] = tuple(p.name for p in PARTS)
JSON_FIELDS: frozenset[str] = frozenset(p.name for p in PARTS if p.kind == "json")
LAZY_FIELDS: tuple[str, ...] = tuple(p.name for p in PARTS if p.lazy)
INDEX: dict[str, int] = {name: i for i, name in enumerate(RESULT_FIELDS)}

# One person's values in PARTS order; "json" parts as JSON text, lazy parts None until computed.
ResultRow = tuple[Any, ...]

_JSON_POSITIONS = tuple(i for i, p in enumerate(PARTS) if p.kind == "json")


def dumps(value: Any) -> str:
    """JSON text of plain values (orjson: compact, UTF-8, NaN refused as JSON has none)."""
    return orjson.dumps(value).decode()


def document(row: ResultRow) -> dict[str, Any]:
    """The row as an object orjson encodes without touching its JSON parts again."""
    return {name: orjson.Fragment(value) if i in _JSON_POSITIONS and value is not None
            else value for i, (name, value) in enumerate(zip(RESULT_FIELDS, row, strict=True))}


def decode(row: ResultRow) -> dict[str, Any]:
    """The row with its JSON parts decoded (for Python callers: templates, tests)."""
    return {name: orjson.loads(value) if i in _JSON_POSITIONS and value is not None
            else value for i, (name, value) in enumerate(zip(RESULT_FIELDS, row, strict=True))}


def field(row: ResultRow, name: str) -> Any:
    return row[INDEX[name]]
