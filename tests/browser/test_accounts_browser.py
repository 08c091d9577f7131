"""Accounts in headless Chromium: sign in, score the sample, find it in History, sign out, and
the run's URL then leads to the sign-in page. No console error on the way, so the
Content-Security-Policy (no inline script) breaks nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import ACCOUNTS_PASSWORD

pytestmark = pytest.mark.browser

RUN_URL = re.compile(r"/runs/[0-9a-f]+$")


def test_sign_in_score_history_sign_out(accounts_web: Any) -> None:
    page = accounts_web.page
    accounts_web.go("/runs")
    page.wait_for_url(re.compile(r"/login\?next=/runs$"))  # anonymous: to the sign-in page
    page.get_by_label("User name").fill("ada")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "not right" in page.get_by_test_id("login-error").inner_text()
    page.get_by_label("Password").fill(ACCOUNTS_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/runs$"))  # back where the visitor was going
    assert page.get_by_test_id("account-link").inner_text() == "ada"
    accounts_web.screenshot("accounts-history-empty")

    accounts_web.go("/")
    page.get_by_role("button", name="Try the sample").click()
    page.wait_for_url(RUN_URL)
    run_url = page.url
    run_id = run_url.rsplit("/", 1)[1]
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    # Waited for: checked the moment the click returned, the run page could still be showing
    # (seen once under load).
    page.wait_for_url(re.compile(r"/runs$"))
    page.locator(f'tr[data-run-id="{run_id}"]').wait_for(state="visible")
    accounts_web.screenshot("accounts-history")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login\?signed_out=1$"))
    assert "signed out" in page.locator("main").inner_text()
    page.goto(run_url)
    assert re.search(r"/login\?next=/runs/[0-9a-f]+$", page.url)
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert "sample.csv" not in page.content()
    assert accounts_web.foreign_requests() == []
    assert accounts_web.errors == []
