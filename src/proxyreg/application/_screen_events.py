"""What a screen's mentor tick and Submit button add, in whichever flow is active.

Shared by every front end, so the terminal app and the web page map the same actions to
the same events.
"""

from __future__ import annotations

from proxyreg.flows import (
    ActiveFlow,
    BulkActivitySubmitted,
    BulkMentorsDeselected,
    BulkMentorsSelected,
    ProxyEvent,
    SingleActivitySubmitted,
    SingleMentorPicked,
)


def mentor_event(flow: ActiveFlow, mentor_id: str, ticked: bool) -> ProxyEvent | None:
    """A tick in the mentor list: bulk ticks and unticks; single picks the ticked mentor."""
    if flow is ActiveFlow.BULK:
        return BulkMentorsSelected((mentor_id,)) if ticked else BulkMentorsDeselected((mentor_id,))
    if flow is ActiveFlow.SINGLE and ticked:
        return SingleMentorPicked(mentor_id)
    return None


def submit_event(flow: ActiveFlow) -> ProxyEvent | None:
    """Submit in the active flow (the bloc stamps the submission id)."""
    if flow is ActiveFlow.BULK:
        return BulkActivitySubmitted()
    if flow is ActiveFlow.SINGLE:
        return SingleActivitySubmitted()
    return None
