"""The two flows at 80x24: which one is active, the count, Space at once, switching carries
nothing over, and an unsent bulk form is never thrown away without asking."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, Tabs
from tui_world import (
    TODAY,
    choose_kind,
    keys,
    run_story,
    tick,
    ticked,
    type_into,
)

from proxyreg.flows import INITIAL_SINGLE_STATE, ActiveFlow
from proxyreg.tui import ProxyRegApp
from proxyreg.tui.screens import ConfirmLeave

BOXES = ("search", "date", "minutes", "participants", "notes")


def boxes(app: ProxyRegApp) -> dict[str, str]:
    """Every text box as shown, and the kind."""
    shown = {box: app.query_one(f"#{box}", Input).value for box in BOXES}
    kind = app.query_one("#kind", Select).value
    return {**shown, "kind": "" if kind is Select.NULL else str(kind)}


FRESH = dict.fromkeys(BOXES, "") | {"date": TODAY.isoformat(), "kind": ""}


def test_the_active_flow_is_the_tab_forward_and_the_count_follows_the_ticks(
    tmp_path: pathlib.Path,
) -> None:
    """At start the bulk tab is forward and nothing is selected; ticks are counted, also
    those hidden by a search."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        title = app.query_one("#mentors-title", Static)
        seen["tab"] = app.query_one("#flows", Tabs).active
        seen["start"] = str(title.content)
        await tick(pilot, "m01", "m02", "m11")
        await type_into(pilot, "search", "mentor 1")
        seen["counted"] = str(title.content)

    run_story(tmp_path / "proxyreg.db", story)
    assert seen["tab"] == "tab-bulk"
    assert seen["start"] == "Mentors: 0 selected"
    assert seen["counted"] == "Mentors: 3 selected, 3 of 12 shown"


@pytest.mark.parametrize("flow_key", ["f3", "f2"], ids=["bulk", "single"])
def test_space_ticks_right_after_tabbing_into_the_mentor_list(
    tmp_path: pathlib.Path, flow_key: str
) -> None:
    """Tab from the search box into the list and press Space: the highlighted mentor is ticked."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await keys(pilot, flow_key)
        await pilot.click("#search")
        await keys(pilot, "tab", *(["tab", "tab"] if flow_key == "f3" else []), "space")
        seen["focused"] = app.focused.id if app.focused else None
        seen["ticked"] = ticked(pilot)

    run_story(tmp_path / "proxyreg.db", story)
    assert seen == {"focused": "mentors", "ticked": ["m01"]}


def test_switching_flows_carries_nothing_over(tmp_path: pathlib.Path) -> None:
    """Search, ticks and boxes of one flow are gone in the other, both ways (F2, F3)."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await keys(pilot, "f2")
        await type_into(pilot, "search", "mentor 0")
        await tick(pilot, "m03")
        await type_into(pilot, "minutes", "30")
        await keys(pilot, "f3", "y")  # the single form was filled in: leave it
        seen["bulk"] = (app.bloc.state.active_flow, boxes(app), ticked(pilot))
        seen["listed"] = app.query_one("#mentors").option_count  # type: ignore[attr-defined]
        await type_into(pilot, "search", "mentor 1")
        await tick(pilot, "m10")
        await keys(pilot, "f2", "y")
        seen["single"] = (app.bloc.state.single, boxes(app), ticked(pilot))

    run_story(tmp_path / "proxyreg.db", story)
    assert seen["bulk"] == (ActiveFlow.BULK, FRESH, [])
    assert seen["listed"] == 12
    single, shown, ticks = seen["single"]
    assert shown == FRESH
    assert ticks == []
    assert single.mentor_id is None
    assert single.draft == INITIAL_SINGLE_STATE.draft.__class__(date=TODAY)


def test_leaving_a_half_filled_bulk_form_asks_first(tmp_path: pathlib.Path) -> None:
    """F2 on an unsent bulk form opens a dialog: Stay keeps every tick and box; Leave it
    starts the one-mentor form afresh."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await tick(pilot, "m01", "m02")
        await choose_kind(pilot, "Phone call")
        await type_into(pilot, "minutes", "45")
        before = boxes(app)
        await keys(pilot, "f2")
        assert isinstance(app.screen, ConfirmLeave)
        seen["question"] = str(app.screen.query_one("#confirm-question", Static).content)
        await keys(pilot, "n")
        seen["stayed"] = (
            app.bloc.state.active_flow,
            app.query_one("#flows", Tabs).active,
            boxes(app) == before,
            ticked(pilot),
        )
        await pilot.click("#tab-single")  # a click on the tab asks the same
        await keys(pilot)
        assert isinstance(app.screen, ConfirmLeave)
        await pilot.click("#confirm-leave")
        await keys(pilot)
        seen["left"] = (app.bloc.state.active_flow, app.query_one("#flows", Tabs).active)

    run_story(tmp_path / "proxyreg.db", story)
    assert seen["question"] == (
        "The bulk form holds 2 ticked mentors and an activity filled in, not sent. "
        "Leave it and start a one-mentor registration? Nothing of it is kept."
    )
    assert seen["stayed"] == (ActiveFlow.BULK, "tab-bulk", True, ["m01", "m02"])
    assert seen["left"] == (ActiveFlow.SINGLE, "tab-single")


def test_a_fresh_form_is_left_without_a_question(tmp_path: pathlib.Path) -> None:
    """Nothing typed but today's date: F2 switches at once."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await keys(pilot, "f2")
        seen["flow"] = app.bloc.state.active_flow
        seen["dialog"] = isinstance(app.screen, ConfirmLeave)

    run_story(tmp_path / "proxyreg.db", story)
    assert seen == {"flow": ActiveFlow.SINGLE, "dialog": False}
