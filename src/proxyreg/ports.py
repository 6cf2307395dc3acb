"""The repository port: what every backend (in-memory, SQLite, PostgreSQL, Supabase) promises.

The edge behaviour is stated here, once, and the contract tests hold every
adapter to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from proxyreg.domain import LedgerEntry, ProxyRecord, RecordResult, Roster, Submission


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


# Stable codes of rejected records, shared by every adapter.
CONFLICT = "conflict"
NOT_ASSIGNED = "not_assigned"
PAUSED = "paused"
FORBIDDEN = "forbidden"
INVALID = "invalid"
ROLLED_BACK = "rolled_back"
# Code of a failed (retryable) record that was never sent because the submission was cancelled.
CANCELLED = "cancelled"
# Code of a failed (retryable) record the backend was too busy to take.
UNAVAILABLE = "unavailable"

# What every backend says, in the same words (the PostgreSQL function says them in SQL).
REGISTERED_MESSAGE = "Registered."
REPLAY_MESSAGE = "Already registered earlier."
CONFLICT_MESSAGE = "This record was already sent with different details; nothing was changed."
FORBIDDEN_MESSAGE = "You can only register activities as yourself."
NOT_ASSIGNED_MESSAGE = "This mentor is not assigned to you."


def paused_message(mentor_name: str) -> str:
    return f"{mentor_name} is paused."


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
