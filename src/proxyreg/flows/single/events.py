"""Events of the single flow: one coordinator registering one activity for one mentor."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from proxyreg.domain import RecordResult
from proxyreg.flows._common import DraftFieldChanged, ProxyEvent, SubmitPressed


@attrs.frozen
class SingleEvent(ProxyEvent):
    """Base of the single flow's events."""


@attrs.frozen
class SingleFlowEntered(SingleEvent):
    """The coordinator opened the single form: its subtree starts over from initial."""


@attrs.frozen
class SingleFlowExited(SingleEvent):
    """The coordinator left the single form: no flow is active."""


@attrs.frozen
class SingleMentorPicked(SingleEvent):
    """The coordinator chose the mentor to register for."""

    mentor_id: str


@attrs.frozen
class SingleActivityKindChanged(SingleEvent, DraftFieldChanged):
    """The kind was chosen (None clears it); it decides if a participant count is needed,
    on the single form."""

    kind: str | None
    field: ClassVar[str] = "kind"


@attrs.frozen
class SingleActivityDateChanged(SingleEvent, DraftFieldChanged):
    """The date of the activity was set (None clears it) on the single form."""

    date: dt.date | None
    field: ClassVar[str] = "date"


@attrs.frozen
class SingleDurationChanged(SingleEvent, DraftFieldChanged):
    """The duration in minutes was set (None clears it) on the single form."""

    minutes: int | None
    field: ClassVar[str] = "minutes"


@attrs.frozen
class SingleNotesChanged(SingleEvent, DraftFieldChanged):
    """The notes were edited on the single form."""

    notes: str
    field: ClassVar[str] = "notes"


@attrs.frozen
class SingleParticipantsChanged(SingleEvent, DraftFieldChanged):
    """The participant count was set (None clears it) on the single form."""

    participants: int | None
    field: ClassVar[str] = "participants"


@attrs.frozen
class SingleActivitySubmitted(SingleEvent, SubmitPressed):
    """Submit pressed. The bloc stamps ``submission_id`` when the UI leaves it None."""

    submission_id: str | None = None


@attrs.frozen
class SingleOutcomeReceived(SingleEvent):
    """The backend's answer for the record of submission ``submission_id``."""

    submission_id: str
    result: RecordResult
