"""The single flow as a pure function: (state, event, context) -> next state, or Ignored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from proxyreg.domain import (
    NO_ERRORS,
    FieldError,
    ValidationErrors,
    field_error,
    mentor_error,
    validate_draft,
)
from proxyreg.flows._common import DraftFieldChanged, FlowContext, Ignored, edit_draft
from proxyreg.flows.single.events import (
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleEvent,
    SingleFlowEntered,
    SingleFlowExited,
    SingleMentorPicked,
    SingleNotesChanged,
    SingleOutcomeReceived,
    SingleParticipantsChanged,
)
from proxyreg.flows.single.lifecycle import SINGLE_LIFECYCLE
from proxyreg.flows.single.state import INITIAL_SINGLE_STATE, SinglePhase, SingleProxyState
from proxyreg.frozen import evolve

SingleStep = SingleProxyState | Ignored


def _not_allowed(state: SingleProxyState, what: str) -> Ignored:
    return Ignored("not_allowed", f"{what} is not possible while the form is {state.phase.value}.")


def _without(errors: ValidationErrors, field: str) -> tuple[FieldError, ...]:
    return tuple(e for e in errors if e.field != field)


def _pick(state: SingleProxyState, event: SingleMentorPicked, ctx: FlowContext) -> SingleStep:
    phase = SINGLE_LIFECYCLE.fire(state.phase, "edit")
    if phase is None:
        return _not_allowed(state, "Choosing a mentor")
    error = mentor_error(event.mentor_id, ctx.roster)
    if error is not None:
        errors = ValidationErrors((*_without(state.errors, "mentor"), error))
        return evolve(state, errors=errors)
    return evolve(
        state,
        phase=phase,
        mentor_id=event.mentor_id,
        errors=ValidationErrors(_without(state.errors, "mentor")),
        submission_id=None,
        outcome=None,
    )


def _edit(state: SingleProxyState, event: DraftFieldChanged, ctx: FlowContext) -> SingleStep:
    phase = SINGLE_LIFECYCLE.fire(state.phase, "edit")
    if phase is None:
        return _not_allowed(state, "Editing the activity")
    draft, errors = edit_draft(state.draft, state.errors, event, ctx)
    # A changed payload needs a new client key: the next Submit starts a new submission.
    return evolve(state, phase=phase, draft=draft, errors=errors, submission_id=None, outcome=None)


def _form_errors(state: SingleProxyState, ctx: FlowContext) -> ValidationErrors:
    if state.mentor_id is None:
        mentor: FieldError | None = field_error("mentor", "required")
    else:
        mentor = mentor_error(state.mentor_id, ctx.roster)
    draft = validate_draft(state.draft, ctx.rules, ctx.today)
    return ValidationErrors(((mentor,) if mentor else ()) + draft.errors)


def _submit(
    state: SingleProxyState, event: SingleActivitySubmitted, ctx: FlowContext
) -> SingleStep:
    if not SINGLE_LIFECYCLE.allows(state.phase, "submit"):
        return _not_allowed(state, "Submitting")
    if state.phase is SinglePhase.FAILED:
        # Retry: same submission, same client key, so a record that did land is not doubled.
        return evolve(state, phase=SinglePhase.SUBMITTING, outcome=None)
    errors = _form_errors(state, ctx)
    phase = SINGLE_LIFECYCLE.fire(state.phase, "submit", errors)
    if phase is None:
        return evolve(state, errors=errors)
    if event.submission_id is None:
        return Ignored("not_allowed", "A submission needs an id; the bloc stamps one.")
    return evolve(
        state, phase=phase, errors=NO_ERRORS, submission_id=event.submission_id, outcome=None
    )


def _resolve(state: SingleProxyState, event: SingleOutcomeReceived, ctx: FlowContext) -> SingleStep:
    if event.submission_id != state.submission_id or event.result.client_key != state.client_key:
        return Ignored("stale_submission", "An answer for an earlier submission changes nothing.")
    phase = SINGLE_LIFECYCLE.fire(state.phase, "resolve", event.result)
    if phase is None:
        return Ignored("already_settled", "This submission already has its outcome.")
    return evolve(state, phase=phase, outcome=event.result)


def _enter(state: SingleProxyState, event: SingleEvent, ctx: FlowContext) -> SingleStep:
    return INITIAL_SINGLE_STATE


def _exit(state: SingleProxyState, event: SingleEvent, ctx: FlowContext) -> SingleStep:
    return state


_REDUCERS: dict[type[SingleEvent], Callable[[SingleProxyState, Any, FlowContext], SingleStep]] = {
    SingleFlowEntered: _enter,
    SingleFlowExited: _exit,
    SingleMentorPicked: _pick,
    SingleActivityKindChanged: _edit,
    SingleActivityDateChanged: _edit,
    SingleDurationChanged: _edit,
    SingleNotesChanged: _edit,
    SingleParticipantsChanged: _edit,
    SingleActivitySubmitted: _submit,
    SingleOutcomeReceived: _resolve,
}
SINGLE_EVENT_TYPES = tuple(_REDUCERS)


def reduce_single(state: SingleProxyState, event: SingleEvent, ctx: FlowContext) -> SingleStep:
    """The next single-flow state after ``event``, or why the event changes nothing."""
    reducer = _REDUCERS.get(type(event))
    if reducer is None:
        return Ignored("not_allowed", f"{type(event).__name__} is not a single-flow event.")
    return reducer(state, event, ctx)
