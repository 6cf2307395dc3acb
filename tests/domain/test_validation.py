"""Field-level validation of drafts and selections."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from proxyreg.domain import (
    DEFAULT_RULES,
    ActivityDraft,
    FieldError,
    ValidationRules,
    validate_draft,
    validate_selection,
)
from support import PAUSED_ID, ROSTER, TODAY, VALID_DRAFT


def codes(errors: object) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in errors]  # type: ignore[attr-defined]


def test_valid_draft_has_no_errors() -> None:
    """A complete draft within every limit passes."""
    assert not validate_draft(VALID_DRAFT, DEFAULT_RULES, TODAY)


def test_empty_draft_names_each_missing_field() -> None:
    """An empty draft says what is missing, next to each field."""
    errors = validate_draft(ActivityDraft(), DEFAULT_RULES, TODAY)
    assert codes(errors) == [("kind", "required"), ("date", "required"), ("minutes", "required")]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kind": "juggling"}, ("kind", "unknown_kind")),
        ({"kind": 42}, ("kind", "unknown_kind")),
        ({"date": TODAY + dt.timedelta(days=1)}, ("date", "in_future")),
        ({"date": TODAY - dt.timedelta(days=61)}, ("date", "too_old")),
        ({"date": "2026-11-25"}, ("date", "wrong_type")),
        ({"minutes": 0}, ("minutes", "out_of_range")),
        ({"minutes": 1441}, ("minutes", "out_of_range")),
        ({"minutes": "60"}, ("minutes", "wrong_type")),
        ({"minutes": True}, ("minutes", "wrong_type")),
        ({"notes": "x" * 2001}, ("notes", "too_long")),
        ({"notes": "bad\x00byte"}, ("notes", "control_character")),
        ({"notes": None}, ("notes", "wrong_type")),
        ({"participants": 5}, ("participants", "not_applicable")),
    ],
)
def test_each_bad_field_gets_its_own_error(
    change: dict[str, object], expected: tuple[str, str]
) -> None:
    """One bad field gives exactly one error, on that field, with a stable code."""
    draft = attrs.evolve(VALID_DRAFT, **change)
    assert codes(validate_draft(draft, DEFAULT_RULES, TODAY)) == [expected]


def test_limits_are_inclusive() -> None:
    """1 and 1440 minutes, 2,000 characters and the oldest day of the window are accepted."""
    for draft in (
        attrs.evolve(VALID_DRAFT, minutes=1),
        attrs.evolve(VALID_DRAFT, minutes=1440),
        attrs.evolve(VALID_DRAFT, notes="x" * 2000),
        attrs.evolve(VALID_DRAFT, date=TODAY - dt.timedelta(days=60)),
        attrs.evolve(VALID_DRAFT, notes="line one\n\tline two"),
    ):
        assert not validate_draft(draft, DEFAULT_RULES, TODAY), draft


def test_the_date_window_is_configurable() -> None:
    """An organisation can allow older dates than the default window."""
    old = attrs.evolve(VALID_DRAFT, date=TODAY - dt.timedelta(days=100))
    assert not validate_draft(old, ValidationRules(max_age_days=120), TODAY)


def test_group_kinds_need_a_participant_count() -> None:
    """A group meeting without participants is incomplete; with 0 it is out of range."""
    group = ActivityDraft(kind="group_meeting", date=TODAY, minutes=30)
    assert codes(validate_draft(group, DEFAULT_RULES, TODAY)) == [("participants", "required")]
    zero = attrs.evolve(group, participants=0)
    assert codes(validate_draft(zero, DEFAULT_RULES, TODAY)) == [("participants", "out_of_range")]


def test_selection_errors() -> None:
    """Empty, repeated, paused and foreign mentors are each named on the mentors field."""
    assert codes(validate_selection([], ROSTER, DEFAULT_RULES)) == [("mentors", "empty")]
    assert codes(validate_selection(["m01", "m01"], ROSTER, DEFAULT_RULES)) == [
        ("mentors", "duplicate")
    ]
    assert codes(validate_selection([PAUSED_ID], ROSTER, DEFAULT_RULES)) == [("mentors", "paused")]
    assert codes(validate_selection(["x01"], ROSTER, DEFAULT_RULES)) == [
        ("mentors", "not_assigned")
    ]


def test_selection_above_the_limit_is_refused() -> None:
    """More mentors than the organisation allows in one submission is an error."""
    rules = ValidationRules(max_selection=3)
    errors = validate_selection(["m01", "m02", "m03", "m04"], ROSTER, rules)
    assert codes(errors) == [("mentors", "too_many")]
    assert DEFAULT_RULES.max_selection == 10_000


def test_errors_group_by_field_for_a_form() -> None:
    """A form reads the messages of each field in one look-up."""
    errors = validate_draft(ActivityDraft(kind="home_visit", minutes=0), DEFAULT_RULES, TODAY)
    assert errors.by_field() == {
        "date": ("Enter the date of the activity.",),
        "minutes": ("The duration must be between 1 and 1440 minutes.",),
    }
    assert errors.for_field("minutes") == (
        FieldError("minutes", "out_of_range", "The duration must be between 1 and 1440 minutes."),
    )
