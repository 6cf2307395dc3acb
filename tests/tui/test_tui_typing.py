"""Keystrokes are never mangled: every box ends up holding exactly what was typed, and the
engine holds exactly its value, however fast the keys come and whenever a state lands.

The cause of the old mangling: a state drawn between a keystroke and its edit reaching the
engine was compared with the box's text (already ahead of it) and "corrected" it, while
more keys kept coming. `proxyreg.tui.typed_text` holds the rule that replaced it.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input
from tui_world import keys, run_story

from proxyreg.flows import ActiveFlow
from proxyreg.tui import ProxyRegApp

# (box, what is typed, the engine's value afterwards; None: the box is not in the state).
TYPED = (
    ("search", "Mentor 1", "Mentor 1"),
    ("date", "2026-11-24", dt.date(2026, 11, 24)),
    ("minutes", "120", 120),
    ("participants", "12", 12),
    ("notes", "The quick brown fox jumps over the lazy dog 0", None),
)
TEXT_BOXES = ("date", "minutes", "participants", "notes")
FLOWS = pytest.mark.parametrize(
    "flow", [ActiveFlow.BULK, ActiveFlow.SINGLE], ids=["bulk", "single"]
)


def engine_value(app: ProxyRegApp, box: str) -> object:
    """What the engine holds for ``box`` in the active flow (the single search is the box's)."""
    state = app.bloc.state
    if box == "search":
        return state.bulk.filter_text if state.active_flow is ActiveFlow.BULK else None
    subtree = state.bulk if state.active_flow is ActiveFlow.BULK else state.single
    return getattr(subtree.draft, box)


def expected(flow: ActiveFlow, box: str, text: str, value: object) -> tuple[str, object]:
    if box == "notes":
        return text, text
    if box == "search" and flow is ActiveFlow.SINGLE:
        return text, None
    return text, value


async def enter(pilot: Pilot[None], flow: ActiveFlow) -> None:
    await keys(pilot, "f2" if flow is ActiveFlow.SINGLE else "f3")


@FLOWS
def test_fast_typing_into_every_box_reads_back_exactly_what_was_typed(
    tmp_path: pathlib.Path, flow: ActiveFlow
) -> None:
    """End, a backspace per character already there and a few more, then the text: one burst
    of keys per box without a pause, at 80x24, twice over."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await enter(pilot, flow)
        for round_ in range(2):
            for box, text, _ in TYPED:
                await pilot.click(f"#{box}")
                held = app.query_one(f"#{box}", Input).value
                await keys(pilot, "end", *["backspace"] * (len(held) + 5), *text)
                seen[(round_, box)] = (
                    app.query_one(f"#{box}", Input).value,
                    engine_value(app, box),
                )

    run_story(tmp_path / "proxyreg.db", story)
    for round_ in range(2):
        for box, text, value in TYPED:
            assert seen[(round_, box)] == expected(flow, box, text, value), (round_, box)


@FLOWS
def test_a_state_drawn_between_a_keystroke_and_its_edit_leaves_the_box_as_typed(
    tmp_path: pathlib.Path, flow: ActiveFlow
) -> None:
    """A key reaches the box, a state lands before the key's edit reaches the engine, more
    keys follow: the box and the engine end with exactly the typed text, in every box."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await enter(pilot, flow)
        for box, text, _ in TYPED:
            field = app.query_one(f"#{box}", Input)
            await pilot.click(f"#{box}")
            held = field.value
            await keys(pilot, "end", *["backspace"] * len(held), *text[:-2])
            field.insert_text_at_cursor(text[-2])  # what the key does to the box, at once
            app.draw()  # a state lands while that edit is still on its way
            field.insert_text_at_cursor(text[-1])  # the coordinator keeps typing
            await keys(pilot)
            seen[box] = (field.value, engine_value(app, box))

    run_story(tmp_path / "proxyreg.db", story)
    assert seen == {box: expected(flow, box, text, value) for box, text, value in TYPED}


def burst(app: ProxyRegApp, *pressed: str) -> None:
    """Keys as a terminal delivers a fast burst: all posted at once, none waiting for the last."""
    for key in pressed:
        char = key if len(key) == 1 else None
        name = {" ": "space", "-": "minus"}.get(key, key)
        app.post_message(events.Key(name, char))


@FLOWS
def test_a_burst_of_editing_keys_and_text_is_applied_in_the_order_it_came(
    tmp_path: pathlib.Path, flow: ActiveFlow
) -> None:
    """End, backspaces and the new text in one burst: every box ends with exactly the new
    text (an editing key is applied where it arrives, never after the letters behind it)."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await enter(pilot, flow)
        for box, text, _ in TYPED:
            field = app.query_one(f"#{box}", Input)
            await pilot.click(f"#{box}")
            for _ in range(3):
                burst(app, "end", *["backspace"] * (len(field.value) + 2), *text)
                await keys(pilot)
            seen[box] = (field.value, engine_value(app, box))

    run_story(tmp_path / "proxyreg.db", story)
    assert seen == {box: expected(flow, box, text, value) for box, text, value in TYPED}


def test_keys_after_tab_in_a_burst_land_in_the_next_box(tmp_path: pathlib.Path) -> None:
    """Date, Tab, minutes, Tab, notes in one burst: each text lands in its own box."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await pilot.click("#date")
        burst(app, "end", *["backspace"] * 12, *"2026-11-24", "tab", *"120", "tab", "tab", *"ok")
        await keys(pilot)
        seen.update({box: app.query_one(f"#{box}", Input).value for box in TEXT_BOXES})

    run_story(tmp_path / "proxyreg.db", story)
    assert seen == {"date": "2026-11-24", "minutes": "120", "participants": "", "notes": "ok"}
