"""The screen never shows a stored record as failed: re-entering mid-send, stale ledger outcomes."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from proxyreg.adapters.faults import FaultSpec, FaultyRepository
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.adapters.sqlite import SqliteDatabase
from proxyreg.domain import ActivityDraft, Outcome, ProxyRecord, RecordResult, Roster, Submission
from proxyreg.flows import (
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkMentorsSelected,
    BulkPhase,
    BulkRetryFailedRequested,
    FlowContext,
    ProxyRegistrationBloc,
    SingleFlowEntered,
)
from proxyreg.orchestration import BulkRegistrationOrchestrator, RetryPolicy
from support import COORDINATOR, TODAY, make_mentors

MENTORS = make_mentors(2)
ROSTER = Roster(COORDINATOR, MENTORS)
IDS = tuple(m.id for m in MENTORS)
DRAFT = ActivityDraft(kind="home_visit", date=TODAY, minutes=30)
FAST = RetryPolicy(
    attempts=2, base_delay=0.001, max_delay=0.002, attempt_timeout=2.0, total_timeout=5.0
)


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


def new_bloc(gateway: BulkRegistrationOrchestrator) -> ProxyRegistrationBloc:
    return ProxyRegistrationBloc(context=FlowContext(ROSTER, TODAY), gateway=gateway)


async def fill(bloc: ProxyRegistrationBloc) -> None:
    for event in (
        BulkFlowEntered(),
        BulkMentorsSelected(IDS),
        BulkActivityKindChanged("home_visit"),
        BulkActivityDateChanged(TODAY),
        BulkDurationChanged(30),
    ):
        await bloc.add(event)
    await bloc.settled()


def shown(bloc: ProxyRegistrationBloc) -> dict[str, str]:
    board = bloc.state.bulk.board
    return {m: board.entries[m].status.value for m in bloc.state.bulk.submitted}


async def kept(backend: Any, submission_id: str) -> dict[str, str]:
    entry = await backend.ledger_entry(submission_id)
    assert entry is not None
    return {m: r.outcome.value for m, r in entry.outcomes.items()}


def orchestrator(backend: Any, spec: FaultSpec | None = None) -> BulkRegistrationOrchestrator:
    wrapped = FaultyRepository(backend, spec if spec is not None else FaultSpec())
    return BulkRegistrationOrchestrator(wrapped, policy=FAST, sleep=no_wait)


Leave = Callable[[ProxyRegistrationBloc], Awaitable[None]]


async def re_enter(bloc: ProxyRegistrationBloc) -> None:
    await bloc.add(BulkFlowEntered())


async def to_single_and_back(bloc: ProxyRegistrationBloc) -> None:
    await bloc.add(SingleFlowEntered())
    await bloc.add(BulkFlowEntered())


async def retry_then(
    backend: Any, leave: Leave
) -> tuple[dict[str, str], BulkPhase, dict[str, str]]:
    """First press fails every record; Retry failed (not awaited) then ``leave``, at rest."""
    gateway = orchestrator(backend, FaultSpec(fail_rate=1.0))
    bloc = new_bloc(gateway)
    await fill(bloc)
    await bloc.add(BulkActivitySubmitted())
    await bloc.settled()
    assert set(shown(bloc).values()) == {"failed"}
    gateway.repository = FaultyRepository(backend, FaultSpec())
    retry = bloc.add(BulkRetryFailedRequested())
    await leave(bloc)
    await retry
    await bloc.settled()
    sid = bloc.state.bulk.submission_id
    assert sid is not None
    result = shown(bloc), bloc.state.bulk.phase, await kept(backend, sid)
    await bloc.close()
    return result


def test_re_entering_during_retry_failed_shows_what_the_retry_stored() -> None:
    """Retry failed, then re-entering the bulk screen while it is sent: at rest every mentor
    the retry stored is shown registered, and the ledger says so too (defect A)."""
    registered = dict.fromkeys(IDS, "registered")
    for leave in (re_enter, to_single_and_back):
        backend = InMemoryRepository.of_rosters(ROSTER)
        board, phase, ledger = asyncio.run(retry_then(backend, leave))
        assert (registered, BulkPhase.COMPLETED, registered) == (board, phase, ledger)


def test_re_entering_during_retry_failed_on_sqlite_shows_what_the_retry_stored() -> None:
    """The same over SQLite, whose ledger calls really pause (defect A)."""
    registered = dict.fromkeys(IDS, "registered")

    async def scenario(path: Path) -> tuple[dict[str, str], BulkPhase, dict[str, str]]:
        async with await SqliteDatabase.open(path) as database:
            await database.add_world([COORDINATOR], MENTORS, [(COORDINATOR.id, m) for m in IDS])
            return await retry_then(database.acting_as(COORDINATOR.id), re_enter)

    with tempfile.TemporaryDirectory() as folder:
        board, phase, ledger = asyncio.run(scenario(Path(folder) / "p.db"))
    assert (registered, BulkPhase.COMPLETED, registered) == (board, phase, ledger)


async def send_then_re_enter(backend: Any, *, earlier: bool) -> tuple[dict[str, str], str, str]:
    gateway = orchestrator(backend)
    bloc = new_bloc(gateway)
    if earlier:
        await fill(bloc)
        await bloc.add(BulkActivitySubmitted())
        await bloc.settled()
    await fill(bloc)
    sending = bloc.add(BulkActivitySubmitted())
    await bloc.add(BulkFlowEntered())
    await sending
    await bloc.settled()
    latest = await backend.latest_submission()
    assert latest is not None
    result = shown(bloc), str(bloc.state.bulk.submission_id), latest.submission.id
    await bloc.close()
    return result


def test_re_entering_during_the_first_send_on_sqlite_restores_that_submission() -> None:
    """Re-entering the bulk screen while a submission is sent shows that submission, settled
    (not an empty form, nor an earlier one), on SQLite (defect B)."""
    registered = dict.fromkeys(IDS, "registered")

    async def scenario(path: Path, earlier: bool) -> tuple[dict[str, str], str, str]:
        async with await SqliteDatabase.open(path) as database:
            await database.add_world([COORDINATOR], MENTORS, [(COORDINATOR.id, m) for m in IDS])
            return await send_then_re_enter(database.acting_as(COORDINATOR.id), earlier=earlier)

    for earlier in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            board, shown_id, latest_id = asyncio.run(scenario(Path(folder) / "p.db", earlier))
        assert (registered, latest_id) == (board, shown_id)


class LedgerOutcomesDown:
    """A working backend whose ledger refuses outcome writes once ``writes_left`` is spent."""

    def __init__(self, inner: InMemoryRepository) -> None:
        self._inner = inner
        self.writes_left: int | None = None

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    async def record_outcomes(self, sid: str, outcomes: object) -> None:
        if self.writes_left is not None:
            if self.writes_left <= 0:
                raise OSError("connection to the ledger lost")
            self.writes_left -= 1
        await self._inner.record_outcomes(sid, outcomes)  # type: ignore[arg-type]


def test_retry_failed_while_the_ledger_takes_no_outcomes_leaves_nothing_stale() -> None:
    """Retry failed while the ledger refuses outcome writes sends nothing (it could not
    mark the records as sent again, and would be left saying failed of records that
    landed): shown failed, nothing stored. With the ledger back, Retry failed registers
    both; re-entering and a fresh app show registered, as the ledger does (defect C)."""
    registered = dict.fromkeys(IDS, "registered")

    async def scenario() -> tuple[tuple[dict[str, str], int], tuple[dict[str, str], ...]]:
        backend = InMemoryRepository.of_rosters(ROSTER)
        ledger = LedgerOutcomesDown(backend)
        gateway = orchestrator(ledger, FaultSpec(fail_rate=1.0))
        bloc = new_bloc(gateway)
        await fill(bloc)
        await bloc.add(BulkActivitySubmitted())
        await bloc.settled()
        sid = bloc.state.bulk.submission_id
        assert sid is not None
        ledger.writes_left = 0
        gateway.repository = FaultyRepository(ledger, FaultSpec())
        await bloc.add(BulkRetryFailedRequested())
        await bloc.settled()
        refused = shown(bloc), len(backend.stored())
        ledger.writes_left = None
        await bloc.add(BulkRetryFailedRequested())
        await bloc.add(BulkFlowEntered())
        await bloc.settled()
        again = shown(bloc)
        await bloc.close()
        fresh = new_bloc(orchestrator(backend))
        await fresh.add(BulkFlowEntered())
        await fresh.settled()
        restarted = shown(fresh)
        await fresh.close()
        return refused, (again, restarted, await kept(backend, sid))

    refused, after = asyncio.run(scenario())
    assert refused == (dict.fromkeys(IDS, "failed"), 0)
    assert after == (registered, registered, registered)


def test_a_stale_failed_in_the_ledger_is_reconciled_like_unknown() -> None:
    """Records the ledger says failed but the backend holds are restored registered under
    the stored ids, and the ledger is put right; one not held stays failed (defect C)."""
    backend = InMemoryRepository.of_rosters(ROSTER)
    sub = Submission(
        "s1",
        COORDINATOR.id,
        tuple(
            ProxyRecord.for_mentor(
                submission_id="s1", mentor_id=m, coordinator_id=COORDINATOR.id, draft=DRAFT
            )
            for m in IDS
        ),
    )

    async def scenario() -> tuple[dict[str, tuple[Outcome, str | None]], dict[str, str]]:
        await backend.record_submission(sub)
        await backend.register(sub.records[:1])  # landed, its answer lost
        failed = {r.mentor_id: RecordResult(r.client_key, Outcome.FAILED) for r in sub.records}
        await backend.record_outcomes(sub.id, failed)
        entry = await BulkRegistrationOrchestrator(backend, policy=FAST).latest(COORDINATOR.id)
        assert entry is not None
        restored = {m: (r.outcome, r.record_id) for m, r in entry.outcomes.items()}
        return restored, await kept(backend, sub.id)

    restored, ledger = asyncio.run(scenario())
    stored_id = backend.stored()[0].record_id
    assert restored == {"m01": (Outcome.REGISTERED, stored_id), "m02": (Outcome.FAILED, None)}
    assert ledger == {"m01": "registered", "m02": "failed"}
