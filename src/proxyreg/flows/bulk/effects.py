"""What the bulk flow sends (all selected, or on retry only the retryable), and its answers."""

from __future__ import annotations

from proxyreg.domain import LedgerEntry, ProxyRecord, RecordResult, Submission
from proxyreg.flows._common import FlowContext
from proxyreg.flows._effects import SubmissionEffects
from proxyreg.flows.bulk.board import MentorStatus
from proxyreg.flows.bulk.events import (
    BulkFlowEntered,
    BulkRecordResultReceived,
    BulkSubmissionFailed,
    BulkSubmissionRestored,
)
from proxyreg.flows.bulk.state import BulkPhase, BulkProxyState


def _started(before: BulkProxyState, after: BulkProxyState, ctx: FlowContext) -> Submission | None:
    if after.phase is not BulkPhase.SUBMITTING or before.phase is BulkPhase.SUBMITTING:
        return None
    assert after.submission_id is not None  # set by submit, kept by retry
    coordinator = ctx.roster.coordinator.id
    records = tuple(
        ProxyRecord.for_mentor(
            submission_id=after.submission_id,
            mentor_id=mentor_id,
            coordinator_id=coordinator,
            draft=after.draft,
        )
        for mentor_id in after.submitted
        if (entry := after.board.get(mentor_id)) is not None
        and entry.status is MentorStatus.PENDING
    )
    return Submission(after.submission_id, coordinator, records)


def _result(
    submission: Submission, mentor_id: str, result: RecordResult
) -> BulkRecordResultReceived:
    return BulkRecordResultReceived(submission.id, mentor_id, result)


def _failure(submission: Submission, message: str) -> BulkSubmissionFailed:
    return BulkSubmissionFailed(submission.id, message)


def _cancel_requested(before: BulkProxyState, after: BulkProxyState) -> str | None:
    return after.submission_id if after.cancelling and not before.cancelling else None


def _restored(entry: LedgerEntry) -> BulkSubmissionRestored:
    return BulkSubmissionRestored(entry)


BULK_EFFECTS = SubmissionEffects(
    "bulk",
    _started,
    _result,
    _failure,
    cancel_requested=_cancel_requested,
    restore_after=BulkFlowEntered,
    restored_event=_restored,
)
