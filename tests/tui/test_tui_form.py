"""The bulk form at 80x24 before Submit: field errors as typed, search and Select all."""

from __future__ import annotations

import datetime as dt
import pathlib

from textual.pilot import Pilot
from textual.widgets import SelectionList, Static
from tui_world import (
    TODAY,
    choose_kind,
    press,
    run_story,
    stored_rows,
    text_of,
    ticked,
    type_into,
)

from proxyreg.application import read_field_text
from proxyreg.domain import DEFAULT_RULES, ActivityDraft, validate_draft
from proxyreg.tui import ProxyRegApp


def engine_says(field: str, draft: ActivityDraft) -> str:
    """The engine's own message for ``field`` of ``draft`` (the app must show exactly it)."""
    (error,) = validate_draft(draft, DEFAULT_RULES, TODAY).for_field(field)
    return f"⚠ {error.message}"


def reader_says(field: str, text: str) -> str:
    """The one field-text rule's message for unreadable ``text`` (the app shows exactly it)."""
    reading = read_field_text(field, text)
    assert reading is not None
    assert reading.error is not None
    return f"⚠ {reading.error.message}"


def test_field_errors_appear_beside_the_field_as_the_coordinator_types(
    tmp_path: pathlib.Path,
) -> None:
    """Each box shows the engine's error for what is typed (the reader's for text that is no
    number), only once edited, and clears it."""
    db = tmp_path / "proxyreg.db"

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        assert not pilot.app.query_one("#minutes-error").display  # untouched: quiet
        await type_into(pilot, "minutes", "0")
        assert text_of(pilot, "minutes-error") == engine_says("minutes", ActivityDraft(minutes=0))
        assert not pilot.app.query_one("#date-error").display  # other fields stay quiet
        await type_into(pilot, "minutes", "4x")
        shown = text_of(pilot, "minutes-error")
        assert shown == reader_says("minutes", "4x")
        await type_into(pilot, "minutes", "45")
        assert not pilot.app.query_one("#minutes-error").display
        future = (TODAY + dt.timedelta(days=1)).isoformat()
        await type_into(pilot, "date", future)
        expected = engine_says("date", ActivityDraft(date=TODAY + dt.timedelta(days=1)))
        assert text_of(pilot, "date-error") == expected
        await choose_kind(pilot, "Group meeting")
        participants = engine_says("participants", ActivityDraft(kind="group_meeting"))
        assert text_of(pilot, "participants-error") == participants
        await type_into(pilot, "participants", "6")
        assert not pilot.app.query_one("#participants-error").display
        await press(pilot, "submit")  # nobody ticked, date in the future: refused
        assert text_of(pilot, "mentors-error") == "⚠ Select at least one mentor."
        assert text_of(pilot, "date-error") == expected
        assert app.bloc.state.bulk.submission_id is None

    run_story(db, story)
    assert stored_rows(db) == []


def test_search_narrows_the_list_and_select_all_ticks_only_active_mentors_shown(
    tmp_path: pathlib.Path,
) -> None:
    """Select all under a search ticks the shown active mentors; a paused one cannot be ticked."""

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await type_into(pilot, "search", "mentor 1")
        listing = app.query_one("#mentors", SelectionList)
        shown = [listing.get_option_at_index(i).value for i in range(listing.option_count)]
        assert shown == ["m10", "m11", "m12"]
        await press(pilot, "select-all")
        await type_into(pilot, "search", "")
        assert listing.option_count == 12
        assert ticked(pilot) == ["m10", "m11", "m12"]
        assert listing.get_option("m08").disabled  # paused
        await press(pilot, "select-all")
        assert "m08" not in ticked(pilot)
        assert len(ticked(pilot)) == 11
        await press(pilot, "clear-selection")
        assert ticked(pilot) == []
        assert len(app.bloc.state.bulk.selected) == 0
        assert str(app.query_one("#mentors-title", Static).content) == "Mentors: 0 selected"

    run_story(tmp_path / "proxyreg.db", story)
