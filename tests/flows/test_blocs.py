"""The flow blocs end to end: exact state sequences with the in-memory backend (bloc_test)."""

from __future__ import annotations

import asyncio
from typing import Any

import attrs

from gateways import ParkedGateway
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import ActivityDraft, Outcome, RecordResult, Submission, client_key
from proxyreg.engine import EventBus
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    INITIAL_SINGLE_STATE,
    ActiveFlow,
    BulkActivitySubmitted,
    BulkFilterChanged,
    BulkFlowEntered,
    BulkMentorsSelected,
    BulkPhase,
    BulkProxyBloc,
    BulkProxyState,
    EventIgnored,
    FlowContext,
    MentorResult,
    MentorStatus,
    ProxyRegistrationBloc,
    ResultSink,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleFlowEntered,
    SingleMentorPicked,
    SingleNotesChanged,
    SinglePhase,
    SingleProxyBloc,
    StatusBoard,
)
from proxyreg.orchestration import BulkRegistrationOrchestrator
from proxyreg.persistent import PersistentSet
from proxyreg.testing import bloc_test
from support import CONTEXT, MENTORS, OTHER_ROSTER, ROSTER, TODAY, VALID_DRAFT


def backend(*, unassigned: tuple[str, ...] = ()) -> InMemoryRepository:
    """The coordinator's mentors, minus any the backend no longer has assigned to them."""
    return InMemoryRepository(
        coordinators=[ROSTER.coordinator],
        mentors=MENTORS,
        assignments={ROSTER.coordinator.id: [m.id for m in MENTORS if m.id not in unassigned]},
    )


def fixed_ids(*ids: str) -> Any:
    return iter(ids).__next__


def test_single_bloc_registers_one_activity() -> None:
    """Pick, fill, submit: the exact states, and one record stored under the pair's client key."""
    repo = backend()
    key = client_key("s1", "m01")
    draft = VALID_DRAFT
    picked = attrs.evolve(INITIAL_SINGLE_STATE, mentor_id="m01")
    filled = attrs.evolve(picked, draft=draft)

    async def act(bloc: SingleProxyBloc) -> None:
        for event in (
            SingleMentorPicked("m01"),
            SingleActivityKindChanged(draft.kind),
            SingleActivityDateChanged(draft.date),
            SingleDurationChanged(draft.minutes),
            SingleNotesChanged(draft.notes),
            SingleActivitySubmitted(),
        ):
            await bloc.add(event)

    bloc_test(
        build=lambda: SingleProxyBloc(
            context=CONTEXT,
            gateway=BulkRegistrationOrchestrator(repo),
            new_submission_id=fixed_ids("s1"),
        ),
        act=act,
        expect=[
            picked,
            attrs.evolve(picked, draft=ActivityDraft(kind=draft.kind)),
            attrs.evolve(picked, draft=ActivityDraft(kind=draft.kind, date=draft.date)),
            attrs.evolve(picked, draft=attrs.evolve(draft, notes="")),
            filled,
            attrs.evolve(filled, phase=SinglePhase.SUBMITTING, submission_id="s1"),
            attrs.evolve(
                filled,
                phase=SinglePhase.SUCCEEDED,
                submission_id="s1",
                outcome=RecordResult(key, Outcome.REGISTERED, "rec-1", message="Registered."),
            ),
        ],
    )
    assert [s.record.client_key for s in repo.stored()] == [key]


def selected(*ids: str) -> BulkProxyState:
    return attrs.evolve(INITIAL_BULK_STATE, selected=PersistentSet(ids), draft=VALID_DRAFT)


def test_bulk_bloc_shows_each_mentors_result_as_it_lands() -> None:
    """Submit sends one record per mentor; each answer moves one row; the last settles the phase."""
    repo = backend(unassigned=("m03",))
    sent = ("m01", "m02", "m03")
    submitting = attrs.evolve(
        selected(*sent),
        phase=BulkPhase.SUBMITTING,
        submission_id="s1",
        submitted=sent,
        board=StatusBoard.pending(sent),
    )
    ok1 = MentorResult(MentorStatus.REGISTERED, "rec-1", "Registered.")
    ok2 = MentorResult(MentorStatus.REGISTERED, "rec-2", "Registered.")
    refused = MentorResult(
        MentorStatus.REJECTED, None, "This mentor is not assigned to you.", "not_assigned"
    )
    board1 = submitting.board.settle("m01", ok1)
    board2 = board1.settle("m02", ok2)
    bloc_test(
        build=lambda: BulkProxyBloc(
            context=CONTEXT,
            gateway=BulkRegistrationOrchestrator(repo),
            new_submission_id=fixed_ids("s1"),
        ),
        seed=lambda: selected(*sent),
        act=lambda bloc: bloc.add(BulkActivitySubmitted()),
        expect=[
            submitting,
            attrs.evolve(submitting, board=board1),
            attrs.evolve(submitting, board=board2),
            attrs.evolve(
                submitting, phase=BulkPhase.PARTIALLY_FAILED, board=board2.settle("m03", refused)
            ),
        ],
    )
    assert [s.record.mentor_id for s in repo.stored()] == ["m01", "m02"]


