"""The terminal app's test set-up: a real SQLite file with a world in it, and pilot helpers.

Faults come from `FaultyRepository` with a seeded spec, so a run's outcome is the
same every time. Nothing here is a mock: the app, the engine and SQLite are real.
"""

from __future__ import annotations

import asyncio
import pathlib
import sqlite3

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, SelectionList, Static

from contract.world import KARI, WORLD
from proxyreg.adapters.faults import FaultyRepository, parse_fault_spec
from proxyreg.adapters.sqlite import SqliteDatabase
from proxyreg.domain import Coordinator, Mentor
from proxyreg.orchestration import Strategy
from proxyreg.ports import ProxyRepository
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


def make_app(
    database: SqliteDatabase | ProxyRepository,
    faults: str = "",
    *,
    coordinator_id: str = KARI.id,
    strategy: Strategy | None = None,
) -> ProxyRegApp:
    """The app acting for ``coordinator_id`` on ``database`` (a repository already acts for
    its own), misbehaving as the seeded ``faults`` spec says, on TODAY."""
    repository = (
        database.acting_as(coordinator_id) if isinstance(database, SqliteDatabase) else database
    )
    backend = FaultyRepository(repository, parse_fault_spec(faults)) if faults else repository
    return ProxyRegApp(backend, today=TODAY, strategy=strategy or "rpc")


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
    await pilot.click(f"#{button_id}")
    await settle(pilot)


# --- reading the screen --------------------------------------------------------------------


def text_of(pilot: Pilot[None], widget_id: str) -> str:
    return str(pilot.app.query_one(f"#{widget_id}", Static).content)


def ticked(pilot: Pilot[None]) -> list[str]:
    return sorted(pilot.app.query_one("#mentors", SelectionList).selected)


def result_rows(pilot: Pilot[None]) -> dict[str, tuple[str, str, str]]:
    """The result list as shown: mentor id -> (mark, name, message)."""
    table: DataTable[object] = pilot.app.query_one("#results", DataTable)
    rows = {}
    for key in table.rows:
        mark, name, message = (str(cell) for cell in table.get_row(key))
        rows[str(key.value)] = (mark, name, message)
    return rows


# --- the result screen of the docs and the snapshot ----------------------------------------

SCREENSHOT_SIZE = (170, 40)
SCREENSHOT_FAULTS = "seed=5,fail_rate=0.3"


def open_screenshot_world(path: pathlib.Path) -> SqliteDatabase:
    """The demo chapter in a fresh SQLite file, opened outside any running loop."""
    return asyncio.run(open_world(path))


def screenshot_app(repository: SqliteDatabase) -> ProxyRegApp:
    """The app as the screenshot shows it: the demo coordinator, seeded faults, TODAY."""
    return make_app(repository, SCREENSHOT_FAULTS, coordinator_id=DEMO_COORDINATOR.id)


async def drive_to_result_screen(pilot: Pilot[None]) -> None:
    """Select all, fill in a phone call, Submit: the seeded faults fail a few mentors."""
    await settle(pilot)
    await press(pilot, "select-all")
    await choose_kind(pilot, "Phone call")
    await type_into(pilot, "date", TODAY.isoformat())
    await type_into(pilot, "minutes", "30")
    await type_into(pilot, "notes", "Weekly check-in")
    await press(pilot, "submit")
    pilot.app.query_one("#results").focus()
    await settle(pilot)
