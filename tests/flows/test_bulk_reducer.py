"""The bulk flow's reducer: selection, shared draft, per-mentor results, Retry failed."""

from __future__ import annotations

from typing import cast

from proxyreg.domain import Outcome, RecordResult, client_key
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkAllMentorsSelected,
    BulkDurationChanged,
    BulkFilterChanged,
    BulkMentorsDeselected,
    BulkMentorsSelected,
    BulkPhase,
    BulkProxyState,
    BulkRecordResultReceived,
    BulkRetryFailedRequested,
    BulkSelectionCleared,
    BulkSubmissionFailed,
    Ignored,
    MentorStatus,
    reduce_bulk,
    retryable_mentors,
)
from support import CONTEXT, PAUSED_ID, TODAY, settle

DRAFT = (
    BulkActivityKindChanged("phone_call"),
    BulkActivityDateChanged(TODAY),
    BulkDurationChanged(20),
)


def run(*events: object, state: BulkProxyState = INITIAL_BULK_STATE) -> BulkProxyState:
    return cast(BulkProxyState, settle(reduce_bulk, state, *events))


def submitted(*mentors: str, sid: str = "s1") -> BulkProxyState:
    return run(BulkMentorsSelected(mentors), *DRAFT, BulkActivitySubmitted(sid))


def result(mentor: str, outcome: Outcome, sid: str = "s1") -> BulkRecordResultReceived:
    return BulkRecordResultReceived(
        sid, mentor, RecordResult(client_key(sid, mentor), outcome, "r-" + mentor, message="said")
    )


def statuses(state: BulkProxyState) -> dict[str, MentorStatus]:
    return {m: state.board.entries[m].status for m in state.submitted}


def ignored_code(state: BulkProxyState, event: object) -> str:
    step = reduce_bulk(state, event, CONTEXT)  # type: ignore[arg-type]
    assert isinstance(step, Ignored), step
    return step.code


def test_selecting_and_unticking_mentors() -> None:
    """Ticked mentors join the selection; unticked and cleared ones leave it."""
    state = run(BulkMentorsSelected(("m01", "m02", "m03")), BulkMentorsDeselected(("m02", "zz")))
    assert set(state.selected) == {"m01", "m03"}
    assert set(run(BulkSelectionCleared(), state=state).selected) == set()


def test_a_refused_mentor_selects_none_of_the_batch() -> None:
    """One paused, foreign or repeated mentor in a selection shows an error and selects nobody."""
    for ids, code in (
        (("m01", PAUSED_ID), "paused"),
        (("m01", "x01"), "not_assigned"),
        (("m01", "m01"), "duplicate"),
    ):
        state = run(BulkMentorsSelected(ids))
        assert set(state.selected) == set()
        assert [(e.field, e.code) for e in state.errors] == [("mentors", code)]


def test_select_all_takes_the_active_mentors_the_filter_shows() -> None:
    """Select all skips paused mentors and those the filter hides."""
    assert set(run(BulkAllMentorsSelected()).selected) == {f"m0{i}" for i in range(1, 8)}
    shown = run(
        BulkFilterChanged("mentor 0"), BulkFilterChanged("MENTOR 03"), BulkAllMentorsSelected()
    )
    assert set(shown.selected) == {"m03"}


def test_submit_sends_the_selection_in_roster_order() -> None:
    """Submit freezes the selection into the submission, every mentor pending."""
    state = submitted("m03", "m01")
    assert state.phase is BulkPhase.SUBMITTING
    assert state.submitted == ("m01", "m03")
    assert statuses(state) == {"m01": MentorStatus.PENDING, "m03": MentorStatus.PENDING}
    assert state.board.counts.pending == 2


def test_submit_with_nothing_selected_shows_errors() -> None:
    """An empty selection and an empty draft are named field by field; nothing is sent."""
    state = run(BulkActivitySubmitted("s1"))
    assert state.phase is BulkPhase.SELECTING
    assert [e.field for e in state.errors] == ["mentors", "kind", "date", "minutes"]


