"""The pure parts of the coordinator screen: its selectors, the results order, the
question before leaving, and the rule that lets a state rewrite a box."""

from __future__ import annotations

import attrs
import pytest

from proxyreg.domain import ActivityDraft
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    INITIAL_REGISTRATION_STATE,
    INITIAL_SINGLE_STATE,
    ActiveFlow,
    BulkPhase,
    MentorStatus,
    SinglePhase,
)
from proxyreg.persistent import PersistentSet
from proxyreg.presentation import ResultRow
from proxyreg.presentation.coordinator_screen import bulk_form, single_mentor_choices
from proxyreg.tui.leaving import unsent_work
from proxyreg.tui.results_panel import shown_rows
from proxyreg.tui.typed_text import TypedText
from support import ROSTER, TODAY


@pytest.mark.parametrize(
    ("phase", "cancelling", "expected"),
    [
        (BulkPhase.SELECTING, False, (True, True, False, False)),
        (BulkPhase.SUBMITTING, False, (False, False, True, False)),
        (BulkPhase.SUBMITTING, True, (False, False, False, False)),
        (BulkPhase.COMPLETED, False, (False, False, False, True)),
        (BulkPhase.PARTIALLY_FAILED, False, (False, False, False, True)),
        (BulkPhase.FAILED, False, (False, False, False, True)),
    ],
)
def test_the_bulk_form_allows_what_the_lifecycle_allows(
    phase: BulkPhase, cancelling: bool, expected: tuple[bool, bool, bool, bool]
) -> None:
    """Edit and Submit while selecting, Cancel once while sending, New submission once settled."""
    form = bulk_form(attrs.evolve(INITIAL_BULK_STATE, phase=phase, cancelling=cancelling))
    assert expected == (form.can_edit, form.can_submit, form.can_cancel, form.can_start_over)


def test_the_single_picker_filters_by_name_and_keeps_the_picked_mentor() -> None:
    """The search narrows the list, any case; the picked mentor stays listed and ticked."""
    picked = attrs.evolve(INITIAL_SINGLE_STATE, mentor_id="m02")
    choices = single_mentor_choices(picked, ROSTER, "MENTOR 0")
    assert len(choices) == len(ROSTER.mentors)
    assert [c.mentor_id for c in choices if c.selected] == ["m02"]
    narrowed = single_mentor_choices(picked, ROSTER, "mentor 05")
    assert [(c.mentor_id, c.selected) for c in narrowed] == [("m02", True), ("m05", False)]
    assert [c.active for c in single_mentor_choices(picked, ROSTER, "08")] == [True, False]


def row(mentor_id: str, status: MentorStatus) -> ResultRow:
    return ResultRow(mentor_id, mentor_id.upper(), status, "", "")


ROWS = (
    row("m01", MentorStatus.REGISTERED),
    row("m02", MentorStatus.FAILED),
    row("m03", MentorStatus.ALREADY_REGISTERED),
    row("m04", MentorStatus.UNKNOWN),
    row("m05", MentorStatus.REJECTED),
)


def test_settled_results_show_the_rows_needing_attention_first_in_submission_order() -> None:
    """Failed, unknown and rejected rows on top once settled; while sending, submission order."""
    order = [r.mentor_id for r in shown_rows(ROWS, settled=True, failed_only=False)]
    assert order == ["m02", "m04", "m05", "m01", "m03"]
    assert list(shown_rows(ROWS, settled=False, failed_only=False)) == list(ROWS)
    only = [r.mentor_id for r in shown_rows(ROWS, settled=True, failed_only=True)]
    assert only == ["m02", "m04", "m05"]


def test_only_an_unsent_form_is_worth_a_question_before_leaving() -> None:
    """Ticks or a filled-in activity in an unsent form are named; today's date alone, a
    sent submission, or a settled single registration are not."""
    bulk = attrs.evolve(INITIAL_REGISTRATION_STATE, active_flow=ActiveFlow.BULK)
    assert unsent_work(bulk, TODAY) is None
    dated = attrs.evolve(
        bulk, bulk=attrs.evolve(INITIAL_BULK_STATE, draft=ActivityDraft(date=TODAY))
    )
    assert unsent_work(dated, TODAY) is None
    ticked = attrs.evolve(
        bulk, bulk=attrs.evolve(INITIAL_BULK_STATE, selected=PersistentSet(["m01"]))
    )
    assert unsent_work(ticked, TODAY) == "The bulk form holds 1 ticked mentor, not sent."
    sent = attrs.evolve(ticked, bulk=attrs.evolve(ticked.bulk, phase=BulkPhase.SUBMITTING))
    assert unsent_work(sent, TODAY) is None
    single = attrs.evolve(
        INITIAL_REGISTRATION_STATE,
        active_flow=ActiveFlow.SINGLE,
        single=attrs.evolve(INITIAL_SINGLE_STATE, mentor_id="m01"),
    )
    assert unsent_work(single, TODAY) == (
        "The one-mentor form holds a registration that was not sent."
    )
    done = attrs.evolve(single, single=attrs.evolve(single.single, phase=SinglePhase.SUCCEEDED))
    assert unsent_work(done, TODAY) is None


def test_a_box_is_rewritten_only_when_the_engine_moved_its_value() -> None:
    """While an edit is on its way the box keeps its text; once applied, a value equal to
    the reported text leaves it; a value the engine changed on its own is written."""
    typed = TypedText()
    typed.reported("minutes", "12")
    assert typed.rewrite("minutes", None, _number, str) is None  # 12 is still on its way
    typed.applied("minutes")
    assert typed.rewrite("minutes", 12, _number, str) is None
    assert typed.rewrite("minutes", None, _number, lambda v: "" if v is None else str(v)) == ""
    assert typed.last("minutes") == ""


def _number(text: str) -> object:
    return int(text) if text else None
