"""The coordinator screen before Submit: mode switch, mentor list, and field errors as typed."""

from __future__ import annotations

import asyncio
import datetime as dt
import pathlib

from textual.widgets import Input, Select, SelectionList
from tui_world import (
    TODAY,
    WORLD,
    choose_kind,
    make_app,
    open_world,
    press,
    settle,
    stored_rows,
    text_of,
    tick,
    ticked,
    type_into,
)

from proxyreg.application import read_field_text
from proxyreg.domain import DEFAULT_RULES, ActivityDraft, validate_draft
from proxyreg.flows import INITIAL_BULK_STATE, INITIAL_SINGLE_STATE, ActiveFlow
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

    async def scenario() -> None:
        repository = await open_world(db)
        async with make_app(repository).run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            assert not pilot.app.query_one("#minutes-error").display  # untouched: quiet
            await type_into(pilot, "minutes", "0")
            assert text_of(pilot, "minutes-error") == engine_says(
                "minutes", ActivityDraft(minutes=0)
            )
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
            assert isinstance(pilot.app, ProxyRegApp)
            assert pilot.app.bloc.state.bulk.submission_id is None
        await repository.close()

    asyncio.run(scenario())
    assert stored_rows(db) == []


def test_entering_a_mode_resets_that_flow_on_screen_and_in_the_engine(
    tmp_path: pathlib.Path,
) -> None:
    """Switching to single and back to bulk empties the ticks, the search and the form."""

    async def scenario() -> None:
        repository = await open_world(tmp_path / "proxyreg.db")
        app = make_app(repository)
        async with app.run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            await tick(pilot, "m01", "m02")
            await type_into(pilot, "minutes", "30")
            await type_into(pilot, "search", "Mentor 0")
            assert ticked(pilot) == ["m01", "m02"]
            await pilot.press("f2")
            await settle(pilot)
            assert app.bloc.state.active_flow is ActiveFlow.SINGLE
            assert app.bloc.state.single == INITIAL_SINGLE_STATE
            assert ticked(pilot) == []
            assert app.query_one("#minutes", Input).value == ""
            await pilot.press("f3")
            await settle(pilot)
            assert app.bloc.state.active_flow is ActiveFlow.BULK
            assert app.bloc.state.bulk == INITIAL_BULK_STATE
            assert ticked(pilot) == []
            assert app.query_one("#search", Input).value == ""
            assert app.query_one("#minutes", Input).value == ""
            assert app.query_one("#kind", Select).value is Select.NULL
            listing = app.query_one("#mentors", SelectionList)
            assert listing.option_count == len(WORLD.assigned_to("coord-1"))
        await repository.close()

    asyncio.run(scenario())


def test_search_narrows_the_list_and_select_all_ticks_only_active_mentors_shown(
    tmp_path: pathlib.Path,
) -> None:
    """Select all under a search ticks the shown active mentors; a paused one cannot be ticked."""

    async def scenario() -> None:
        repository = await open_world(tmp_path / "proxyreg.db")
        app = make_app(repository)
        async with app.run_test(size=(150, 44)) as pilot:
            await settle(pilot)
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
        await repository.close()

    asyncio.run(scenario())


def test_single_mode_picks_one_mentor_and_registers_them(tmp_path: pathlib.Path) -> None:
    """In single mode a tick picks that mentor only; Submit stores one record for them."""
    db = tmp_path / "proxyreg.db"

    async def scenario() -> None:
        repository = await open_world(db)
        app = make_app(repository)
        async with app.run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            await pilot.click("#mode-single")
            await settle(pilot)
            assert not app.query_one("#select-all").display
            await tick(pilot, "m02")
            await tick(pilot, "m03")
            assert ticked(pilot) == ["m03"]
            await choose_kind(pilot, "Home visit")
            await type_into(pilot, "date", TODAY.isoformat())
            await type_into(pilot, "minutes", "45")
            await type_into(pilot, "notes", "Walk by the river")
            await press(pilot, "submit")
            assert text_of(pilot, "headline") == "Registered."
        await repository.close()

    asyncio.run(scenario())
    assert [(m, d, n) for _, m, d, n in stored_rows(db)] == [("m03", TODAY.isoformat(), 45)]
