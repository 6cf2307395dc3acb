"""Writes outcomes to the submission ledger in batches, off the path that reports them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from proxyreg.domain import RecordResult
from proxyreg.orchestration._retry import Retrier
from proxyreg.ports import ProxyRepository

_log = logging.getLogger("proxyreg.ledger")

NewRetrier = Callable[[], Retrier]
"""A fresh retrier (the submission's policy, its random generator and its sleep) per write."""


class LedgerWriter:
    """Collects outcomes as they are reported and writes them in batches.

    Reporting stays synchronous and cheap; one write per batch keeps a
    database-backed ledger from costing a commit per record. A write that fails (a
    dropped connection, a restarted server) is tried again under the orchestrator's
    retry policy, with its backoff and its sleep; a batch whose tries all fail goes
    back into the buffer, under any newer outcome of the same mentor, and is written
    with the next, or with the last write before `running` exits. Should that fail
    too, the ledger is behind the screen, never ahead: its records keep their earlier
    outcome (none, ``unknown`` or ``failed``), and the latest bulk submission is
    reconciled when the bulk screen is next entered
    (`BulkRegistrationOrchestrator.latest`).
    """

    def __init__(
        self, repository: ProxyRepository, submission_id: str, new_retrier: NewRetrier
    ) -> None:
        self._repository = repository
        self._submission_id = submission_id
        self._new_retrier = new_retrier
        self._buffer: dict[str, RecordResult] = {}
        self._wake = asyncio.Event()
        self._closing = False

    def add(self, mentor_id: str, result: RecordResult) -> None:
        self._buffer[mentor_id] = result
        self._wake.set()

    async def _write_once(self) -> None:
        """Write what is buffered; on any failure (a timeout too) put it back and raise."""
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, {}
        try:
            await self._repository.record_outcomes(self._submission_id, batch)
        except BaseException:
            # Later outcomes of the same mentor, added meanwhile, win over the failed batch.
            self._buffer = {**batch, **self._buffer}
            raise

    async def _flush(self) -> bool:
        """Write what is buffered, with retries. True once it is written."""
        try:
            await self._new_retrier().run(self._write_once, lambda _: False, (Exception,))
        except Exception as error:
            _log.warning(
                "ledger write for %s failed, kept to retry: %s", self._submission_id, error
            )
            return False
        return True

    async def _write_as_they_come(self) -> None:
        while not self._closing:
            await self._wake.wait()
            self._wake.clear()
            await self._flush()  # what failed stays buffered for the next wake

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
            if not await self._flush():
                _log.error(
                    "ledger write for %s failed for good; it will be reconciled",
                    self._submission_id,
                )
