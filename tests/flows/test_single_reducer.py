"""The single flow's reducer: pick, edit, submit, outcome, retry."""

from __future__ import annotations

from typing import cast

import attrs

from proxyreg.domain import NO_ERRORS, ActivityDraft, Outcome, RecordResult, client_key
from proxyreg.flows import (
    INITIAL_SINGLE_STATE,
    Ignored,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleFlowEntered,
    SingleMentorPicked,
    SingleOutcomeReceived,
    SinglePhase,
    SingleProxyState,
    reduce_single,
)
from support import CONTEXT, PAUSED_ID, TODAY, settle

FILLED = (
    SingleMentorPicked("m01"),
    SingleActivityKindChanged("home_visit"),
    SingleActivityDateChanged(TODAY),
    SingleDurationChanged(45),
)


def run(*events: object, state: SingleProxyState = INITIAL_SINGLE_STATE) -> SingleProxyState:
    return cast(SingleProxyState, settle(reduce_single, state, *events))


def submitted(sid: str = "s1") -> SingleProxyState:
    return run(*FILLED, SingleActivitySubmitted(sid))


def answer(outcome: Outcome, sid: str = "s1") -> SingleOutcomeReceived:
    return SingleOutcomeReceived(sid, RecordResult(client_key(sid, "m01"), outcome, "r1"))


def test_a_filled_form_submits() -> None:
    """A chosen mentor and a valid draft move the form to submitting under the given id."""
    state = submitted()
    assert (state.phase, state.submission_id, state.errors) == (
        SinglePhase.SUBMITTING,
        "s1",
        NO_ERRORS,
    )
    assert state.client_key == client_key("s1", "m01")


def test_submitting_an_incomplete_form_shows_every_error_and_stays() -> None:
    """Submit on an empty form names each missing field, mentor included, and sends nothing."""
    state = run(SingleActivitySubmitted("s1"))
    assert state.phase is SinglePhase.EDITING
    assert state.submission_id is None
    assert [e.field for e in state.errors] == ["mentor", "kind", "date", "minutes"]


def test_editing_a_field_shows_only_that_fields_error() -> None:
    """A bad duration shows its error at once; untouched fields stay quiet."""
    state = run(SingleDurationChanged(0))
    assert [(e.field, e.code) for e in state.errors] == [("minutes", "out_of_range")]
    assert run(SingleDurationChanged(30), state=state).errors == NO_ERRORS


def test_changing_the_kind_rechecks_participants() -> None:
    """Switching to a group kind asks for participants; switching back drops the error."""
    group = run(SingleActivityKindChanged("group_meeting"))
    assert [e.field for e in group.errors] == ["participants"]
    assert run(SingleActivityKindChanged("phone_call"), state=group).errors == NO_ERRORS


def test_a_paused_or_foreign_mentor_is_refused_and_nothing_else_changes() -> None:
    """Picking a paused or unassigned mentor shows an error and keeps the previous pick."""
    state = run(SingleMentorPicked("m01"))
    for refused, code in ((PAUSED_ID, "paused"), ("x01", "not_assigned")):
        after = run(SingleMentorPicked(refused), state=state)
        assert after.mentor_id == "m01"
        assert [(e.field, e.code) for e in after.errors] == [("mentor", code)]


def test_outcomes_move_to_their_phase() -> None:
    """Registered and replayed succeed, rejected is rejected, failed and unknown fail."""
    expected = {
        Outcome.REGISTERED: SinglePhase.SUCCEEDED,
        Outcome.ALREADY_REGISTERED: SinglePhase.SUCCEEDED,
        Outcome.REJECTED: SinglePhase.REJECTED,
        Outcome.FAILED: SinglePhase.FAILED,
        Outcome.UNKNOWN: SinglePhase.FAILED,
    }
    for outcome, phase in expected.items():
        state = run(answer(outcome), state=submitted())
        assert (state.phase, state.outcome) == (phase, answer(outcome).result)


def test_a_stale_answer_changes_nothing() -> None:
    """An answer tagged with another submission id is ignored as stale."""
    step = reduce_single(submitted("s2"), answer(Outcome.REGISTERED, "s1"), CONTEXT)
    assert step == Ignored(
        "stale_submission", "An answer for an earlier submission changes nothing."
    )


def test_retry_after_failure_keeps_the_client_key() -> None:
    """Submitting again after a failure resends the same submission, so no duplicate can arise."""
    failed = run(answer(Outcome.FAILED), state=submitted())
    retried = run(SingleActivitySubmitted("s-new"), state=failed)
    assert (retried.phase, retried.submission_id) == (SinglePhase.SUBMITTING, "s1")


def test_edits_are_refused_while_submitting_and_after_failure() -> None:
    """The form is locked while a record is in flight and until its failure is retried."""
    for state in (submitted(), run(answer(Outcome.UNKNOWN), state=submitted())):
        step = reduce_single(state, SingleDurationChanged(10), CONTEXT)
        assert isinstance(step, Ignored)
        assert step.code == "not_allowed"


def test_editing_after_rejection_starts_a_new_submission() -> None:
    """A rejected record needs an edit; the edit clears the old submission and outcome."""
    rejected = run(answer(Outcome.REJECTED), state=submitted())
    edited = run(SingleDurationChanged(30), state=rejected)
    assert (edited.phase, edited.submission_id, edited.outcome) == (SinglePhase.EDITING, None, None)


def test_submit_without_an_id_is_ignored() -> None:
    """The reducer never invents ids: an unstamped Submit of a valid form changes nothing."""
    state = run(*FILLED)
    assert isinstance(reduce_single(state, SingleActivitySubmitted(), CONTEXT), Ignored)


def test_entering_resets_everything() -> None:
    """Entering the flow gives the initial state, whatever came before."""
    assert run(SingleFlowEntered(), state=submitted()) is INITIAL_SINGLE_STATE


def test_a_draft_with_wrong_types_never_raises() -> None:
    """Values of the wrong type become field errors on Submit, not exceptions."""
    state = attrs.evolve(
        run(SingleMentorPicked("m01")),
        draft=ActivityDraft(kind=3, date="today", minutes="x", notes=None),
    )  # type: ignore[arg-type]
    after = run(SingleActivitySubmitted("s1"), state=state)
    assert [e.code for e in after.errors] == [
        "unknown_kind",
        "wrong_type",
        "wrong_type",
        "wrong_type",
    ]