def test_awaiting_a_bulk_submit_means_its_results_are_shown() -> None:
    """`await bloc.add(Submit)` returns once every answer has been reduced into the state."""

    async def scenario() -> BulkProxyState:
        bloc = BulkProxyBloc(context=CONTEXT, gateway=BulkRegistrationOrchestrator(backend()))
        await bloc.add(BulkMentorsSelected(("m01", "m02")))
        bloc._seed(attrs.evolve(bloc.state, draft=VALID_DRAFT))
        await bloc.add(BulkActivitySubmitted())
        state = bloc.state
        await bloc.close()
        return state

    state = asyncio.run(scenario())
    assert (state.phase, state.board.counts.registered) == (BulkPhase.COMPLETED, 2)


class InstantGateway(ParkedGateway):
    """A fake gateway that answers every record ``registered`` and returns at once,
    without yielding to the loop: the answers' events are still queued when it returns."""

    async def submit(
        self, submission: Submission, on_result: ResultSink, cancelled: asyncio.Event
    ) -> None:
        for record in submission.records:
            on_result(record.mentor_id, RecordResult(record.client_key, Outcome.REGISTERED))


def test_awaiting_a_submit_waits_for_answers_still_queued() -> None:
    """Even when the gateway returns before any answer was handled, awaiting Submit
    returns only once the last answer is in the state."""

    async def scenario() -> BulkProxyState:
        bloc = BulkProxyBloc(context=CONTEXT, gateway=InstantGateway())
        await bloc.add(BulkMentorsSelected(("m01", "m02", "m03")))
        bloc._seed(attrs.evolve(bloc.state, draft=VALID_DRAFT))
        await bloc.add(BulkActivitySubmitted())
        state = bloc.state
        await bloc.close()
        return state

    state = asyncio.run(scenario())
    assert (state.phase, state.board.counts.registered) == (BulkPhase.COMPLETED, 3)


def test_a_second_submit_while_sending_is_dropped_and_reported() -> None:
    """Two presses of Submit send one submission; the second is reported as dropped."""

    async def scenario() -> tuple[int, list[str]]:
        gateway = ParkedGateway()
        bus = EventBus()
        notices: list[EventIgnored] = []
        bus.subscribe(EventIgnored, notices.append)
        bloc = BulkProxyBloc(context=CONTEXT, gateway=gateway, bus=bus)
        bloc._seed(selected("m01"))
        bloc.add(BulkActivitySubmitted())
        await asyncio.sleep(0)
        bloc.add(BulkActivitySubmitted())
        await asyncio.sleep(0)
        gateway.parked[0].released.set_result(None)
        await bloc.settled()
        await bloc.close()
        return len(gateway.parked), [n.reason.code for n in notices]

    assert asyncio.run(scenario()) == (1, ["dropped"])


def test_a_debounced_filter_applies_only_the_last_keystroke_of_a_burst() -> None:
    """With filter_debounce, typing "m", "me", "men" filters once, by "men"; the rest superseded."""

    async def scenario() -> tuple[list[str], list[str], str]:
        bus = EventBus()
        notices: list[EventIgnored] = []
        bus.subscribe(EventIgnored, notices.append)
        bloc = BulkProxyBloc(
            context=CONTEXT, gateway=ParkedGateway(), bus=bus, filter_debounce=0.01
        )
        await bloc.add(BulkFlowEntered())
        filters: list[str] = []
        bloc.listen(lambda state: filters.append(state.filter_text))
        typed = [bloc.add(BulkFilterChanged(text)) for text in ("m", "me")]
        await bloc.add(BulkFilterChanged("men"))  # awaited: the filter is applied
        applied = bloc.state.filter_text
        await asyncio.gather(*typed)
        await bloc.close()
        return filters, [n.reason.code for n in notices], applied

    assert asyncio.run(scenario()) == (["men"], ["superseded", "superseded"], "men")


def test_without_filter_debounce_every_keystroke_is_applied() -> None:
    """By default the filter is not debounced: each BulkFilterChanged is applied in turn."""

    async def scenario() -> list[str]:
        bloc = BulkProxyBloc(context=CONTEXT, gateway=ParkedGateway())
        await bloc.add(BulkFlowEntered())
        filters: list[str] = []
        bloc.listen(lambda state: filters.append(state.filter_text))
        for text in ("m", "me"):
            bloc.add(BulkFilterChanged(text))
        await bloc.settled()
        await bloc.close()
        return filters

    assert asyncio.run(scenario()) == ["m", "me"]


