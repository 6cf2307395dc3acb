"""What the single flow sends, and how its answer comes back as an event."""

from __future__ import annotations

from proxyreg.domain import Outcome, ProxyRecord, RecordResult, Submission
from proxyreg.flows._common import FlowContext
from proxyreg.flows._effects import SubmissionEffects
from proxyreg.flows.single.events import SingleOutcomeReceived
from proxyreg.flows.single.state import SinglePhase, SingleProxyState


def _started(
    before: SingleProxyState, after: SingleProxyState, ctx: FlowContext
) -> Submission | None:
    if after.phase is not SinglePhase.SUBMITTING or before.phase is SinglePhase.SUBMITTING:
        return None
    assert after.submission_id is not None
    assert after.mentor_id is not None
    coordinator = ctx.roster.coordinator.id
    record = ProxyRecord.for_mentor(
        submission_id=after.submission_id,
        mentor_id=after.mentor_id,
        coordinator_id=coordinator,
        draft=after.draft,
    )
    return Submission(after.submission_id, coordinator, (record,), kind="single")


def _result(submission: Submission, mentor_id: str, result: RecordResult) -> SingleOutcomeReceived:
    return SingleOutcomeReceived(submission.id, result)


def _failure(submission: Submission, message: str) -> SingleOutcomeReceived:
    key = submission.records[0].client_key
    return SingleOutcomeReceived(submission.id, RecordResult(key, Outcome.UNKNOWN, message=message))


SINGLE_EFFECTS = SubmissionEffects("single", _started, _result, _failure)
