"""open_repository: SQLite when no database is named, PostgreSQL for a postgresql:// URL."""

from __future__ import annotations

import asyncio
import pathlib

import pytest

from contract.world import KARI, WORLD
from pg import HOST, PORT, USER, throwaway_database
from proxyreg.adapters import DEFAULT_DATABASE, open_repository
from proxyreg.adapters.postgres import PostgresRepository, seed
from proxyreg.adapters.sqlite import SqliteRepository


def test_no_database_named_means_sqlite_in_the_working_directory(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no URL, the embedded default is a SQLite file proxyreg.db where the program runs."""
    monkeypatch.chdir(tmp_path)

    async def scenario() -> type:
        async with open_repository() as repo:
            return type(repo)

    assert asyncio.run(scenario()) is SqliteRepository
    assert (tmp_path / DEFAULT_DATABASE).exists()


def test_a_path_names_a_sqlite_file(tmp_path: pathlib.Path) -> None:
    """Any other URL is the path of a SQLite file, created with its schema."""
    path = tmp_path / "elsewhere.db"

    async def scenario() -> int:
        async with open_repository(str(path)) as repo:
            return repo.max_batch_size

    assert asyncio.run(scenario()) == 500
    assert path.exists()


@pytest.mark.postgres
def test_a_postgresql_url_opens_postgres_as_the_coordinator() -> None:
    """A postgresql:// URL opens PostgreSQL acting as the named coordinator."""
    with throwaway_database() as dsn:
        database = dsn.split("dbname=")[1].split()[0]
        assignments = {c.id: WORLD.assigned_to(c.id) for c in WORLD.coordinators}
        asyncio.run(seed(dsn, WORLD.coordinators, WORLD.mentors, assignments))
        url = f"postgresql://{USER}@{HOST}:{PORT}/{database}"

        async def scenario() -> tuple[type, str]:
            async with open_repository(url, coordinator_id=KARI.id) as repo:
                roster = await repo.roster(KARI.id)
                return type(repo), roster.coordinator.id

        assert asyncio.run(scenario()) == (PostgresRepository, KARI.id)


def test_postgres_needs_a_coordinator() -> None:
    """Without a coordinator, a PostgreSQL URL is refused before connecting."""

    async def scenario() -> None:
        async with open_repository("postgresql://nowhere/db"):
            pass

    with pytest.raises(ValueError, match="coordinator"):
        asyncio.run(scenario())
