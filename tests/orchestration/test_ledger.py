"""The submission ledger: kept before sending, updated as answers land, reconciled after a crash."""

from __future__ import annotations

import asyncio

import pytest
from harness import FAST, faulty, send, store, submission

from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import LedgerEntry, Outcome, RecordResult
from proxyreg.orchestration import NOT_SENT, BulkRegistrationOrchestrator
from support import OTHER_ROSTER, ROSTER


def test_the_ledger_holds_each_records_latest_outcome() -> None:
    """After a submission, the ledger's outcomes are exactly what was reported."""
    backend = store()
    run = send(submission(9), faulty("seed=4,fail_rate=0.3", backend))
    entry = asyncio.run(backend.ledger_entry("s1"))
    assert entry is not None
    assert dict(entry.outcomes) == run.by_mentor()


def test_the_submission_is_kept_even_when_no_call_gets_through() -> None:
    """The ledger records the submission before sending, so a total failure loses nothing."""
    backend = store()
    send(submission(3), faulty("unavailable=1", backend))
    entry = asyncio.run(backend.ledger_entry("s1"))
    assert entry is not None
    assert entry.submission.mentor_ids == ("m01", "m02", "m03")


class LedgerDown:
    """A working backend whose ledger refuses writes (a read-only file, a lost connection)."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self.down = True

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    async def record_submission(self, sub: object) -> None:
        if self.down:
            raise OSError("attempt to write a readonly database")
        await self._inner.record_submission(sub)  # type: ignore[attr-defined]


def test_a_submission_the_ledger_cannot_keep_is_not_sent() -> None:
    """Ledger first: if it cannot be kept, nothing is sent and every record is failed
    (retryable, certainly not stored), not unknown; once the ledger works, a retry lands."""
    backend = store()
    ledger_down = LedgerDown(backend)
    sub = submission(3)
    run = send(sub, ledger_down)
    assert {r.outcome for r in run.by_mentor().values()} == {Outcome.FAILED}
    assert {r.code for r in run.by_mentor().values()} == {NOT_SENT}
    assert "readonly" in run.results[0][1].message
    assert asyncio.run(backend.find_registered([r.client_key for r in sub.records])) == {}
    ledger_down.down = False
    again = send(sub, ledger_down)
    assert {r.outcome for r in again.by_mentor().values()} == {Outcome.REGISTERED}


class LedgerUnreadable(LedgerDown):
    """A backend whose ledger cannot even be read."""

    async def ledger_entry(self, sid: str) -> object:
        raise OSError("could not connect to server")


def test_a_ledger_that_cannot_be_read_sends_nothing_and_leaves_nothing_live() -> None:
    """Nothing is sent; the records are in doubt (an earlier attempt may have landed), and
    the orchestrator does not think the submission is still being sent."""
    backend = store()
    sub = submission(2)

    async def scenario() -> tuple[set[Outcome], LedgerEntry | None]:
        orchestrator = BulkRegistrationOrchestrator(LedgerUnreadable(backend), policy=FAST)
        answers: list[RecordResult] = []
        await orchestrator.submit(sub, lambda _, result: answers.append(result))
        await backend.record_submission(sub)  # the ledger is back; nothing live blocks it
        restored = await BulkRegistrationOrchestrator(backend, policy=FAST).latest(
            sub.coordinator_id
        )
        assert sub.id not in orchestrator._live
        return {a.outcome for a in answers}, restored

    outcomes, restored = asyncio.run(scenario())
    assert outcomes == {Outcome.UNKNOWN}
    assert asyncio.run(backend.find_registered([r.client_key for r in sub.records])) == {}
    assert restored is not None
    assert not restored.in_doubt()


def test_a_retry_the_ledger_cannot_keep_leaves_earlier_doubt_in_doubt() -> None:
    """On Retry failed, a record left unknown before may have landed: it stays unknown, not
    failed, when the ledger refuses the retry; a record known not sent is failed."""
    backend = store()
    sub = submission(2)

    async def scenario() -> dict[str, RecordResult]:
        await backend.record_submission(sub)
        await backend.register(sub.records[:1])  # landed, answer lost
        await backend.record_outcomes(
            sub.id,
            {
                "m01": RecordResult(sub.records[0].client_key, Outcome.UNKNOWN),
                "m02": RecordResult(sub.records[1].client_key, Outcome.FAILED),
            },
        )
        answers: dict[str, RecordResult] = {}
        orchestrator = BulkRegistrationOrchestrator(LedgerDown(backend), policy=FAST)
        await orchestrator.submit(sub, answers.__setitem__)
        return answers

    answers = asyncio.run(scenario())
    assert (answers["m01"].outcome, answers["m02"].outcome) == (Outcome.UNKNOWN, Outcome.FAILED)
    assert {a.code for a in answers.values()} == {NOT_SENT}


class FlakyOutcomes(LedgerDown):
    """A backend whose first ``failures`` ledger outcome writes raise, as a dropped
    connection does; the rest go through."""

    def __init__(self, inner: object, failures: int) -> None:
        super().__init__(inner)
        self.down = False
        self.failures = failures

    async def record_outcomes(self, sid: str, outcomes: object) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("server closed the connection unexpectedly")
        await self._inner.record_outcomes(sid, outcomes)  # type: ignore[attr-defined]


def test_a_ledger_write_that_fails_is_written_again() -> None:
    """Outcomes whose ledger write failed are kept and written with a later one: the
    ledger ends saying what the screen said."""
    backend = store()
    run = send(submission(6), FlakyOutcomes(backend, failures=3))
    entry = asyncio.run(backend.ledger_entry("s1"))
    assert entry is not None
    assert dict(entry.outcomes) == run.by_mentor()
    assert {r.outcome for r in entry.outcomes.values()} == {Outcome.REGISTERED}


def test_unknown_outcomes_in_the_ledger_are_reconciled_on_the_next_look() -> None:
    """A record the ledger left ``unknown`` (its check did not get through) is settled
    from the backend when the submission is next restored, and the ledger updated."""
    backend = store()
    sub = submission(3)

    async def scenario() -> LedgerEntry | None:
        await backend.record_submission(sub)
        await backend.register(sub.records[:1])  # landed
        await backend.record_outcomes(
            sub.id,
            {r.mentor_id: RecordResult(r.client_key, Outcome.UNKNOWN) for r in sub.records},
        )
        await BulkRegistrationOrchestrator(backend, policy=FAST).latest(sub.coordinator_id)
        return await backend.ledger_entry(sub.id)

    kept = asyncio.run(scenario())
    assert kept is not None
    assert [kept.outcomes[m].outcome for m in sub.mentor_ids] == [
        Outcome.REGISTERED,
        Outcome.FAILED,
        Outcome.FAILED,
    ]


def test_after_a_crash_the_last_submission_is_reconciled_from_the_backend() -> None:
    """A submission recorded but never answered (the app died) is settled on the next look:
    what landed is registered, the rest failed; the ledger is updated."""
    backend = store()
    sub = submission(4)

    async def scenario() -> dict[str, RecordResult]:
        await backend.record_submission(sub)
        await backend.register(sub.records[:2])  # landed before the crash
        after_restart = BulkRegistrationOrchestrator(backend, policy=FAST)
        entry = await after_restart.latest(sub.coordinator_id)
        assert entry is not None
        kept = await backend.ledger_entry(sub.id)
        assert kept is not None
        assert dict(kept.outcomes) == dict(entry.outcomes)
        return dict(entry.outcomes)

    outcomes = asyncio.run(scenario())
    assert [outcomes[m].outcome for m in sub.mentor_ids] == [
        Outcome.REGISTERED,
        Outcome.REGISTERED,
        Outcome.FAILED,
        Outcome.FAILED,
    ]


def test_only_the_repositorys_coordinator_can_be_asked_for_the_latest() -> None:
    """latest() for another coordinator than the repository acts for is a wiring mistake:
    ValueError, rather than answering for the wrong coordinator."""
    backend = InMemoryRepository.of_rosters(ROSTER, OTHER_ROSTER)
    orchestrator = BulkRegistrationOrchestrator(backend)
    with pytest.raises(ValueError, match="acts for coord-1, not coord-2"):
        asyncio.run(orchestrator.latest(OTHER_ROSTER.coordinator.id))
    assert asyncio.run(orchestrator.latest(ROSTER.coordinator.id)) is None


def test_ledger_write_retries_wait_through_the_policy_and_the_injected_sleep() -> None:
    """A failing ledger write is retried with the orchestrator's backoff and its injected
    sleep (no hidden asyncio.sleep), each wait within the policy's cap."""
    backend = store()
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    run = send(submission(4), FlakyOutcomes(backend, failures=3), sleep=recorded_sleep)
    entry = asyncio.run(backend.ledger_entry("s1"))
    assert entry is not None
    assert dict(entry.outcomes) == run.by_mentor()
    assert len(waits) >= 3
    assert all(0 <= w <= FAST.max_delay for w in waits)


