"""Selectors: what the result screen, the picker and the single form show."""

from __future__ import annotations

import attrs

from proxyreg.domain import NO_ERRORS, FieldError, Outcome, RecordResult, ValidationErrors
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    INITIAL_SINGLE_STATE,
    BulkPhase,
    BulkProxyState,
    MentorResult,
    MentorStatus,
    SinglePhase,
    StatusBoard,
)
from proxyreg.persistent import PersistentSet
from proxyreg.presentation import mentor_choices, progress, result_screen, single_form
from support import ROSTER


def settled(*results: tuple[str, MentorStatus], phase: BulkPhase) -> BulkProxyState:
    ids = tuple(m for m, _ in results)
    board = StatusBoard.pending(ids)
    for mentor, status in results:
        board = board.settle(mentor, MentorResult(status, message=""))
    return attrs.evolve(INITIAL_BULK_STATE, phase=phase, submitted=ids, board=board)


def test_result_screen_lists_mentors_in_submission_order_with_symbols() -> None:
    """Each submitted mentor has one row with name, symbol and a message a coordinator reads."""
    state = settled(
        ("m02", MentorStatus.REGISTERED),
        ("m01", MentorStatus.REJECTED),
        ("m03", MentorStatus.UNKNOWN),
        phase=BulkPhase.PARTIALLY_FAILED,
    )
    screen = result_screen(state, ROSTER)
    assert [(r.name, r.symbol) for r in screen.rows] == [
        ("Mentor 02", "✓"),
        ("Mentor 01", "✗"),
        ("Mentor 03", "?"),
    ]
    assert "will not resend" in screen.rows[1].message
    assert "no duplicate" in screen.rows[2].message
    assert screen.headline == "1 of 3 registered; 2 need attention."
    assert screen.retry_enabled


def test_retry_failed_is_disabled_when_nothing_is_retryable() -> None:
    """Only rejected failures, or a submission still running: Retry failed is off."""
    rejected = settled(("m01", MentorStatus.REJECTED), phase=BulkPhase.FAILED)
    running = settled(
        ("m01", MentorStatus.FAILED), ("m02", MentorStatus.PENDING), phase=BulkPhase.SUBMITTING
    )
    assert not result_screen(rejected, ROSTER).retry_enabled
    assert not result_screen(running, ROSTER).retry_enabled


def test_progress_counts_answered_records() -> None:
    """The progress bar is answered records over submitted records."""
    state = settled(
        ("m01", MentorStatus.FAILED), ("m02", MentorStatus.PENDING), phase=BulkPhase.SUBMITTING
    )
    bar = progress(state)
    assert (bar.done, bar.total, bar.fraction) == (1, 2, 0.5)


def test_mentor_picker_follows_the_filter_and_the_selection() -> None:
    """The picker shows the mentors the filter matches, ticked where selected."""
    state = attrs.evolve(
        INITIAL_BULK_STATE, filter_text="mentor 0", selected=PersistentSet(["m02"])
    )
    choices = mentor_choices(state, ROSTER)
    assert len(choices) == len(ROSTER.mentors)
    assert [c.mentor_id for c in choices if c.selected] == ["m02"]
    assert mentor_choices(attrs.evolve(state, filter_text="05"), ROSTER)[0].name == "Mentor 05"


def test_single_form_puts_errors_beside_fields_and_names_the_button() -> None:
    """Errors are grouped per field; after a failure the button says Retry."""
    errors = ValidationErrors((FieldError("minutes", "required", "Enter the duration."),))
    form = single_form(attrs.evolve(INITIAL_SINGLE_STATE, errors=errors))
    assert form.field_errors == {"minutes": ("Enter the duration.",)}
    failed = attrs.evolve(
        INITIAL_SINGLE_STATE,
        phase=SinglePhase.FAILED,
        errors=NO_ERRORS,
        outcome=RecordResult("k", Outcome.FAILED, message="Too many requests."),
    )
    view = single_form(failed)
    assert (view.submit_label, view.can_edit, view.can_submit) == ("Retry", False, True)
    assert view.status.startswith("Could not be sent: Too many requests.")


def test_an_all_or_nothing_failure_names_every_mentor_who_stopped_it() -> None:
    """When an atomic batch is rolled back, the banner names each refused mentor and why."""
    ids = ("m01", "m02", "m03")
    board = StatusBoard.pending(ids)
    board = board.settle(
        "m01", MentorResult(MentorStatus.REJECTED, None, "Mentor 01 is paused.", "paused")
    )
    for mentor in ("m02", "m03"):
        board = board.settle(
            mentor, MentorResult(MentorStatus.REJECTED, None, "Not saved.", "rolled_back")
        )
    state = attrs.evolve(INITIAL_BULK_STATE, phase=BulkPhase.FAILED, submitted=ids, board=board)
    screen = result_screen(state, ROSTER)
    assert (
        screen.error
        == "Nothing was saved (all or nothing). Not accepted: Mentor 01: Mentor 01 is paused."
    )
    assert not screen.retry_enabled


def test_the_headline_says_when_a_submission_is_being_cancelled() -> None:
    """While Cancel settles what was in flight, the headline says so, with progress."""
    state = settled(
        ("m01", MentorStatus.REGISTERED), ("m02", MentorStatus.PENDING), phase=BulkPhase.SUBMITTING
    )
    screen = result_screen(attrs.evolve(state, cancelling=True), ROSTER)
    assert screen.headline == "Cancelling… 1 of 2 answered."
