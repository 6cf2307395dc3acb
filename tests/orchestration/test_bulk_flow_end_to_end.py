"""The bulk bloc with the orchestrator over a misbehaving backend: Retry failed, cancel, restore."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import attrs
from harness import FAST, ROSTER40, faulty, store

from proxyreg.adapters.faults import FaultyRepository, parse_fault_spec
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import ProxyRecord, RecordResult, client_key
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    BulkActivitySubmitted,
    BulkFlowEntered,
    BulkFlowExited,
    BulkPhase,
    BulkProxyState,
    BulkRetryFailedRequested,
    BulkSubmissionCancelled,
    FlowContext,
    MentorStatus,
    ProxyRegistrationBloc,
    SingleFlowEntered,
    retryable_mentors,
)
from proxyreg.orchestration import BulkRegistrationOrchestrator, ChunkedStrategy
from proxyreg.persistent import PersistentSet
from support import TODAY, VALID_DRAFT

CONTEXT40 = FlowContext(ROSTER40, TODAY)


class Recording(FaultyRepository):
    """A misbehaving backend that also notes every client key the orchestrator sent it."""

    def __init__(self, inner: InMemoryRepository, spec: str) -> None:
        super().__init__(inner, parse_fault_spec(spec))
        self.sent: list[str] = []

    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        self.sent.extend(r.client_key for r in records)
        return await super().register(records)


def ready(*ids: str) -> BulkProxyState:
    return attrs.evolve(INITIAL_BULK_STATE, selected=PersistentSet(ids), draft=VALID_DRAFT)


def keys_of(state: BulkProxyState, mentors: Sequence[str]) -> set[str]:
    assert state.submission_id is not None
    return {client_key(state.submission_id, m) for m in mentors}


def test_retry_failed_resends_exactly_the_failed_and_unknown_with_the_same_keys() -> None:
    """After a partial failure, Retry failed sends only the failed and unknown records, under
    their original keys; registered ones are never sent again; it repeats until none is left."""
    inner = store()
    backend = Recording(inner, "seed=11,fail_rate=0.4,timeout_after_commit=0.2")
    ids = tuple(m.id for m in ROSTER40.mentors[:20])

    async def scenario() -> tuple[list[set[str]], list[set[str]], BulkProxyState]:
        bloc = ProxyRegistrationBloc(
            context=CONTEXT40, gateway=BulkRegistrationOrchestrator(backend, policy=FAST, seed=3)
        )
        await bloc.add(BulkFlowEntered())
        bloc._seed(attrs.evolve(bloc.state, bulk=ready(*ids)))
        await bloc.add(BulkActivitySubmitted())
        expected_rounds, sent_rounds = [], []
        while retry := retryable_mentors(bloc.state.bulk):
            expected_rounds.append(keys_of(bloc.state.bulk, retry))
            before = len(backend.sent)
            await bloc.add(BulkRetryFailedRequested())
            sent_rounds.append(set(backend.sent[before:]))
        await bloc.close()
        return expected_rounds, sent_rounds, bloc.state.bulk

    expected, sent, final = asyncio.run(scenario())
    assert expected, "the seed is meant to fail some records"
    assert sent == expected
    assert final.phase is BulkPhase.COMPLETED
    assert len(inner.stored()) == 20


def test_rejected_records_are_not_retried() -> None:
    """A mentor the backend refuses stays rejected; Retry failed has nothing to send for it."""
    backend = InMemoryRepository(
        coordinators=[ROSTER40.coordinator],
        mentors=ROSTER40.mentors,
        assignments={ROSTER40.coordinator.id: [m.id for m in ROSTER40.mentors[1:]]},
    )

    async def scenario() -> BulkProxyState:
        bloc = ProxyRegistrationBloc(
            context=CONTEXT40, gateway=BulkRegistrationOrchestrator(backend, policy=FAST)
        )
        await bloc.add(BulkFlowEntered())
        bloc._seed(attrs.evolve(bloc.state, bulk=ready("m01", "m02")))
        await bloc.add(BulkActivitySubmitted())
        calls = backend.calls
        await bloc.add(BulkRetryFailedRequested())
        assert backend.calls == calls
        await bloc.close()
        return bloc.state.bulk

    state = asyncio.run(scenario())
    assert state.board.entries["m01"].status is MentorStatus.REJECTED
    assert state.phase is BulkPhase.PARTIALLY_FAILED


def test_cancel_mid_submission_settles_everything_and_shows_the_truth() -> None:
    """Cancel while chunks are going out: nothing more is sent, each mentor ends in one final
    status, and what the screen shows as registered is exactly what the backend holds."""
    inner = store()
    backend = faulty("latency_ms=2", inner)
    ids = tuple(m.id for m in ROSTER40.mentors[:30])

    async def scenario() -> BulkProxyState:
        gateway = BulkRegistrationOrchestrator(
            backend, policy=FAST, strategy=ChunkedStrategy(parallelism=1)
        )
        bloc = ProxyRegistrationBloc(context=CONTEXT40, gateway=gateway)
        await bloc.add(BulkFlowEntered())
        bloc._seed(attrs.evolve(bloc.state, bulk=ready(*ids)))
        submit = bloc.add(BulkActivitySubmitted())
        while bloc.state.bulk.board.counts.done < 5:
            await asyncio.sleep(0.001)
        await bloc.add(BulkSubmissionCancelled())
        await submit
        await bloc.settled()
        await bloc.close()
        return bloc.state.bulk

    state = asyncio.run(scenario())
    registered = {m for m in state.submitted if state.board.entries[m].status.is_success}
    assert state.phase is BulkPhase.PARTIALLY_FAILED
    assert not state.cancelling
    assert state.board.counts.pending == 0
    assert 5 <= len(registered) < 30
    assert {s.record.mentor_id for s in inner.stored()} == registered
    cancelled = [m for m in state.submitted if state.board.entries[m].code == "cancelled"]
    assert len(cancelled) + len(registered) == 30


def test_leaving_and_coming_back_shows_the_last_submission_and_keeps_retry_failed() -> None:
    """Leave the bulk screen mid-submission, come back after it ended: the last submission's
    results are shown, and Retry failed still works, with the same keys."""
    inner = store()
    backend = faulty("seed=8,fail_rate=0.5,latency_ms=1", inner)

    async def scenario() -> tuple[BulkProxyState, BulkProxyState]:
        gateway = BulkRegistrationOrchestrator(backend, policy=FAST, seed=1)
        bloc = ProxyRegistrationBloc(context=CONTEXT40, gateway=gateway)
        await bloc.add(BulkFlowEntered())
        bloc._seed(attrs.evolve(bloc.state, bulk=ready("m01", "m02", "m03", "m04", "m05", "m06")))
        submit = bloc.add(BulkActivitySubmitted())
        await asyncio.sleep(0)
        await bloc.add(BulkFlowExited())
        await bloc.add(SingleFlowEntered())
        await submit
        await bloc.add(BulkFlowEntered())
        await bloc.settled()
        back = bloc.state.bulk
        while retryable_mentors(bloc.state.bulk):
            await bloc.add(BulkRetryFailedRequested())
        await bloc.close()
        return back, bloc.state.bulk

    back, final = asyncio.run(scenario())
    assert back.submitted == ("m01", "m02", "m03", "m04", "m05", "m06")
    assert back.board.counts.pending == 0
    assert back.phase in (BulkPhase.PARTIALLY_FAILED, BulkPhase.FAILED)
    assert final.phase is BulkPhase.COMPLETED
    assert final.submission_id == back.submission_id
    assert len(inner.stored()) == 6


def test_a_restart_restores_the_last_submission_from_the_ledger() -> None:
    """A new bloc and orchestrator over the same backend (a restarted app) show the last
    submission on entering the bulk flow."""
    backend = store()

    async def scenario() -> BulkProxyState:
        first = ProxyRegistrationBloc(
            context=CONTEXT40, gateway=BulkRegistrationOrchestrator(backend, policy=FAST)
        )
        await first.add(BulkFlowEntered())
        first._seed(attrs.evolve(first.state, bulk=ready("m01", "m02")))
        await first.add(BulkActivitySubmitted())
        await first.close()
        again = ProxyRegistrationBloc(
            context=CONTEXT40, gateway=BulkRegistrationOrchestrator(backend, policy=FAST)
        )
        await again.add(BulkFlowEntered())
        await again.settled()
        await again.close()
        return again.state.bulk

    state = asyncio.run(scenario())
    assert (state.phase, state.submitted) == (BulkPhase.COMPLETED, ("m01", "m02"))
    assert state.draft == VALID_DRAFT
