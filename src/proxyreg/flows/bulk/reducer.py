"""The bulk flow as a pure function: (state, event, context) -> next state, or Ignored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from proxyreg.domain import (
    NO_ERRORS,
    ActivityDraft,
    FieldError,
    ValidationErrors,
    client_key,
    shown,
    validate_draft,
    validate_selection,
)
from proxyreg.flows._common import DraftFieldChanged, FlowContext, Ignored, edit_draft
from proxyreg.flows.bulk.board import MentorResult, MentorStatus, StatusBoard
from proxyreg.flows.bulk.events import (
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkAllMentorsSelected,
    BulkDurationChanged,
    BulkEvent,
    BulkFilterChanged,
    BulkFlowEntered,
    BulkFlowExited,
    BulkMentorsDeselected,
    BulkMentorsSelected,
    BulkNewSubmissionStarted,
    BulkNotesChanged,
    BulkParticipantsChanged,
    BulkRecordResultReceived,
    BulkRetryFailedRequested,
    BulkSelectionCleared,
    BulkSubmissionCancelled,
    BulkSubmissionFailed,
    BulkSubmissionRestored,
)
from proxyreg.flows.bulk.lifecycle import BULK_LIFECYCLE
from proxyreg.flows.bulk.state import INITIAL_BULK_STATE, BulkPhase, BulkProxyState
from proxyreg.frozen import evolve
from proxyreg.persistent import PersistentSet

BulkStep = BulkProxyState | Ignored

_SELECTION = "mentors"


def _not_allowed(state: BulkProxyState, what: str) -> Ignored:
    return Ignored(
        "not_allowed",
        f"{what} is not possible while the bulk screen is {state.phase.value.replace('_', ' ')}.",
    )


def _with_selection_errors(
    state: BulkProxyState, errors: tuple[FieldError, ...]
) -> ValidationErrors:
    return _replacing_errors(state, _SELECTION, errors)


def _editable(state: BulkProxyState, what: str) -> Ignored | None:
    return None if BULK_LIFECYCLE.allows(state.phase, "edit") else _not_allowed(state, what)


def matches_filter(name: str, text: str) -> bool:
    """Whether the search box ``text`` shows a mentor called ``name``."""
    return text.casefold() in name.casefold()


_FILTER = "filter"
_ID_CONTAINERS = (tuple, list, set, frozenset)


def _ids(value: object) -> tuple[object, ...] | None:
    """The ids of a select or untick event, or None when they are not a list of ids."""
    return tuple(value) if isinstance(value, _ID_CONTAINERS) else None


def _replacing_errors(
    state: BulkProxyState, field: str, errors: tuple[FieldError, ...]
) -> ValidationErrors:
    return ValidationErrors((*(e for e in state.errors if e.field != field), *errors))


def _select(state: BulkProxyState, event: BulkMentorsSelected, ctx: FlowContext) -> BulkStep:
    refused = _editable(state, "Selecting mentors")
    if refused:
        return refused
    ids = _ids(event.mentor_ids)
    if ids is None:
        wrong = FieldError(_SELECTION, "wrong_type", "Choose mentors from the list.")
        return evolve(state, errors=_with_selection_errors(state, (wrong,)))
    errors = validate_selection(ids, ctx.roster, ctx.rules).for_field(_SELECTION)
    errors = tuple(e for e in errors if e.code not in ("empty", "too_many"))
    if errors:
        return evolve(state, errors=_with_selection_errors(state, errors))
    selected = state.selected.union(m for m in ids if isinstance(m, str))
    return evolve(state, selected=selected, errors=_with_selection_errors(state, ()))


def _deselect(state: BulkProxyState, event: BulkMentorsDeselected, ctx: FlowContext) -> BulkStep:
    refused = _editable(state, "Unticking mentors")
    if refused:
        return refused
    ids = _ids(event.mentor_ids)
    if ids is None:
        return Ignored("not_allowed", "Untick mentors from the list.")
    return evolve(state, selected=state.selected.difference(m for m in ids if isinstance(m, str)))


def _select_all(state: BulkProxyState, event: BulkAllMentorsSelected, ctx: FlowContext) -> BulkStep:
    visible = (
        m.id for m in ctx.roster.mentors if m.active and matches_filter(m.name, state.filter_text)
    )
    return _editable(state, "Selecting mentors") or evolve(
        state, selected=state.selected.union(visible), errors=_with_selection_errors(state, ())
    )


def _clear(state: BulkProxyState, event: BulkSelectionCleared, ctx: FlowContext) -> BulkStep:
    return _editable(state, "Unticking mentors") or evolve(
        state, selected=INITIAL_BULK_STATE.selected
    )


def _filter(state: BulkProxyState, event: BulkFilterChanged, ctx: FlowContext) -> BulkStep:
    refused = _editable(state, "Filtering mentors")
    if refused:
        return refused
    if not isinstance(event.text, str):
        wrong = FieldError(_FILTER, "wrong_type", "Type the search as text.")
        return evolve(state, errors=_replacing_errors(state, _FILTER, (wrong,)))
    return evolve(state, filter_text=event.text, errors=_replacing_errors(state, _FILTER, ()))


def _edit(state: BulkProxyState, event: DraftFieldChanged, ctx: FlowContext) -> BulkStep:
    refused = _editable(state, "Editing the activity")
    if refused:
        return refused
    draft, errors = edit_draft(state.draft, state.errors, event, ctx)
    return evolve(state, draft=draft, errors=errors)


def _submit(state: BulkProxyState, event: BulkActivitySubmitted, ctx: FlowContext) -> BulkStep:
    if not BULK_LIFECYCLE.allows(state.phase, "submit"):
        return _not_allowed(state, "Submitting")
    submitted = ctx.roster.ordered(state.selected)
    errors = validate_selection(submitted, ctx.roster, ctx.rules) + validate_draft(
        state.draft, ctx.rules, ctx.today
    )
    phase = BULK_LIFECYCLE.fire(state.phase, "submit", errors)
    if phase is None:
        return evolve(state, errors=errors)
    if event.submission_id is None:
        return Ignored("not_allowed", "A submission needs an id; the bloc stamps one.")
    return evolve(
        state,
        phase=phase,
        errors=NO_ERRORS,
        submission_id=event.submission_id,
        submitted=submitted,
        board=StatusBoard.pending(submitted),
        last_error=None,
    )


def _check_current(state: BulkProxyState, submission_id: str) -> Ignored | None:
    if submission_id != state.submission_id:
        return Ignored("stale_submission", "A result of an earlier submission changes nothing.")
    if state.phase is not BulkPhase.SUBMITTING:
        return Ignored("already_settled", "This submission has already settled.")
    return None


def _record_result(
    state: BulkProxyState, event: BulkRecordResultReceived, ctx: FlowContext
) -> BulkStep:
    refused = _check_current(state, event.submission_id)
    if refused:
        return refused
    entry = state.board.get(event.mentor_id)
    if entry is None:
        return Ignored(
            "unknown_mentor", f"Mentor {shown(event.mentor_id)} is not in this submission."
        )
    if entry.status is not MentorStatus.PENDING:
        return Ignored("already_settled", f"Mentor {shown(event.mentor_id)} already has a result.")
    assert state.submission_id is not None  # _check_current compared it with a str
    if event.result.client_key != client_key(state.submission_id, event.mentor_id):
        return Ignored("stale_submission", "The result's client key is not this record's.")
    board = state.board.settle(event.mentor_id, MentorResult.of(event.result))
    phase = BULK_LIFECYCLE.fire(state.phase, "record_result", board.counts)
    assert phase is not None  # record_result from submitting always has an unguarded edge
    return evolve(state, phase=phase, board=board, cancelling=_still_cancelling(state, phase))


def _still_cancelling(state: BulkProxyState, phase: BulkPhase) -> bool:
    return state.cancelling and phase is BulkPhase.SUBMITTING


def _abort(state: BulkProxyState, event: BulkSubmissionFailed, ctx: FlowContext) -> BulkStep:
    refused = _check_current(state, event.submission_id)
    if refused:
        return refused
    unknown = MentorResult(MentorStatus.UNKNOWN, message=event.message)
    board = state.board
    for mentor_id in state.submitted:
        entry = board.get(mentor_id)
        if entry is not None and entry.status is MentorStatus.PENDING:
            board = board.settle(mentor_id, unknown)
    phase = BULK_LIFECYCLE.fire(state.phase, "abort", board.counts)
    assert phase is not None  # abort from submitting always has an unguarded edge
    return evolve(state, phase=phase, board=board, last_error=event.message, cancelling=False)


def _cancel(state: BulkProxyState, event: BulkSubmissionCancelled, ctx: FlowContext) -> BulkStep:
    if BULK_LIFECYCLE.fire(state.phase, "cancel") is None:
        return _not_allowed(state, "Cancelling")
    return evolve(state, cancelling=True)


def _restore(state: BulkProxyState, event: BulkSubmissionRestored, ctx: FlowContext) -> BulkStep:
    submission = event.entry.submission
    # Equality, not identity: a state read back from JSON equals the constant without being it.
    # Cheap: a used state differs in a field, a length or a fingerprint (proxyreg.persistent).
    if state != INITIAL_BULK_STATE:
        return Ignored("not_allowed", "The bulk screen is in use; the last submission stays aside.")
    if submission.coordinator_id != ctx.roster.coordinator.id or not submission.records:
        return Ignored("not_allowed", "That submission is not one of yours to show.")
    submitted = submission.mentor_ids
    board = StatusBoard.pending(submitted)
    for mentor_id, result in event.entry.outcomes.items():
        if mentor_id in board.entries:
            board = board.settle(mentor_id, MentorResult.of(result))
    phase = BULK_LIFECYCLE.fire(state.phase, "restore", board.counts)
    assert phase is not None  # restore from selecting always has an unguarded edge
    first = submission.records[0]
    return evolve(
        state,
        phase=phase,
        selected=PersistentSet(submitted),
        draft=ActivityDraft(first.kind, first.date, first.minutes, first.notes, first.participants),
        submission_id=submission.id,
        submitted=submitted,
        board=board,
    )


def retryable_mentors(state: BulkProxyState) -> tuple[str, ...]:
    """The mentors Retry failed would resend, in roster order."""
    return tuple(
        m
        for m in state.submitted
        if (entry := state.board.get(m)) is not None and entry.status.is_retryable
    )


def _retry(state: BulkProxyState, event: BulkRetryFailedRequested, ctx: FlowContext) -> BulkStep:
    phase = BULK_LIFECYCLE.fire(state.phase, "retry_failed", state.board.counts)
    if phase is None:
        if BULK_LIFECYCLE.allows(state.phase, "retry_failed"):
            return Ignored("not_allowed", "Nothing failed that a retry could fix.")
        return _not_allowed(state, "Retry failed")
    retry = retryable_mentors(state)
    board = state.board
    for mentor_id in retry:
        board = board.settle(mentor_id, MentorResult(MentorStatus.PENDING))
    return evolve(state, phase=phase, selected=PersistentSet(retry), board=board, last_error=None)


def _start_over(
    state: BulkProxyState, event: BulkNewSubmissionStarted, ctx: FlowContext
) -> BulkStep:
    if BULK_LIFECYCLE.fire(state.phase, "start_over") is None:
        return _not_allowed(state, "Starting a new submission")
    return INITIAL_BULK_STATE


def _enter(state: BulkProxyState, event: BulkEvent, ctx: FlowContext) -> BulkStep:
    return INITIAL_BULK_STATE


def _exit(state: BulkProxyState, event: BulkEvent, ctx: FlowContext) -> BulkStep:
    return state


_REDUCERS: dict[type[BulkEvent], Callable[[BulkProxyState, Any, FlowContext], BulkStep]] = {
    BulkFlowEntered: _enter,
    BulkFlowExited: _exit,
    BulkMentorsSelected: _select,
    BulkMentorsDeselected: _deselect,
    BulkAllMentorsSelected: _select_all,
    BulkSelectionCleared: _clear,
    BulkFilterChanged: _filter,
    BulkActivityKindChanged: _edit,
    BulkActivityDateChanged: _edit,
    BulkDurationChanged: _edit,
    BulkNotesChanged: _edit,
    BulkParticipantsChanged: _edit,
    BulkActivitySubmitted: _submit,
    BulkRecordResultReceived: _record_result,
    BulkSubmissionFailed: _abort,
    BulkRetryFailedRequested: _retry,
    BulkSubmissionCancelled: _cancel,
    BulkSubmissionRestored: _restore,
    BulkNewSubmissionStarted: _start_over,
}
BULK_EVENT_TYPES = tuple(_REDUCERS)


def reduce_bulk(state: BulkProxyState, event: BulkEvent, ctx: FlowContext) -> BulkStep:
    """The next bulk-flow state after ``event``, or why the event changes nothing."""
    reducer = _REDUCERS.get(type(event))
    if reducer is None:
        return Ignored("not_allowed", f"{type(event).__name__} is not a bulk-flow event.")
    return reducer(state, event, ctx)
