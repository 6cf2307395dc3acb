"""The terminal app's test set-up: a real SQLite file with a world in it, and pilot helpers.

Faults come from `FaultyRepository` with a seeded spec, so a run's outcome is the
same every time. Nothing here is a mock: the app, the engine and SQLite are real.
"""

from __future__ import annotations

import asyncio
import html
import pathlib
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, SelectionList, Static

from contract.world import KARI, WORLD
from proxyreg.adapters.sqlite import SqliteDatabase
from proxyreg.application import Strategy, open_backend
from proxyreg.domain import Coordinator, Mentor
from proxyreg.tui import ProxyRegApp
from support import TODAY

__all__ = ["KARI", "TODAY", "WORLD"]

# A chapter with realistic names for the screenshot; Jonas Berg is paused.
DEMO_COORDINATOR = Coordinator("coord-demo", "Ingrid Solberg", "chapter-demo")
DEMO_MENTORS = tuple(
    Mentor(f"d{i:02d}", name, "chapter-demo", active=name != "Jonas Berg")
    for i, name in enumerate(
        (
            "Aisha Rahman",
            "Bjørn Lie",
            "Camila Ortiz",
            "Dawit Tesfaye",
            "Elin Strand",
            "Farah Haddad",
            "Gustav Moe",
            "Hanna Nilsen",
            "Jonas Berg",
            "Kristin Aas",
        ),
        start=1,
    )
)


async def open_world(path: pathlib.Path) -> SqliteDatabase:
    """A SQLite file holding the contract world and the demo chapter."""
    repository = await SqliteDatabase.open(path)
    await repository.add_world(WORLD.coordinators, WORLD.mentors, WORLD.assignments)
    await repository.add_world(
        (DEMO_COORDINATOR,),
        DEMO_MENTORS,
        tuple((DEMO_COORDINATOR.id, m.id) for m in DEMO_MENTORS),
    )
    return repository


async def seed_world(path: pathlib.Path) -> None:
    """Write the contract world and the demo chapter into a fresh SQLite file."""
    repository = await open_world(path)
    await repository.close()


@asynccontextmanager
async def app_on(
    path: pathlib.Path,
    faults: str | None = None,
    *,
    coordinator_id: str = KARI.id,
    strategy: str | Strategy = "rpc",
) -> AsyncIterator[ProxyRegApp]:
    """The app as ``proxyreg tui`` builds it: the SQLite file opened by the application
    layer, acting as ``coordinator_id``, misbehaving as the seeded ``faults`` say, on TODAY."""
    async with (
        open_backend(str(path), writes=True) as backend,
        backend.acting_as(coordinator_id) as acting,
    ):
        yield ProxyRegApp(
            acting.repository, acting.roster, today=TODAY, strategy=strategy, faults=faults
        )


Story = Callable[[ProxyRegApp, Pilot[None]], Awaitable[None]]


def run_story(
    path: pathlib.Path,
    story: Story,
    *,
    size: tuple[int, int] = (80, 24),
    faults: str | None = None,
    coordinator_id: str = KARI.id,
    strategy: str | Strategy = "rpc",
    seed: bool = True,
) -> None:
    """Run ``story`` against the app at ``size`` on the SQLite file at ``path`` (seeded
    with the world first unless ``seed`` is False)."""

    async def scenario() -> None:
        if seed:
            await seed_world(path)
        async with (
            app_on(path, faults, coordinator_id=coordinator_id, strategy=strategy) as app,
            app.run_test(size=size) as pilot,
        ):
            await settle(pilot)
            await story(app, pilot)

    asyncio.run(scenario())


def stored_rows(path: pathlib.Path) -> list[tuple[str, str, str, int]]:
    """What the database file holds: (client key, mentor, date, minutes) per stored record."""
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT client_key, mentor_id, activity_date, minutes FROM proxy_activities"
        ).fetchall()


# --- driving the app -----------------------------------------------------------------------


async def settle(pilot: Pilot[None]) -> None:
    """Let the screen pass on every message and the bloc handle every event, answers included."""
    app = pilot.app
    assert isinstance(app, ProxyRegApp)
    for _ in range(3):  # messages may add events, whose states may post messages again
        await pilot.pause()
        await app.bloc.settled()
    await pilot.pause()


async def type_into(pilot: Pilot[None], box_id: str, text: str) -> None:
    """Click a text box, empty it, and type ``text`` key by key."""
    await pilot.click(f"#{box_id}")
    box = pilot.app.query_one(f"#{box_id}", Input)
    await pilot.press("end", *(["backspace"] * len(box.value)), *text)
    await settle(pilot)


async def choose_kind(pilot: Pilot[None], label: str) -> None:
    """Open the kind list with the keyboard and pick the option called ``label``."""
    select = pilot.app.query_one("#kind", Select)
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    labels = [str(prompt) for prompt, _ in select._options]
    current = labels.index(str(select.selection) if select.selection else "")
    target = labels.index(label)
    keys = ["down"] * (target - current) if target >= current else ["up"] * (current - target)
    await pilot.press(*keys, "enter")
    await settle(pilot)


