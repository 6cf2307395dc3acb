"""Whether leaving the active flow would throw away something the coordinator typed, in words."""

from __future__ import annotations

import datetime as dt

from proxyreg.domain import ActivityDraft
from proxyreg.flows import (
    ActiveFlow,
    BulkPhase,
    BulkProxyState,
    ProxyRegistrationState,
    SinglePhase,
    SingleProxyState,
)


def _typed(draft: ActivityDraft, today: dt.date) -> bool:
    """The draft holds more than a fresh form does (a fresh form has today's date)."""
    fresh = ActivityDraft(date=today)
    return draft not in (fresh, ActivityDraft())


def _unsent_bulk(state: BulkProxyState, today: dt.date) -> str | None:
    if state.phase is not BulkPhase.SELECTING:
        return None
    ticked = len(state.selected)
    parts = []
    if ticked:
        parts.append(f"{ticked} ticked mentor{'' if ticked == 1 else 's'}")
    if _typed(state.draft, today):
        parts.append("an activity filled in")
    return f"The bulk form holds {' and '.join(parts)}, not sent." if parts else None


def _unsent_single(state: SingleProxyState, today: dt.date) -> str | None:
    if state.phase not in (SinglePhase.EDITING, SinglePhase.REJECTED):
        return None
    if state.mentor_id is None and not _typed(state.draft, today):
        return None
    return "The one-mentor form holds a registration that was not sent."


def unsent_work(state: ProxyRegistrationState, today: dt.date) -> str | None:
    """What leaving the active flow would lose, said for a question; None when nothing.

    Only an unsent form counts: a submission, sent or settled, stays in the ledger.
    """
    if state.active_flow is ActiveFlow.BULK:
        return _unsent_bulk(state.bulk, today)
    if state.active_flow is ActiveFlow.SINGLE:
        return _unsent_single(state.single, today)
    return None
