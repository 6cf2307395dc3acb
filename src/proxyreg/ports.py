"""The repository port: what every backend (in-memory, SQLite, PostgreSQL, Supabase) promises.

The edge behaviour is stated here, once, and the contract tests hold every
adapter to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

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


class BackendUnavailableError(Exception):
    """The backend cannot serve proxyreg as it is; the message says why in a coordinator's
    words (it cannot be reached, it cannot be opened). A driver's own errors stay in its
    adapter: this, or another error of this module, is what reaches a front end."""


class NoSchemaError(BackendUnavailableError):
    """The database has no proxyreg schema (or not all of it) yet."""

    def __init__(self) -> None:
        super().__init__("This database has no proxyreg schema: run `proxyreg init`.")


class BatchUnsupportedError(Exception):
    """The backend has no batch call (e.g. the batch function is not deployed): send one by one."""


# The stable codes of rejected records and what every backend says live with the record
# rules in the domain (proxyreg.domain._answers); they are named here too, for adapters.
# Code of a failed (retryable) record that was never sent because the submission was cancelled.
CANCELLED = "cancelled"
# Code of a failed (retryable) record the backend was too busy to take.
UNAVAILABLE = "unavailable"


class ProxyRepository(Protocol):
    """Where proxy records are kept, keyed by their client keys, and the submission ledger.

    A repository acts for the one coordinator it was opened (or bound) for, like a client
    signed in as them: it registers only as them, and reads and reports only their mentors,
    their records and their submissions. Another coordinator's records and submissions are
    not seen, even under the same client key or submission id. A front end gets one from
    `proxyreg.application` (``Backend.acting_as``).
    """

    @property
    def coordinator_id(self) -> str:
        """The coordinator this repository acts for."""
        ...

    @property
    def max_batch_size(self) -> int:
        """The most records one `register` or `register_atomic` call takes."""
        ...

    async def roster(self) -> Roster:
        """The coordinator and the mentors assigned to them, paused ones included, in name order.

        Raises `UnknownCoordinatorError` when the coordinator is not (or no longer) known.
        """
        ...

    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        """Store each record in one call, answering one result per record, in input order.

        - An empty batch answers ``()`` and stores nothing.
        - More than `max_batch_size` records: raises `BatchTooLargeError`, nothing stored.
        - Each record stands alone: one rejected record does not stop the others.
        - A client key of this coordinator's already stored with the same payload answers
          ``already_registered`` with the original record id and stores nothing new (a
          replay), also within one batch.
        - A client key of theirs stored with a different payload answers ``rejected`` /
          ``conflict`` and changes nothing (the first payload stays).
        - A record whose ``registered_by`` is not the coordinator: ``rejected`` /
          ``forbidden``; a mentor unknown or not assigned to them: ``rejected`` /
          ``not_assigned``; a paused mentor: ``rejected`` / ``paused``; a record
          outside the field limits (kind, minutes, notes, participants): ``rejected`` /
          ``invalid``. The date window is the client's to judge, not the backend's.
        - A client key another coordinator stored (which this one cannot see) answers
          ``rejected`` / ``conflict`` once the record passes those checks, and says nothing
          of the other record.
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

    async def register_one(self, record: ProxyRecord) -> RecordResult:
        """Store one record: the same answers as `register` for a batch of one.

        Every backend supports it, batch call or not (the fallback of chunked sending).
        """
        ...

    async def register_atomic(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
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

        Only the coordinator's own records are reported: a key another coordinator stored
        is left out, as if absent.
        """
        ...

    async def record_submission(self, submission: Submission) -> None:
        """Keep a submission in the ledger before any of it is sent.

        Recording an id already kept adds the records it did not hold yet and changes
        nothing else (a Retry failed sends a subset under the same id). A submission of
        another coordinator, or an id another coordinator's submission holds, raises
        `PermissionError` and records nothing.
        """
        ...

    async def record_outcomes(
        self, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        """Keep the latest outcome of these mentors' records of a submission.

        Raises `UnknownSubmissionError` for a submission the ledger does not hold for this
        coordinator.
        """
        ...

    async def ledger_entry(self, submission_id: str) -> LedgerEntry | None:
        """One of the coordinator's submissions as the ledger holds it, or None (also for
        another coordinator's)."""
        ...

    async def latest_submission(self, kind: str = "bulk") -> LedgerEntry | None:
        """The coordinator's most recently recorded submission of that kind, or None."""
        ...

    async def submissions(self) -> Sequence[LedgerEntry]:
        """Every submission of this coordinator in the ledger, newest first."""
        ...


@runtime_checkable
class SubmissionBatchRepository(Protocol):
    """An optional capability: the ledger travels with the batch, in one call.

    A backend that has it (PostgreSQL, Supabase) lets the orchestrator send a whole
    submission of at most `max_batch_size` records as one round trip, instead of a ledger
    read, `record_submission`, `register` and `record_outcomes` one after another.
    """

    async def register_submission(self, submission: Submission) -> tuple[RecordResult, ...]:
        """Keep ``submission`` in the ledger, store its records and keep their outcomes, in
        one call and one transaction: all of it or none of it.

        - The ledger part is `record_submission`'s (an id already kept gains only the
          records it did not hold), the storing `register`'s and the outcomes
          `record_outcomes`' (a mentor named twice keeps its first answer).
        - Answers one result per record, in input order, as `register` does; except that a
          record answered ``failed`` whose kept outcome was ``unknown`` before this call (an
          earlier send may have landed) answers ``unknown`` (code ``no_answer``), and its
          kept outcome is left for the caller to settle.
        - More than `max_batch_size` records: raises `BatchTooLargeError`, nothing kept.
        - Another coordinator's submission id: raises `PermissionError`, nothing kept.
        - Raises `TransientError` and `BatchUnsupportedError` as `register` does (nothing
          kept: the caller may fall back to the separate calls). Any other exception leaves
          the call in doubt: the records and their ledger rows landed together or not at
          all; `find_registered` tells.
        """
        ...