async def tick(pilot: Pilot[None], *mentor_ids: str) -> None:
    """Tick (or untick) mentors in the list as a keyboard user does: highlight, then space."""
    listing: SelectionList[str] = pilot.app.query_one("#mentors", SelectionList)
    listing.focus()
    for mentor_id in mentor_ids:
        listing.highlighted = listing.get_option_index(mentor_id)
        await pilot.press("space")
        await settle(pilot)


async def press(pilot: Pilot[None], button_id: str) -> None:
    """Click a button, as a mouse user does."""
    await pilot.click(f"#{button_id}")
    await settle(pilot)


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    """Press keys (the footer's bindings, Tab, Space…), then let everything settle."""
    await pilot.press(*pressed)
    await settle(pilot)


# --- reading the screen --------------------------------------------------------------------


def text_of(pilot: Pilot[None], widget_id: str) -> str:
    return str(pilot.app.query_one(f"#{widget_id}", Static).content)


def ticked(pilot: Pilot[None]) -> list[str]:
    return sorted(pilot.app.query_one("#mentors", SelectionList).selected)


def result_rows(pilot: Pilot[None]) -> dict[str, tuple[str, str, str]]:
    """The result list as shown, top to bottom: mentor id -> (mark, name, message)."""
    table: DataTable[object] = pilot.app.query_one("#results", DataTable)
    rows = {}
    for index in range(table.row_count):
        key = table.coordinate_to_cell_key((index, 0)).row_key
        mark, name, message = (str(cell) for cell in table.get_row(key))
        rows[str(key.value)] = (mark, name, message)
    return rows


_SVG_TEXT = re.compile(
    r'<text [^>]*x="([0-9.]+)"[^>]*clip-path="url\(#terminal-[0-9]+-line-([0-9]+)\)">([^<]*)</text>'
)
_CELL_WIDTH = 12.2  # Textual's SVG export puts one terminal cell every 12.2 units


def screen_lines(pilot: Pilot[None]) -> list[str]:
    """The characters on the terminal, line by line, as a coordinator reads them (read
    from Textual's own SVG export of the screen)."""
    width, height = pilot.app.size
    lines = [[" "] * width for _ in range(height)]
    for x, line, text in _SVG_TEXT.findall(pilot.app.export_screenshot()):
        column = round(float(x) / _CELL_WIDTH)
        for offset, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            if int(line) < height and column + offset < width:
                lines[int(line)][column + offset] = char
    return ["".join(chars).rstrip() for chars in lines]


def screen_text(pilot: Pilot[None]) -> str:
    """Every word on the terminal in reading order, wrapped lines joined by single spaces."""
    return " ".join(" ".join(screen_lines(pilot)).split())


# --- the result screen of the docs and the snapshot ----------------------------------------

SCREENSHOT_SIZE = (80, 24)
SCREENSHOT_FAULTS = "seed=5,fail_rate=0.3"


@contextmanager
def screenshot_app(path: pathlib.Path) -> Iterator[ProxyRegApp]:
    """The app as the screenshots show it: the demo chapter in a fresh SQLite file opened by
    the application layer, seeded faults, TODAY; built outside any running loop (the
    snapshot plugin runs the app in a loop of its own)."""
    # A loop of its own opens and closes the backend; it is not run (nor shut down, which
    # would close the backend) while the app runs in the plugin's loop.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(seed_world(path))
        opened = app_on(path, SCREENSHOT_FAULTS, coordinator_id=DEMO_COORDINATOR.id)
        app = loop.run_until_complete(opened.__aenter__())
        try:
            yield app
        finally:
            loop.run_until_complete(opened.__aexit__(None, None, None))
    finally:
        loop.close()


async def drive_to_bulk_form(pilot: Pilot[None]) -> None:
    """Select all, and a phone call of 30 minutes with a note (the date box says today)."""
    await settle(pilot)
    await press(pilot, "select-all")
    await choose_kind(pilot, "Phone call")
    await type_into(pilot, "minutes", "30")
    await type_into(pilot, "notes", "Weekly check-in")


async def drive_to_result_screen(pilot: Pilot[None]) -> None:
    """The bulk form filled in, then Submit: the seeded faults fail a few mentors."""
    await drive_to_bulk_form(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def drive_to_row_details(pilot: Pilot[None]) -> None:
    """The result screen, and Enter on its first row (a failed one): the reason in full."""
    await drive_to_result_screen(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def drive_to_single_registered(pilot: Pilot[None]) -> None:
    """One mentor: pick the first, a home visit of 45 minutes, Submit: "Registered."."""
    await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("space")
    await settle(pilot)
    await choose_kind(pilot, "Home visit")
    await type_into(pilot, "minutes", "45")
    await pilot.press("ctrl+s")
    await settle(pilot)


SCENES: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {
    "bulk-form": drive_to_bulk_form,
    "result-screen": drive_to_result_screen,
    "result-details": drive_to_row_details,
    "single-registered": drive_to_single_registered,
}
"""The screens of the docs and the snapshots, by the name of their picture in docs/img."""
