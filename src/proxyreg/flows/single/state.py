"""The single flow's state: one form, one mentor, one outcome."""

from __future__ import annotations

import enum

import attrs

from proxyreg.domain import (
    EMPTY_DRAFT,
    NO_ERRORS,
    ActivityDraft,
    RecordResult,
    ValidationErrors,
    client_key,
)
from proxyreg.frozen import identity_first_eq


class SinglePhase(enum.Enum):
    EDITING = "editing"
    SUBMITTING = "submitting"
    SUCCEEDED = "succeeded"
    REJECTED = "rejected"
    FAILED = "failed"


@identity_first_eq
@attrs.frozen
class SingleProxyState:
    """Everything the single form shows.

    ``submission_id`` is set from Submit until the draft is edited again, so a
    retry after a failure sends the same client key.
    """

    phase: SinglePhase = SinglePhase.EDITING
    mentor_id: str | None = None
    draft: ActivityDraft = EMPTY_DRAFT
    errors: ValidationErrors = NO_ERRORS
    submission_id: str | None = None
    outcome: RecordResult | None = None

    @property
    def client_key(self) -> str | None:
        if self.submission_id is None or self.mentor_id is None:
            return None
        return client_key(self.submission_id, self.mentor_id)


INITIAL_SINGLE_STATE = SingleProxyState()
