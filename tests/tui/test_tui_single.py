"""The single flow at 80x24 and 120x40: one mentor registered after another."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input
from tui_world import (
    TODAY,
    choose_kind,
    keys,
    press,
    run_story,
    screen_text,
    stored_rows,
    text_of,
    tick,
    ticked,
    type_into,
)

from proxyreg.tui import ProxyRegApp

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


async def register(pilot: Pilot[None], mentor_id: str, kind: str, minutes: str) -> None:
    """Pick ``mentor_id``, fill in the activity (the date box already says today), Submit."""
    await tick(pilot, mentor_id)
    await choose_kind(pilot, kind)
    await type_into(pilot, "minutes", minutes)
    await keys(pilot, "ctrl+s")


@SIZES
def test_two_mentors_are_registered_one_after_the_other(
    tmp_path: pathlib.Path, size: tuple[int, int]
) -> None:
    """Registered: Ctrl+N (in the footer) gives a fresh form, the next one is registered,
    then the Register another button does the same."""
    db = tmp_path / "proxyreg.db"
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await keys(pilot, "f2")
        await register(pilot, "m02", "Home visit", "45")
        seen["first"] = text_of(pilot, "status")
        seen["offered"] = "^n Register another" in screen_text(pilot)
        seen["locked"] = app.query_one("#minutes", Input).disabled
        await keys(pilot, "ctrl+n")
        seen["fresh"] = (
            ticked(pilot),
            app.query_one("#minutes", Input).value,
            app.query_one("#date", Input).value,
            app.query_one("#minutes", Input).disabled,
            app.query_one("#submit", Button).display,
        )
        await register(pilot, "m05", "Phone call", "20")
        seen["second"] = text_of(pilot, "status")
        await press(pilot, "register-another")
        seen["again"] = ticked(pilot)

    run_story(db, story, size=size)
    assert seen["first"] == "Registered."
    assert seen["offered"]
    assert seen["locked"]
    assert seen["fresh"] == ([], "", TODAY.isoformat(), False, True)
    assert seen["second"] == "Registered."
    assert seen["again"] == []
    assert sorted((m, d, n) for _, m, d, n in stored_rows(db)) == [
        ("m02", TODAY.isoformat(), 45),
        ("m05", TODAY.isoformat(), 20),
    ]


def test_a_tick_picks_one_mentor_only(tmp_path: pathlib.Path) -> None:
    """In single mode a second tick moves the pick; the title names the picked mentor."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await keys(pilot, "f2")
        await tick(pilot, "m02")
        await tick(pilot, "m03")
        seen["ticked"] = ticked(pilot)
        seen["title"] = text_of(pilot, "mentors-title")
        seen["bulk buttons"] = app.query_one("#select-all").display

    run_story(tmp_path / "proxyreg.db", story)
    assert seen == {"ticked": ["m03"], "title": "Mentor: Mentor 03", "bulk buttons": False}
