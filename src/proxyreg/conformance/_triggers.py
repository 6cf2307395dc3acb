"""Which lifecycle trigger each event pulls, and the edges a pair of states took.

Reducers name their triggers inline; this table states the same mapping once,
for diagrams and coverage. It is checked, not trusted: a replayed step whose
phase changes along no declared edge of its event's trigger is a failure.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from proxyreg import flows
from proxyreg.flows import BULK_LIFECYCLE, SINGLE_LIFECYCLE, Lifecycle

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
    """One declared transition, as coverage counts it: flow, source, trigger, destination."""

    flow: str
    source: str
    trigger: str
    dest: str

    def __str__(self) -> str:
        return f"{self.flow}: {self.source} --{self.trigger}--> {self.dest}"


@attrs.frozen
class FlowMachine:
    """A flow's lifecycle with its events' triggers, and where its phase sits in a state."""

    lifecycle: Lifecycle[Any]
    triggers: dict[type[flows.ProxyEvent], str | None]
    event_base: type[flows.ProxyEvent]

    def declared(self) -> tuple[EdgeKey, ...]:
        """Every declared edge, once each (distinct guards lead to distinct destinations)."""
        keys = [
            _key(self.lifecycle.name, e.source, e.trigger, e.dest) for e in self.lifecycle.edges()
        ]
        if len(set(keys)) != len(keys):  # pragma: no cover - a guard for future machines
            raise ValueError(f"{self.lifecycle.name}: two edges share source, trigger and dest")
        return tuple(keys)

    def events_of(self, trigger: str) -> tuple[str, ...]:
        return tuple(e.__name__ for e, t in self.triggers.items() if t == trigger)


def _key(flow: str, source: enum.Enum, trigger: str, dest: enum.Enum) -> EdgeKey:
    return EdgeKey(flow, source.value, trigger, dest.value)


MACHINES = (
    FlowMachine(SINGLE_LIFECYCLE, SINGLE_TRIGGERS, flows.SingleEvent),
    FlowMachine(BULK_LIFECYCLE, BULK_TRIGGERS, flows.BulkEvent),
)


_DECLARED = {machine.lifecycle.name: frozenset(machine.declared()) for machine in MACHINES}


def all_edges() -> tuple[EdgeKey, ...]:
    return tuple(key for machine in MACHINES for key in machine.declared())


def _phase(state: object, machine: FlowMachine) -> enum.Enum:
    subtree = getattr(state, machine.lifecycle.name, state)
    phase: enum.Enum = subtree.phase  # type: ignore[attr-defined]
    return phase


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
        source, dest = _phase(before, machine), _phase(after, machine)
        key = _key(machine.lifecycle.name, source, trigger, dest)
        if key in _DECLARED[machine.lifecycle.name]:
            return key
        if source != dest:
            raise UndeclaredTransition(key)
        return None
    return None


class UndeclaredTransition(AssertionError):
    """A step moved a flow's phase along no edge its lifecycle declares."""

    def __init__(self, key: EdgeKey) -> None:
        super().__init__(f"undeclared transition {key}")
        self.key = key
