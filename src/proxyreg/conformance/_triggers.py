"""Which lifecycle trigger each event pulls, and the edges a pair of states took.

Reducers name their triggers inline; this table states the same mapping once,
for diagrams and coverage. It is checked, not trusted: a replayed step whose
phase changes along no declared edge of its event's trigger is a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from proxyreg import flows
from proxyreg.flows import BULK_LIFECYCLE, SINGLE_LIFECYCLE, Edge, Lifecycle

_EDIT = "edit"

SINGLE_TRIGGERS: dict[type[flows.ProxyEvent], str | None] = {
    flows.SingleFlowEntered: None,
    flows.SingleFlowExited: None,
    flows.SingleMentorPicked: _EDIT,
    flows.SingleActivityKindChanged: _EDIT,
    flows.SingleActivityDateChanged: _EDIT,
    flows.SingleDurationChanged: _EDIT,
    flows.SingleNotesChanged: _EDIT,
    flows.SingleParticipantsChanged: _EDIT,
    flows.SingleActivitySubmitted: "submit",
    flows.SingleOutcomeReceived: "resolve",
}

BULK_TRIGGERS: dict[type[flows.ProxyEvent], str | None] = {
    flows.BulkFlowEntered: None,
    flows.BulkFlowExited: None,
    flows.BulkMentorsSelected: _EDIT,
    flows.BulkMentorsDeselected: _EDIT,
    flows.BulkAllMentorsSelected: _EDIT,
    flows.BulkSelectionCleared: _EDIT,
    flows.BulkFilterChanged: _EDIT,
    flows.BulkActivityKindChanged: _EDIT,
    flows.BulkActivityDateChanged: _EDIT,
    flows.BulkDurationChanged: _EDIT,
    flows.BulkNotesChanged: _EDIT,
    flows.BulkParticipantsChanged: _EDIT,
    flows.BulkActivitySubmitted: "submit",
    flows.BulkRecordResultReceived: "record_result",
    flows.BulkSubmissionFailed: "abort",
    flows.BulkSubmissionCancelled: "cancel",
    flows.BulkSubmissionRestored: "restore",
    flows.BulkNewSubmissionStarted: "start_over",
    flows.BulkRetryFailedRequested: "retry_failed",
}


@attrs.frozen(order=True)
class EdgeKey:
    """One declared transition, as coverage counts it: flow, source, trigger, guards, destination.

    ``guards`` is the edge's label (``record_result [has_pending]``), so two edges
    between the same phases on the same trigger count apart when their guards differ.
    """

    flow: str
    source: str
    trigger: str
    dest: str
    guards: str = ""

    def __str__(self) -> str:
        label = f"{self.trigger} {self.guards}" if self.guards else self.trigger
        return f"{self.flow}: {self.source} --{label}--> {self.dest}"


GuardArgs = Callable[[Any, Any, Any], tuple[object, ...]]
"""(subtree before, event, subtree after) → the arguments the reducer gave the guards."""


@attrs.frozen
class FlowMachine:
    """A flow's lifecycle with its events' triggers, and where its phase sits in a state."""

    lifecycle: Lifecycle[Any]
    triggers: dict[type[flows.ProxyEvent], str | None]
    event_base: type[flows.ProxyEvent]
    guard_args: dict[str, GuardArgs] = attrs.field(factory=dict)

    def declared(self) -> tuple[EdgeKey, ...]:
        """Every declared edge, once each; two alike in every part, guards included, are refused."""
        keys = [_key(self.lifecycle.name, e) for e in self.lifecycle.edges()]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.lifecycle.name}: two edges alike, guards included")
        return tuple(keys)

    def events_of(self, trigger: str) -> tuple[str, ...]:
        return tuple(e.__name__ for e, t in self.triggers.items() if t == trigger)


def _key(flow: str, edge: Edge[Any]) -> EdgeKey:
    guards = edge.label()[len(edge.trigger) :].strip()
    return EdgeKey(flow, edge.source.value, edge.trigger, edge.dest.value, guards)


def _errors_after(before: Any, event: Any, after: Any) -> tuple[object, ...]:
    return (after.errors,)


def _outcome_after(before: Any, event: Any, after: Any) -> tuple[object, ...]:
    return (after.outcome,)


def _counts_after(before: Any, event: Any, after: Any) -> tuple[object, ...]:
    return (after.board.counts,)


def _counts_before(before: Any, event: Any, after: Any) -> tuple[object, ...]:
    return (before.board.counts,)


# What each guarded trigger's guards were given, read back from the states around it.
MACHINES = (
    FlowMachine(
        SINGLE_LIFECYCLE,
        SINGLE_TRIGGERS,
        flows.SingleEvent,
        {"submit": _errors_after, "resolve": _outcome_after},
    ),
    FlowMachine(
        BULK_LIFECYCLE,
        BULK_TRIGGERS,
        flows.BulkEvent,
        {
            "submit": _errors_after,
            "record_result": _counts_after,
            "abort": _counts_after,
            "restore": _counts_after,
            "retry_failed": _counts_before,
        },
    ),
)


# Built once at import, so two edges alike in every part fail at once.
_DECLARED = {machine.lifecycle.name: frozenset(machine.declared()) for machine in MACHINES}


def all_edges() -> tuple[EdgeKey, ...]:
    return tuple(key for machine in MACHINES for key in machine.declared())


def _subtree(state: object, machine: FlowMachine) -> Any:
    return getattr(state, machine.lifecycle.name, state)


def edge_taken(before: object, event: flows.ProxyEvent, after: object) -> EdgeKey | None:
    """The declared edge an applied event took from ``before`` to ``after``, if any.

    None when the event pulls no trigger (entering or leaving a flow) or when a
    guard refused it and the phase stayed. Raises `UndeclaredTransition` when the
    phase changed along no declared edge.
    """
    for machine in MACHINES:
        if not isinstance(event, machine.event_base):
            continue
        trigger = machine.triggers.get(type(event))
        if trigger is None:
            return None
        old, new = _subtree(before, machine), _subtree(after, machine)
        args = machine.guard_args.get(trigger, _no_args)(old, event, new)
        edge = machine.lifecycle.edge(old.phase, trigger, *args)
        if edge is not None and edge.dest is new.phase:
            return _key(machine.lifecycle.name, edge)
        if old.phase != new.phase:
            raise UndeclaredTransition(
                EdgeKey(machine.lifecycle.name, old.phase.value, trigger, new.phase.value)
            )
        return None
    return None


def _no_args(before: Any, event: Any, after: Any) -> tuple[object, ...]:
    return ()


class UndeclaredTransition(AssertionError):
    """A step moved a flow's phase along no edge its lifecycle declares."""

    def __init__(self, key: EdgeKey) -> None:
        super().__init__(f"undeclared transition {key}")
        self.key = key
