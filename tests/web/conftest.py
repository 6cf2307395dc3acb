"""Fixtures of the web tests: one headless Chromium for the browser tests of a run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from web_world import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (never Playwright's own download).

    Per module: Playwright's sync API keeps an event loop running in this thread while
    it is open, and the other tests start loops of their own.
    """
    chromium_or_skip()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only where it runs

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
