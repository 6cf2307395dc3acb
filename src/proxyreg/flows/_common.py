"""What both flows share: their context, the 'ignored' answer, draft editing, Submit."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Self

import attrs

from proxyreg.domain import (
    DEFAULT_RULES,
    ActivityDraft,
    Roster,
    ValidationErrors,
    ValidationRules,
    validate_draft,
)
from proxyreg.frozen import evolve


@attrs.frozen
class FlowContext:
    """What the reducers read besides the state: who is signed in, their mentors, the rules, today.

    It is an argument, not state, so reducers stay pure functions of
    (state, event, context) and a scenario replays the same on any day.
    """

    roster: Roster
    today: dt.date
    rules: ValidationRules = DEFAULT_RULES


@attrs.frozen
class Ignored:
    """A reducer's answer for an event that does not apply: nothing changes, and why.

    ``code`` is one of ``flow_inactive``, ``not_allowed``, ``stale_submission``,
    ``unknown_mentor``, ``already_settled``; the bloc itself publishes ``dropped`` (a
    Submit while one is in flight) and ``superseded`` (a debounced filter replaced).
    """

    code: str
    message: str


@attrs.frozen
class DraftFieldChanged:
    """Base of the events that change one field of a draft; ``field`` names it."""

    field: ClassVar[str]

    @property
    def value(self) -> object:
        return getattr(self, self.field)


@attrs.frozen
class SubmitPressed:
    """Base of the Submit events: the bloc stamps ``submission_id`` when the UI leaves it None."""

    submission_id: str | None = None

    def stamped(self, submission_id: str) -> Self:
        """The same Submit, carrying ``submission_id``."""
        return attrs.evolve(self, submission_id=submission_id)


# Changing the kind decides whether a participant count is needed.
_DEPENDENT_FIELDS = {"kind": ("kind", "participants")}


def edit_draft(
    draft: ActivityDraft,
    errors: ValidationErrors,
    change: DraftFieldChanged,
    context: FlowContext,
) -> tuple[ActivityDraft, ValidationErrors]:
    """Apply one field change, and refresh the errors of the fields it affects.

    Errors of other fields stay as they were: a form shows a field's problem as
    soon as that field is edited, and all of them on Submit.
    """
    update: dict[str, Any] = {change.field: change.value}
    new_draft = evolve(draft, **update)
    fields = _DEPENDENT_FIELDS.get(change.field, (change.field,))
    checked = validate_draft(new_draft, context.rules, context.today)
    kept = tuple(e for e in errors if e.field not in fields)
    fresh = tuple(e for e in checked if e.field in fields)
    return new_draft, ValidationErrors(kept + fresh)


@attrs.frozen
class ProxyEvent:
    """Base of every event of the proxy registration engine."""
