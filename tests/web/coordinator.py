"""What a coordinator does on the page, in Playwright terms: every control found by its
role and accessible name, as a person (or a screen reader) finds it."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

Page = Any  # playwright.sync_api.Page, imported only where Chromium runs

SETTLE_MS = 30_000


def sign_in(page: Page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=f"Sign in as {name}").click()
    expect(page.get_by_role("radio", name="Many mentors")).to_be_visible(timeout=SETTLE_MS)


def choose_kind(page: Page, label: str) -> None:
    page.get_by_label("Kind").click()
    page.get_by_role("option", name=label).click()


def fill_activity(page: Page, minutes: str = "45", kind: str = "Phone call") -> None:
    choose_kind(page, kind)
    page.get_by_label("Minutes").fill(minutes)


def select_all(page: Page, expected: int) -> None:
    page.get_by_role("button", name="Select all").click()
    expect(page.get_by_text(f"{expected} selected")).to_be_visible()


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit").click()


def result_rows(page: Page) -> list[str]:
    """The result list's rows, top to bottom, as a screen reader reads them."""
    items = page.get_by_role("list", name="Results per mentor").get_by_role("listitem")
    return [str(t) for t in items.all_inner_texts()]


def wait_settled(page: Page) -> str:
    """Wait until the submission on screen has settled; answer its headline."""
    headline = re.compile(r"(All \d+ registered\.|\d+ of \d+ registered;|None of the \d+)")
    locator = page.get_by_text(headline)
    expect(locator).to_be_visible(timeout=SETTLE_MS)
    return str(locator.inner_text())


def retry_until_clean(page: Page, tries: int = 12) -> int:
    """Press Retry failed until everyone is registered; answer how many presses it took."""
    for pressed in range(tries):
        if wait_settled(page).startswith("All "):
            return pressed
        page.get_by_role("button", name="Retry failed").click()
        # Sending is visible (the server adds latency), so each press is seen start and end.
        expect(page.get_by_role("progressbar")).to_be_visible(timeout=SETTLE_MS)
        expect(page.get_by_role("progressbar")).to_be_hidden(timeout=SETTLE_MS)
    raise AssertionError(f"still not clean after {tries} presses of Retry failed")
