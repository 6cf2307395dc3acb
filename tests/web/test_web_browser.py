"""The coordinator screen in real headless Chromium, against `proxyreg web` and a SQLite file.

Every control is found by its role and accessible name; the database is read directly
afterwards, so what the screen said is checked against what was stored.
"""

from __future__ import annotations

import os
import pathlib
import re
from typing import Any

import pytest
from coordinator import (
    SETTLE_MS,
    fill_activity,
    result_rows,
    retry_until_clean,
    select_all,
    sign_in,
    submit,
    wait_settled,
)
from web_world import (
    COLLEAGUE,
    DEMO,
    DESKTOP,
    PHONE,
    demo_database,
    mentor_ids,
    stored_per_mentor,
    web_server,
)

from proxyreg.web._page import SETTLING

pytestmark = pytest.mark.browser

FAULTS = "seed=3,fail_rate=0.3,latency_ms=300"
"""With this seed some of the 35 fail and the rest land; the latency makes sending visible."""
ACTIVE_OF_DEMO = 35


def _expect() -> Any:
    from playwright.sync_api import expect  # noqa: PLC0415 - only where Chromium runs

    return expect


def _screenshot(page: Any, name: str) -> None:
    """Saved in $PROXYREG_SCREENSHOT_DIR (docs/img for the docs), when it is set."""
    directory = os.environ.get("PROXYREG_SCREENSHOT_DIR")
    if directory:
        page.mouse.move(0, 0)  # no hover ring on the last control clicked
        page.screenshot(path=str(pathlib.Path(directory) / name), full_page=True)


def test_a_bulk_of_35_with_faults_is_retried_until_clean_and_stored_once_each(
    chromium: Any, tmp_path: pathlib.Path
) -> None:
    """Submit 35 with injected faults: ✗ rows first with their reasons, Retry failed until
    all are registered, and the file holds exactly one record per mentor; nothing is fetched
    from anywhere but the server."""
    expect = _expect()
    db = demo_database(tmp_path)
    with web_server(db, "--faults", FAULTS) as url:
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        hosts: set[str] = set()
        page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
        sign_in(page, url, DEMO)
        select_all(page, ACTIVE_OF_DEMO)
        fill_activity(page)
        submit(page)
        headline = wait_settled(page)
        assert re.fullmatch(r"\d+ of 35 registered; \d+ need attention\.", headline)
        rows = result_rows(page)
        marks = [row[0] for row in rows]
        assert len(rows) == 35
        assert "✗" in marks
        assert marks == sorted(marks, key=lambda m: m == "✓")  # the failed come first
        assert all("Retry failed will resend it" in row for row in rows if row[0] == "✗")
        page.get_by_role("checkbox", name="Failed only").click()
        expect(page.get_by_role("listitem")).to_have_count(marks.count("✗"))
        page.get_by_role("checkbox", name="Failed only").click()
        expect(page.get_by_role("listitem")).to_have_count(35)
        _screenshot(page, "web-result-desktop.png")
        page.set_viewport_size(PHONE)
        _screenshot(page, "web-result-phone.png")
        page.set_viewport_size(DESKTOP)
        retry_until_clean(page)
        assert [row[0] for row in result_rows(page)] == ["✓"] * 35
        assert {f"127.0.0.1:{url.split(':')[2].strip('/')}"} == hosts
        context.close()
    stored = stored_per_mentor(db)
    assert len(stored) == 35
    assert {1} == set(stored.values())


def test_switching_flows_leaks_nothing(chromium: Any, tmp_path: pathlib.Path) -> None:
    """Ticks and typing of Many mentors are gone in One mentor and back; one mentor is
    registered on their own."""
    expect = _expect()
    db = demo_database(tmp_path)
    with web_server(db) as url:
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        sign_in(page, url, DEMO)
        for name in ("Aisha Rahman", "Bjørn Lie", "Camila Ortiz"):
            page.get_by_role("checkbox", name=name).click()
        expect(page.get_by_text("3 selected")).to_be_visible()
        page.get_by_label("Minutes").fill("30")
        page.get_by_role("radio", name="One mentor").click()
        expect(page.get_by_role("button", name="Select all")).to_be_hidden()
        expect(page.get_by_label("Minutes")).to_have_value("")
        checked = page.get_by_role("checkbox", checked=True)
        expect(checked).to_have_count(0)
        page.get_by_role("checkbox", name="Dawit Tesfaye").click()
        fill_activity(page, minutes="20")
        submit(page)
        expect(page.get_by_role("status")).to_have_text("Registered.", timeout=SETTLE_MS)
        page.get_by_role("radio", name="Many mentors").click()
        expect(page.get_by_text("0 selected")).to_be_visible()
        expect(page.get_by_label("Minutes")).to_have_value("")
        expect(page.get_by_role("checkbox", name="Dawit Tesfaye")).not_to_be_checked()
        context.close()
    (dawit,) = mentor_ids(db, ["Dawit Tesfaye"])
    assert stored_per_mentor(db) == {dawit: 1}


