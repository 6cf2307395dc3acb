"""The root reducer: routes each event to its flow's reducer, and only while that flow is active."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from proxyreg.flows._common import FlowContext, Ignored, ProxyEvent
from proxyreg.flows.bulk.events import BulkEvent, BulkFlowEntered, BulkFlowExited
from proxyreg.flows.bulk.reducer import reduce_bulk
from proxyreg.flows.bulk.state import INITIAL_BULK_STATE
from proxyreg.flows.root.state import ActiveFlow, ProxyRegistrationState
from proxyreg.flows.single.events import SingleEvent, SingleFlowEntered, SingleFlowExited
from proxyreg.flows.single.reducer import reduce_single
from proxyreg.flows.single.state import INITIAL_SINGLE_STATE
from proxyreg.frozen import evolve

RootStep = ProxyRegistrationState | Ignored


@attrs.frozen
class _Subtree:
    """One flow as the root sees it: its events, its field, its initial value, its reducer."""

    events: type[ProxyEvent]
    flow: ActiveFlow
    field: str
    initial: Any
    entered: type[ProxyEvent]
    exited: type[ProxyEvent]
    reduce: Callable[[Any, Any, FlowContext], Any]


_SUBTREES = (
    _Subtree(
        SingleEvent,
        ActiveFlow.SINGLE,
        "single",
        INITIAL_SINGLE_STATE,
        SingleFlowEntered,
        SingleFlowExited,
        reduce_single,
    ),
    _Subtree(
        BulkEvent,
        ActiveFlow.BULK,
        "bulk",
        INITIAL_BULK_STATE,
        BulkFlowEntered,
        BulkFlowExited,
        reduce_bulk,
    ),
)


def _route(
    tree: _Subtree, state: ProxyRegistrationState, event: ProxyEvent, ctx: FlowContext
) -> RootStep:
    if isinstance(event, tree.entered):
        return evolve(state, active_flow=tree.flow, **{tree.field: tree.initial})
    if state.active_flow is not tree.flow:
        return Ignored(
            "flow_inactive",
            f"The {tree.flow.value} flow is not active (active: {state.active_flow.value}).",
        )
    if isinstance(event, tree.exited):
        return evolve(state, active_flow=ActiveFlow.NONE)
    current = getattr(state, tree.field)
    step = tree.reduce(current, event, ctx)
    if isinstance(step, Ignored):
        return step
    return state if step is current else evolve(state, **{tree.field: step})


def reduce_registration(
    state: ProxyRegistrationState, event: ProxyEvent, ctx: FlowContext
) -> RootStep:
    """The next root state, or why the event changes nothing.

    Entering a flow resets its subtree; an event of an inactive flow changes
    nothing; an event of one flow never touches the other flow's subtree.
    """
    for tree in _SUBTREES:
        if isinstance(event, tree.events):
            return _route(tree, state, event, ctx)
    return Ignored("not_allowed", f"{type(event).__name__} is not a proxy registration event.")
