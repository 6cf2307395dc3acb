"""What one submission's sending shares: the repository, the retrier, cancel, and the report.

A strategy calls `report` exactly once per record. Records it could not send
are reported ``failed`` (cancelled, out of time, refused for now); records
whose call got no answer are reported ``unknown`` and reconciled afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import attrs

from proxyreg.domain import MESSAGES, Outcome, ProxyRecord, RecordResult
from proxyreg.orchestration._retry import Retrier
from proxyreg.ports import CANCELLED, BatchUnsupportedError, ProxyRepository, TransientError

Report = Callable[[ProxyRecord, RecordResult], None]
SendOnce = Callable[[Sequence[ProxyRecord]], Awaitable[Sequence[RecordResult]]]

OUT_OF_TIME = "out_of_time"
NO_ANSWER = "no_answer"


class _Stopped(Exception):
    """Nothing more may be sent: cancelled, or past the deadline."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@attrs.define
class Sending:
    """One submission being sent."""

    repository: ProxyRepository
    retrier: Retrier
    cancelled: asyncio.Event
    report: Report

    def report_all(
        self, records: Sequence[ProxyRecord], outcome: Outcome, message: str, code: str | None
    ) -> None:
        for record in records:
            self.report(
                record, RecordResult(record.client_key, outcome, code=code, message=message)
            )

    def _check_may_send(self) -> None:
        if self.cancelled.is_set():
            raise _Stopped(CANCELLED, MESSAGES.text("record.cancelled"))
        if self.retrier.deadline.remaining() <= 0:
            raise _Stopped(OUT_OF_TIME, MESSAGES.text("record.out_of_time"))

    async def settle(
        self, records: Sequence[ProxyRecord], send_once: SendOnce, *, retry_failed: bool
    ) -> None:
        """Send ``records`` with retries and report each one's outcome.

        A whole call refused for now (`TransientError`) is retried with backoff; with
        ``retry_failed``, so are the records answered ``failed``, with the same keys.
        `BatchUnsupportedError` is raised for the strategy to fall back, nothing reported.
        """
        pending = list(records)
        last: dict[str, RecordResult] = {}

        async def attempt() -> list[ProxyRecord]:
            nonlocal pending
            self._check_may_send()
            results = await send_once(pending)
            still: list[ProxyRecord] = []
            for record, result in zip(pending, results, strict=True):
                if retry_failed and result.outcome is Outcome.FAILED:
                    still.append(record)
                    last[record.client_key] = result
                else:
                    self.report(record, result)
            pending = still
            return still

        try:
            await self.retrier.run(attempt, again=bool)
        except _Stopped as stop:
            self.report_all(pending, Outcome.FAILED, str(stop), stop.code)
            return
        except BatchUnsupportedError:
            raise
        except TransientError as error:
            self.report_all(
                pending,
                Outcome.FAILED,
                str(error),
                f"http_{error.status}",
            )
            return
        except Exception as error:  # no answer: the records may have landed; reconcile tells
            reason = type(error).__name__ if not str(error) else str(error)
            self.report_all(
                pending,
                Outcome.UNKNOWN,
                MESSAGES.text("record.no_answer", reason=reason),
                NO_ANSWER,
            )
            return
        for record in pending:  # tries ran out with these still failing
            self.report(record, last[record.client_key])


async def one_by_one(
    repository: ProxyRepository, records: Sequence[ProxyRecord]
) -> list[RecordResult]:
    """Each record in its own call, concurrently; a failed call becomes its record's answer."""

    async def one(record: ProxyRecord) -> RecordResult:
        try:
            return await repository.register_one(record)
        except TransientError as error:
            return RecordResult(
                record.client_key, Outcome.FAILED, code=f"http_{error.status}", message=str(error)
            )
        except Exception as error:
            return RecordResult(
                record.client_key,
                Outcome.UNKNOWN,
                code=NO_ANSWER,
                message=MESSAGES.text("record.no_answer", reason=type(error).__name__),
            )

    return list(await asyncio.gather(*(one(r) for r in records)))
