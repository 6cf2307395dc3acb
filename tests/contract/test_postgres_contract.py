"""The PostgreSQL repository under the repository contract, acting as KARI under RLS.

One throwaway database for the module; each test empties it and seeds the world again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

import pytest

from contract.repository_contract import RepositoryContract
from contract.world import World
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
    async def open_repositories(
        self, world: World, coordinator_ids: Sequence[str], max_batch_size: int = 500
    ) -> AsyncIterator[tuple[ProxyRepository, ...]]:
        await reset(self.dsn, world)
        async with AsyncExitStack() as stack:
            yield tuple(
                [
                    await stack.enter_async_context(
                        await PostgresRepository.open(self.dsn, c, max_batch_size=max_batch_size)
                    )
                    for c in coordinator_ids
                ]
            )
