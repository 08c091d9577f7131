"""Run documents: a run's summary with one page of its results, encoded by orjson.

Each result row holds its nested parts as the JSON text they were encoded to when scored
(``inference.result``); ``orjson.Fragment`` splices that text into the document as it is, so a
page is never decoded and re-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from .result import ResultRow, decode, document


@dataclass
class ResultsPage:
    """Results ``offset`` .. ``offset + len(rows)`` of a run's ``total`` (ResultsPageSchema)."""

    run_id: str
    rows: list[ResultRow]
    offset: int
    limit: int
    total: int

    @property
    def meta(self) -> dict[str, Any]:
        end = self.offset + len(self.rows)
        return {"offset": self.offset, "limit": self.limit, "total": self.total,
                "next_offset": end if end < self.total else None}

    def to_json(self) -> bytes:
        return orjson.dumps({"run_id": self.run_id, **self.meta,
                             "results": [document(r) for r in self.rows]})


@dataclass
class RunDocument:
    """A run (RunSummarySchema) with its first page of results (ScoreResultSchema): all of
    them for a small run."""

    summary: dict[str, Any]
    page: ResultsPage
    replayed: bool = False  # returned again for a repeated Idempotency-Key, not scored anew

    @property
    def rows(self) -> list[ResultRow]:
        return self.page.rows

    def to_json(self) -> bytes:
        return orjson.dumps({**self.summary, "results": [document(r) for r in self.page.rows],
                             "results_page": self.page.meta})

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary, "results": [decode(r) for r in self.page.rows],
                "results_page": self.page.meta}
