"""What a backend checks of a record it is asked to store."""

from __future__ import annotations

from proxyreg.domain._model import ActivityDraft, ProxyRecord
from proxyreg.domain._validation import ValidationErrors, ValidationRules, validate_draft


def validate_record(record: ProxyRecord, rules: ValidationRules) -> ValidationErrors:
    """The field limits a backend enforces: kind, minutes, notes, participants.

    The date window is left out on purpose: "today" is the coordinator's, so
    the client judges it when the draft is submitted.
    """
    draft = ActivityDraft(
        record.kind, record.date, record.minutes, record.notes, record.participants
    )
    return validate_draft(draft, rules, today=record.date)
