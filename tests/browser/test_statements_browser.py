"""Statements in headless Chromium against a real gunicorn: a checking-account export and a card
export dropped on the upload page together, what was read shown per file, the derived months
with their CSV download, then the score."""

from __future__ import annotations

import base64
import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.browser

STATEMENTS = Path(__file__).resolve().parents[1] / "data" / "statements"
CHECKING, CARD = "de_sparkasse_cp1252.csv", "de_kreditkarte_saldo.csv"
RUN_URL = re.compile(r"/runs/[0-9a-f]+$")
SLOW_MS = 60_000  # reading and scoring on a busy shared machine can take more than the default


def _drop(session: Any, names: list[str]) -> None:
    files = [{"name": n, "data": base64.b64encode((STATEMENTS / n).read_bytes()).decode()}
             for n in names]
    session.page.evaluate(
        """files => {
            const data = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
                data.items.add(new File([bytes], f.name, {type: "text/csv"}));
            }
            const zone = document.querySelector("[data-dropzone]");
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true,
                                                        cancelable: true}));
            }
        }""", files)


def test_checking_and_card_exports_dropped_together(web: Any) -> None:
    page = web.page
    web.go("/")
    _drop(web, [CHECKING, CARD])
    selected = page.locator("[data-file-name]").inner_text()
    assert CHECKING in selected and CARD in selected
    page.get_by_role("button", name="Score this file").click(no_wait_after=True)
    page.get_by_test_id("statement-files").wait_for(timeout=SLOW_MS)

    rows = page.get_by_test_id("statement-file")
    assert rows.count() == 2
    checking, card = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert CHECKING in checking and "Account" in checking and "2024-01-02 – 2024-02-27" in checking
    assert CARD in card and "Card" in card and "2024-01-04 – 2024-02-26" in card
    assert rows.nth(0).get_by_test_id("rows-read").inner_text() == "12"
    assert rows.nth(1).get_by_test_id("rows-read").inner_text() == "10"
    assert "4,925.99" in checking and "3,112.65" in checking
    assert "pending" in page.get_by_test_id("statement-warnings").inner_text()

    # The derived months, also as a CSV the download link carries.
    months = page.get_by_test_id("statement-months").locator("tbody tr")
    assert months.count() == 2
    href = page.get_by_test_id("monthly-csv").get_attribute("href")
    assert href.startswith("data:text/csv")
    table = list(csv.DictReader(io.StringIO(unquote(href.split(",", 1)[1]))))
    assert [r["month"] for r in table] == ["2024-01", "2024-02"]
    assert [r["income"] for r in table] == ["2450.00", "2450.00"]
    assert [r["debt_payments"] for r in table] == ["300.00", "150.00"]  # the card payment once
    assert [r["total_debt"] for r in table] == ["336.19", "444.84"]
    web.screenshot("statements-preview")

    page.get_by_role("button", name="Score these months").click(no_wait_after=True)
    page.wait_for_url(RUN_URL, timeout=SLOW_MS)
    assert page.get_by_test_id("score-card").is_visible()
    assert CHECKING in page.locator("body").inner_text()
    web.screenshot("statements-scored")
    assert web.foreign_requests() == [] and web.errors == []
