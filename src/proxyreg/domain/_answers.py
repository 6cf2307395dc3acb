"""How a backend answers one record it is asked to store: the rules every Python adapter uses.

Replay, conflict, forbidden, not assigned, paused, invalid, and the rolled-back answers
of an all-or-nothing batch, written once. The PostgreSQL function says the same in SQL;
the contract suite holds them equal. Nothing here raises on a record whose fields have
the wrong types: such a record is answered ``rejected`` / ``invalid`` before any lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from proxyreg.domain._model import ProxyRecord
from proxyreg.domain._outcome import Outcome, RecordResult
from proxyreg.domain._record_rules import validate_record
from proxyreg.domain._validation import FieldError, ValidationRules, shown

# Stable codes of rejected records, shared by every adapter.
CONFLICT = "conflict"
NOT_ASSIGNED = "not_assigned"
PAUSED = "paused"
FORBIDDEN = "forbidden"
INVALID = "invalid"
ROLLED_BACK = "rolled_back"

# What every backend says, in the same words (the PostgreSQL function says them in SQL).
REGISTERED_MESSAGE = "Registered."
REPLAY_MESSAGE = "Already registered earlier."
CONFLICT_MESSAGE = "This record was already sent with different details; nothing was changed."
FORBIDDEN_MESSAGE = "You can only register activities as yourself."
NOT_ASSIGNED_MESSAGE = "This mentor is not assigned to you."


def paused_message(mentor_name: str) -> str:
    return f"{mentor_name} is paused."


class Stored(NamedTuple):
    """A record the backend already holds under the same client key (a lookup's answer)."""

    record_id: str
    same_payload: bool


class Assignment(NamedTuple):
    """A mentor assigned to the coordinator: their name, and whether they are active."""

    name: str
    active: bool


class RecordLookup(Protocol):
    """What the rules need to know of a backend, asked only for well-formed records."""

    def stored(self, record: ProxyRecord) -> Stored | None:
        """The record held under ``record.client_key``, or None."""
        ...

    def assignment(self, coordinator_id: str, mentor_id: str) -> Assignment | None:
        """The mentor, if they exist and are assigned to the coordinator; else None."""
        ...


MAX_KIND_LENGTH = 200
"""Longer than any activity kind's id: judged unknown here, without a server's lookup."""

_IDS = ("client_key", "submission_id", "mentor_id", "registered_by")


def _is_text(value: object) -> bool:
    """A str any database can hold: no lone surrogate (what an undecodable byte becomes)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def malformed(record: ProxyRecord) -> tuple[FieldError, ...]:
    """Fields of ``record`` that are not of their types, not storable text, or a kind too
    long to be one, in field order.

    Empty for every record built from a validated draft. Such a record can never
    have been stored, so it is answered ``invalid`` before any replay check.
    """
    problems = [
        FieldError(name, "wrong_type", f"The record's {name.replace('_', ' ')} is not text.")
        for name in _IDS
        if not _is_text(getattr(record, name))
    ]
    if not _is_text(record.kind):
        problems.append(FieldError("kind", "wrong_type", "The activity kind is not text."))
    elif len(record.kind) > MAX_KIND_LENGTH:
        problems.append(
            FieldError("kind", "unknown_kind", f"Unknown activity kind {shown(record.kind)}.")
        )
    date = record.date
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        problems.append(FieldError("date", "wrong_type", "Enter the date as a calendar date."))
    if not _is_int(record.minutes):
        problems.append(FieldError("minutes", "wrong_type", "The duration must be a whole number."))
    if not _is_text(record.notes):
        problems.append(
            FieldError(
                "notes",
                "not_text",
                "Notes contain a character that is not text (an undecodable byte?); retype them.",
            )
        )
    if record.participants is not None and not _is_int(record.participants):
        problems.append(
            FieldError(
                "participants", "wrong_type", "The participant count must be a whole number."
            )
        )
    return tuple(problems)


def _rejected(record: ProxyRecord, code: str, message: str) -> RecordResult:
    return RecordResult(record.client_key, Outcome.REJECTED, code=code, message=message)


def invalid(record: ProxyRecord, problems: Sequence[FieldError]) -> RecordResult:
    """The answer for a record outside the field limits: every problem, in field order."""
    return _rejected(record, INVALID, " ".join(e.message for e in problems))


def judge_record(
    record: ProxyRecord, coordinator_id: str, lookup: RecordLookup, rules: ValidationRules
) -> RecordResult | None:
    """The answer for a record the backend will not store, or None: store it.

    In order: malformed (wrong types) ``invalid``; a stored key with the same payload,
    ``already_registered`` with the original id; with another payload, ``conflict``;
    ``registered_by`` not the caller, ``forbidden``; a mentor unknown or not assigned,
    ``not_assigned``; paused, ``paused``; outside the field limits, ``invalid``.
    """
    problems = malformed(record)
    if problems:
        return invalid(record, problems)
    stored = lookup.stored(record)
    if stored is None:
        return _refusal(record, coordinator_id, lookup, rules)
    if not stored.same_payload:
        return _rejected(record, CONFLICT, CONFLICT_MESSAGE)
    return RecordResult(
        record.client_key, Outcome.ALREADY_REGISTERED, stored.record_id, message=REPLAY_MESSAGE
    )


def _refusal(
    record: ProxyRecord, coordinator_id: str, lookup: RecordLookup, rules: ValidationRules
) -> RecordResult | None:
    """Why a well-formed record not stored yet may not be stored, or None."""
    if record.registered_by != coordinator_id:
        return _rejected(record, FORBIDDEN, FORBIDDEN_MESSAGE)
    assignment = lookup.assignment(coordinator_id, record.mentor_id)
    if assignment is None:
        return _rejected(record, NOT_ASSIGNED, NOT_ASSIGNED_MESSAGE)
    if not assignment.active:
        return _rejected(record, PAUSED, paused_message(assignment.name))
    limits = validate_record(record, rules)
    return invalid(record, tuple(limits)) if limits else None


def registered(record: ProxyRecord, record_id: str) -> RecordResult:
    """The answer for a record stored now under ``record_id``."""
    return RecordResult(
        record.client_key, Outcome.REGISTERED, record_id, message=REGISTERED_MESSAGE
    )


def rolled_back(results: Sequence[RecordResult]) -> tuple[RecordResult, ...]:
    """The answers of an all-or-nothing batch that did not go through: nothing was stored.

    Failed records keep their reason; the others say they were rolled back
    (``rejected`` when some record was refused, ``failed`` when every problem was
    transient, so that Retry failed sends the whole batch again).
    """
    refused = sum(1 for r in results if r.outcome is Outcome.REJECTED)
    if refused:
        other, code = Outcome.REJECTED, ROLLED_BACK
        message = f"Not saved: all or nothing, and {refused} other record(s) were refused."
    else:
        other, code = Outcome.FAILED, None
        message = "Not saved: all or nothing, and another record hit a temporary problem."
    return tuple(
        RecordResult(r.client_key, other, code=code, message=message) if r.outcome.is_success else r
        for r in results
    )
