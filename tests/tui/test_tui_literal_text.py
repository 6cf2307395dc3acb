"""Names and messages are shown as written: a ``[`` in them is text, never Textual markup.

Mentor names come from the database and messages from the backend, so a name such as
"Per [/] Hansen" must neither break the screen nor lose its brackets.
"""

from __future__ import annotations

import asyncio
import pathlib

from textual.widgets import SelectionList
from tui_world import (
    TODAY,
    choose_kind,
    make_app,
    open_world,
    press,
    result_rows,
    settle,
    type_into,
)
from tui_world import text_of as shown_text

from proxyreg.domain import Coordinator, Mentor

ODD = Coordinator("coord-odd", "Kari [admin]", "chapter-odd")
ODD_MENTORS = (
    Mentor("o1", "Per [/] Hansen", "chapter-odd"),
    Mentor("o2", "[b]Ola[/b] Nordmann", "chapter-odd"),
    Mentor("o3", "Siri [vikar", "chapter-odd"),
)


def test_names_with_brackets_are_listed_and_reported_literally(tmp_path: pathlib.Path) -> None:
    """The mentor list and the result rows show each name exactly; Submit stores all three."""

    async def scenario() -> tuple[list[str], dict[str, tuple[str, str, str]], str]:
        repository = await open_world(tmp_path / "proxyreg.db")
        await repository.add_world((ODD,), ODD_MENTORS, tuple((ODD.id, m.id) for m in ODD_MENTORS))
        app = make_app(repository, coordinator_id=ODD.id)
        async with app.run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            listing: SelectionList[str] = app.query_one("#mentors", SelectionList)
            listed = [
                str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
            ]
            await press(pilot, "select-all")
            await choose_kind(pilot, "Phone call")
            await type_into(pilot, "date", TODAY.isoformat())
            await type_into(pilot, "minutes", "15")
            await press(pilot, "submit")
            rows = result_rows(pilot)
            headline = shown_text(pilot, "headline")
        await repository.close()
        return listed, rows, headline

    listed, rows, headline = asyncio.run(scenario())
    names = [m.name for m in ODD_MENTORS]
    assert sorted(listed) == sorted(names)
    assert {mentor: name for mentor, (_, name, _) in rows.items()} == {
        m.id: m.name for m in ODD_MENTORS
    }
    assert headline == "All 3 registered."
