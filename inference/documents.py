"""Run documents, encoded to JSON once.

A scored person's result is immutable, so its nested parts (key metrics, insights,
recommendations, history, warnings) are encoded to JSON text once, when scored. The store keeps
that text in its columns and the API splices it into responses without decoding and re-encoding:
for a 10,000-person run that is the difference between milliseconds and seconds.
``RunDocument.to_dict`` gives the decoded form for Python callers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Column order of a result row, as the store keeps it and PersonResultSchema describes it.
RESULT_FIELDS: tuple[str, ...] = ("person_id", "probability", "risk_score", "risk_band",
                                  "key_metrics", "insights", "recommendations", "history",
                                  "warnings")
JSON_FIELDS: frozenset[str] = frozenset(RESULT_FIELDS[4:])

# (person_id, probability, risk_score, risk_band, then the JSON_FIELDS as JSON text)
ResultRow = tuple[str, float, int, str, str, str, str, str, str]

encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def row_json(row: ResultRow) -> str:
    """One PersonResult as JSON text, from a row whose nested parts are already JSON."""
    pid, probability, score, band, metrics, insights, recs, history, warnings = row
    return (f'{{"person_id":{encode(pid)},"probability":{float(probability)!r},'
            f'"risk_score":{int(score)},"risk_band":{encode(band)},"key_metrics":{metrics},'
            f'"insights":{insights},"recommendations":{recs},"history":{history},'
            f'"warnings":{warnings}}}')


def row_dict(row: ResultRow) -> dict[str, Any]:
    return {name: json.loads(value) if name in JSON_FIELDS else value
            for name, value in zip(RESULT_FIELDS, row, strict=True)}


@dataclass
class RunDocument:
    """A run: its summary (RunSummarySchema) and one encoded row per person, in upload order."""

    summary: dict[str, Any]
    rows: list[ResultRow]
    replayed: bool = False  # returned again for a repeated Idempotency-Key, not scored anew

    def to_json(self) -> str:
        """The ScoreResultSchema document as JSON text."""
        return "".join(self.iter_json())

    def iter_json(self, rows_per_piece: int = 1_000) -> Iterator[str]:
        """``to_json()`` in pieces of a few MB, to send as they are made: a 1M-person response
        is ~3 GB of JSON, which as one string (and again as its encoded bytes) would triple the
        memory the results already take."""
        head = encode(self.summary)
        yield f'{head[:-1]},"results":['
        for i in range(0, len(self.rows), rows_per_piece):
            piece = ",".join(map(row_json, self.rows[i:i + rows_per_piece]))
            yield f",{piece}" if i else piece
        yield "]}"

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary, "results": [row_dict(r) for r in self.rows]}
