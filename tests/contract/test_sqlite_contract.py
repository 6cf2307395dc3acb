"""The SQLite repository under the repository contract, each test on a new file."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from contract.repository_contract import RepositoryContract
from contract.world import World
from proxyreg.adapters.sqlite import SqliteRepository
from proxyreg.ports import ProxyRepository


class TestSqliteRepository(RepositoryContract):
    @asynccontextmanager
    async def open_repository(
        self, world: World, max_batch_size: int = 500
    ) -> AsyncIterator[ProxyRepository]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "proxyreg.sqlite3"
            async with await SqliteRepository.open(path, max_batch_size=max_batch_size) as repo:
                await repo.add_world(world.coordinators, world.mentors, world.assignments)
                yield repo