class RegisterHangs(LedgerDown):
    """A backend whose register calls never answer (the app is killed while they wait)."""

    def __init__(self, inner: object) -> None:
        super().__init__(inner)
        self.down = False
        self.sent = asyncio.Event()

    async def register(self, records: object) -> object:
        self.sent.set()
        await asyncio.Event().wait()
        raise AssertionError("never answered")


def test_a_retry_killed_mid_send_leaves_its_records_in_doubt_not_failed() -> None:
    """The ledger says failed; Retry failed is under way when the app is killed: the
    ledger now says unknown (sent again, no answer), so the next look reconciles it."""
    backend = store()
    sub = submission(2)

    async def scenario() -> set[Outcome]:
        await backend.record_submission(sub)
        failed = {r.mentor_id: RecordResult(r.client_key, Outcome.FAILED) for r in sub.records}
        await backend.record_outcomes(sub.id, failed)
        hanging = RegisterHangs(backend)
        orchestrator = BulkRegistrationOrchestrator(hanging, policy=FAST)
        sending = asyncio.create_task(orchestrator.submit(sub, lambda _, __: None))
        await hanging.sent.wait()
        sending.cancel()
        await asyncio.gather(sending, return_exceptions=True)
        entry = await backend.ledger_entry(sub.id)
        assert entry is not None
        return {r.outcome for r in entry.outcomes.values()}

    assert asyncio.run(scenario()) == {Outcome.UNKNOWN}
