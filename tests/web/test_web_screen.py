"""The coordinator screen's logic with NiceGUI's simulated user: no browser, real engine,
a real SQLite file."""

from __future__ import annotations

import asyncio
import pathlib
from collections.abc import Awaitable, Callable

from nicegui.testing import User
from nicegui.testing.user_simulation import user_simulation
from web_world import DEMO, demo_database

from proxyreg.web import DEMO_NOTICE, Desk, WebOptions, make_root

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

    asyncio.run(scenario())


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
    (element,) = user.find(label).elements
    return getattr(element, "value", None)


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
