"""The BulkRegistrationOrchestrator: a submission in, one settled outcome per record out."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping, Sequence

import attrs

from proxyreg.domain import (
    MESSAGES,
    LedgerEntry,
    Outcome,
    ProxyRecord,
    RecordResult,
    Submission,
    invalid,
    malformed,
)
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

_log = logging.getLogger("proxyreg.orchestration")


@attrs.define(eq=False)
class _Live:
    """A submission this orchestrator is sending: its records now, and the answers so far.

    ``recorded`` is set once the ledger holds the submission (or could not be written).
    """

    submission: Submission
    answers: dict[str, RecordResult] = attrs.field(factory=dict)
    recorded: asyncio.Event = attrs.field(factory=asyncio.Event)


class BulkRegistrationOrchestrator:
    """Sends submissions with a strategy and settles every record before it is done.

    For each submission it: answers malformed records ``invalid`` at once; keeps the
    submission in the ledger before sending, with the records it sends again marked in
    doubt (their earlier outcome no longer holds); sends the records with the
    strategy (``rpc`` by default); reports each record's outcome as it arrives, to
    ``on_result`` and to the ledger (a screen's progress is read from the bloc's state,
    which ``on_result`` feeds); and asks the repository which records left in doubt (a
    timeout, a dropped connection) did land, so that nothing that landed is shown as
    failed. It is the flows' `SubmissionGateway`.
    """

    def __init__(
        self,
        repository: ProxyRepository,
        *,
        strategy: Strategy | None = None,
        policy: RetryPolicy | None = None,
        seed: int | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.repository = repository
        self.strategy: Strategy = strategy if strategy is not None else RpcStrategy()
        self.policy = policy if policy is not None else RetryPolicy()
        self._rng = random.Random(seed)
        self._sleep = sleep
        self._live: dict[str, _Live] = {}

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
        submission = self._screened(submission, on_result)
        if not submission.records:
            return
        # Marked as being sent from the start: a restore meanwhile waits for the ledger to
        # hold it, shows its records pending, and does not reconcile it.
        live = self._live[submission.id] = _Live(submission)
        if await self._in_one_call(submission, on_result, cancelled, live):
            return
            return
        was_in_doubt = await self._keep_in_ledger(submission, on_result)
        if was_in_doubt is None:
            self._end(live)
            return
        live.recorded.set()
        ledger = LedgerWriter(self.repository, submission.id, self._ledger_retrier)
        in_doubt: list[ProxyRecord] = []
        # What a failed record said, in case the check finds it was not stored after all.
        failed_now: dict[str, RecordResult] = {}

        answers = live.answers

        def settle(record: ProxyRecord, result: RecordResult) -> None:
            answers[record.mentor_id] = result
            ledger.add(record.mentor_id, result)
            on_result(record.mentor_id, result)

        def report(record: ProxyRecord, result: RecordResult) -> None:
            if record.mentor_id in answers or record in in_doubt:
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
                        if r.mentor_id not in answers and r not in in_doubt
                    ]
                    in_doubt.extend(unreported)
                for record, result in await self._reconcile(in_doubt, failed_now):
                    settle(record, result)
        finally:
            self._end(live)

    async def _keep_in_ledger(
        self, submission: Submission, on_result: ResultSink
    ) -> set[str] | None:
        """Ledger first: keep the submission, and mark its records sent again as in doubt.

        Answers the mentors whose earlier outcome was ``unknown``; None when the ledger
        could not be read or written, after answering every record: nothing is sent.
        """
        try:
            earlier = await self.repository.ledger_entry(submission.id)
        except Exception as error:  # nothing sent now; an earlier attempt may have landed
            for record in submission.records:
                on_result(record.mentor_id, not_sent(record, error, maybe_landed=True))
            return None
        before = earlier.outcomes if earlier is not None else {}
        was_in_doubt = {m for m, result in before.items() if result.outcome is Outcome.UNKNOWN}
        # A record sent again may land now: its earlier outcome no longer holds, so that a
        # send cut off (the app killed) leaves it in doubt, to be reconciled, never stale.
        resent = {r.mentor_id: sent_again(r) for r in submission.records if r.mentor_id in before}
        try:
            await self.repository.record_submission(submission)
            if resent:
                await self.repository.record_outcomes(submission.id, resent)
        except Exception as error:  # nothing sent now: failed, unless an earlier send was in doubt
            for record in submission.records:
                landed = record.mentor_id in was_in_doubt
                on_result(record.mentor_id, not_sent(record, error, maybe_landed=landed))
            return None
        return was_in_doubt

    def _screened(self, submission: Submission, on_result: ResultSink) -> Submission:
        """The submission without its malformed records, each answered ``invalid`` at once.

        No backend can store such a record, nor the ledger keep it; the rest go ahead.
        """
        problems = {r.client_key: found for r in submission.records if (found := malformed(r))}
        if not problems:
            return submission
        for record in submission.records:
            if record.client_key in problems:
                on_result(record.mentor_id, invalid(record, problems[record.client_key]))
        kept = tuple(r for r in submission.records if r.client_key not in problems)
        return attrs.evolve(submission, records=kept)

    def _end(self, live: _Live) -> None:
        live.recorded.set()
        if self._live.get(live.submission.id) is live:
            del self._live[live.submission.id]

    def _ledger_retrier(self) -> Retrier:
        return Retrier(
            self.policy, Deadline(self.policy.attempt_timeout * 2), self._rng, self._sleep
        )

    async def _find(self, records: Sequence[ProxyRecord]) -> Mapping[str, str] | None:
        """Which of these records the repository holds, with retries; None: no answer."""
        retrier = Retrier(
            self.policy, Deadline(self.policy.attempt_timeout * 2), self._rng, self._sleep
        )
        keys = [r.client_key for r in records]
        try:
            return await retrier.run(lambda: self.repository.find_registered(keys), lambda _: False)
        except Exception:
            return None

    async def _in_one_call(
        self,
        submission: Submission,
        on_result: ResultSink,
        cancelled: asyncio.Event | None,
        live: _Live,
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
            self._end(live)
            raise
        if done:
            self._end(live)
        return done

    async def _send_in_one_call(
        self,
        submission: Submission,
        on_result: ResultSink,
        cancelled: asyncio.Event | None,
        live: _Live,
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
        else:
            live.recorded.set()  # the call committed: the ledger holds the submission
        answers = live.answers

        def settle(record: ProxyRecord, result: RecordResult) -> None:
            answers[record.mentor_id] = result
            on_result(record.mentor_id, result)

        doubtful = list(submission.records) if results is None else []
        answered = () if results is None else zip(submission.records, results, strict=True)
        for record, result in answered:
            if record.mentor_id in answers:
                continue  # one outcome per mentor, as the ledger keeps it
            if result.outcome is Outcome.UNKNOWN:
                doubtful.append(record)
            else:
                settle(record, result)  # the server kept it in the ledger already
        if doubtful:
            await self._settle_in_doubt(
                submission, doubtful, live, settle, committed=results is not None
            )
        return True

    async def _settle_in_doubt(
        self,
        submission: Submission,
        doubtful: Sequence[ProxyRecord],
        live: _Live,
        settle: Callable[[ProxyRecord, RecordResult], None],
        *,
        committed: bool,
    ) -> None:
        """Reconcile the records a one-call submission left in doubt, and keep their answers
        in the ledger; when the call itself got no answer, keep the submission first."""
        settled = await self._reconcile(doubtful)
        kept = True  # the ledger holds the submission (the call committed)
        if not committed:
            try:
                async with asyncio.timeout(self.policy.attempt_timeout):
                    await self.repository.record_submission(submission)
            except Exception:
                kept = False  # unreachable: the ledger stays behind the screen
            live.recorded.set()
        ledger = LedgerWriter(self.repository, submission.id, self._ledger_retrier)
        async with ledger.running():
            for record, result in settled:
                settle(record, result)
                if kept:
                    ledger.add(record.mentor_id, result)

    async def _reconcile(
        self, records: Sequence[ProxyRecord], failed: Mapping[str, RecordResult] | None = None
    ) -> list[tuple[ProxyRecord, RecordResult]]:
        """Ask the repository which of these in-doubt records landed, and settle each one.

        A record not stored keeps its ``failed`` answer when it had one, else is "not saved";
        when the check gets no answer either, every record stays in doubt.
        """
        failed = failed or {}
        if not records:
            return []
        found = await self._find(records)
        if found is None:
            return [(r, in_doubt(r)) for r in records]
        return [
            (r, reconciled(r, found.get(r.client_key), failed.get(r.client_key))) for r in records
        ]

    def live_outcomes(self, submission_id: str) -> Mapping[str, RecordResult]:
        """Outcomes so far of a submission being sent in this process (empty otherwise)."""
        live = self._live.get(submission_id)
        return dict(live.answers) if live is not None else {}

    async def latest(self, coordinator_id: str, kind: str = "bulk") -> LedgerEntry | None:
        """The coordinator's last submission of that kind, every record settled as far as known.

        A submission this process is sending is first kept in the ledger (the read waits
        for that), then shown as it stands: the records being sent now without an outcome
        until their answers come, whatever the ledger said of them before, and the answers
        so far. Otherwise records the ledger holds no outcome for, ``unknown``, or
        ``failed`` (a crash, a restart, a ledger write or a check that did not get
        through) are reconciled from the backend now and the ledger updated: what the
        backend holds is registered. None when there is none, or the ledger cannot be read.
        Only the coordinator the repository acts for can be asked: a bloc whose roster is
        another coordinator's was wired to the wrong repository (`ValueError`).
        """
        if coordinator_id != self.repository.coordinator_id:
            raise ValueError(
                f"This orchestrator's repository acts for {self.repository.coordinator_id}, "
                f"not {coordinator_id}."
            )
        for live in tuple(self._live.values()):
            sent = live.submission
            if sent.coordinator_id == coordinator_id and sent.kind == kind:
                await live.recorded.wait()
        try:
            entry = await self.repository.latest_submission(kind)
        except Exception as error:
            _log.warning("the ledger could not be read, nothing to restore: %s", error)
            return None
        if entry is None:
            return None
        if entry.submission.id not in self._live:
            entry = await self._settled_from_backend(entry)
        return self._as_known_now(entry)

    def _as_known_now(self, entry: LedgerEntry) -> LedgerEntry:
        """``entry`` with what this process is sending of it: the newest answer wins."""
        live = self._live.get(entry.submission.id)
        if live is None:
            return entry
        sending = set(live.submission.mentor_ids)
        outcomes = {m: r for m, r in entry.outcomes.items() if m not in sending}
        return attrs.evolve(entry, outcomes={**outcomes, **live.answers})

    async def _settled_from_backend(self, entry: LedgerEntry) -> LedgerEntry:
        """``entry`` with its unsettled records (no outcome, unknown, failed) checked against
        the backend and the ledger put right; records a send began meanwhile are left to it."""
        if not _unsettled(entry):
            return entry
        sid = entry.submission.id
        # Read again: a submission that just finished may have flushed its last outcomes.
        try:
            entry = await self.repository.ledger_entry(sid) or entry
        except Exception as error:
            _log.warning("ledger entry %s could not be read again: %s", sid, error)
        unsettled = set(_unsettled(entry))
        if not unsettled or sid in self._live:
            return entry
        records = [r for r in entry.submission.records if r.mentor_id in unsettled]
        failed = {
            r.client_key: entry.outcomes[r.mentor_id]
            for r in records
            if r.mentor_id in entry.outcomes
            and entry.outcomes[r.mentor_id].outcome is Outcome.FAILED
        }
        found = await self._find(records)
        if found is None:  # no answer: what was failed stays so, the rest stays in doubt
            settled = {r.mentor_id: in_doubt(r) for r in records if r.client_key not in failed}
        else:
            settled = {
                r.mentor_id: reconciled(r, found.get(r.client_key), failed.get(r.client_key))
                for r in records
            }
        live = self._live.get(sid)
        sending = set(live.submission.mentor_ids) if live is not None else set()
        changed = {
            m: result
            for m, result in settled.items()
            if entry.outcomes.get(m) != result and m not in sending
        }
        if changed:
            try:
                await self.repository.record_outcomes(sid, changed)
            except Exception as error:  # the ledger stays behind; the next look tries again
                _log.warning("reconciled outcomes of %s not written: %s", sid, error)
        return attrs.evolve(entry, outcomes={**entry.outcomes, **changed})


def _unsettled(entry: LedgerEntry) -> tuple[str, ...]:
    """Mentors whose ledger outcome may not be the backend's: none, unknown, or failed."""
    return tuple(
        m
        for m in entry.submission.mentor_ids
        if m not in entry.outcomes or entry.outcomes[m].outcome.is_retryable
    )


