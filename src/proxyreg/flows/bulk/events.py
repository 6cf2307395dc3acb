"""Events of the bulk flow: one coordinator registering one activity for many mentors."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from proxyreg.domain import LedgerEntry, RecordResult
from proxyreg.flows._common import DraftFieldChanged, ProxyEvent, SubmitPressed


@attrs.frozen
class BulkEvent(ProxyEvent):
    """Base of the bulk flow's events."""


@attrs.frozen
class BulkFlowEntered(BulkEvent):
    """The coordinator opened the bulk screen: its subtree starts over from initial."""


@attrs.frozen
class BulkFlowExited(BulkEvent):
    """The coordinator left the bulk screen: no flow is active (a submission keeps going)."""


@attrs.frozen
class BulkMentorsSelected(BulkEvent):
    """These mentors were ticked. All or none: one mentor not allowed selects none of them."""

    mentor_ids: tuple[str, ...]


@attrs.frozen
class BulkMentorsDeselected(BulkEvent):
    """These mentors were unticked; ids not selected are passed over."""

    mentor_ids: tuple[str, ...]


@attrs.frozen
class BulkAllMentorsSelected(BulkEvent):
    """Select all: every active mentor the filter shows (paused mentors are left out)."""


@attrs.frozen
class BulkSelectionCleared(BulkEvent):
    """Every mentor unticked."""


@attrs.frozen
class BulkFilterChanged(BulkEvent):
    """The search box: mentors whose name contains ``text`` (any case) are shown."""

    text: str


@attrs.frozen
class BulkActivityKindChanged(BulkEvent, DraftFieldChanged):
    """The kind was chosen (None clears it); it decides if a participant count is needed,
    on the shared bulk form."""

    kind: str | None
    field: ClassVar[str] = "kind"


@attrs.frozen
class BulkActivityDateChanged(BulkEvent, DraftFieldChanged):
    """The date of the activity was set (None clears it) on the shared bulk form."""

    date: dt.date | None
    field: ClassVar[str] = "date"


@attrs.frozen
class BulkDurationChanged(BulkEvent, DraftFieldChanged):
    """The duration in minutes was set (None clears it) on the shared bulk form."""

    minutes: int | None
    field: ClassVar[str] = "minutes"


@attrs.frozen
class BulkNotesChanged(BulkEvent, DraftFieldChanged):
    """The notes were edited on the shared bulk form."""

    notes: str
    field: ClassVar[str] = "notes"


@attrs.frozen
class BulkParticipantsChanged(BulkEvent, DraftFieldChanged):
    """The participant count was set (None clears it) on the shared bulk form."""

    participants: int | None
    field: ClassVar[str] = "participants"


@attrs.frozen
class BulkActivitySubmitted(BulkEvent, SubmitPressed):
    """Submit pressed. The bloc stamps ``submission_id`` when the UI leaves it None."""

    submission_id: str | None = None


@attrs.frozen
class BulkRecordResultReceived(BulkEvent):
    """The backend's answer for one mentor's record of submission ``submission_id``."""

    submission_id: str
    mentor_id: str
    result: RecordResult


@attrs.frozen
class BulkSubmissionFailed(BulkEvent):
    """The submission broke off as a whole: every record still pending becomes unknown."""

    submission_id: str
    message: str


@attrs.frozen
class BulkRetryFailedRequested(BulkEvent):
    """Retry failed: resend exactly the failed and unknown records, same client keys."""


@attrs.frozen
class BulkSubmissionCancelled(BulkEvent):
    """Cancel pressed while sending: nothing more is sent; what is in flight still settles."""


@attrs.frozen
class BulkSubmissionRestored(BulkEvent):
    """The last submission, from the ledger, offered on entering the bulk screen.

    Applies only to a bulk screen just entered (nothing selected or typed yet).
    """

    entry: LedgerEntry


@attrs.frozen
class BulkNewSubmissionStarted(BulkEvent):
    """ "New submission" on a settled (or restored) screen: back to an empty form.

    The submission shown is kept in the ledger; only the screen starts over.
    """
