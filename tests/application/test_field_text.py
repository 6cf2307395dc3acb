"""The one field-text rule every front end reads numbers and dates with."""

from __future__ import annotations

import datetime as dt

import pytest

from proxyreg.application import (
    FieldReading,
    read_activity_text,
    read_date,
    read_field_text,
    read_whole_number,
)
from proxyreg.domain import ActivityDraft, FieldError


@pytest.mark.parametrize(
    ("text", "expected"),
    [("45", 45), (" 45 ", 45), ("+7", 7), ("-3", -3), ("007", 7), ("", None), ("  ", None)],
)
def test_whole_numbers_are_ascii_digits_with_an_optional_sign(
    text: str, expected: int | None
) -> None:
    """ASCII digits (and a sign) read as the number; empty text is no value."""
    assert FieldReading(expected) == read_whole_number("minutes", text)


@pytest.mark.parametrize("text", ["1_000", "\u0663\u0660", "4x", "4.5", "1e3", "9" * 5000, "--"])
def test_what_int_would_also_take_is_not_a_whole_number(text: str) -> None:
    """Underscores, other scripts' digits, decimals and past the digit limit are unreadable."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    expected = FieldError("minutes", "wrong_type", f"Enter a whole number, not {shown!r}.")
    assert FieldReading(None, expected) == read_whole_number("minutes", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-11-25", dt.date(2026, 11, 25)), (" 2026-11-25 ", dt.date(2026, 11, 25)), ("", None)],
)
def test_dates_are_year_month_day(text: str, expected: dt.date | None) -> None:
    """YYYY-MM-DD reads as that day; empty text is no value."""
    assert FieldReading(expected) == read_date("date", text)


@pytest.mark.parametrize("text", ["20261125", "2026-W48-3", "25.11.2026", "2026-11-25T10:00"])
def test_what_fromisoformat_would_also_take_is_not_a_date(text: str) -> None:
    """Basic ISO, week dates and times are not the YYYY-MM-DD the form promises."""
    expected = FieldError(
        "date", "wrong_format", f"Enter the date as YYYY-MM-DD, today or yesterday, not {text!r}."
    )
    assert FieldReading(None, expected) == read_date("date", text)


def test_a_day_that_does_not_exist_is_named() -> None:
    """The right shape but no such day (30 February) says so."""
    expected = FieldError("date", "no_such_day", "There is no day 2026-02-30.")
    assert FieldReading(None, expected) == read_date("date", "2026-02-30")


def test_a_required_field_left_empty_is_unreadable() -> None:
    """Empty text where a value must be given (a command-line option) is not read as none."""
    expected = FieldError("minutes", "wrong_type", "Enter a whole number, not ''.")
    assert FieldReading(None, expected) == read_whole_number("minutes", "", required=True)


def test_fields_read_by_name_and_text_fields_are_left_as_typed() -> None:
    """minutes and participants are numbers, date a date; kind and notes are not read."""
    assert [FieldReading(6), FieldReading(dt.date(2026, 1, 2)), None, None] == [
        read_field_text("participants", "6"),
        read_field_text("date", "2026-01-02"),
        read_field_text("notes", "45"),
        read_field_text("kind", "home_visit"),
    ]


@pytest.mark.parametrize(
    ("text", "days_ago"), [("today", 0), ("yesterday", 1), (" Today ", 0), ("YESTERDAY", 1)]
)
def test_today_and_yesterday_read_against_the_callers_today(text: str, days_ago: int) -> None:
    """The two words (any case, spaces ignored) are days counted back from ``today``."""
    today = dt.date(2026, 3, 1)
    expected = FieldReading(today - dt.timedelta(days=days_ago))
    assert expected == read_date("date", text, today=today)


def test_an_activity_reads_as_far_as_it_reads() -> None:
    """Every unreadable field is an error of the reading; the rest are read; a field not
    given (None) is no value and no error, left for the domain to call missing."""
    reading = read_activity_text(None, "2026-02-30", "20", "n", "x")
    assert ActivityDraft(None, None, 20, "n", None) == reading.draft
    expected = [("date", "no_such_day"), ("participants", "wrong_type")]
    assert expected == [(e.field, e.code) for e in reading.errors]
    assert reading.fields is None
