"""No duplicates, nothing lost: the bulk promises as invariants over random runs with faults.

A hypothesis state machine drives the root bloc with the real orchestrator over
an in-memory backend made to misbehave by a random fault schedule (transient
record failures, 429/503, timeouts after commit, dropped connections, no batch
call, a slow ledger, ledger calls cut off before or after the write), with random
strategies, submissions, Retry failed, cancels and flow switches; events added
without awaiting them, as a UI does; leaving and re-entering the bulk screen (or
going through the single flow) while a send or a Retry failed is in flight; and
restarting the app (a new bloc and orchestrator over the same backend), at rest or
with a send in flight. After every step, with nothing in flight:

- at most one stored record per (submission, mentor);
- every mentor shown registered is stored under the record id shown; every
  mentor shown failed or rejected is not stored; every stored record of the
  shown submission is shown registered (or still unknown);
- every submitted mentor is in exactly one final status and the counts add up;
- every mentor not registered carries a message saying why;
- the ledger says what the screen says (when no ledger call was faulted).

`come_to_rest` heals the faults, maybe restarts the app, and enters the bulk screen:
then every mentor shown failed or unknown is not stored, every stored one is shown
registered, and the ledger says what the screen says, whatever came before.

`retry_until_settled` presses Retry failed until nothing is retryable, after
which nothing may be failed or unknown any more.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from proxyreg.adapters.faults import FaultSpec, FaultyRepository
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import Roster
from proxyreg.flows import (
    ActiveFlow,
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkFlowExited,
    BulkMentorsSelected,
    BulkNewSubmissionStarted,
    BulkPhase,
    BulkRetryFailedRequested,
    BulkSubmissionCancelled,
    FlowContext,
    MentorStatus,
    ProxyRegistrationBloc,
    SingleFlowEntered,
    retryable_mentors,
)
from proxyreg.orchestration import (
    AtomicStrategy,
    BulkRegistrationOrchestrator,
    ChunkedStrategy,
    RetryPolicy,
    RpcStrategy,
)
from support import COORDINATOR, TODAY, make_mentors

MENTORS = make_mentors(24)
ROSTER = Roster(COORDINATOR, MENTORS)
# The backend has two mentors reassigned away from this coordinator: their records are refused.
REASSIGNED = {"m23", "m24"}
POLICY = RetryPolicy(
    attempts=3, base_delay=0.001, max_delay=0.002, attempt_timeout=5.0, total_timeout=30.0
)

probabilities = st.sampled_from([0.0, 0.0, 0.1, 0.3, 0.5])
fault_specs = st.builds(
    FaultSpec,
    seed=st.integers(0, 2**16),
    fail_rate=probabilities,
    rate_limit=probabilities,
    unavailable=probabilities,
    timeout_after_commit=probabilities,
    drop=probabilities,
    batch_unsupported=st.booleans(),
    ledger_latency_ms=st.sampled_from([0.0, 0.0, 0.5]),
    ledger_drop=st.sampled_from([0.0, 0.0, 0.1, 0.3]),
)
# How a coordinator leaves the bulk screen and comes back while something is sent.
LEAVES = {
    "re-enter": (BulkFlowEntered(),),
    "exit and enter": (BulkFlowExited(), BulkFlowEntered()),
    "single and back": (SingleFlowEntered(), BulkFlowEntered()),
}
leaves = st.sampled_from(sorted(LEAVES))
strategies = st.sampled_from(
    [RpcStrategy(), ChunkedStrategy(chunk_size=3, parallelism=2), AtomicStrategy()]
)
selections = st.lists(
    st.sampled_from([m.id for m in MENTORS]), min_size=1, max_size=10, unique=True
).map(tuple)


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


async def loop_turns(seconds: float) -> None:
    """A latency as loop turns (one per 0.1 ms), not time: a run repeats exactly."""
    for _ in range(1 + int(seconds * 10_000)):
        await asyncio.sleep(0)


class BulkPromises(RuleBasedStateMachine):
    """Random submissions under random faults against the real orchestrator."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.bloc: ProxyRegistrationBloc | None = None

    @initialize(spec=fault_specs, strategy=strategies)
    def start(self, spec: FaultSpec, strategy: Any) -> None:
        if isinstance(strategy, AtomicStrategy):
            # All or nothing over 10 records at a 50% per-record failure rate almost never goes
            # through; cap it so that pressing Retry failed can settle in a bounded run.
            spec = attrs.evolve(spec, fail_rate=min(spec.fail_rate, 0.1))
        self.store = InMemoryRepository(
            coordinators=[COORDINATOR],
            mentors=MENTORS,
            assignments={COORDINATOR.id: [m.id for m in MENTORS if m.id not in REASSIGNED]},
        )
        self.spec = spec
        self.strategy = strategy
        self.backend = FaultyRepository(self.store, spec, sleep=loop_turns)
        self.bloc = self.loop.run_until_complete(self._open_app(self.backend))

    async def _open_app(self, backend: Any) -> ProxyRegistrationBloc:
        """A new app: its own bloc and orchestrator over ``backend`` (the store, kept)."""
        self.orchestrator = BulkRegistrationOrchestrator(
            backend, strategy=self.strategy, policy=POLICY, seed=self.spec.seed, sleep=no_wait
        )
        return ProxyRegistrationBloc(context=FlowContext(ROSTER, TODAY), gateway=self.orchestrator)

    def run(self, scenario: Any) -> None:
        async def then_settle() -> None:
            await scenario()
            assert self.bloc is not None
            await self.bloc.settled()

        self.loop.run_until_complete(then_settle())

    @property
    def bulk(self) -> Any:
        assert self.bloc is not None
        return self.bloc.state.bulk

    async def _fill(self, ids: tuple[str, ...]) -> None:
        assert self.bloc is not None
        for event in (
            BulkMentorsSelected(ids),
            BulkActivityKindChanged("phone_call"),
            BulkActivityDateChanged(TODAY),
            BulkDurationChanged(25),
        ):
            await self.bloc.add(event)

    @rule(ids=selections)
    def submit(self, ids: tuple[str, ...]) -> None:
        async def scenario() -> None:
            assert self.bloc is not None
            await self.bloc.add(BulkFlowEntered())
            await self.bloc.settled()  # the last submission is restored, if there is one
            await self.bloc.add(BulkNewSubmissionStarted())
            await self._fill(ids)
            await self.bloc.add(BulkActivitySubmitted())

        self.run(scenario)

    @precondition(lambda self: self.bloc is not None)
    @rule(turns=st.integers(0, 6), ids=selections)
    def submit_then_cancel(self, turns: int, ids: tuple[str, ...]) -> None:
        async def scenario() -> None:
            assert self.bloc is not None
            await self.bloc.add(SingleFlowEntered())
            await self.bloc.add(BulkFlowEntered())
            await self.bloc.settled()
            await self.bloc.add(BulkNewSubmissionStarted())
            await self._fill(ids)
            sending = self.bloc.add(BulkActivitySubmitted())
            for _ in range(turns):
                await asyncio.sleep(0)
            self.bloc.add(BulkSubmissionCancelled())
            await sending

        self.run(scenario)

    @precondition(lambda self: self.bloc is not None)
    @rule(turns=st.integers(0, 6))
    def retry_failed_and_walk_away(self, turns: int) -> None:
        """Retry failed, then leave for the single flow mid-way and come back."""

        async def scenario() -> None:
            assert self.bloc is not None
            if self.bloc.state.active_flow is not ActiveFlow.BULK:
                await self.bloc.add(BulkFlowEntered())
                await self.bloc.settled()
            sending = self.bloc.add(BulkRetryFailedRequested())
            for _ in range(turns):
                await asyncio.sleep(0)
            await self.bloc.add(SingleFlowEntered())
            await sending
            await self.bloc.add(BulkFlowEntered())

        self.run(scenario)

    @precondition(lambda self: self.bloc is not None)
    @rule(ids=selections, turns=st.integers(0, 6), leave=leaves)
    def submit_and_leave_mid_send(self, ids: tuple[str, ...], turns: int, leave: str) -> None:
        """Submit, and leave and come back while it is sent; nothing awaited, as a UI does."""

        async def scenario() -> None:
            assert self.bloc is not None
            await self.bloc.add(BulkFlowEntered())
            await self.bloc.settled()
            await self.bloc.add(BulkNewSubmissionStarted())
            await self._fill(ids)
            sending = self.bloc.add(BulkActivitySubmitted())
            for _ in range(turns):
                await asyncio.sleep(0)
            for event in LEAVES[leave]:
                self.bloc.add(event)
            await sending

        self.run(scenario)

    @precondition(lambda self: self.bloc is not None)
    @rule(turns=st.integers(0, 6), leave=leaves)
    def retry_failed_and_leave_mid_send(self, turns: int, leave: str) -> None:
        """Retry failed, and leave and come back while it is sent; nothing awaited."""

        async def scenario() -> None:
            assert self.bloc is not None
            if self.bloc.state.active_flow is not ActiveFlow.BULK:
                await self.bloc.add(BulkFlowEntered())
                await self.bloc.settled()
            retrying = self.bloc.add(BulkRetryFailedRequested())
            for _ in range(turns):
                await asyncio.sleep(0)
            for event in LEAVES[leave]:
                self.bloc.add(event)
            await retrying

        self.run(scenario)

    @precondition(lambda self: self.bloc is not None)
    @rule(turns=st.one_of(st.none(), st.integers(0, 6)))
    def restart_the_app(self, turns: int | None) -> None:
        """Close the app (at rest, or ``turns`` loop turns into a Retry failed: killed mid-send)
        and open a new one over the same backend, on the bulk screen."""

        async def scenario() -> None:
            assert self.bloc is not None
            if turns is not None:
                self.bloc.add(BulkRetryFailedRequested())
                for _ in range(turns):
                    await asyncio.sleep(0)
            else:
                await self.bloc.settled()
            await self.bloc.close()
            self.bloc = await self._open_app(self.backend)
            await self.bloc.add(BulkFlowEntered())

        self.run(scenario)

    @precondition(lambda self: self.bloc is not None)
    @rule(restart=st.booleans())
    def come_to_rest(self, restart: bool) -> None:
        """The faults stop; maybe a restart; the bulk screen is entered: it tells the truth."""

        async def scenario() -> None:
            assert self.bloc is not None
            await self.bloc.settled()
            self.backend = FaultyRepository(self.store, FaultSpec(), sleep=loop_turns)
            if restart:
                await self.bloc.close()
                self.bloc = await self._open_app(self.backend)
            else:
                self.orchestrator.repository = self.backend
            await self.bloc.add(BulkFlowEntered())

        self.run(scenario)
        bulk = self.bulk
        stored = {
            s.record.mentor_id
            for s in self.store.stored()
            if s.record.submission_id == bulk.submission_id
        }
        for mentor in bulk.submitted:
            status = bulk.board.entries[mentor].status
            if status in (MentorStatus.FAILED, MentorStatus.UNKNOWN):
                assert mentor not in stored, (mentor, status)
            if mentor in stored:
                assert status.is_success, (mentor, status)
        self.check_the_ledger()

    @precondition(lambda self: self.bloc is not None)
    @rule()
    def retry_until_settled(self) -> None:
        async def scenario() -> None:
            assert self.bloc is not None
            if self.bloc.state.active_flow is not ActiveFlow.BULK:
                await self.bloc.add(BulkFlowEntered())
                await self.bloc.settled()
            for _ in range(400):  # enough for the worst fault mix (each press ~9% to settle)
                if not retryable_mentors(self.bulk):
                    return
                await self.bloc.add(BulkRetryFailedRequested())
                await self.bloc.settled()

        self.run(scenario)
        if self.bloc is not None and self.bloc.state.active_flow is ActiveFlow.BULK:
            statuses = {e.status for _, e in self.bulk.board.entries.items()}
            assert not statuses & {MentorStatus.FAILED, MentorStatus.UNKNOWN, MentorStatus.PENDING}

    # --- the promises ----------------------------------------------------------------------
    @invariant()
    def at_most_one_record_per_submission_and_mentor(self) -> None:
        if self.bloc is None:
            return
        pairs = Counter((s.record.submission_id, s.record.mentor_id) for s in self.store.stored())
        twice = [pair for pair, n in pairs.items() if n > 1]
        assert not twice, f"duplicate records stored: {twice}"

    @invariant()
    def what_is_shown_is_what_is_stored(self) -> None:
        if self.bloc is None or self.bulk.submission_id is None:
            return
        bulk = self.bulk
        stored = {
            s.record.mentor_id: s.record_id
            for s in self.store.stored()
            if s.record.submission_id == bulk.submission_id
        }
        for mentor in bulk.submitted:
            entry = bulk.board.entries[mentor]
            if entry.status.is_success:
                assert stored.get(mentor) == entry.record_id, (mentor, entry)
            elif entry.status in (MentorStatus.FAILED, MentorStatus.REJECTED):
                assert mentor not in stored, (mentor, entry)
        for mentor in stored:
            status = bulk.board.entries[mentor].status
            assert status.is_success or status is MentorStatus.UNKNOWN, (mentor, status)

    @invariant()
    def every_mentor_in_one_final_status(self) -> None:
        if self.bloc is None or self.bulk.submission_id is None:
            return
        bulk = self.bulk
        counts = bulk.board.counts
        assert set(bulk.board.entries) == set(bulk.submitted)
        assert counts.total == len(bulk.submitted)
        assert counts.pending == 0
        assert bulk.phase is not BulkPhase.SUBMITTING
        for status in MentorStatus:
            assert counts.of(status) == sum(
                1 for _, e in bulk.board.entries.items() if e.status is status
            )

    @invariant()
    def every_failure_says_why(self) -> None:
        if self.bloc is None:
            return
        for mentor, entry in self.bulk.board.entries.items():
            if not entry.status.is_success:
                assert len(entry.message) > 10, (mentor, entry)

    @invariant()
    def the_ledger_says_what_the_screen_says(self) -> None:
        # A ledger call cut off leaves the ledger behind the screen until the next entry
        # (come_to_rest checks it then).
        if self.bloc is None or self.backend.spec.ledger_drop:
            return
        self.check_the_ledger()

    def check_the_ledger(self) -> None:
        if self.bloc is None or self.bulk.submission_id is None:
            return
        bulk = self.bulk
        entry = self.loop.run_until_complete(self.store.ledger_entry(bulk.submission_id))
        assert entry is not None
        shown = {m: bulk.board.entries[m].status.value for m in bulk.submitted}
        kept = {m: entry.outcomes[m].outcome.value for m in bulk.submitted}
        assert shown == kept

    def teardown(self) -> None:
        if self.bloc is not None:
            self.loop.run_until_complete(self.bloc.close())
        self.loop.close()


TestBulkPromises = BulkPromises.TestCase
