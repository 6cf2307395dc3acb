"""The repository port: what every backend (in-memory, SQLite, PostgreSQL, Supabase) promises.

The edge behaviour is stated here, once, and the contract tests hold every
adapter to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from proxyreg.domain import ProxyRecord, RecordResult, Roster


class BatchTooLargeError(ValueError):
    """A batch above the backend's limit: refused as a whole, nothing stored."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"A batch holds at most {limit} records; this one has {size}.")
        self.size = size
        self.limit = limit


class UnknownCoordinatorError(LookupError):
    """No coordinator with that id."""


# Stable codes of rejected records, shared by every adapter.
CONFLICT = "conflict"
NOT_ASSIGNED = "not_assigned"
PAUSED = "paused"
FORBIDDEN = "forbidden"
INVALID = "invalid"


class ProxyRepository(Protocol):
    """Where proxy records are kept, keyed by their client keys."""

    @property
    def max_batch_size(self) -> int:
        """The most records one `register` call takes."""
        ...

    async def roster(self, coordinator_id: str) -> Roster:
        """The coordinator and the mentors assigned to them, paused ones included, in name order.

        Raises `UnknownCoordinatorError` for an unknown coordinator.
        """
        ...

    async def register(
        self, coordinator_id: str, records: Sequence[ProxyRecord]
    ) -> tuple[RecordResult, ...]:
        """Store each record, answering one result per record, in input order.

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
        - A transient fault may answer ``failed`` (safe to retry) per record; a call that
          raises leaves every record of the batch in doubt (reconcile with `find_registered`).
        """
        ...

    async def find_registered(self, client_keys: Sequence[str]) -> Mapping[str, str]:
        """Which of these client keys are stored, with their record ids; absent keys are left out.

        Only records the caller may read are reported (their own).
        """
        ...
