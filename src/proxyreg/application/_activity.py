"""An activity as a front end gives it, read from its text but not yet judged."""

from __future__ import annotations

import datetime as dt

import attrs

from proxyreg.application._errors import BadInput
from proxyreg.application._field_text import read_date, read_whole_number


@attrs.frozen
class ActivityFields:
    """The activity's fields, read but not yet judged (the bloc says what is allowed)."""

    kind: str
    date: dt.date
    minutes: int
    notes: str = ""
    participants: int | None = None


def read_activity(
    kind: str,
    date: str,
    minutes: str,
    notes: str = "",
    participants: str | None = None,
) -> ActivityFields:
    """The activity given as text, read with the one field-text rule.

    The date and minutes must be given; participants may be left out (None), but text
    given for them must read. Every field that cannot be read is named at once, as
    `BadInput`.
    """
    day = read_date("date", date, required=True)
    length = read_whole_number("minutes", minutes, required=True)
    count = (
        None
        if participants is None
        else read_whole_number("participants", participants, required=True)
    )
    readings = (day, length) if count is None else (day, length, count)
    errors = [r.error for r in readings if r.error is not None]
    if errors or day.date is None or length.whole_number is None:
        raise BadInput(errors)
    return ActivityFields(
        kind, day.date, length.whole_number, notes, None if count is None else count.whole_number
    )
