"""The database a command acts on, and who acts: ``--db`` and ``--as`` read for the application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from proxyreg.application import open_backend
from proxyreg.domain import Roster
from proxyreg.ports import ProxyRepository


@asynccontextmanager
async def acting_coordinator(
    url: str, acting_as: str | None, *, writes: bool = False
) -> AsyncIterator[tuple[ProxyRepository, Roster]]:
    """The repository acting as the resolved coordinator, and their roster (``writes``: the
    command registers, so the database must take writes)."""
    async with open_backend(url, writes=writes) as backend, backend.acting_as(acting_as) as acting:
        yield acting.repository, acting.roster
