"""The root reducer: one active flow, each subtree reset on entry and untouched by the other."""

from __future__ import annotations

from typing import cast

from proxyreg.flows import (
    INITIAL_BULK_STATE,
    INITIAL_REGISTRATION_STATE,
    INITIAL_SINGLE_STATE,
    ActiveFlow,
    BulkFlowEntered,
    BulkFlowExited,
    BulkMentorsSelected,
    Ignored,
    ProxyRegistrationState,
    SingleDurationChanged,
    SingleFlowEntered,
    SingleMentorPicked,
    reduce_registration,
)
from support import CONTEXT, settle


def run(
    *events: object, state: ProxyRegistrationState = INITIAL_REGISTRATION_STATE
) -> ProxyRegistrationState:
    return cast(ProxyRegistrationState, settle(reduce_registration, state, *events))


def test_events_of_an_inactive_flow_are_ignored() -> None:
    """With no flow or the other flow active, a flow's event changes nothing and says why."""
    for state in (INITIAL_REGISTRATION_STATE, run(BulkFlowEntered())):
        step = reduce_registration(state, SingleMentorPicked("m01"), CONTEXT)
        assert isinstance(step, Ignored)
        assert step.code == "flow_inactive"


def test_switching_flows_keeps_the_other_subtree_and_resets_on_return() -> None:
    """Bulk work stays in its subtree while single is active, and is reset when bulk is entered."""
    bulk = run(BulkFlowEntered(), BulkMentorsSelected(("m01", "m02")))
    single = run(
        SingleFlowEntered(), SingleMentorPicked("m03"), SingleDurationChanged(30), state=bulk
    )
    assert single.bulk == bulk.bulk
    assert single.active_flow is ActiveFlow.SINGLE
    back = run(BulkFlowEntered(), state=single)
    assert (back.bulk, back.single) == (INITIAL_BULK_STATE, single.single)
    again = run(SingleFlowEntered(), state=back)
    assert again.single is INITIAL_SINGLE_STATE


def test_leaving_a_flow_deactivates_it_and_keeps_its_subtree() -> None:
    """Exiting bulk leaves no flow active; the subtree is kept until the next entry resets it."""
    bulk = run(BulkFlowEntered(), BulkMentorsSelected(("m01",)))
    left = run(BulkFlowExited(), state=bulk)
    assert (left.active_flow, left.bulk) == (ActiveFlow.NONE, bulk.bulk)
