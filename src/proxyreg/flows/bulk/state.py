"""The bulk flow's state: selection, shared draft, and each submitted mentor's status."""

from __future__ import annotations

import enum

import attrs

from proxyreg.domain import EMPTY_DRAFT, NO_ERRORS, ActivityDraft, ValidationErrors
from proxyreg.flows.bulk.board import StatusBoard
from proxyreg.persistent import PersistentSet


def _same_ids(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return a is b or a == b


class BulkPhase(enum.Enum):
    SELECTING = "selecting"
    SUBMITTING = "submitting"
    COMPLETED = "completed"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"


@attrs.frozen
class BulkProxyState:
    """Everything the bulk screen shows.

    ``selected`` and ``board`` are persistent structures: ticking one mentor or
    landing one result costs O(log N), not a copy of all N entries.
    ``submitted`` is the submission's mentors in roster order, set once on Submit.
    ``cancelling`` is set from Cancel until the submission has settled.
    """

    phase: BulkPhase = BulkPhase.SELECTING
    filter_text: str = ""
    selected: PersistentSet[str] = attrs.field(factory=PersistentSet)
    draft: ActivityDraft = EMPTY_DRAFT
    errors: ValidationErrors = NO_ERRORS
    submission_id: str | None = None
    # Compared by identity first: attrs compares a tuple field element by element even
    # against itself, which would make every emitted state cost O(N) to compare.
    submitted: tuple[str, ...] = attrs.field(default=(), eq=attrs.cmp_using(eq=_same_ids))
    board: StatusBoard = attrs.field(factory=StatusBoard)
    last_error: str | None = None
    cancelling: bool = False


INITIAL_BULK_STATE = BulkProxyState()
