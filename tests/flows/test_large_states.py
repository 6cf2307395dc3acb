"""A 10,000-mentor bulk state: comparing and updating it never walks every mentor."""

from __future__ import annotations

from typing import Any

import attrs

from proxyreg.flows import INITIAL_BULK_STATE, BulkPhase, MentorResult, MentorStatus, StatusBoard
from proxyreg.persistent import PersistentMap

MENTOR_IDS = tuple(f"m{i:05d}" for i in range(10_000))


class CountingResult:
    """Stands in for a board entry and counts how often it is compared."""

    compared = 0

    def __init__(self, status: MentorStatus) -> None:
        self.status = status

    def __eq__(self, other: object) -> bool:
        type(self).compared += 1
        return isinstance(other, CountingResult) and other.status is self.status

    def __hash__(self) -> int:
        return hash(self.status)


def big_state() -> Any:
    entries: PersistentMap[str, Any] = PersistentMap(
        (m, CountingResult(MentorStatus.PENDING)) for m in MENTOR_IDS
    )
    board = StatusBoard(entries, StatusBoard.pending(MENTOR_IDS).counts)
    return attrs.evolve(
        INITIAL_BULK_STATE, phase=BulkPhase.SUBMITTING, submitted=MENTOR_IDS, board=board
    )


def test_one_changed_result_is_told_apart_without_comparing_entries() -> None:
    """The engine's `new == current` on two 10,000-mentor states differing in one mentor
    compares no mentor entries."""
    state = big_state()
    changed = state.board.entries.set(MENTOR_IDS[1234], CountingResult(MentorStatus.FAILED))
    other = attrs.evolve(state, board=attrs.evolve(state.board, entries=changed))
    CountingResult.compared = 0
    assert state != other
    assert CountingResult.compared == 0


def test_a_copy_with_the_same_parts_is_equal_without_comparing_entries() -> None:
    """A new state object that shares its parts with the current one is equal in O(1)."""
    state = big_state()
    CountingResult.compared = 0
    assert state == attrs.evolve(state, last_error=None)
    assert CountingResult.compared == 0


def test_settling_one_mentor_moves_one_count_and_keeps_the_old_board() -> None:
    """Settling one result moves one mentor between counts; the previous board is unchanged."""
    board = StatusBoard.pending(MENTOR_IDS)
    settled = board.settle(MENTOR_IDS[0], MentorResult(MentorStatus.REGISTERED))
    assert (settled.counts.pending, settled.counts.registered) == (9_999, 1)
    assert (board.counts.pending, board.get(MENTOR_IDS[0])) == (
        10_000,
        MentorResult(MentorStatus.PENDING),
    )
    assert settled.settle(MENTOR_IDS[0], MentorResult(MentorStatus.REGISTERED)) is settled


class CountingIds(tuple[str, ...]):
    """The submitted mentor ids, counting how often the whole tuple is compared."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        type(self).compared += 1
        return tuple.__eq__(self, other)  # type: ignore[operator]

    __hash__ = tuple.__hash__


def test_the_submitted_ids_are_not_walked_when_they_are_the_same_tuple() -> None:
    """Comparing two states that share their 10,000 submitted ids never compares the ids."""
    state = attrs.evolve(big_state(), submitted=CountingIds(MENTOR_IDS))
    CountingIds.compared = 0
    assert state == attrs.evolve(state, last_error=None)
    assert CountingIds.compared == 0
