"""The SQLite repository under the repository contract, each test on a new file."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from contract.repository_contract import RepositoryContract
from contract.world import World
from proxyreg.adapters.sqlite import SqliteDatabase
from proxyreg.ports import ProxyRepository


class TestSqliteRepository(RepositoryContract):
    @asynccontextmanager
    async def open_repositories(
        self, world: World, coordinator_ids: Sequence[str], max_batch_size: int = 500
    ) -> AsyncIterator[tuple[ProxyRepository, ...]]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "proxyreg.sqlite3"
            async with await SqliteDatabase.open(path, max_batch_size=max_batch_size) as db:
                await db.add_world(world.coordinators, world.mentors, world.assignments)
                yield tuple(db.acting_as(c) for c in coordinator_ids)
