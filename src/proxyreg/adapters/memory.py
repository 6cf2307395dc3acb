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
    MESSAGES,
    Coordinator,
    LedgerEntry,
    Mentor,
    Outcome,
    ProxyRecord,
    RecordResult,
    Roster,
    Submission,
    ValidationRules,
    validate_record,
)
from proxyreg.ports import (
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
    BatchTooLargeError,
    UnknownCoordinatorError,
    UnknownSubmissionError,
    paused_message,
)


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
        key = record.client_key
        stored = self._records.get(key)
        if stored is not None and stored.record.registered_by == coordinator_id:
            if stored.record.payload() != record.payload():
                return RecordResult(
                    key,
                    Outcome.REJECTED,
                    code=CONFLICT,
                    message=CONFLICT_MESSAGE,
                )
            return RecordResult(
                key,
                Outcome.ALREADY_REGISTERED,
                stored.record_id,
                message=REPLAY_MESSAGE,
            )
        refusal = self._refusal(coordinator_id, record)
        if refusal is not None:
            return refusal
        if stored is not None:  # another coordinator's key: taken, and not shown
            return RecordResult(key, Outcome.REJECTED, code=CONFLICT, message=CONFLICT_MESSAGE)
        record_id = f"rec-{len(self._records) + 1}"
        self._records[key] = StoredRecord(record_id, record)
        return RecordResult(key, Outcome.REGISTERED, record_id, message=REGISTERED_MESSAGE)

    def _refusal(self, coordinator_id: str, record: ProxyRecord) -> RecordResult | None:
        key = record.client_key
        mentor = self._mentors.get(record.mentor_id)
        if record.registered_by != coordinator_id:
            return RecordResult(
                key,
                Outcome.REJECTED,
                code=FORBIDDEN,
                message=FORBIDDEN_MESSAGE,
            )
        if mentor is None or record.mentor_id not in self._assignments.get(
            coordinator_id, frozenset()
        ):
            return RecordResult(
                key,
                Outcome.REJECTED,
                code=NOT_ASSIGNED,
                message=NOT_ASSIGNED_MESSAGE,
            )
        if not mentor.active:
            return RecordResult(
                key, Outcome.REJECTED, code=PAUSED, message=paused_message(mentor.name)
            )
        problems = validate_record(record, self._rules)
        if problems:
            return RecordResult(
                key,
                Outcome.REJECTED,
                code=INVALID,
                message=MESSAGES.text(
                    "record.invalid", problems=" ".join(e.message for e in problems)
                ),
            )
        return None

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


def rolled_back(results: Sequence[RecordResult]) -> tuple[RecordResult, ...]:
    """The answers of an all-or-nothing batch that did not go through: nothing was stored.

    Failed records keep their reason; the others say they were rolled back, with the
    code ``rolled_back`` (so a screen can name the records that stopped the batch):
    ``rejected`` when some record was refused, ``failed`` when every problem was
    transient, so that Retry failed sends the whole batch again.
    """
    refused = sum(1 for r in results if r.outcome is Outcome.REJECTED)
    code = ROLLED_BACK
    if refused:
        other = Outcome.REJECTED
        message = MESSAGES.text("record.rolled_back", refused=refused)
    else:
        other = Outcome.FAILED
        message = MESSAGES.text("record.rolled_back_transient")
    return tuple(
        RecordResult(r.client_key, other, code=code, message=message) if r.outcome.is_success else r
        for r in results
    )
