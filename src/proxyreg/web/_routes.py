"""Which engine event each thing the coordinator does on the page becomes, in the active flow.

Text is read with the application's one field-text rule; unreadable text is no value
(the page says why beside the field). Whether a value is allowed is the bloc's to say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from proxyreg.application import read_date, read_whole_number
from proxyreg.flows import (
    ActiveFlow,
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkDurationChanged,
    BulkNotesChanged,
    BulkParticipantsChanged,
    ProxyEvent,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleDurationChanged,
    SingleNotesChanged,
    SingleParticipantsChanged,
)

FIELDS = ("kind", "date", "minutes", "participants", "notes")
"""The activity form's fields, in the order the page shows them."""


def _date(text: str) -> dt.date | None:
    return read_date("date", text).date


def _number(field: str) -> Callable[[str], int | None]:
    return lambda text: read_whole_number(field, text).whole_number


def _kind(text: str) -> str | None:
    return text or None


_minutes, _participants = _number("minutes"), _number("participants")

_EVENTS: dict[ActiveFlow, dict[str, Callable[[str], ProxyEvent]]] = {
    ActiveFlow.SINGLE: {
        "kind": lambda t: SingleActivityKindChanged(_kind(t)),
        "date": lambda t: SingleActivityDateChanged(_date(t)),
        "minutes": lambda t: SingleDurationChanged(_minutes(t)),
        "participants": lambda t: SingleParticipantsChanged(_participants(t)),
        "notes": SingleNotesChanged,
    },
    ActiveFlow.BULK: {
        "kind": lambda t: BulkActivityKindChanged(_kind(t)),
        "date": lambda t: BulkActivityDateChanged(_date(t)),
        "minutes": lambda t: BulkDurationChanged(_minutes(t)),
        "participants": lambda t: BulkParticipantsChanged(_participants(t)),
        "notes": BulkNotesChanged,
    },
}


def field_event(flow: ActiveFlow, field: str, text: str | None) -> ProxyEvent | None:
    """The edit event of ``field`` in ``flow`` for what its box holds (the kind: its id),
    or None when no flow is active."""
    events = _EVENTS.get(flow)
    return None if events is None else events[field](text or "")