class BreaksAfterFirstAnswer(ParkedGateway):
    """A gateway whose connection drops after the first answer (a working fake of the port)."""

    async def submit(
        self, submission: Submission, on_result: ResultSink, cancelled: asyncio.Event
    ) -> None:
        first = submission.records[0]
        on_result(first.mentor_id, RecordResult(first.client_key, Outcome.REGISTERED, "rec-1"))
        raise ConnectionResetError("connection reset by peer")


def test_a_dropped_connection_leaves_the_unanswered_records_unknown() -> None:
    """Mentors without an answer become unknown with the reason, so Retry failed resends them."""

    async def scenario() -> BulkProxyState:
        bloc = BulkProxyBloc(context=CONTEXT, gateway=BreaksAfterFirstAnswer())
        bloc._seed(selected("m01", "m02", "m03"))
        await bloc.add(BulkActivitySubmitted())
        await bloc.close()
        return bloc.state

    state = asyncio.run(scenario())
    assert state.phase is BulkPhase.PARTIALLY_FAILED
    assert [state.board.entries[m].status for m in state.submitted] == [
        MentorStatus.REGISTERED,
        MentorStatus.UNKNOWN,
        MentorStatus.UNKNOWN,
    ]
    assert state.last_error == "No answer: connection reset by peer"


def test_results_arriving_after_switching_flows_change_nothing() -> None:
    """A bulk submission answered while the single flow is active leaves both subtrees alone,
    and every late answer is reported."""

    async def scenario() -> tuple[Any, Any, list[str]]:
        gateway = ParkedGateway()
        bus = EventBus()
        notices: list[EventIgnored] = []
        bus.subscribe(EventIgnored, notices.append)
        bloc = ProxyRegistrationBloc(context=CONTEXT, gateway=gateway, bus=bus)
        await bloc.add(BulkFlowEntered())
        bloc._seed(attrs.evolve(bloc.state, bulk=selected("m01", "m02")))
        bloc.add(BulkActivitySubmitted())
        await asyncio.sleep(0)
        await bloc.add(SingleFlowEntered())
        before = bloc.state
        parked = gateway.parked[0]
        for record in parked.submission.records:
            parked.answer(record.mentor_id, RecordResult(record.client_key, Outcome.REGISTERED))
        parked.released.set_result(None)
        await bloc.settled()
        await bloc.close()
        return before, bloc.state, [n.reason.code for n in notices]

    before, after, codes = asyncio.run(scenario())
    assert after == before
    assert after.active_flow is ActiveFlow.SINGLE
    assert codes == ["flow_inactive", "flow_inactive"]


def test_a_standalone_flow_bloc_ignores_the_other_flows_events_on_a_shared_bus() -> None:
    """Two flow blocs on one bus (the card's contingency): each takes only its own events."""

    async def scenario() -> tuple[Any, Any]:
        bus = EventBus(on_error=lambda event, error: (_ for _ in ()).throw(error))
        gateway = BulkRegistrationOrchestrator(backend())
        single = SingleProxyBloc(context=CONTEXT, gateway=gateway, bus=bus)
        bulk = BulkProxyBloc(context=CONTEXT, gateway=gateway, bus=bus)
        bus.publish(SingleMentorPicked("m01"))
        bus.publish(BulkMentorsSelected(("m02",)))
        await single.settled()
        await bulk.settled()
        await single.close()
        await bulk.close()
        return single.state, bulk.state

    single_state, bulk_state = asyncio.run(scenario())
    assert single_state.mentor_id == "m01"
    assert set(bulk_state.selected) == {"m02"}


def test_the_context_follows_the_clock() -> None:
    """With a clock, dates are judged against today, not the day the bloc was built."""
    days = iter([TODAY, TODAY.replace(day=26)])

    async def scenario() -> list[Any]:
        bloc = SingleProxyBloc(
            context=FlowContext(ROSTER, TODAY),
            gateway=BulkRegistrationOrchestrator(backend()),
            clock=lambda: next(days),
        )
        future = TODAY.replace(day=26)
        await bloc.add(SingleActivityDateChanged(future))
        first = bloc.state.errors
        await bloc.add(SingleActivityDateChanged(future))
        await bloc.close()
        return [first, bloc.state.errors]

    first, second = asyncio.run(scenario())
    assert [e.code for e in first] == ["in_future"]
    assert list(second) == []


def test_another_coordinators_mentor_cannot_be_picked() -> None:
    """A mentor on someone else's roster is refused, field-level, and nothing is selected."""
    foreign = OTHER_ROSTER.mentors[0].id

    async def scenario() -> BulkProxyState:
        bloc = BulkProxyBloc(context=CONTEXT, gateway=BulkRegistrationOrchestrator(backend()))
        await bloc.add(BulkMentorsSelected((foreign,)))
        await bloc.close()
        return bloc.state

    state = asyncio.run(scenario())
    assert (len(state.selected), [e.code for e in state.errors]) == (0, ["not_assigned"])
