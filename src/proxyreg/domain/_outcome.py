"""What the backend answered for one record."""

from __future__ import annotations

import enum

import attrs


class Outcome(enum.Enum):
    """The answer for one proxy record."""

    REGISTERED = "registered"
    """Stored now; carries the new record id."""
    ALREADY_REGISTERED = "already_registered"
    """A replay of a stored client key; carries the original record id."""
    REJECTED = "rejected"
    """Invalid or forbidden: retrying will not help, the draft needs an edit."""
    FAILED = "failed"
    """Transient (rate limit, unavailable): safe to retry with the same client key."""
    UNKNOWN = "unknown"
    """No answer (timeout, dropped connection): may have landed; reconcile before retrying."""

    @property
    def is_success(self) -> bool:
        return self in (Outcome.REGISTERED, Outcome.ALREADY_REGISTERED)

    @property
    def is_retryable(self) -> bool:
        return self in (Outcome.FAILED, Outcome.UNKNOWN)


@attrs.frozen
class RecordResult:
    """One record's outcome, with the message a coordinator reads next to the mentor's name."""

    client_key: str
    outcome: Outcome
    record_id: str | None = None
    code: str | None = None
    message: str = ""
