"""The BulkRegistrationOrchestrator: a submission in, one settled outcome per record out."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Sequence

import attrs

from proxyreg.domain import LedgerEntry, Outcome, ProxyRecord, RecordResult, Submission
from proxyreg.engine import EventBus
from proxyreg.flows import ResultSink
from proxyreg.orchestration._ledger import LedgerWriter
from proxyreg.orchestration._retry import Deadline, Retrier, RetryPolicy, Sleep
from proxyreg.orchestration._sending import NO_ANSWER, Sending
from proxyreg.orchestration._strategies import RpcStrategy, Strategy
from proxyreg.ports import (
    BatchTooLargeError,
    BatchUnsupportedError,
    ProxyRepository,
    SubmissionBatchRepository,
    TransientError,
)

NOT_SAVED = "not_saved"
NOT_SENT = "not_sent"


@attrs.frozen
class SubmissionProgressed:
    """Published on the bus as each record settles: ``done`` of ``total`` have an outcome."""

    submission_id: str
    done: int
    total: int


class BulkRegistrationOrchestrator:
    """Sends submissions with a strategy and settles every record before it is done.

    For each submission it: keeps the submission in the ledger before sending;
    sends the records with the strategy (``rpc`` by default); reports each
    record's outcome as it arrives, to ``on_result``, to the ledger and, as
    progress, to the bus; and asks the repository which records left in doubt
    (a timeout, a dropped connection) did land, so that nothing that landed is
    shown as failed. It is the flows' `SubmissionGateway`.
    """

    def __init__(
        self,
        repository: ProxyRepository,
        *,
        strategy: Strategy | None = None,
        policy: RetryPolicy | None = None,
        bus: EventBus | None = None,
        seed: int | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.repository = repository
        self.strategy: Strategy = strategy if strategy is not None else RpcStrategy()
        self.policy = policy if policy is not None else RetryPolicy()
        self._bus = bus
        self._rng = random.Random(seed)
        self._sleep = sleep
        self._live: dict[str, dict[str, RecordResult]] = {}

    async def submit(
        self,
        submission: Submission,
        on_result: ResultSink,
        cancelled: asyncio.Event | None = None,
    ) -> None:
        """Send ``submission`` and settle every record; see the class docstring.

        Setting ``cancelled`` stops further calls: records not sent yet are answered
        ``failed`` (code ``cancelled``), those in flight settle as they land.
        """
        # Marked as being sent from the start, so a restore meanwhile does not reconcile it.
        live = self._live.setdefault(submission.id, {})
        live.clear()
        if await self._in_one_call(submission, on_result, cancelled, live):
            return
        try:
            earlier = await self.repository.ledger_entry(submission.id)
        except Exception as error:  # nothing sent now; an earlier attempt may have landed
            del self._live[submission.id]
            for record in submission.records:
                on_result(record.mentor_id, not_sent(record, error, maybe_landed=True))
            return
        was_in_doubt = {
            mentor
            for mentor, result in (earlier.outcomes.items() if earlier else ())
            if result.outcome is Outcome.UNKNOWN
        }
        try:
            await self.repository.record_submission(submission)
        except Exception as error:  # nothing sent now: failed, unless an earlier send was in doubt
            del self._live[submission.id]
            for record in submission.records:
                landed = record.mentor_id in was_in_doubt
                on_result(record.mentor_id, not_sent(record, error, maybe_landed=landed))
            return
        ledger = LedgerWriter(self.repository, submission.id)
        total = len(submission.records)
        in_doubt: list[ProxyRecord] = []
        # What a failed record said, in case the check finds it was not stored after all.
        failed_now: dict[str, RecordResult] = {}

        def settle(record: ProxyRecord, result: RecordResult) -> None:
            live[record.mentor_id] = result
            ledger.add(record.mentor_id, result)
            on_result(record.mentor_id, result)
            if self._bus is not None:
                self._bus.publish(SubmissionProgressed(submission.id, len(live), total))

        def report(record: ProxyRecord, result: RecordResult) -> None:
            if record.mentor_id in live or record in in_doubt:
                return  # one outcome per record, whatever a strategy does
            if result.outcome is Outcome.UNKNOWN:
                in_doubt.append(record)
            elif result.outcome is Outcome.FAILED and record.mentor_id in was_in_doubt:
                # An earlier send may have landed: "failed" now does not prove "not stored".
                failed_now[record.client_key] = result
                in_doubt.append(record)
            else:
                settle(record, result)

        sending = Sending(
            self.repository,
            submission.coordinator_id,
            Retrier(self.policy, Deadline(self.policy.total_timeout), self._rng, self._sleep),
            cancelled if cancelled is not None else asyncio.Event(),
            report,
        )
        try:
            async with ledger.running():
                try:
                    await self.strategy.send(sending, submission.records)
                finally:
                    unreported = [
                        r
                        for r in submission.records
                        if r.mentor_id not in live and r not in in_doubt
                    ]
                    in_doubt.extend(unreported)
                for record, result in await self._reconcile(in_doubt, failed_now):
                    settle(record, result)
        finally:
            del self._live[submission.id]

    async def _in_one_call(
        self,
        submission: Submission,
        on_result: ResultSink,
        cancelled: asyncio.Event | None,
        live: dict[str, RecordResult],
    ) -> bool:
        """The ledger and the records in one call, when the backend has it
        (`SubmissionBatchRepository`), the strategy is rpc and the submission fits one call.

        False, with nothing reported and nothing stored, when the separate calls must run
        instead (no such call, cancelled already, or the call refused whole). A call left in
        doubt stored the records and their ledger rows together or not at all: its records
        are reconciled, and the ledger written from here only for them.
        """
        try:
            done = await self._send_in_one_call(submission, on_result, cancelled, live)
        except BaseException:
            del self._live[submission.id]
            raise
        if done:
            del self._live[submission.id]
        return done

    async def _send_in_one_call(
        self,
        submission: Submission,
        on_result: ResultSink,
        cancelled: asyncio.Event | None,
        live: dict[str, RecordResult],
    ) -> bool:
        repository = self.repository
        if not (
            isinstance(repository, SubmissionBatchRepository)
            and isinstance(self.strategy, RpcStrategy)
            and 0 < len(submission.records) <= repository.max_batch_size
            and not (cancelled is not None and cancelled.is_set())
        ):
            return False
        retrier = Retrier(self.policy, Deadline(self.policy.total_timeout), self._rng, self._sleep)
        results: Sequence[RecordResult] | None
        try:
            results = await retrier.run(
                lambda: repository.register_submission(submission), lambda _: False
            )
        except (TransientError, BatchUnsupportedError, BatchTooLargeError, PermissionError):
            return False
        except Exception:  # no answer: everything in doubt
            results = None
        total = len(submission.records)

        def settle(record: ProxyRecord, result: RecordResult) -> None:
            live[record.mentor_id] = result
            on_result(record.mentor_id, result)
            if self._bus is not None:
                self._bus.publish(SubmissionProgressed(submission.id, len(live), total))

        doubtful = list(submission.records) if results is None else []
        answered = () if results is None else zip(submission.records, results, strict=True)
        for record, result in answered:
            if record.mentor_id in live:
                continue  # one outcome per mentor, as the ledger keeps it
            if result.outcome is Outcome.UNKNOWN:
                doubtful.append(record)
            else:
                settle(record, result)  # the server kept it in the ledger already
        if not doubtful:
            return True
        settled = await self._reconcile(doubtful)
        kept = True  # the ledger holds the submission (the call committed)
        if results is None:
            try:
                async with asyncio.timeout(self.policy.attempt_timeout):
                    await repository.record_submission(submission)
            except Exception:
                kept = False  # unreachable: the ledger stays behind the screen
        ledger = LedgerWriter(repository, submission.id)
        async with ledger.running():
            for record, result in settled:
                settle(record, result)
                if kept:
                    ledger.add(record.mentor_id, result)
        return True

    async def _reconcile(
        self, records: Sequence[ProxyRecord], failed: Mapping[str, RecordResult] | None = None
    ) -> list[tuple[ProxyRecord, RecordResult]]:
        """Ask the repository which of these in-doubt records landed, and settle each one.

        A record not stored keeps its ``failed`` answer when it had one, else is "not saved".
        """
        failed = failed or {}
        if not records:
            return []
        retrier = Retrier(
            self.policy, Deadline(self.policy.attempt_timeout * 2), self._rng, self._sleep
        )
        keys = [r.client_key for r in records]
        try:
            found = await retrier.run(
                lambda: self.repository.find_registered(keys), lambda _: False
            )
        except Exception:  # still no answer: the records stay in doubt
            return [(r, in_doubt(r)) for r in records]
        return [
            (r, reconciled(r, found.get(r.client_key), failed.get(r.client_key))) for r in records
        ]

    def live_outcomes(self, submission_id: str) -> Mapping[str, RecordResult]:
        """Outcomes so far of a submission being sent in this process (empty otherwise)."""
        return dict(self._live.get(submission_id, {}))

    async def latest(self, coordinator_id: str, kind: str = "bulk") -> LedgerEntry | None:
        """The coordinator's last submission of that kind, every record settled as far as known.

        Records of a submission sent in this process keep coming; those the ledger
        holds no outcome for, or only ``unknown`` (a crash, a restart, a ledger write
        or a check that did not get through), are reconciled now and the ledger updated.
        """
        entry = await self.repository.latest_submission(coordinator_id, kind)
        if entry is None:
            return None
        sid = entry.submission.id
        if sid in self._live:
            return attrs.evolve(entry, outcomes={**entry.outcomes, **self._live[sid]})
        if not entry.in_doubt():
            return entry
        # Read again: a submission that just finished may have flushed its last outcomes.
        entry = await self.repository.ledger_entry(sid) or entry
        doubtful = set(entry.in_doubt())
        if not doubtful:
            return entry
        settled = dict(
            await self._reconcile([r for r in entry.submission.records if r.mentor_id in doubtful])
        )
        outcomes = {r.mentor_id: result for r, result in settled.items()}
        await self.repository.record_outcomes(sid, outcomes)
        return attrs.evolve(entry, outcomes={**entry.outcomes, **outcomes})


def reconciled(
    record: ProxyRecord, record_id: str | None, failed: RecordResult | None = None
) -> RecordResult:
    """An in-doubt record's outcome once the repository said whether it holds it."""
    if record_id is not None:
        return RecordResult(
            record.client_key,
            Outcome.REGISTERED,
            record_id,
            message="Registered (confirmed after the connection was lost).",
        )
    return RecordResult(
        record.client_key,
        Outcome.FAILED,
        code=NOT_SAVED,
        message="Not saved: the server did not answer.",
    )


def not_sent(record: ProxyRecord, error: Exception, *, maybe_landed: bool) -> RecordResult:
    """A record not sent because the ledger could not be read or written.

    ``failed`` when no earlier attempt can have stored it; ``unknown`` when one may have
    (a Retry failed of a record left in doubt, or a ledger that could not say).
    """
    if maybe_landed:
        return RecordResult(
            record.client_key,
            Outcome.UNKNOWN,
            code=NOT_SENT,
            message=f"Not sent now: the ledger is out of reach ({error}); an earlier "
            "attempt may have landed. Retry failed settles it.",
        )
    return RecordResult(
        record.client_key,
        Outcome.FAILED,
        code=NOT_SENT,
        message=f"Not sent: the submission could not be kept in the ledger ({error}).",
    )


def in_doubt(record: ProxyRecord) -> RecordResult:
    """An in-doubt record whose fate could not be checked either."""
    return RecordResult(
        record.client_key,
        Outcome.UNKNOWN,
        code=NO_ANSWER,
        message="No answer from the server; it may have been saved.",
    )
