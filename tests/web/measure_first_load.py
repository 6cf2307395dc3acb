"""Measure the web page's first load in headless Chromium: requests, bytes, seconds.

Run: .venv/bin/python tests/web/measure_first_load.py (docs/web.md quotes its output).
A fresh browser context loads the sign-in page with an empty cache; then the same
context signs in and loads the coordinator screen (its assets cached by then).
"""

from __future__ import annotations

import pathlib
import tempfile
import time
from typing import Any

from playwright.sync_api import sync_playwright
from web_world import CHROMIUM, CHROMIUM_ARGS, DEMO, demo_database, web_server


def _load(page: Any, act: Any) -> tuple[int, int, float]:
    finished: list[Any] = []

    def heard(request: Any) -> None:
        finished.append(request)

    page.on("requestfinished", heard)
    started = time.monotonic()
    act()
    page.wait_for_load_state("networkidle")
    took = time.monotonic() - started
    size = sum(r.sizes()["responseBodySize"] for r in finished)
    page.remove_listener("requestfinished", heard)
    return len(finished), size, took


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        db = demo_database(pathlib.Path(directory))
        with web_server(db) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=list(CHROMIUM_ARGS), headless=True
            )
            page = browser.new_context().new_page()
            count, size, took = _load(page, lambda: page.goto(url))
            print(
                f"sign-in page, empty cache: {count} requests, {size / 1024:.0f} KiB, {took:.2f} s"
            )

            def sign_in() -> None:
                page.get_by_role("button", name=f"Sign in as {DEMO}").click()
                page.get_by_role("checkbox", name="Aisha Rahman").wait_for()

            count, size, took = _load(page, sign_in)
            print(
                f"coordinator screen, cached: {count} requests, {size / 1024:.0f} KiB, {took:.2f} s"
            )
            browser.close()


if __name__ == "__main__":
    main()
