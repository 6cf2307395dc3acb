"""The repository port: what every backend (in-memory, SQLite, PostgreSQL, Supabase) promises.

The edge behaviour is stated here, once, and the contract tests hold every
adapter to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from proxyreg.domain import (
    CONFLICT,
    CONFLICT_MESSAGE,
    FORBIDDEN,
    FORBIDDEN_MESSAGE,
    INVALID,
    NOT_ASSIGNED,
    NOT_ASSIGNED_MESSAGE,
    PAUSED,
    REGISTERED_MESSAGE,
    REPLAY_MESSAGE,
    ROLLED_BACK,
    LedgerEntry,
    ProxyRecord,
    RecordResult,
    Roster,
    Submission,
    paused_message,
)

__all__ = [
    "CANCELLED",
    "CONFLICT",
    "CONFLICT_MESSAGE",
    "FORBIDDEN",
    "FORBIDDEN_MESSAGE",
    "INVALID",
    "NOT_ASSIGNED",
    "NOT_ASSIGNED_MESSAGE",
    "PAUSED",
    "REGISTERED_MESSAGE",
    "REPLAY_MESSAGE",
    "ROLLED_BACK",
    "UNAVAILABLE",
    "BatchTooLargeError",
    "BatchUnsupportedError",
    "ProxyRepository",
    "TransientError",
    "UnknownCoordinatorError",
    "UnknownSubmissionError",
    "paused_message",
]


class BatchTooLargeError(ValueError):
    """A batch above the backend's limit: refused as a whole, nothing stored."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"A batch holds at most {limit} records; this one has {size}.")
        self.size = size
        self.limit = limit


class UnknownCoordinatorError(LookupError):
    """No coordinator with that id."""


class UnknownSubmissionError(LookupError):
    """No submission with that id in the ledger."""


class TransientError(Exception):
    """The backend refused the call for now (429 Too Many Requests, 503 Unavailable).

    Nothing of the call was stored, so it is safe to send again, after
    ``retry_after`` seconds when the backend said so.
    """

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BatchUnsupportedError(Exception):
    """The backend has no batch call (e.g. the batch function is not deployed): send one by one."""


# The stable codes of rejected records and what every backend says live with the record
# rules in the domain (proxyreg.domain._answers); they are named here too, for adapters.
# Code of a failed (retryable) record that was never sent because the submission was cancelled.
CANCELLED = "cancelled"
# Code of a failed (retryable) record the backend was too busy to take.
UNAVAILABLE = "unavailable"


class ProxyRepository(Protocol):
    """Where proxy records are kept, keyed by their client keys, and the submission ledger."""

    @property
    def max_batch_size(self) -> int:
        """The most records one `register` or `register_atomic` call takes."""
        ...

    async def roster(self, coordinator_id: str) -> Roster:
        """The coordinator and the mentors assigned to them, paused ones included, in name order.

        Raises `UnknownCoordinatorError` for an unknown coordinator.
        """
        ...

    async def register(
        self, coordinator_id: str, records: Sequence[ProxyRecord]
    ) -> tuple[RecordResult, ...]:
        """Store each record in one call, answering one result per record, in input order.

        - An empty batch answers ``()`` and stores nothing.
        - More than `max_batch_size` records: raises `BatchTooLargeError`, nothing stored.
        - Each record stands alone: one rejected record does not stop the others.
        - A client key already stored with the same payload answers ``already_registered``
          with the original record id and stores nothing new (a replay), also within one batch.
        - A client key stored with a different payload answers ``rejected`` / ``conflict``
          and changes nothing (the first payload stays).
        - A mentor unknown or not assigned to ``coordinator_id``: ``rejected`` /
          ``not_assigned``; a paused mentor: ``rejected`` / ``paused``; a record whose
          ``registered_by`` is not ``coordinator_id``: ``rejected`` / ``forbidden``; a record
          outside the field limits (kind, minutes, notes, participants): ``rejected`` /
          ``invalid``. The date window is the client's to judge, not the backend's.
        - A malformed record (`proxyreg.domain.malformed`: a field of the wrong type, a
          lone surrogate, a kind too long to be one) answers ``rejected`` / ``invalid``
          before any other check, and never makes the call raise.
        - A record may answer ``failed`` (transient, nothing stored for it: safe to retry).
        - Raises `TransientError` when the whole call is refused for now (nothing stored),
          `BatchUnsupportedError` when the backend has no batch call (use `register_one`).
          Any other exception (timeout, dropped connection) leaves every record of the call
          in doubt: some may have landed; `find_registered` tells.
        """
        ...

    async def register_one(self, coordinator_id: str, record: ProxyRecord) -> RecordResult:
        """Store one record: the same answers as `register` for a batch of one.

        Every backend supports it, batch call or not (the fallback of chunked sending).
        """
        ...

    async def register_atomic(
        self, coordinator_id: str, records: Sequence[ProxyRecord]
    ) -> tuple[RecordResult, ...]:
        """All or nothing, in one transaction: every record stored, or none.

        When every record would be registered (or is a replay) all are stored, with the
        same answers as `register`. Otherwise nothing is stored and each record says why:
        the ones that failed keep their own answer (``rejected`` with its code, or
        ``failed``), and the others answer ``rejected`` / ``rolled_back`` when some record
        was rejected, or ``failed`` when the failures were only transient (retry them all).
        Raises as `register` does.
        """
        ...

    async def find_registered(self, client_keys: Sequence[str]) -> Mapping[str, str]:
        """Which of these client keys are stored, with their record ids; absent keys are left out.

        Only records the caller may read are reported (their own).
        """
        ...

    async def record_submission(self, submission: Submission) -> None:
        """Keep a submission in the ledger before any of it is sent.

        Recording an id already kept adds the records it did not hold yet and changes
        nothing else (a Retry failed sends a subset under the same id).
        """
        ...

    async def record_outcomes(
        self, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        """Keep the latest outcome of these mentors' records of a submission.

        Raises `UnknownSubmissionError` for a submission the ledger does not hold.
        """
        ...

    async def ledger_entry(self, submission_id: str) -> LedgerEntry | None:
        """One submission as the ledger holds it, or None."""
        ...

    async def latest_submission(
        self, coordinator_id: str, kind: str = "bulk"
    ) -> LedgerEntry | None:
        """The coordinator's most recently recorded submission of that kind, or None."""
        ...

    async def submissions(self, coordinator_id: str) -> Sequence[LedgerEntry]:
        """Every submission of this coordinator in the ledger, newest first."""
        ...
