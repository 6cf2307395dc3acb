"""The Supabase sign-in: the coordinator's access token, against the PostgREST stand-in
(tests/postgrest_standin.py, NOT PostgREST) over a throwaway real PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from nicegui import ui
from nicegui.testing import User
from test_web_screen import run_story, settle

from contract.world import KARI, OLA, WORLD
from pg import reset, throwaway_database
from postgrest_standin import ANON_KEY, PostgrestStandIn, token
from proxyreg.application import SUPABASE_KEY_VARIABLE
from proxyreg.web import WebOptions

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def standin() -> Iterator[PostgrestStandIn]:
    with throwaway_database() as dsn, PostgrestStandIn(dsn).running() as server:
        asyncio.run(reset(server.dsn, WORLD))
        yield server


def options(standin: PostgrestStandIn) -> WebOptions:
    return WebOptions(f"supabase+{standin.url}", environ={SUPABASE_KEY_VARIABLE: ANON_KEY})


def names_of(coordinator_id: str) -> list[str]:
    mentors = {m.id: m.name for m in WORLD.mentors}
    return [mentors[m] for m in WORLD.assigned_to(coordinator_id)]


def test_a_token_signs_in_its_coordinator_only(standin: PostgrestStandIn) -> None:
    """Kari's token shows Kari's name and mentors, none of Ola's."""

    async def story(user: User) -> None:
        await user.open("/")
        user.find("Access token").type(token(KARI.id))
        user.find(kind=ui.button, content="Sign in").click()
        await user.should_see(f"proxyreg · {KARI.name}", retries=50)
        await settle()
        for name in names_of(KARI.id):
            await user.should_see(name)
        for name in set(names_of(OLA.id)) - set(names_of(KARI.id)):
            await user.should_not_see(name)

    run_story(options(standin), story)


def test_a_token_that_does_not_verify_shows_a_banner(standin: PostgrestStandIn) -> None:
    """A token signed with another secret: the page says the database cannot be used, and
    offers to sign out."""

    async def story(user: User) -> None:
        await user.open("/")
        user.find("Access token").type(
            token(KARI.id, secret="not the project's secret, but long enough")
        )
        user.find(kind=ui.button, content="Sign in").click()
        await user.should_see("The database cannot be used right now", retries=50)
        await user.should_see("Sign out")

    run_story(options(standin), story)
