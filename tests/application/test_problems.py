"""Every problem of a Submit at once, judged by the session without sending anything."""

from __future__ import annotations

import asyncio
import datetime as dt

from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.application import (
    RegistrationSession,
    activity_problems,
    read_activity_text,
)
from proxyreg.domain import Coordinator, Mentor, Roster

TODAY = dt.date(2026, 3, 10)
ROSTER = Roster(
    Coordinator("c1", "Kari", "ch1"),
    (Mentor("m1", "Ada", "ch1"), Mentor("m2", "Bo", "ch1", active=False)),
)


def problems_of(mentor_ids: tuple[str, ...] | None, *text: str | None) -> list[tuple[str, str]]:
    reading = read_activity_text(*text, today=TODAY)  # type: ignore[arg-type]

    async def judge() -> tuple[list[tuple[str, str]], InMemoryRepository]:
        repository = InMemoryRepository.of_rosters(ROSTER)
        async with RegistrationSession(repository, ROSTER, today=TODAY) as session:
            found = session.bulk_problems(mentor_ids, reading)
        return [(e.field, e.code) for e in found], repository

    found, repository = asyncio.run(judge())
    assert asyncio.run(repository.submissions()) == []  # nothing was sent
    return found


def test_unreadable_text_and_the_domains_judgement_come_together_in_form_order() -> None:
    """A paused mentor, an unknown kind, no such day and minutes out of range: all four."""
    expected = [
        ("mentors", "paused"),
        ("kind", "unknown_kind"),
        ("date", "no_such_day"),
        ("minutes", "out_of_range"),
    ]
    assert expected == problems_of(("m2",), "swim", "2026-02-30", "0")


def test_a_field_left_out_is_the_domains_required() -> None:
    """None for kind and minutes: the domain's 'required', once each, no reading error."""
    expected = [("kind", "required"), ("minutes", "required")]
    assert expected == problems_of(None, None, "today", None)


def test_a_good_activity_has_no_problems() -> None:
    """Every active mentor, a known kind, yesterday, 30 minutes: nothing to name."""
    nothing: list[tuple[str, str]] = []
    assert nothing == problems_of(None, "phone_call", "yesterday", "30")


def test_activity_problems_need_no_roster() -> None:
    """The activity alone is judged (for when who acts is refused): date in the future."""
    reading = read_activity_text("phone_call", "2026-03-11", "30", today=TODAY)
    expected = [("date", "in_future")]
    assert expected == [(e.field, e.code) for e in activity_problems(reading, today=TODAY)]
