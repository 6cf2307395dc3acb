"""Selectors for a coordinator screen that shows both flows: the bulk form's controls,
and the mentor picker of the single flow.

The single flow keeps no search text of its own (it picks one mentor), so a
screen that offers a search box for it passes the text in; the match is the
bulk flow's, so both lists answer a search the same way.
"""

from __future__ import annotations

import attrs

from proxyreg.domain import Roster
from proxyreg.flows import BULK_LIFECYCLE, BulkPhase, BulkProxyState, SingleProxyState
from proxyreg.flows.bulk.reducer import matches_filter
from proxyreg.presentation._bulk import MentorChoice


@attrs.frozen
class BulkForm:
    """What the bulk form allows now, and the field errors beside each input."""

    field_errors: dict[str, tuple[str, ...]]
    can_edit: bool
    can_submit: bool
    can_cancel: bool
    can_start_over: bool


def bulk_form(state: BulkProxyState) -> BulkForm:
    """Edit and Submit while selecting; Cancel while sending; New submission once settled."""
    settled = state.phase is not BulkPhase.SELECTING and BULK_LIFECYCLE.allows(
        state.phase, "start_over"
    )
    return BulkForm(
        field_errors=state.errors.by_field(),
        can_edit=BULK_LIFECYCLE.allows(state.phase, "edit"),
        can_submit=BULK_LIFECYCLE.allows(state.phase, "submit"),
        can_cancel=BULK_LIFECYCLE.allows(state.phase, "cancel") and not state.cancelling,
        can_start_over=settled,
    )


def single_mentor_choices(
    state: SingleProxyState, roster: Roster, search: str = ""
) -> tuple[MentorChoice, ...]:
    """The mentors whose name matches ``search``, in roster order; the picked one is ticked.

    The picked mentor stays listed whatever the search, so the choice is never hidden.
    """
    return tuple(
        MentorChoice(m.id, m.name, m.active, m.id == state.mentor_id)
        for m in roster.mentors
        if m.id == state.mentor_id or matches_filter(m.name, search)
    )
