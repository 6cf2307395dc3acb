"""The in-memory repository: a working backend for tests, demos and fault injection.

Not a mock: it keeps client keys unique and answers exactly as the port says,
so the contract tests hold the real databases to what it does.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence

import attrs

from proxyreg.domain import (
    DEFAULT_RULES,
    Assignment,
    Coordinator,
    LedgerEntry,
    Mentor,
    ProxyRecord,
    RecordResult,
    Roster,
    Stored,
    Submission,
    ValidationRules,
    judge_record,
    registered,
    rolled_back,
)
from proxyreg.ports import BatchTooLargeError, UnknownCoordinatorError, UnknownSubmissionError


@attrs.frozen
class StoredRecord:
    """A record as the backend holds it."""

    record_id: str
    record: ProxyRecord


class InMemoryRepository:
    """Coordinators, mentors and assignments in dicts; records keyed by client key.

    It acts for ``acting_as`` (default: the first coordinator given); `acting_as` gives a
    repository on the same data acting for another, as a second client would.
    """

    def __init__(
        self,
        *,
        coordinators: Iterable[Coordinator],
        mentors: Iterable[Mentor],
        assignments: Mapping[str, Iterable[str]],
        rules: ValidationRules = DEFAULT_RULES,
        max_batch_size: int = 500,
        acting_as: str | None = None,
    ) -> None:
        coordinators = tuple(coordinators)
        if acting_as is None and not coordinators:
            raise ValueError("An in-memory repository acts for a coordinator: give one.")
        self._coordinator_id = coordinators[0].id if acting_as is None else acting_as
        self._coordinators = {c.id: c for c in coordinators}
        self._mentors = {m.id: m for m in mentors}
        self._assignments = {c: frozenset(ms) for c, ms in assignments.items()}
        self._rules = rules
        self._max_batch_size = max_batch_size
        self._records: dict[str, StoredRecord] = {}
        self._ledger: dict[str, LedgerEntry] = {}
        self.calls = 0
        """Write calls made (register, register_one, register_atomic): what a benchmark counts."""

    @classmethod
    def of_rosters(cls, *rosters: Roster, max_batch_size: int = 500) -> InMemoryRepository:
        """A repository holding exactly these coordinators and their mentors, acting for the
        first roster's coordinator."""
        return cls(
            coordinators=[r.coordinator for r in rosters],
            mentors=[m for r in rosters for m in r.mentors],
            assignments={r.coordinator.id: [m.id for m in r.mentors] for r in rosters},
            max_batch_size=max_batch_size,
        )

    def acting_as(self, coordinator_id: str) -> InMemoryRepository:
        """A repository on the same data (the same dicts), acting for ``coordinator_id``."""
        view = copy.copy(self)
        view._coordinator_id = coordinator_id
        view.calls = 0
        return view

    @property
    def coordinator_id(self) -> str:
        return self._coordinator_id

    @property
    def max_batch_size(self) -> int:
        return self._max_batch_size

    def stored(self) -> tuple[StoredRecord, ...]:
        """Every stored record, in the order they were stored."""
        return tuple(self._records.values())

    async def roster(self) -> Roster:
        coordinator_id = self._coordinator_id
        coordinator = self._coordinators.get(coordinator_id)
        if coordinator is None:
            raise UnknownCoordinatorError(coordinator_id)
        assigned = self._assignments.get(coordinator_id, frozenset())
        mentors = sorted((self._mentors[m] for m in assigned), key=lambda m: (m.name, m.id))
        return Roster(coordinator, tuple(mentors))

    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        self._check_size(records)
        self.calls += 1
        return tuple(self._register_one(self._coordinator_id, r) for r in records)

    async def register_one(self, record: ProxyRecord) -> RecordResult:
        self.calls += 1
        return self._register_one(self._coordinator_id, record)

    async def register_atomic(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        self._check_size(records)
        self.calls += 1
        saved = dict(self._records)
        results = tuple(self._register_one(self._coordinator_id, r) for r in records)
        if all(r.outcome.is_success for r in results):
            return results
        self._records.clear()  # the transaction rolls back (the dict is shared by every view)
        self._records.update(saved)
        return rolled_back(results)

    def _check_size(self, records: Sequence[ProxyRecord]) -> None:
        if len(records) > self._max_batch_size:
            raise BatchTooLargeError(len(records), self._max_batch_size)

    def _register_one(self, coordinator_id: str, record: ProxyRecord) -> RecordResult:
        answer = judge_record(record, coordinator_id, _Lookup(self, coordinator_id), self._rules)
        if answer is not None:
            return answer
        record_id = f"rec-{len(self._records) + 1}"
        self._records[record.client_key] = StoredRecord(record_id, record)
        return registered(record, record_id)

    async def find_registered(self, client_keys: Sequence[str]) -> Mapping[str, str]:
        return {
            key: stored.record_id
            for key in client_keys
            if (stored := self._records.get(key)) is not None
            and stored.record.registered_by == self._coordinator_id
        }

    def _own_entry(self, submission_id: str) -> LedgerEntry | None:
        kept = self._ledger.get(submission_id)
        if kept is None or kept.submission.coordinator_id != self._coordinator_id:
            return None
        return kept

    async def record_submission(self, submission: Submission) -> None:
        kept = self._ledger.get(submission.id)
        if submission.coordinator_id != self._coordinator_id or (
            kept is not None and kept.submission.coordinator_id != self._coordinator_id
        ):
            raise PermissionError(
                f"Submission {submission.id!r} is not {self._coordinator_id}'s to record."
            )
        if kept is None:
            self._ledger[submission.id] = LedgerEntry(submission)
            return
        known = set(kept.submission.mentor_ids)
        new = tuple(r for r in submission.records if r.mentor_id not in known)
        if new:
            grown = attrs.evolve(kept.submission, records=kept.submission.records + new)
            self._ledger[submission.id] = attrs.evolve(kept, submission=grown)

    async def record_outcomes(
        self, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        kept = self._own_entry(submission_id)
        if kept is None:
            raise UnknownSubmissionError(submission_id)
        self._ledger[submission_id] = attrs.evolve(kept, outcomes={**kept.outcomes, **outcomes})

    async def ledger_entry(self, submission_id: str) -> LedgerEntry | None:
        return self._own_entry(submission_id)

    async def latest_submission(self, kind: str = "bulk") -> LedgerEntry | None:
        for entry in reversed(self._ledger.values()):
            own = entry.submission.coordinator_id == self._coordinator_id
            if own and entry.submission.kind == kind:
                return entry
        return None

    async def submissions(self) -> Sequence[LedgerEntry]:
        return [
            entry
            for entry in reversed(self._ledger.values())
            if entry.submission.coordinator_id == self._coordinator_id
        ]


class _Lookup:
    """What the record rules ask of the in-memory backend (`proxyreg.domain.RecordLookup`)."""

    def __init__(self, repository: InMemoryRepository, coordinator_id: str) -> None:
        self._repository = repository
        self._coordinator_id = coordinator_id

    def stored(self, record: ProxyRecord) -> Stored | None:
        kept = self._repository._records.get(record.client_key)
        if kept is None:
            return None
        return Stored(
            kept.record_id,
            kept.record.payload() == record.payload(),
            kept.record.registered_by == self._coordinator_id,
        )

    def assignment(self, coordinator_id: str, mentor_id: str) -> Assignment | None:
        repository = self._repository
        mentor = repository._mentors.get(mentor_id)
        if mentor is None or mentor_id not in repository._assignments.get(
            coordinator_id, frozenset()
        ):
            return None
        return Assignment(mentor.name, mentor.active)
