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

from proxyreg.domain._messages import MESSAGES
from proxyreg.domain._model import ProxyRecord
from proxyreg.domain._outcome import Outcome, RecordResult
from proxyreg.domain._record_rules import validate_record
from proxyreg.domain._validation import FieldError, ValidationRules, field_error, shown

# Stable codes of rejected records, shared by every adapter.
CONFLICT = "conflict"
NOT_ASSIGNED = "not_assigned"
PAUSED = "paused"
FORBIDDEN = "forbidden"
INVALID = "invalid"
ROLLED_BACK = "rolled_back"

# What every backend says, in the same words (the PostgreSQL function says them in SQL).
# Their texts come from the message catalogue; a test holds the SQL function's to them.
REGISTERED_MESSAGE = MESSAGES["record.registered"].template
REPLAY_MESSAGE = MESSAGES["record.replay"].template
CONFLICT_MESSAGE = MESSAGES["record.conflict"].template
FORBIDDEN_MESSAGE = MESSAGES["record.forbidden"].template
NOT_ASSIGNED_MESSAGE = MESSAGES["record.not_assigned"].template


def paused_message(mentor_name: str) -> str:
    return MESSAGES.text("record.paused", mentor_name=mentor_name)


class Stored(NamedTuple):
    """A record the backend already holds under the same client key (a lookup's answer)."""

    record_id: str
    same_payload: bool
    own: bool = True
    """Stored by the coordinator asking; another's key is taken, and nothing of it is told."""


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
        FieldError(
            name,
            "wrong_type",
            MESSAGES.text("record.field_not_text", name=name.replace("_", " ")),
        )
        for name in _IDS
        if not _is_text(getattr(record, name))
    ]
    if not _is_text(record.kind):
        problems.append(field_error("kind", "wrong_type"))
    elif len(record.kind) > MAX_KIND_LENGTH:
        problems.append(field_error("kind", "unknown_kind", kind=shown(record.kind)))
    date = record.date
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        problems.append(field_error("date", "wrong_type"))
    if not _is_int(record.minutes):
        problems.append(field_error("minutes", "wrong_type"))
    if not _is_text(record.notes):
        problems.append(field_error("notes", "not_text"))
    if record.participants is not None and not _is_int(record.participants):
        problems.append(field_error("participants", "wrong_type"))
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
    if stored is not None and stored.own:
        if not stored.same_payload:
            return _rejected(record, CONFLICT, CONFLICT_MESSAGE)
        return RecordResult(
            record.client_key, Outcome.ALREADY_REGISTERED, stored.record_id, message=REPLAY_MESSAGE
        )
    refusal = _refusal(record, coordinator_id, lookup, rules)
    if refusal is not None or stored is None:
        return refusal
    # Another coordinator's key: taken, answered as a conflict that says nothing of it.
    return _rejected(record, CONFLICT, CONFLICT_MESSAGE)


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

    Failed records keep their reason; the others say they were rolled back, with the
    code ``rolled_back`` (so a screen can name the records that stopped the batch):
    ``rejected`` when some record was refused, ``failed`` when every problem was
    transient, so that Retry failed sends the whole batch again.
    """
    refused = sum(1 for r in results if r.outcome is Outcome.REJECTED)
    if refused:
        other = Outcome.REJECTED
        message = MESSAGES.text("record.rolled_back", refused=refused)
    else:
        other = Outcome.FAILED
        message = MESSAGES.text("record.rolled_back_transient")
    return tuple(
        RecordResult(r.client_key, other, code=ROLLED_BACK, message=message)
        if r.outcome.is_success
        else r
        for r in results
    )
