"""The four isolation promises of DESIGN.md, as invariants over random runs of the root bloc.

A hypothesis state machine interleaves events of both flows, flow switches,
submissions answered late or out of order, and results of older submissions,
and after every step checks:

1. after entering flow F, F's subtree is F's initial state;
2. an event of flow F never changes the other flow's subtree;
3. an event for an inactive flow (or a late result) changes nothing and is reported;
4. nothing raises out of ``add`` or into the bloc's error hooks, and the state keeps its
   invariants (counts add up, each submitted mentor has exactly one status, the phase fits).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from gateways import ParkedGateway
from proxyreg.domain import Outcome, RecordResult
from proxyreg.engine import BlocObserver, EventBus
from proxyreg.flows import (
    BULK_LIFECYCLE,
    INITIAL_BULK_STATE,
    INITIAL_SINGLE_STATE,
    SINGLE_LIFECYCLE,
    ActiveFlow,
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkAllMentorsSelected,
    BulkDurationChanged,
    BulkEvent,
    BulkFilterChanged,
    BulkFlowEntered,
    BulkFlowExited,
    BulkMentorsDeselected,
    BulkMentorsSelected,
    BulkNotesChanged,
    BulkPhase,
    BulkRecordResultReceived,
    BulkRetryFailedRequested,
    BulkSelectionCleared,
    BulkSubmissionCancelled,
    EventIgnored,
    FlowBloc,
    MentorStatus,
    ProxyEvent,
    ProxyRegistrationBloc,
    ProxyRegistrationState,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleEvent,
    SingleFlowEntered,
    SingleFlowExited,
    SingleMentorPicked,
    SingleOutcomeReceived,
    SinglePhase,
)
from support import CONTEXT, MENTORS, TODAY

MENTOR_IDS = [m.id for m in MENTORS] + ["x01", "nobody"]
mentor_ids = st.sampled_from(MENTOR_IDS)
kinds = st.sampled_from(["home_visit", "group_meeting", "phone_call", "juggling", None])
dates = st.sampled_from([TODAY, TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=1), None])
minutes = st.sampled_from([30, 60, 0, 1441, None])
outcomes = st.sampled_from(list(Outcome))

ENTERED = {SingleFlowEntered: "single", BulkFlowEntered: "bulk"}


class _Errors(BlocObserver):
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def on_error(self, bloc: Any, error: BaseException) -> None:
        self.errors.append(error)


def build_root_bloc(gateway: ParkedGateway, bus: EventBus, observer: BlocObserver) -> FlowBloc[Any]:
    return ProxyRegistrationBloc(context=CONTEXT, gateway=gateway, bus=bus, observer=observer)


class IsolationMachine(RuleBasedStateMachine):
    """Random interleavings of both flows against the real root bloc."""

    build_bloc = staticmethod(build_root_bloc)

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.gateway = ParkedGateway()
        self.bus = EventBus()
        self.ignored: list[EventIgnored] = []
        self.bus.subscribe(EventIgnored, self.ignored.append)
        self.observer = _Errors()
        self.ids = iter(f"sub-{n}" for n in range(10_000))
        self.bloc = self.loop.run_until_complete(self._build())
        self.before: ProxyRegistrationState = self.bloc.state
        self.last: ProxyEvent | None = None
        self.single_submissions: set[str | None] = set()

    async def _build(self) -> FlowBloc[Any]:
        return self.build_bloc(self.gateway, self.bus, self.observer)

    @property
    def state(self) -> ProxyRegistrationState:
        return self.bloc.state  # type: ignore[no-any-return]

    async def _quiesce(self) -> None:
        # Handlers run on the loop; a few turns let every queued handler finish.
        for _ in range(8):
            await asyncio.sleep(0)

    def _run(self, action: Any, last: ProxyEvent | None) -> None:
        """Do ``action`` inside the loop (``add`` needs one), then let handlers finish."""

        async def act() -> None:
            action()
            await self._quiesce()

        self.before = self.state
        self.ignored.clear()
        self.loop.run_until_complete(act())
        self.last = last

    def add(self, event: ProxyEvent) -> None:
        """Add one event and let it be handled; remember the state before it."""
        if isinstance(event, BulkActivitySubmitted | SingleActivitySubmitted):
            event = attrs.evolve(event, submission_id=next(self.ids))
            if isinstance(event, SingleActivitySubmitted):
                self.single_submissions.add(event.submission_id)
        self._run(lambda: self.bloc.add(event), event)

    def add_each(self, events: list[ProxyEvent]) -> None:
        for event in events:
            self.add(event)
            self.check_promises()

    def check_promises(self) -> None:
        self.entering_a_flow_resets_its_subtree()
        self.an_event_of_one_flow_never_touches_the_other()
        self.events_of_an_inactive_flow_change_nothing_and_are_reported()
        self.late_results_never_touch_a_newer_submission()
        self.nothing_raised_and_the_state_holds_together()

    def teardown(self) -> None:
        for parked in self.gateway.parked:
            if not parked.released.done():
                parked.released.set_result(None)
        self.loop.run_until_complete(self.bloc.close())
        self.loop.close()

    # --- flow switches -------------------------------------------------------------
    @rule(
        event=st.sampled_from(
            [SingleFlowEntered(), SingleFlowExited(), BulkFlowEntered(), BulkFlowExited()]
        )
    )
    def switch_flow(self, event: ProxyEvent) -> None:
        self.add(event)

    # --- single flow -----------------------------------------------------------------
    @rule(mentor=mentor_ids)
    def single_pick(self, mentor: str) -> None:
        self.add(SingleMentorPicked(mentor))

    @rule(
        event=st.one_of(
            kinds.map(SingleActivityKindChanged),
            dates.map(SingleActivityDateChanged),
            minutes.map(SingleDurationChanged),
        )
    )
    def single_edit(self, event: SingleEvent) -> None:
        self.add(event)

    @rule(mentor=st.sampled_from([m.id for m in MENTORS if m.active]), entering=st.booleans())
    def single_fill_the_form(self, mentor: str, entering: bool) -> None:
        """A whole valid form, event by event, each step checked (random edits rarely get there)."""
        self.add_each(
            [
                *([SingleFlowEntered()] if entering else []),
                SingleMentorPicked(mentor),
                SingleActivityKindChanged("home_visit"),
                SingleActivityDateChanged(TODAY),
                SingleDurationChanged(45),
            ]
        )

    @rule()
    def single_submit(self) -> None:
        self.add(SingleActivitySubmitted())

    # --- bulk flow -------------------------------------------------------------------
    @rule(ids=st.lists(mentor_ids, max_size=4).map(tuple))
    def bulk_select(self, ids: tuple[str, ...]) -> None:
        self.add(BulkMentorsSelected(ids))

    @rule(
        event=st.one_of(
            st.lists(mentor_ids, max_size=3).map(lambda ids: BulkMentorsDeselected(tuple(ids))),
            st.just(BulkAllMentorsSelected()),
            st.just(BulkSelectionCleared()),
            st.sampled_from(["", "mentor 0", "3", "zz"]).map(BulkFilterChanged),
            kinds.map(BulkActivityKindChanged),
            dates.map(BulkActivityDateChanged),
            minutes.map(BulkDurationChanged),
            st.just(BulkNotesChanged("x" * 2001)),
            # Wrong container types, as a careless UI sends them: never a crash.
            st.sampled_from([None, 5, "m01"]).map(BulkMentorsSelected),
            st.sampled_from([None, 5]).map(BulkMentorsDeselected),
            st.sampled_from([None, 123]).map(BulkFilterChanged),
        )
    )
    def bulk_edit(self, event: BulkEvent) -> None:
        self.add(event)

    @rule(
        ids=st.lists(
            st.sampled_from([m.id for m in MENTORS if m.active]),
            min_size=1,
            max_size=5,
            unique=True,
        ).map(tuple),
        entering=st.booleans(),
    )
    def bulk_fill_the_form(self, ids: tuple[str, ...], entering: bool) -> None:
        """A valid selection and draft, event by event, each step checked."""
        self.add_each(
            [
                *([BulkFlowEntered()] if entering else []),
                BulkMentorsSelected(ids),
                BulkActivityKindChanged("phone_call"),
                BulkActivityDateChanged(TODAY),
                BulkDurationChanged(30),
            ]
        )

    @rule()
    def bulk_submit(self) -> None:
        self.add(BulkActivitySubmitted())

    @rule()
    def bulk_retry(self) -> None:
        self.add(BulkRetryFailedRequested())

    @rule()
    def bulk_cancel(self) -> None:
        self.add(BulkSubmissionCancelled())

    # --- the backend answering (late, out of order, after switches) ---------------
    @precondition(lambda self: self.gateway.parked)
    @rule(data=st.data(), outcome=outcomes)
    def answer_a_record(self, data: st.DataObject, outcome: Outcome) -> None:
        parked = data.draw(st.sampled_from(self.gateway.parked))
        record = data.draw(st.sampled_from(parked.submission.records))
        result = RecordResult(record.client_key, outcome, "r1", message="m")
        last = self._answer_event(parked.submission.id, record.mentor_id, result)
        self._run(lambda: parked.answer(record.mentor_id, result), last)

    def _answer_event(self, sid: str, mentor: str, result: RecordResult) -> ProxyEvent:
        """The event the answer becomes on the bus, for the invariants to check."""
        if sid in self.single_submissions:
            return SingleOutcomeReceived(sid, result)
        return BulkRecordResultReceived(sid, mentor, result)

    @precondition(lambda self: self.gateway.parked)
    @rule(data=st.data())
    def answer_a_whole_submission(self, data: st.DataObject) -> None:
        """Every record of one submission answered in turn, each step checked."""
        parked = data.draw(st.sampled_from(self.gateway.parked))
        for record in parked.submission.records:
            outcome = data.draw(outcomes)
            result = RecordResult(record.client_key, outcome, "r1", message="m")
            last = self._answer_event(parked.submission.id, record.mentor_id, result)
            self._run(lambda r=record, res=result: parked.answer(r.mentor_id, res), last)
            self.check_promises()

    @precondition(lambda self: any(not p.released.done() for p in self.gateway.parked))
    @rule(data=st.data())
    def release_a_submission(self, data: st.DataObject) -> None:
        open_ = [p for p in self.gateway.parked if not p.released.done()]
        parked = data.draw(st.sampled_from(open_))
        # Releasing may publish a failure event for the unanswered records: no single `last`.
        self._run(lambda: parked.released.set_result(None), None)

    # --- the promises ----------------------------------------------------------------
    @invariant()
    def entering_a_flow_resets_its_subtree(self) -> None:
        if isinstance(self.last, SingleFlowEntered):
            assert self.state.single == INITIAL_SINGLE_STATE
            assert self.state.active_flow is ActiveFlow.SINGLE
        if isinstance(self.last, BulkFlowEntered):
            assert self.state.bulk == INITIAL_BULK_STATE
            assert self.state.active_flow is ActiveFlow.BULK

    @invariant()
    def an_event_of_one_flow_never_touches_the_other(self) -> None:
        if isinstance(self.last, SingleEvent):
            assert self.state.bulk == self.before.bulk
        if isinstance(self.last, BulkEvent):
            assert self.state.single == self.before.single

    @invariant()
    def events_of_an_inactive_flow_change_nothing_and_are_reported(self) -> None:
        last = self.last
        if last is None or type(last) in ENTERED:
            return
        flow = ActiveFlow.SINGLE if isinstance(last, SingleEvent) else ActiveFlow.BULK
        if self.before.active_flow is not flow:
            assert self.state == self.before
            # Reported once: as inactive, or as dropped when a Submit of that flow is in flight.
            assert [
                (i.event, i.reason.code in ("flow_inactive", "dropped")) for i in self.ignored
            ] == [(last, True)]

    @invariant()
    def late_results_never_touch_a_newer_submission(self) -> None:
        last = self.last
        if (
            isinstance(last, BulkRecordResultReceived)
            and last.submission_id != self.before.bulk.submission_id
        ):
            assert self.state.bulk == self.before.bulk
            assert self.ignored, "a late result must be reported"
        if (
            isinstance(last, SingleOutcomeReceived)
            and last.submission_id != self.before.single.submission_id
        ):
            assert self.state.single == self.before.single

    @invariant()
    def nothing_raised_and_the_state_holds_together(self) -> None:
        assert self.observer.errors == []
        bulk, single = self.state.bulk, self.state.single
        counts = bulk.board.counts
        assert set(bulk.board.entries) == set(bulk.submitted)
        assert counts.total == len(bulk.submitted)
        for status in MentorStatus:
            assert counts.of(status) == sum(
                1 for _, r in bulk.board.entries.items() if r.status is status
            )
        assert bulk.phase in set(BULK_LIFECYCLE.phases)
        assert (bulk.phase is BulkPhase.SUBMITTING) == (counts.pending > 0)
        assert single.phase in set(SINGLE_LIFECYCLE.phases)
        if single.phase is SinglePhase.SUBMITTING:
            assert single.submission_id is not None
            assert single.mentor_id is not None
        if single.phase in (SinglePhase.SUCCEEDED, SinglePhase.REJECTED, SinglePhase.FAILED):
            assert single.outcome is not None


TestIsolation = IsolationMachine.TestCase
