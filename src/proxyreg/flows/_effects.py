"""The one side effect of a flow: sending a submission, through a port the flows own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

import attrs

from proxyreg.domain import RecordResult, Submission
from proxyreg.flows._common import FlowContext, ProxyEvent

S = TypeVar("S")

ResultSink = Callable[[str, RecordResult], None]
"""Called with (mentor id, result) once per record, as each answer arrives."""


class SubmissionGateway(Protocol):
    """Sends a submission's records to the backend and reports each record's answer.

    ``submit`` calls ``on_result`` once per record, in any order, as answers
    arrive, and returns when every record has one. If it raises, the records
    without an answer are shown as ``unknown`` (they may have landed), ready
    for Retry failed with the same client keys.
    """

    async def submit(self, submission: Submission, on_result: ResultSink) -> None: ...


@attrs.frozen
class SubmissionEffects(Generic[S]):
    """How a flow turns a step into a submission, and the answers back into its events.

    ``started(before, after, context)`` returns the submission a step began, if any.
    """

    started: Callable[[S, S, FlowContext], Submission | None]
    result_event: Callable[[Submission, str, RecordResult], ProxyEvent]
    failure_event: Callable[[Submission, str], ProxyEvent]
