"""How a submission's records reach the repository: rpc, chunked, atomic."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

import attrs

from proxyreg.domain import MESSAGES, Outcome, ProxyRecord, RecordResult
from proxyreg.orchestration._sending import Sending, one_by_one
from proxyreg.ports import BatchUnsupportedError, ProxyRepository


class Strategy(Protocol):
    """Sends records and reports each one's outcome exactly once (see `Sending`)."""

    @property
    def name(self) -> str: ...

    def most_records(self, repository: ProxyRepository) -> int | None:
        """The most records one submission may hold with this strategy on ``repository``
        (None: any number; the strategy splits them into calls the backend takes)."""
        ...

    async def send(self, sending: Sending, records: Sequence[ProxyRecord]) -> None: ...


def _batches(records: Sequence[ProxyRecord], size: int) -> list[Sequence[ProxyRecord]]:
    return [records[i : i + size] for i in range(0, len(records), size)]


@attrs.frozen
class ChunkedStrategy:
    """Chunks of ``chunk_size`` sent ``parallelism`` at a time, each retried with backoff.

    Records answered ``failed`` are retried with the same client keys. When the
    backend has no batch call, each chunk's records go one per call, concurrently.
    """

    chunk_size: int = attrs.field(default=5, validator=attrs.validators.ge(1))
    parallelism: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    name: str = "chunked"

    def most_records(self, repository: ProxyRepository) -> int | None:
        return None

    async def send(self, sending: Sending, records: Sequence[ProxyRecord]) -> None:
        one_call = True  # until the backend says it has no batch call
        gate = asyncio.Semaphore(self.parallelism)

        async def send_once(chunk: Sequence[ProxyRecord]) -> Sequence[RecordResult]:
            nonlocal one_call
            if one_call:
                try:
                    return await sending.repository.register(chunk)
                except BatchUnsupportedError:
                    one_call = False
            return await one_by_one(sending.repository, chunk)

        async def send_chunk(chunk: Sequence[ProxyRecord]) -> None:
            async with gate:
                await sending.settle(chunk, send_once, retry_failed=True)

        size = min(self.chunk_size, sending.repository.max_batch_size)
        async with asyncio.TaskGroup() as group:
            for chunk in _batches(records, size):
                group.create_task(send_chunk(chunk))


@attrs.frozen
class RpcStrategy:
    """One batch call for the whole submission (more only past the backend's batch limit).

    Per-record answers come back in input order. A call refused for now (429,
    503) is retried whole; records answered ``failed`` are left to Retry failed.
    When the backend has no batch call, it falls back to ``fallback``.
    """

    fallback: ChunkedStrategy = ChunkedStrategy()
    name: str = "rpc"

    def most_records(self, repository: ProxyRepository) -> int | None:
        return None

    async def send(self, sending: Sending, records: Sequence[ProxyRecord]) -> None:
        async def send_once(batch: Sequence[ProxyRecord]) -> Sequence[RecordResult]:
            return await sending.repository.register(batch)

        size = sending.repository.max_batch_size
        for start in range(0, len(records), size):
            try:
                await sending.settle(records[start : start + size], send_once, retry_failed=False)
            except BatchUnsupportedError:
                await self.fallback.send(sending, records[start:])
                return


@attrs.frozen
class AtomicStrategy:
    """All or nothing: one transaction for the whole submission.

    If any record is refused, nothing is stored and every record says why (its
    own reason, or "rolled back"); if the only problems were transient, the
    whole batch is retried with backoff.
    """

    name: str = "atomic"

    def most_records(self, repository: ProxyRepository) -> int | None:
        """One transaction is one call: at most what the backend takes per call."""
        return repository.max_batch_size

    async def send(self, sending: Sending, records: Sequence[ProxyRecord]) -> None:
        # A front end refuses a larger selection before anything is sent (it asks
        # `most_records`); a caller that did not ask finds every record refused here.
        limit = self.most_records(sending.repository)
        if limit is not None and len(records) > limit:
            sending.report_all(
                records,
                Outcome.REJECTED,
                MESSAGES.text("record.atomic_too_many", max_batch_size=limit),
                "too_many",
            )
            return

        async def send_once(batch: Sequence[ProxyRecord]) -> Sequence[RecordResult]:
            return await sending.repository.register_atomic(batch)

        try:
            await sending.settle(records, send_once, retry_failed=True)
        except BatchUnsupportedError:
            sending.report_all(
                records,
                Outcome.REJECTED,
                MESSAGES.text("record.atomic_unsupported"),
                "unsupported",
            )


STRATEGIES: dict[str, type[RpcStrategy] | type[ChunkedStrategy] | type[AtomicStrategy]] = {
    "rpc": RpcStrategy,
    "chunked": ChunkedStrategy,
    "atomic": AtomicStrategy,
}
