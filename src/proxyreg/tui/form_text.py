"""What the form's text boxes hold, turned into draft values and back.

This is conversion, not validation: text that is a whole number or an ISO date
becomes one; anything else goes to the engine as typed, and the engine's
validation names what is wrong with it ("The duration must be a whole number.").
The draft is documented to hold whatever the UI sent.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

# Fields whose text is a whole number, and the one that is a date.
WHOLE_NUMBER_FIELDS = frozenset({"minutes", "participants"})
DATE_FIELD = "date"


def value_of(field: str, text: str) -> object:
    """The draft value ``text`` stands for: None when empty, the text itself when unreadable."""
    stripped = text.strip()
    if field in WHOLE_NUMBER_FIELDS or field == DATE_FIELD:
        if not stripped:
            return None
        try:
            return (
                int(stripped) if field in WHOLE_NUMBER_FIELDS else dt.date.fromisoformat(stripped)
            )
        except ValueError:
            return text
    return text


def text_of(value: object) -> str:
    """The text box content that shows a draft value."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def as_whole_number(value: object) -> int | None:
    """The value typed for an ``int | None`` event field.

    Unreadable text is passed on as it is (the draft accepts it, and validation
    answers ``wrong_type``); the cast only tells the type checker so.
    """
    return cast("int | None", value)


def as_date(value: object) -> dt.date | None:
    """The value typed for a ``date | None`` event field; see `as_whole_number`."""
    return cast("dt.date | None", value)
