"""The PostgreSQL repository under the repository contract, acting as KARI under RLS.

One throwaway database for the module; each test empties it and seeds the world again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest

from contract.repository_contract import RepositoryContract
from contract.world import KARI, World
from pg import reset, throwaway_database
from proxyreg.adapters.postgres import PostgresRepository
from proxyreg.ports import ProxyRepository

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with throwaway_database() as dsn:
        yield dsn


class TestPostgresRepository(RepositoryContract):
    dsn: str

    @pytest.fixture(autouse=True)
    def _use_database(self, database: str) -> None:
        self.dsn = database

    @asynccontextmanager
    async def open_repository(
        self, world: World, max_batch_size: int = 500
    ) -> AsyncIterator[ProxyRepository]:
        await reset(self.dsn, world)
        async with await PostgresRepository.open(
            self.dsn, KARI.id, max_batch_size=max_batch_size
        ) as repo:
            yield repo
