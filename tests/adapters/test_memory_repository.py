"""The in-memory repository keeps the port's promises (the contract suite will generalise these)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import attrs
import pytest

from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import Outcome, ProxyRecord, RecordResult
from proxyreg.ports import BatchTooLargeError, UnknownCoordinatorError
from support import COORDINATOR, MENTORS, OTHER_ROSTER, PAUSED_ID, ROSTER, VALID_DRAFT

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def repo(max_batch_size: int = 500) -> InMemoryRepository:
    return InMemoryRepository.of_rosters(ROSTER, OTHER_ROSTER, max_batch_size=max_batch_size)


def record(mentor: str, submission: str = "s1", **change: Any) -> ProxyRecord:
    built = ProxyRecord.for_mentor(
        submission_id=submission,
        mentor_id=mentor,
        coordinator_id=COORDINATOR.id,
        draft=VALID_DRAFT,
    )
    return attrs.evolve(built, **change)


def outcomes(results: tuple[RecordResult, ...]) -> list[tuple[Outcome, str | None]]:
    return [(r.outcome, r.code) for r in results]


def test_each_record_gets_one_result_in_input_order() -> None:
    """Results come back one per record, in the order sent, with new record ids."""
    results = run(repo().register(COORDINATOR.id, [record("m02"), record("m01")]))
    assert [(r.client_key, r.outcome, r.record_id) for r in results] == [
        (record("m02").client_key, Outcome.REGISTERED, "rec-1"),
        (record("m01").client_key, Outcome.REGISTERED, "rec-2"),
    ]


def test_an_empty_batch_answers_nothing_and_stores_nothing() -> None:
    """register([]) is () and leaves the backend as it was."""
    backend = repo()
    assert run(backend.register(COORDINATOR.id, [])) == ()
    assert backend.stored() == ()


def test_a_batch_over_the_limit_is_refused_whole() -> None:
    """Too many records raise BatchTooLargeError and store none of them."""
    backend = repo(max_batch_size=2)
    with pytest.raises(BatchTooLargeError, match="at most 2"):
        run(backend.register(COORDINATOR.id, [record("m01"), record("m02"), record("m03")]))
    assert backend.stored() == ()


def test_a_replay_answers_the_original_record() -> None:
    """The same client key with the same payload is already_registered with the first id,
    within one batch and across calls, and is stored once."""
    backend = repo()
    first = run(backend.register(COORDINATOR.id, [record("m01"), record("m01")]))
    again = run(backend.register(COORDINATOR.id, [record("m01")]))
    assert [(r.outcome, r.record_id) for r in first + again] == [
        (Outcome.REGISTERED, "rec-1"),
        (Outcome.ALREADY_REGISTERED, "rec-1"),
        (Outcome.ALREADY_REGISTERED, "rec-1"),
    ]
    assert len(backend.stored()) == 1


def test_the_same_key_with_another_payload_is_a_conflict() -> None:
    """A reused client key with different details is rejected and the first record stays."""
    backend = repo()
    run(backend.register(COORDINATOR.id, [record("m01")]))
    results = run(backend.register(COORDINATOR.id, [record("m01", minutes=90)]))
    assert outcomes(results) == [(Outcome.REJECTED, "conflict")]
    assert backend.stored()[0].record.minutes == 60


def test_refusals_stand_alone() -> None:
    """Unassigned, paused, impersonated and invalid records are rejected each with its code,
    and the valid record beside them is stored."""
    results = run(
        repo().register(
            COORDINATOR.id,
            [
                record(OTHER_ROSTER.mentors[0].id),
                record(PAUSED_ID),
                record("m02", registered_by="coord-2"),
                record("m03", minutes=0),
                record("m04"),
            ],
        )
    )
    assert outcomes(results) == [
        (Outcome.REJECTED, "not_assigned"),
        (Outcome.REJECTED, "paused"),
        (Outcome.REJECTED, "forbidden"),
        (Outcome.REJECTED, "invalid"),
        (Outcome.REGISTERED, None),
    ]
    assert all(r.message for r in results)


def test_reconciliation_reports_only_stored_keys() -> None:
    """find_registered maps each stored key to its record id and leaves the others out."""
    backend = repo()
    run(backend.register(COORDINATOR.id, [record("m01")]))
    found = run(backend.find_registered([record("m01").client_key, record("m02").client_key]))
    assert found == {record("m01").client_key: "rec-1"}


def test_roster_lists_assigned_mentors_by_name() -> None:
    """A coordinator's roster holds their mentors (paused too) in name order; an unknown
    coordinator is an error."""
    roster = run(repo().roster(COORDINATOR.id))
    assert [m.id for m in roster.mentors] == [m.id for m in sorted(MENTORS, key=lambda m: m.name)]
    with pytest.raises(UnknownCoordinatorError):
        run(repo().roster("nobody"))
