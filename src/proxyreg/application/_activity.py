"""An activity as a front end gives it, read from its text but not yet judged."""

from __future__ import annotations

import datetime as dt

import attrs

from proxyreg.application._errors import BadInput
from proxyreg.application._field_text import read_date, read_whole_number
from proxyreg.domain import (
    DEFAULT_RULES,
    ActivityDraft,
    FieldError,
    ValidationRules,
    validate_draft,
)

FORM_ORDER = ("mentor", "mentors", "kind", "date", "minutes", "notes", "participants")
"""The order problems are named in: the form's, top to bottom."""


@attrs.frozen
class ActivityFields:
    """The activity's fields, read but not yet judged (the bloc says what is allowed)."""

    kind: str
    date: dt.date
    minutes: int
    notes: str = ""
    participants: int | None = None


@attrs.frozen
class ActivityReading:
    """The activity's text as far as it reads: each field's value (None when not given or
    unreadable) and ``errors``, one per field whose text cannot be read.

    A front end that reports every problem at once judges the draft
    (`RegistrationSession.bulk_problems`, `single_problems`) beside these errors.
    """

    draft: ActivityDraft
    errors: tuple[FieldError, ...] = ()

    @property
    def fields(self) -> ActivityFields | None:
        """The fields to submit; None while a field is unreadable or one that must be given
        (kind, date, minutes) is missing."""
        d = self.draft
        if self.errors or d.kind is None or d.date is None or d.minutes is None:
            return None
        return ActivityFields(d.kind, d.date, d.minutes, d.notes, d.participants)

    @property
    def unreadable(self) -> frozenset[str]:
        """The fields whose text cannot be read."""
        return frozenset(e.field for e in self.errors)


def read_activity_text(
    kind: str | None,
    date: str | None,
    minutes: str | None,
    notes: str = "",
    participants: str | None = None,
    *,
    today: dt.date | None = None,
) -> ActivityReading:
    """The activity given as text (None: not given), read with the one field-text rule.

    Never raises: each field that cannot be read is one error of the answer, and a field
    not given is left for the domain to call missing. ``today`` is the day ``today`` and
    ``yesterday`` count from (default the real date).
    """
    day = None if date is None else read_date("date", date, required=True, today=today)
    length = None if minutes is None else read_whole_number("minutes", minutes, required=True)
    count = (
        None
        if participants is None
        else read_whole_number("participants", participants, required=True)
    )
    readings = [r for r in (day, length, count) if r is not None]
    draft = ActivityDraft(
        kind=kind,
        date=None if day is None else day.date,
        minutes=None if length is None else length.whole_number,
        notes=notes,
        participants=None if count is None else count.whole_number,
    )
    return ActivityReading(draft, tuple(r.error for r in readings if r.error is not None))


def activity_problems(
    reading: ActivityReading,
    judged: tuple[FieldError, ...] = (),
    *,
    today: dt.date | None = None,
    rules: ValidationRules = DEFAULT_RULES,
) -> tuple[FieldError, ...]:
    """Every problem of the activity, in form order: the text that cannot be read and the
    domain's judgement of the rest (``today``: the day it judges against, default the real
    date), with ``judged`` (the mentors' problems, say) in their place."""
    draft_errors = validate_draft(reading.draft, rules, today or dt.date.today()).errors
    unreadable = reading.unreadable
    found = [e for e in (*judged, *draft_errors) if e.field not in unreadable]
    found.extend(reading.errors)
    return tuple(sorted(found, key=_form_position))


def _form_position(error: FieldError) -> int:
    return FORM_ORDER.index(error.field) if error.field in FORM_ORDER else len(FORM_ORDER)


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
    reading = read_activity_text(kind, date, minutes, notes, participants)
    fields = reading.fields
    if fields is None:
        raise BadInput(reading.errors)
    return fields
