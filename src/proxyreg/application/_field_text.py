"""Reading what a coordinator typed into a number or date field: one rule for every front end.

The rule is what the forms promise, and nothing more: a whole number is ASCII digits
with an optional sign (``45``, ``+30``, ``-3``); a date is ``YYYY-MM-DD``, or the word
``today`` or ``yesterday`` (any case), read against the caller's today. Python's ``int()`` and
``date.fromisoformat`` also take ``1_000``, digits of other scripts (``٣٠``) and
``20261125``, which nobody reading the form would expect to be accepted: those are
unreadable here. Surrounding spaces are ignored; empty text is no value, unless the
field must be given (an option on the command line), when it is unreadable too.

Reading is not judging: whether 45 minutes or that date is allowed is the domain's to
say, through the bloc.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import attrs

from proxyreg.domain import FieldError

WHOLE_NUMBER_FIELDS = frozenset({"minutes", "participants"})
DATE_FIELDS = frozenset({"date"})

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_RELATIVE_DAYS = {"today": 0, "yesterday": 1}
"""The words a date field takes besides ``YYYY-MM-DD``: how many days before today."""
_ECHOED = 40
"""At most this many characters of a text are repeated in its message."""


@attrs.frozen
class FieldReading:
    """What a field's text stands for: ``value`` (None when empty or unreadable) and,
    when the text cannot be read, ``error`` saying why."""

    value: int | dt.date | None
    error: FieldError | None = None

    @property
    def whole_number(self) -> int | None:
        """The value of a whole-number field (None unless the text read as one)."""
        return self.value if isinstance(self.value, int) else None

    @property
    def date(self) -> dt.date | None:
        """The value of a date field (None unless the text read as one)."""
        return self.value if isinstance(self.value, dt.date) else None


def read_whole_number(field: str, text: str, *, required: bool = False) -> FieldReading:
    """``text`` read as a whole number for ``field`` (``required``: empty is unreadable)."""
    stripped = text.strip()
    if not stripped and not required:
        return FieldReading(None)
    if _WHOLE_NUMBER.fullmatch(stripped):
        with contextlib.suppress(ValueError):  # past Python's digit limit: unreadable
            return FieldReading(int(stripped))
    return FieldReading(
        None,
        FieldError(field, "wrong_type", f"Enter a whole number, not {_echo(text)}."),
    )


def read_date(
    field: str, text: str, *, required: bool = False, today: dt.date | None = None
) -> FieldReading:
    """``text`` read as a calendar date (``YYYY-MM-DD``, ``today`` or ``yesterday``) for
    ``field`` (``required``: empty is unreadable; ``today``: the day the words count
    from, default the real date)."""
    stripped = text.strip()
    if not stripped and not required:
        return FieldReading(None)
    days_ago = _RELATIVE_DAYS.get(stripped.lower())
    if days_ago is not None:
        return FieldReading((today or dt.date.today()) - dt.timedelta(days=days_ago))
    if not _ISO_DATE.fullmatch(stripped):
        return FieldReading(
            None,
            FieldError(
                field,
                "wrong_format",
                f"Enter the date as YYYY-MM-DD, today or yesterday, not {_echo(text)}.",
            ),
        )
    try:
        return FieldReading(dt.date.fromisoformat(stripped))
    except ValueError:
        return FieldReading(None, FieldError(field, "no_such_day", f"There is no day {stripped}."))


def read_field_text(field: str, text: str) -> FieldReading | None:
    """``text`` read for a number or date field; None for a field that is text as typed."""
    if field in WHOLE_NUMBER_FIELDS:
        return read_whole_number(field, text)
    if field in DATE_FIELDS:
        return read_date(field, text)
    return None


def text_of(value: object) -> str:
    """The text that shows a field's value (the inverse of reading it)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _echo(text: str) -> str:
    return repr(text if len(text) <= _ECHOED else text[:_ECHOED] + "…")
