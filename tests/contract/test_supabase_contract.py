"""The Supabase repository under the repository contract, acting as KARI over HTTP.

The adapter talks through the official client to the PostgREST stand-in
(tests/postgrest_standin.py), which serves a throwaway real PostgreSQL; each test empties
it and seeds the world again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

import pytest

from contract.repository_contract import RepositoryContract
from contract.world import World
from pg import reset, throwaway_database
from postgrest_standin import ANON_KEY, PostgrestStandIn, token
from proxyreg.adapters.supabase import SupabaseRepository
from proxyreg.ports import ProxyRepository

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def standin() -> Iterator[PostgrestStandIn]:
    with throwaway_database() as dsn, PostgrestStandIn(dsn).running() as server:
        yield server


class TestSupabaseRepository(RepositoryContract):
    standin: PostgrestStandIn

    @pytest.fixture(autouse=True)
    def _use_standin(self, standin: PostgrestStandIn) -> None:
        self.standin = standin

    @asynccontextmanager
    async def open_repositories(
        self, world: World, coordinator_ids: Sequence[str], max_batch_size: int = 500
    ) -> AsyncIterator[tuple[ProxyRepository, ...]]:
        await reset(self.standin.dsn, world)
        async with AsyncExitStack() as stack:
            yield tuple(
                [
                    await stack.enter_async_context(
                        await SupabaseRepository.open(
                            self.standin.url, ANON_KEY, token(c), max_batch_size=max_batch_size
                        )
                    )
                    for c in coordinator_ids
                ]
            )