def test_results_land_per_mentor_and_settle_the_phase() -> None:
    """Each result moves one mentor; the last one decides completed, partial or failed."""
    state = submitted("m01", "m02")
    half = run(result("m01", Outcome.REGISTERED), state=state)
    assert (half.phase, half.board.counts.done) == (BulkPhase.SUBMITTING, 1)
    assert run(result("m02", Outcome.ALREADY_REGISTERED), state=half).phase is BulkPhase.COMPLETED
    assert run(result("m02", Outcome.FAILED), state=half).phase is BulkPhase.PARTIALLY_FAILED
    none = run(result("m01", Outcome.REJECTED), result("m02", Outcome.UNKNOWN), state=state)
    assert none.phase is BulkPhase.FAILED


def test_results_that_do_not_belong_change_nothing() -> None:
    """Stale, foreign, repeated or mis-keyed results are ignored, each with its reason."""
    state = run(
        result("m01", Outcome.REGISTERED, sid="s2"), state=submitted("m01", "m02", sid="s2")
    )
    assert ignored_code(state, result("m02", Outcome.REGISTERED, sid="s1")) == "stale_submission"
    assert ignored_code(state, result("m05", Outcome.REGISTERED, sid="s2")) == "unknown_mentor"
    assert ignored_code(state, result("m01", Outcome.FAILED, sid="s2")) == "already_settled"
    wrong_key = BulkRecordResultReceived("s2", "m02", RecordResult("other", Outcome.REGISTERED))
    assert ignored_code(state, wrong_key) == "stale_submission"


def test_a_broken_off_submission_leaves_the_rest_unknown() -> None:
    """When the submission fails as a whole, answered mentors keep their result, the rest are
    unknown, and the message is shown."""
    state = run(
        result("m01", Outcome.REGISTERED),
        BulkSubmissionFailed("s1", "timeout"),
        state=submitted("m01", "m02", "m03"),
    )
    assert statuses(state) == {
        "m01": MentorStatus.REGISTERED,
        "m02": MentorStatus.UNKNOWN,
        "m03": MentorStatus.UNKNOWN,
    }
    assert (state.phase, state.last_error) == (BulkPhase.PARTIALLY_FAILED, "timeout")


def test_retry_failed_resends_exactly_the_retryable_mentors() -> None:
    """Retry failed pre-selects only the failed and unknown mentors, keeps the submission id,
    and leaves registered and rejected mentors as they were."""
    state = run(
        result("m01", Outcome.REGISTERED),
        result("m02", Outcome.REJECTED),
        result("m03", Outcome.FAILED),
        result("m04", Outcome.UNKNOWN),
        state=submitted("m01", "m02", "m03", "m04"),
    )
    assert retryable_mentors(state) == ("m03", "m04")
    retry = run(BulkRetryFailedRequested(), state=state)
    assert (retry.phase, retry.submission_id) == (BulkPhase.SUBMITTING, "s1")
    assert set(retry.selected) == {"m03", "m04"}
    assert statuses(retry) == {
        "m01": MentorStatus.REGISTERED,
        "m02": MentorStatus.REJECTED,
        "m03": MentorStatus.PENDING,
        "m04": MentorStatus.PENDING,
    }


def test_retry_failed_with_nothing_retryable_is_ignored() -> None:
    """Only rejected failures: Retry failed has nothing to send and changes nothing."""
    state = run(result("m01", Outcome.REJECTED), state=submitted("m01"))
    assert ignored_code(state, BulkRetryFailedRequested()) == "not_allowed"


def test_nothing_is_edited_once_submitted() -> None:
    """Selection, filter and draft are frozen from Submit on (the records carry them)."""
    state = submitted("m01")
    for event in (
        BulkMentorsSelected(("m02",)),
        BulkFilterChanged("x"),
        BulkDurationChanged(5),
        BulkAllMentorsSelected(),
        BulkActivitySubmitted("s9"),
    ):
        assert ignored_code(state, event) == "not_allowed"