def test_reloading_mid_submission_loses_nothing(chromium: Any, tmp_path: pathlib.Path) -> None:
    """A reload while 35 are being sent in chunks: the page shows that submission settling,
    then its results; the file holds each mentor once, as the screen says."""
    expect = _expect()
    db = demo_database(tmp_path)
    with web_server(db, "--strategy", "chunked", "--faults", "latency_ms=1500") as url:
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        sign_in(page, url, DEMO)
        select_all(page, ACTIVE_OF_DEMO)
        fill_activity(page)
        submit(page)
        bar = page.get_by_role("progressbar")
        expect(bar).to_be_visible(timeout=SETTLE_MS)
        expect(page.get_by_role("listitem").filter(has_text="✓").first).to_be_visible(
            timeout=SETTLE_MS
        )
        part_done = float(bar.get_attribute("aria-valuenow") or "nan")
        page.reload()
        expect(page.get_by_text(SETTLING)).to_be_visible(timeout=SETTLE_MS)
        headline = wait_settled(page)
        expect(page.get_by_text(SETTLING)).to_be_hidden()
        rows = result_rows(page)
        context.close()
    stored = stored_per_mentor(db)
    assert 0 < part_done < 1
    assert headline == "All 35 registered."
    assert len(rows) == 35
    assert len(stored) == 35
    assert {1} == set(stored.values())


def test_two_coordinators_in_two_browsers_never_see_each_other(
    chromium: Any, tmp_path: pathlib.Path
) -> None:
    """Ingrid and Magnus, signed in at once in two browser contexts: each sees only their
    own mentors and their own submission."""
    expect = _expect()
    db = demo_database(tmp_path)
    with web_server(db) as url:
        ingrid_context = chromium.new_context(viewport=DESKTOP)
        magnus_context = chromium.new_context(viewport=DESKTOP)
        ingrid, magnus = ingrid_context.new_page(), magnus_context.new_page()
        sign_in(ingrid, url, DEMO)
        sign_in(magnus, url, COLLEAGUE)
        expect(magnus.get_by_role("checkbox")).to_have_count(3)
        expect(magnus.get_by_role("checkbox", name="Aisha Rahman")).to_have_count(0)
        expect(ingrid.get_by_role("checkbox", name="Lars Ruud")).to_have_count(0)
        select_all(magnus, 3)
        fill_activity(magnus, minutes="15")
        submit(magnus)
        assert wait_settled(magnus) == "All 3 registered."
        ingrid.reload()
        expect(ingrid.get_by_role("button", name="Select all")).to_be_visible()
        expect(ingrid.get_by_role("list", name="Results per mentor")).to_be_hidden()
        expect(ingrid.get_by_text("0 selected")).to_be_visible()
        ingrid_context.close()
        magnus_context.close()
    assert stored_per_mentor(db) == {"m38": 1, "m39": 1, "m40": 1}


def test_the_phone_width_fits_and_works_from_the_keyboard(
    chromium: Any, tmp_path: pathlib.Path
) -> None:
    """At 375 px nothing scrolls sideways, every control is found by its name, and a
    coordinator registers with the keyboard alone after signing in."""
    expect = _expect()
    db = demo_database(tmp_path)
    with web_server(db) as url:
        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        sign_in(page, url, DEMO)
        for role, name in (
            ("radio", "One mentor"),
            ("radio", "Many mentors"),
            ("button", "Select all"),
            ("button", "Clear"),
            ("button", "Submit"),
            ("checkbox", "Aisha Rahman"),
        ):
            expect(page.get_by_role(role, name=name)).to_be_visible()
        for label in ("Search mentors", "Kind", "Date", "Minutes", "Participants", "Notes"):
            expect(page.get_by_label(label)).to_have_count(1)
        expect(page.get_by_role("checkbox", name="Jonas Berg")).to_be_disabled()
        page.get_by_label("Search mentors").focus()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Select all")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Clear")).to_be_focused()
        page.get_by_label("Search mentors").fill("aisha")
        expect(page.get_by_role("checkbox")).to_have_count(1, timeout=SETTLE_MS)
        page.get_by_role("checkbox", name="Aisha Rahman").focus()
        page.keyboard.press("Space")
        expect(page.get_by_text("1 selected")).to_be_visible()
        page.get_by_label("Minutes").focus()
        page.keyboard.type("45")
        page.get_by_label("Kind").focus()
        page.keyboard.press("Enter")
        page.get_by_role("option", name="Home visit").click()
        page.get_by_role("button", name="Submit").focus()
        page.keyboard.press("Enter")
        assert wait_settled(page) == "All 1 registered."
        width = page.evaluate("document.documentElement.scrollWidth")
        context.close()
    assert width <= PHONE["width"]
    assert sum(stored_per_mentor(db).values()) == 1
