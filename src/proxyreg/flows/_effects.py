"""The one side effect of a flow: sending a submission, through a port the flows own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Generic, Protocol, TypeVar

import attrs

from proxyreg.domain import LedgerEntry, RecordResult, Submission
from proxyreg.flows._common import FlowContext, ProxyEvent

S = TypeVar("S")

ResultSink = Callable[[str, RecordResult], None]
"""Called with (mentor id, result) once per record, as each answer arrives."""


class SubmissionGateway(Protocol):
    """Sends submissions to the backend and remembers them (the submission ledger)."""

    async def submit(
        self, submission: Submission, on_result: ResultSink, cancelled: asyncio.Event
    ) -> None:
        """Send the records and call ``on_result`` once per record, in any order, as
        answers arrive; return when every record has one.

        Once ``cancelled`` is set nothing more is sent: records not sent yet are
        answered ``failed``. If ``submit`` raises, the records without an answer are
        shown as ``unknown`` (they may have landed), ready for Retry failed with the
        same client keys.
        """
        ...

    async def latest(self, coordinator_id: str, kind: str) -> LedgerEntry | None:
        """The coordinator's last submission of that kind, as far as it has settled."""
        ...

    def live_outcomes(self, submission_id: str) -> Mapping[str, RecordResult]:
        """Answers so far of a submission still being sent by this gateway (else empty)."""
        ...


@attrs.frozen
class SubmissionEffects(Generic[S]):
    """How a flow turns a step into a submission, and the answers back into its events.

    ``started(before, after, context)`` returns the submission a step began, if any;
    ``cancel_requested(before, after)`` the id of a submission a step asked to cancel.
    When ``restore_after`` is set, entering the flow with that event offers the last
    submission of ``kind`` from the ledger, as ``restored_event(entry)``.
    """

    kind: str
    started: Callable[[S, S, FlowContext], Submission | None]
    result_event: Callable[[Submission, str, RecordResult], ProxyEvent]
    failure_event: Callable[[Submission, str], ProxyEvent]
    cancel_requested: Callable[[S, S], str | None] = lambda before, after: None
    restore_after: type[ProxyEvent] | None = None
    restored_event: Callable[[LedgerEntry], ProxyEvent] | None = None
