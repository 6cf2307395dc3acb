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
    kind: str | None
    field: ClassVar[str] = "kind"


@attrs.frozen
class SingleActivityDateChanged(SingleEvent, DraftFieldChanged):
    date: dt.date | None
    field: ClassVar[str] = "date"


@attrs.frozen
class SingleDurationChanged(SingleEvent, DraftFieldChanged):
    minutes: int | None
    field: ClassVar[str] = "minutes"


@attrs.frozen
class SingleNotesChanged(SingleEvent, DraftFieldChanged):
    notes: str
    field: ClassVar[str] = "notes"


@attrs.frozen
class SingleParticipantsChanged(SingleEvent, DraftFieldChanged):
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
