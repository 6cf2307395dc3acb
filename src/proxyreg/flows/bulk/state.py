"""The bulk flow's state: selection, shared draft, and each submitted mentor's status."""

from __future__ import annotations

import enum

import attrs

from proxyreg.domain import EMPTY_DRAFT, NO_ERRORS, ActivityDraft, ValidationErrors
from proxyreg.flows.bulk.board import StatusBoard
from proxyreg.frozen import identity_first_eq
from proxyreg.persistent import PersistentSet


class BulkPhase(enum.Enum):
    SELECTING = "selecting"
    SUBMITTING = "submitting"
    COMPLETED = "completed"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"


@identity_first_eq
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
    # Compared by identity first (identity_first_eq): the tuple is shared from state to
    # state, and walking its N ids on every emitted state would cost O(N) per event.
    submitted: tuple[str, ...] = ()
    board: StatusBoard = attrs.field(factory=StatusBoard)
    last_error: str | None = None
    cancelling: bool = False


INITIAL_BULK_STATE = BulkProxyState()
