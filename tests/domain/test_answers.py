"""The record rules in the domain: malformed records, and messages that quote values cut short."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from proxyreg.domain import (
    DEFAULT_RULES,
    ActivityDraft,
    ProxyRecord,
    Roster,
    malformed,
    mentor_error,
    validate_draft,
    validate_selection,
)
from support import COORDINATOR, TODAY, VALID_DRAFT

HUGE = "k" * 1_500_000


def record(**change: object) -> ProxyRecord:
    built = ProxyRecord.for_mentor(
        submission_id="s1", mentor_id="m01", coordinator_id=COORDINATOR.id, draft=VALID_DRAFT
    )
    return attrs.evolve(built, **change)


def test_a_record_from_a_valid_draft_is_well_formed() -> None:
    """malformed() finds nothing wrong with a record built from a validated draft."""
    assert malformed(record()) == ()


def test_malformed_names_each_field_of_the_wrong_type() -> None:
    """Wrong types, lone surrogates and a huge kind are each named by their field."""
    cases = {
        "date": record(date=None),
        "minutes": record(minutes=Decimal(30)),
        "notes": record(notes="bad \ud800"),
        "kind": record(kind=HUGE),
        "mentor_id": record(mentor_id=None),
        "participants": record(participants=True),
    }
    found = {name: [e.field for e in malformed(r)] for name, r in cases.items()}
    assert found == {name: [name] for name in cases}
    assert malformed(record(date=dt.datetime(2026, 11, 25, 12, 0))) != ()


def test_messages_quote_at_most_a_short_piece_of_a_huge_value() -> None:
    """A 1.5 MB kind or mentor id makes a message of a line, not of 1.5 MB."""
    draft = ActivityDraft(kind=HUGE, date=TODAY, minutes=30)
    messages = [e.message for e in validate_draft(draft, DEFAULT_RULES, TODAY)]
    error = mentor_error(HUGE, Roster(COORDINATOR, ()))
    assert error is not None
    messages.append(error.message)
    selection = validate_selection([HUGE, HUGE], Roster(COORDINATOR, ()), DEFAULT_RULES)
    messages += [e.message for e in selection]
    assert [len(m) < 120 for m in messages] == [True] * len(messages)
    assert malformed(record(kind=HUGE))[0].message.startswith("Unknown activity kind 'kkk")
