"""The in-memory repository under the repository contract."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from contract.repository_contract import RepositoryContract
from contract.world import World
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.ports import ProxyRepository


class TestInMemoryRepository(RepositoryContract):
    @asynccontextmanager
    async def open_repositories(
        self, world: World, coordinator_ids: Sequence[str], max_batch_size: int = 500
    ) -> AsyncIterator[tuple[ProxyRepository, ...]]:
        held = InMemoryRepository(
            coordinators=world.coordinators,
            mentors=world.mentors,
            assignments={c.id: world.assigned_to(c.id) for c in world.coordinators},
            max_batch_size=max_batch_size,
        )
        yield tuple(held.acting_as(c) for c in coordinator_ids)
