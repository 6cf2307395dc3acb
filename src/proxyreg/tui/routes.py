"""Which engine event each thing the coordinator does becomes, in the flow that is active."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from proxyreg.application import read_date, read_whole_number
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    ActiveFlow,
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkNewSubmissionStarted,
    BulkNotesChanged,
    BulkParticipantsChanged,
    ProxyEvent,
    ProxyRegistrationState,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleDurationChanged,
    SingleFlowEntered,
    SingleNotesChanged,
    SingleParticipantsChanged,
)

FieldEvent = Callable[[str | None], ProxyEvent]
"""The edit event of a field, from its text (the kind: its id; None: nothing chosen)."""


def _date(text: str | None) -> dt.date | None:
    return read_date("date", text or "").date


def _whole_number(field: str) -> Callable[[str | None], int | None]:
    return lambda text: read_whole_number(field, text or "").whole_number


def _notes(text: str | None) -> str:
    return text or ""


_minutes = _whole_number("minutes")
_participants = _whole_number("participants")


_FIELD_EVENTS: dict[ActiveFlow, dict[str, FieldEvent]] = {
    ActiveFlow.SINGLE: {
        "kind": SingleActivityKindChanged,
        "date": lambda t: SingleActivityDateChanged(_date(t)),
        "minutes": lambda t: SingleDurationChanged(_minutes(t)),
        "participants": lambda t: SingleParticipantsChanged(_participants(t)),
        "notes": lambda t: SingleNotesChanged(_notes(t)),
    },
    ActiveFlow.BULK: {
        "kind": BulkActivityKindChanged,
        "date": lambda t: BulkActivityDateChanged(_date(t)),
        "minutes": lambda t: BulkDurationChanged(_minutes(t)),
        "participants": lambda t: BulkParticipantsChanged(_participants(t)),
        "notes": lambda t: BulkNotesChanged(_notes(t)),
    },
}


def field_event(flow: ActiveFlow, field: str, text: str | None) -> ProxyEvent | None:
    """The edit event of ``field`` in ``flow``, its text read with the application's one
    rule (unreadable text is no value; the form says why), or None when no flow is active."""
    events = _FIELD_EVENTS.get(flow)
    return None if events is None else events[field](text)


def entry_events(flow: ActiveFlow, today: dt.date) -> tuple[ProxyEvent, ...]:
    """Entering ``flow`` afresh: its reset-on-entry event; the single form is dated today
    at once (the bulk form once its last submission is known: see `bulk_dated_today`)."""
    if flow is ActiveFlow.BULK:
        return (BulkFlowEntered(),)
    if flow is ActiveFlow.SINGLE:
        return SingleFlowEntered(), SingleActivityDateChanged(today)
    return ()


def bulk_dated_today(state: ProxyRegistrationState, today: dt.date) -> ProxyEvent | None:
    """Today's date for a bulk form that is fresh (nothing typed, nothing restored: only an
    untouched screen takes the last submission), else None."""
    if state.active_flow is ActiveFlow.BULK and state.bulk == INITIAL_BULK_STATE:
        return BulkActivityDateChanged(today)
    return None


def new_submission_events(today: dt.date) -> tuple[ProxyEvent, ...]:
    """ "New submission" on a settled bulk screen: an empty form dated today."""
    return BulkNewSubmissionStarted(), BulkActivityDateChanged(today)
