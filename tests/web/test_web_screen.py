"""The coordinator screen's logic with NiceGUI's simulated user: no browser, real engine,
a real SQLite file."""

from __future__ import annotations

import asyncio
import concurrent.futures
import pathlib
from collections.abc import Awaitable, Callable

from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_simulation import user_simulation
from web_world import DEMO, demo_database, stored_per_mentor

from proxyreg.web import DEMO_NOTICE, Desk, WebOptions, make_root
from proxyreg.web._screen import NOTHING_TAKEN

Story = Callable[[User], Awaitable[None]]


def run_story(options: WebOptions, story: Story) -> None:
    """Run ``story`` as a coordinator on a page served over ``options``' backend."""

    async def scenario() -> None:
        desk = Desk(options)
        try:
            async with user_simulation(root=make_root(desk)) as user:
                await story(user)
        finally:
            await desk.close()

    # A thread of its own: a browser test's Playwright may hold this thread's event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, scenario()).result()


async def signed_in(user: User, name: str = DEMO) -> None:
    await user.open("/")
    await user.should_see(DEMO_NOTICE)
    user.find(f"Sign in as {name}").click()
    await user.should_see("Many mentors")
    await settle()


async def settle() -> None:
    """Let the page's events reach the engine and its states reach the page."""
    await asyncio.sleep(0.3)


def value_of(user: User, label: str) -> object:
    """The value of the one control labelled ``label`` (the result list may name it too)."""
    (element,) = (e for e in user.find(label).elements if hasattr(e, "value"))
    return element.value


def test_switching_to_one_mentor_starts_an_empty_form(tmp_path: pathlib.Path) -> None:
    """Ticks and minutes typed for many mentors are gone after switching to one mentor."""
    db = demo_database(tmp_path)
    seen: dict[str, object] = {}

    async def story(user: User) -> None:
        await signed_in(user)
        user.find("Aisha Rahman").click()
        user.find("Minutes").type("30")
        await settle()
        await user.should_see("1 selected")
        seen["before"] = value_of(user, "Minutes")
        user.find("One mentor").click()
        await settle()
        seen["minutes"] = value_of(user, "Minutes")
        seen["aisha"] = value_of(user, "Aisha Rahman")

    run_story(WebOptions(str(db)), story)
    assert seen == {"before": "30", "minutes": "", "aisha": False}


def test_unreadable_minutes_are_named_beside_the_field(tmp_path: pathlib.Path) -> None:
    """Minutes typed as words: the box keeps the text and the reason shows beside it."""
    db = demo_database(tmp_path)
    seen: dict[str, object] = {}

    async def story(user: User) -> None:
        await signed_in(user)
        user.find("Minutes").type("half an hour")
        await settle()
        await user.should_see("Enter a whole number, not 'half an hour'.")
        seen["minutes"] = value_of(user, "Minutes")

    run_story(WebOptions(str(db)), story)
    assert seen == {"minutes": "half an hour"}


def test_the_search_goes_through_the_engine_and_paused_mentors_stay_unticked(
    tmp_path: pathlib.Path,
) -> None:
    """Searching "jonas" leaves Jonas Berg (paused) shown; ticking him selects nobody; Select
    all then ticks the active mentors the search shows."""
    db = demo_database(tmp_path)

    async def story(user: User) -> None:
        await signed_in(user)
        user.find("Search mentors").type("berg")
        await settle()
        await user.should_not_see("Aisha Rahman")
        await user.should_see("Jonas Berg")
        user.find("Jonas Berg").click()
        await settle()
        await user.should_see("0 selected")
        user.find("Select all").click()
        await settle()
        await user.should_see("2 selected")  # Ragnhild Berg and William Ekeberg

    run_story(WebOptions(str(db)), story)


def test_a_database_that_cannot_be_reached_shows_a_banner(tmp_path: pathlib.Path) -> None:
    """A PostgreSQL server that is not there: the sign-in says so, and offers to try again."""

    async def story(user: User) -> None:
        await user.open("/")
        await user.should_see("The database cannot be used right now")
        await user.should_see("Try again")

    run_story(WebOptions("postgresql://postgres@127.0.0.1:9/proxyreg"), story)


def test_a_single_registration_is_stored_once(tmp_path: pathlib.Path) -> None:
    """One mentor, a home visit of 45 minutes today: the page says registered, the file
    holds it."""
    db = demo_database(tmp_path)

    async def story(user: User) -> None:
        await signed_in(user)
        user.find("One mentor").click()
        await settle()
        user.find("Aisha Rahman").click()
        user.find("Minutes").type("45")
        user.find("Kind").click()
        await settle()
        user.find("Home visit").click()
        await settle()
        user.find("Submit").click()
        await user.should_see("Registered.")

    run_story(WebOptions(str(db)), story)
    assert stored_per_mentor(db) == {"m01": 1}


def test_a_database_that_takes_nothing_shows_a_banner_and_keeps_the_form(
    tmp_path: pathlib.Path,
) -> None:
    """Every call refused (503): a banner says so, the tick and the minutes are kept, and
    Retry failed is offered."""
    db = demo_database(tmp_path)
    seen: dict[str, object] = {}

    async def story(user: User) -> None:
        await signed_in(user)
        user.find("Aisha Rahman").click()
        user.find("Minutes").type("45")
        user.find("Kind").click()
        await settle()
        user.find("Phone call").click()
        await settle()
        user.find("Submit").click()
        await user.should_see(NOTHING_TAKEN, retries=50)
        await user.should_see("None of the 1 could be registered.")
        seen["minutes"] = value_of(user, "Minutes")
        seen["aisha"] = value_of(user, "Aisha Rahman")
        seen["retry"] = user.find(kind=ui.button, content="Retry failed").elements.pop().enabled

    run_story(WebOptions(str(db), faults="unavailable=1"), story)
    assert seen == {"minutes": "45", "aisha": True, "retry": True}
    assert stored_per_mentor(db) == {}
