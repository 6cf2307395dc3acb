"""Shared test data: a coordinator with mentors, a fixed 'today', valid drafts."""

from __future__ import annotations

import datetime as dt

from proxyreg.domain import ActivityDraft, Coordinator, Mentor, Roster
from proxyreg.flows import FlowContext, Ignored

TODAY = dt.date(2026, 11, 25)

COORDINATOR = Coordinator("coord-1", "Kari Nordmann", "chapter-oslo")
OTHER_COORDINATOR = Coordinator("coord-2", "Ola Hansen", "chapter-bergen")


def make_mentors(count: int, *, paused: tuple[int, ...] = ()) -> tuple[Mentor, ...]:
    """``count`` mentors m01, m02, …; the given 1-based positions are paused."""
    width = max(2, len(str(count)))
    return tuple(
        Mentor(f"m{i:0{width}d}", f"Mentor {i:0{width}d}", "chapter-oslo", active=i not in paused)
        for i in range(1, count + 1)
    )


MENTORS = make_mentors(8, paused=(8,))
ROSTER = Roster(COORDINATOR, MENTORS)
PAUSED_ID = "m08"
OTHER_ROSTER = Roster(OTHER_COORDINATOR, (Mentor("x01", "Someone Else", "chapter-bergen"),))
CONTEXT = FlowContext(ROSTER, TODAY)

VALID_DRAFT = ActivityDraft(kind="home_visit", date=TODAY, minutes=60, notes="Coffee and a walk")
GROUP_DRAFT = ActivityDraft(kind="group_meeting", date=TODAY, minutes=90, participants=6)


def settle(
    reduce: object, state: object, *events: object, context: FlowContext = CONTEXT
) -> object:
    """Apply events in order with a reducer; fail the test if any is ignored."""
    for event in events:
        step = reduce(state, event, context)  # type: ignore[operator]
        assert not isinstance(step, Ignored), (event, step)
        state = step
    return state