def reconciled(
    record: ProxyRecord, record_id: str | None, failed: RecordResult | None = None
) -> RecordResult:
    """An in-doubt record's outcome once the repository said whether it holds it.

    Held: registered under the stored id. Not held: its ``failed`` answer when it had one
    (the original failure is kept), else "not saved".
    """
    if record_id is not None:
        return RecordResult(
            record.client_key,
            Outcome.REGISTERED,
            record_id,
            message=MESSAGES.text("record.reconciled"),
        )
    if failed is not None:
        return failed
    return RecordResult(
        record.client_key,
        Outcome.FAILED,
        code=NOT_SAVED,
        message=MESSAGES.text("record.not_saved"),
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
            message=MESSAGES.text("record.not_sent_maybe_landed", error=error),
        )
    return RecordResult(
        record.client_key,
        Outcome.FAILED,
        code=NOT_SENT,
        message=MESSAGES.text("record.not_sent", error=error),
    )


def sent_again(record: ProxyRecord) -> RecordResult:
    """What the ledger says of a record while it is sent again: no answer yet."""
    return RecordResult(
        record.client_key,
        Outcome.UNKNOWN,
        code=NO_ANSWER,
        message="Sent again; no answer recorded yet.",
    )


def in_doubt(record: ProxyRecord) -> RecordResult:
    """An in-doubt record whose fate could not be checked either."""
    return RecordResult(
        record.client_key,
        Outcome.UNKNOWN,
        code=NO_ANSWER,
        message=MESSAGES.text("record.in_doubt"),
    )
