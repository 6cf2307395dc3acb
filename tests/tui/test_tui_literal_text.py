"""Names and messages are shown as written: a ``[`` in them is text, never Textual markup.

Mentor names come from the database and messages from the backend, so a name such as
"Per [/] Hansen" must neither break the screen nor lose its brackets.
"""

from __future__ import annotations

import asyncio
import pathlib
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Label, SelectionList
from tui_world import (
    choose_kind,
    keys,
    open_world,
    press,
    result_rows,
    run_story,
    type_into,
)
from tui_world import text_of as shown_text

from proxyreg.domain import Coordinator, Mentor
from proxyreg.tui import ProxyRegApp

ODD = Coordinator("coord-odd", "Kari [admin]", "chapter-odd")
ODD_MENTORS = (
    Mentor("o1", "Per [/] Hansen", "chapter-odd"),
    Mentor("o2", "[b]Ola[/b] Nordmann", "chapter-odd"),
    Mentor("o3", "Siri [vikar", "chapter-odd"),
)


def test_names_with_brackets_are_listed_and_reported_literally(tmp_path: pathlib.Path) -> None:
    """The mentor list, the result rows and a row's details show each name exactly; Submit
    stores all three."""
    db = tmp_path / "proxyreg.db"
    seen: dict[str, Any] = {}

    async def seed() -> None:
        repository = await open_world(db)
        await repository.add_world((ODD,), ODD_MENTORS, tuple((ODD.id, m.id) for m in ODD_MENTORS))
        await repository.close()

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        listing: SelectionList[str] = app.query_one("#mentors", SelectionList)
        seen["listed"] = [
            str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
        ]
        await press(pilot, "select-all")
        await choose_kind(pilot, "Phone call")
        await type_into(pilot, "minutes", "15")
        await press(pilot, "submit")
        seen["rows"] = result_rows(pilot)
        seen["headline"] = shown_text(pilot, "headline")
        await keys(pilot, "enter")
        seen["details"] = str(app.screen.query_one("#details-name", Label).content)

    asyncio.run(seed())
    run_story(db, story, coordinator_id=ODD.id, seed=False)
    names = [m.name for m in ODD_MENTORS]
    assert sorted(seen["listed"]) == sorted(names)
    assert {mentor: name for mentor, (_, name, _) in seen["rows"].items()} == {
        m.id: m.name for m in ODD_MENTORS
    }
    assert seen["headline"] == "All 3 registered."
    assert seen["details"] == f"✓ {ODD_MENTORS[0].name}"
