"""Per-mentor status of one bulk submission, updated in O(log N) with counts kept alongside."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from proxyreg.domain import Outcome, RecordResult
from proxyreg.persistent import PersistentMap


class MentorStatus(enum.Enum):
    """Where one mentor's record of a submission stands."""

    PENDING = "pending"
    REGISTERED = "registered"
    ALREADY_REGISTERED = "already_registered"
    REJECTED = "rejected"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, outcome: Outcome) -> MentorStatus:
        return _STATUS_OF[outcome]

    @property
    def is_success(self) -> bool:
        return self in (MentorStatus.REGISTERED, MentorStatus.ALREADY_REGISTERED)

    @property
    def is_retryable(self) -> bool:
        return self in (MentorStatus.FAILED, MentorStatus.UNKNOWN)


# Looked up once per landed result: a dict is several times cheaper than Enum(value).
_STATUS_OF = {outcome: MentorStatus(outcome.value) for outcome in Outcome}


@attrs.frozen(cache_hash=True)  # hashed into the board's fingerprint on every update
class MentorResult:
    """One mentor's line on the result screen."""

    status: MentorStatus
    record_id: str | None = None
    message: str = ""
    code: str | None = None

    @classmethod
    def of(cls, result: RecordResult) -> MentorResult:
        return cls(MentorStatus.of(result.outcome), result.record_id, result.message, result.code)


PENDING = MentorResult(MentorStatus.PENDING)
_POSITION = {status: i for i, status in enumerate(MentorStatus)}


@attrs.frozen
class StatusCounts:
    """How many mentors are in each status; they add up to the submission's size."""

    pending: int = 0
    registered: int = 0
    already_registered: int = 0
    rejected: int = 0
    failed: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return (
            self.pending
            + self.registered
            + self.already_registered
            + self.rejected
            + self.failed
            + self.unknown
        )

    @property
    def done(self) -> int:
        return self.total - self.pending

    @property
    def succeeded(self) -> int:
        return self.registered + self.already_registered

    @property
    def retryable(self) -> int:
        return self.failed + self.unknown

    def of(self, status: MentorStatus) -> int:
        return int(getattr(self, status.value))

    def moved(self, old: MentorStatus | None, new: MentorStatus) -> StatusCounts:
        """The counts with one mentor moved from ``old`` (None: newly counted) to ``new``."""
        values = [
            self.pending,
            self.registered,
            self.already_registered,
            self.rejected,
            self.failed,
            self.unknown,
        ]
        if old is not None:
            values[_POSITION[old]] -= 1
        values[_POSITION[new]] += 1
        return StatusCounts(*values)


@attrs.frozen
class StatusBoard:
    """Each submitted mentor's result; every mentor is in exactly one status."""

    entries: PersistentMap[str, MentorResult] = attrs.field(factory=PersistentMap)
    counts: StatusCounts = StatusCounts()

    @classmethod
    def pending(cls, mentor_ids: Iterable[str]) -> StatusBoard:
        entries = PersistentMap((m, PENDING) for m in mentor_ids)
        return cls(entries, StatusCounts(pending=len(entries)))

    def get(self, mentor_id: str) -> MentorResult | None:
        return self.entries.get(mentor_id)

    def settle(self, mentor_id: str, result: MentorResult) -> StatusBoard:
        """The board with ``mentor_id`` moved to ``result``; ``self`` if nothing changed."""
        old = self.entries.get(mentor_id)
        entries = self.entries.set(mentor_id, result)
        if entries is self.entries:
            return self
        counts = self.counts.moved(None if old is None else old.status, result.status)
        return StatusBoard(entries, counts)

    def __len__(self) -> int:
        return len(self.entries)
