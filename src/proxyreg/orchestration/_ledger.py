"""Writes outcomes to the submission ledger in batches, off the path that reports them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from proxyreg.domain import RecordResult
from proxyreg.ports import ProxyRepository

_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
"""Seconds between attempts at a ledger write that failed: about 3 s in all."""

_log = logging.getLogger("proxyreg.ledger")


class LedgerWriter:
    """Collects outcomes as they are reported and writes them in batches.

    Reporting stays synchronous and cheap; one write per batch keeps a
    database-backed ledger from costing a commit per record. A batch whose write
    fails (a dropped connection, a restarted server) goes back into the buffer and
    is written again with the next, after a pause; the last write before `running`
    exits is tried for a few seconds. Should it still fail, the ledger is behind
    the screen, never ahead: its records stay without an outcome, or ``unknown``, and
    the latest bulk submission is reconciled when the bulk screen is next entered
    (`BulkRegistrationOrchestrator.latest`); ``show`` alone does not reconcile.
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

    async def _flush(self) -> bool:
        """Write what is buffered; on failure keep it buffered. True once nothing is left."""
        if not self._buffer:
            return True
        batch, self._buffer = self._buffer, {}
        try:
            await self._repository.record_outcomes(self._submission_id, batch)
        except Exception as error:
            # Later outcomes of the same mentor, added meanwhile, win over the failed batch.
            self._buffer = {**batch, **self._buffer}
            _log.warning(
                "ledger write for %s failed, kept to retry: %s", self._submission_id, error
            )
            return False
        return True

    async def _write_as_they_come(self) -> None:
        failures = 0
        while not self._closing:
            await self._wake.wait()
            self._wake.clear()
            if await self._flush():
                failures = 0
                continue
            await asyncio.sleep(_RETRY_DELAYS[min(failures, len(_RETRY_DELAYS) - 1)])
            failures += 1
            self._wake.set()

    async def _flush_the_rest(self) -> None:
        for delay in (*_RETRY_DELAYS, None):
            if await self._flush():
                return
            if delay is not None:
                await asyncio.sleep(delay)
        _log.error(
            "ledger write for %s failed for good; it will be reconciled", self._submission_id
        )

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
            await self._flush_the_rest()
