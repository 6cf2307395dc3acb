"""Writes outcomes to the submission ledger in batches, off the path that reports them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from proxyreg.domain import RecordResult
from proxyreg.ports import ProxyRepository


class LedgerWriter:
    """Collects outcomes as they are reported and writes them in batches.

    Reporting stays synchronous and cheap; one write per batch keeps a
    database-backed ledger from costing a commit per record. Everything added is
    written before `running` exits.
    """

    def __init__(self, repository: ProxyRepository, submission_id: str) -> None:
        self._repository = repository
        self._submission_id = submission_id
        self._buffer: dict[str, RecordResult] = {}
        self._wake = asyncio.Event()
        self._closing = False

    def add(self, mentor_id: str, result: RecordResult) -> None:
        self._buffer[mentor_id] = result
        self._wake.set()

    async def _flush(self) -> None:
        if self._buffer:
            batch, self._buffer = self._buffer, {}
            await self._repository.record_outcomes(self._submission_id, batch)

    async def _write_as_they_come(self) -> None:
        while not self._closing:
            await self._wake.wait()
            self._wake.clear()
            await self._flush()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Write in the background while the block runs; write the rest before leaving."""
        writer = asyncio.create_task(self._write_as_they_come())
        try:
            yield
        finally:
            # Not cancelled: a write cut off half-way could lose its batch.
            self._closing = True
            self._wake.set()
            await writer
            await self._flush()
