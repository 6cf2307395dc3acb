"""open_backend by URL: SQLite when no database is named or for a path, PostgreSQL for
postgresql://, each acting as the coordinator named."""

from __future__ import annotations

import asyncio
import pathlib

import pytest

from contract.world import KARI, OLA, WORLD
from pg import HOST, PORT, USER, reset, throwaway_database
from postgrest_standin import ANON_KEY, PostgrestStandIn, token
from proxyreg.adapters.postgres import PostgresRepository, seed
from proxyreg.adapters.sqlite import SqliteRepository
from proxyreg.application import (
    DEFAULT_DATABASE,
    SUPABASE_KEY_VARIABLE,
    SUPABASE_TOKEN_VARIABLE,
    BadInput,
    open_backend,
)


def test_no_database_named_means_sqlite_in_the_working_directory(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no URL, the embedded default is a SQLite file proxyreg.db where the program runs."""
    monkeypatch.chdir(tmp_path)

    async def scenario() -> type:
        async with open_backend(create=True) as backend:
            await backend.load_demo()
            async with backend.acting_as() as acting:
                return type(acting.repository)

    assert asyncio.run(scenario()) is SqliteRepository
    assert (tmp_path / DEFAULT_DATABASE).exists()


def test_a_path_names_a_sqlite_file(tmp_path: pathlib.Path) -> None:
    """Any URL without a scheme is the path of a SQLite file, created with its schema."""
    path = tmp_path / "elsewhere.db"

    async def scenario() -> tuple[str, ...]:
        async with open_backend(str(path), create=True) as backend:
            return tuple(c.id for c in await backend.coordinators())

    assert asyncio.run(scenario()) == ()
    assert path.exists()


@pytest.mark.postgres
def test_a_postgresql_url_opens_postgres_as_the_coordinator() -> None:
    """A postgresql:// URL opens PostgreSQL, acting as the coordinator named."""
    with throwaway_database() as dsn:
        database = dsn.split("dbname=")[1].split()[0]
        assignments = {c.id: WORLD.assigned_to(c.id) for c in WORLD.coordinators}
        asyncio.run(seed(dsn, WORLD.coordinators, WORLD.mentors, assignments))
        url = f"postgresql://{USER}@{HOST}:{PORT}/{database}"

        async def scenario() -> list[tuple[type, str, str]]:
            found = []
            async with open_backend(url) as backend:
                for who in (KARI.id, OLA.id):
                    async with backend.acting_as(who) as acting:
                        roster = await acting.repository.roster()
                        found.append(
                            (type(acting.repository), roster.coordinator.id, acting.coordinator.id)
                        )
            return found

        assert asyncio.run(scenario()) == [
            (PostgresRepository, KARI.id, KARI.id),
            (PostgresRepository, OLA.id, OLA.id),
        ]


@pytest.mark.postgres
def test_a_supabase_url_acts_as_the_tokens_coordinator() -> None:
    """supabase+http://… with the key and token in the environment: the token's coordinator
    is the only one shown and acts; naming another is bad input naming ``as``, and the
    owner's steps (schema, demo world) are refused naming ``db``."""
    with throwaway_database() as dsn, PostgrestStandIn(dsn).running() as server:
        asyncio.run(reset(dsn, WORLD))
        environ = {SUPABASE_KEY_VARIABLE: ANON_KEY, SUPABASE_TOKEN_VARIABLE: token(OLA.id)}

        async def scenario() -> tuple[list[str], str, list[str], list[str]]:
            async with open_backend(f"supabase+{server.url}", environ=environ) as backend:
                for owners_step in (backend.create_schema, backend.load_demo):
                    with pytest.raises(BadInput, match="postgresql:// URL"):
                        await owners_step()
                shown = [c.id for c in await backend.coordinators()]
                async with backend.acting_as() as acting:
                    mentors = [m.id for m in (await acting.repository.roster()).mentors]
                try:
                    async with backend.acting_as(KARI.id):
                        pass
                except BadInput as bad:
                    return shown, acting.coordinator.id, mentors, [e.field for e in bad.errors]
            return shown, acting.coordinator.id, mentors, []

        expected = ([OLA.id], OLA.id, sorted(WORLD.assigned_to(OLA.id)), ["as"])
        shown, who, mentors, refused = asyncio.run(scenario())
        assert expected == (shown, who, sorted(mentors), refused)
