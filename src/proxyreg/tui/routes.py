"""Which engine event each thing the coordinator does becomes, in the flow that is active."""

from __future__ import annotations

from collections.abc import Callable

from proxyreg.flows import (
    ActiveFlow,
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkDurationChanged,
    BulkMentorsDeselected,
    BulkMentorsSelected,
    BulkNotesChanged,
    BulkParticipantsChanged,
    ProxyEvent,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleMentorPicked,
    SingleNotesChanged,
    SingleParticipantsChanged,
)
from proxyreg.tui.form_text import as_date, as_whole_number

FieldEvent = Callable[[object], ProxyEvent]


def _kind(value: object) -> str | None:
    return None if value is None else str(value)


def _notes(value: object) -> str:
    return "" if value is None else str(value)


_FIELD_EVENTS: dict[ActiveFlow, dict[str, FieldEvent]] = {
    ActiveFlow.SINGLE: {
        "kind": lambda v: SingleActivityKindChanged(_kind(v)),
        "date": lambda v: SingleActivityDateChanged(as_date(v)),
        "minutes": lambda v: SingleDurationChanged(as_whole_number(v)),
        "participants": lambda v: SingleParticipantsChanged(as_whole_number(v)),
        "notes": lambda v: SingleNotesChanged(_notes(v)),
    },
    ActiveFlow.BULK: {
        "kind": lambda v: BulkActivityKindChanged(_kind(v)),
        "date": lambda v: BulkActivityDateChanged(as_date(v)),
        "minutes": lambda v: BulkDurationChanged(as_whole_number(v)),
        "participants": lambda v: BulkParticipantsChanged(as_whole_number(v)),
        "notes": lambda v: BulkNotesChanged(_notes(v)),
    },
}


def field_event(flow: ActiveFlow, field: str, value: object) -> ProxyEvent | None:
    """The edit event of ``field`` in ``flow``, or None when no flow is active."""
    events = _FIELD_EVENTS.get(flow)
    return None if events is None else events[field](value)


def mentor_event(flow: ActiveFlow, mentor_id: str, ticked: bool) -> ProxyEvent | None:
    """A tick in the mentor list: bulk ticks and unticks; single picks the ticked mentor."""
    if flow is ActiveFlow.BULK:
        return BulkMentorsSelected((mentor_id,)) if ticked else BulkMentorsDeselected((mentor_id,))
    if flow is ActiveFlow.SINGLE and ticked:
        return SingleMentorPicked(mentor_id)
    return None


def submit_event(flow: ActiveFlow) -> ProxyEvent | None:
    """Submit in the active flow (the bloc stamps the submission id)."""
    if flow is ActiveFlow.BULK:
        return BulkActivitySubmitted()
    if flow is ActiveFlow.SINGLE:
        return SingleActivitySubmitted()
    return None
