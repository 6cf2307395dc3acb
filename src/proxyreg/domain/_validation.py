"""Field-level validation: every problem named next to the field it belongs to.

Validation never raises on bad input (wrong types included): it returns
`ValidationErrors`, which a UI shows beside each field.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

import attrs

from proxyreg.domain._model import DEFAULT_KINDS, ActivityDraft, ActivityKind, Roster

MIN_MINUTES = 1
MAX_MINUTES = 1440
MAX_NOTES = 2000
MAX_PARTICIPANTS = 1000
_ALLOWED_CONTROLS = frozenset("\n\t")


@attrs.frozen
class FieldError:
    """One problem with one field: ``field`` names the form field, ``code`` is stable."""

    field: str
    code: str
    message: str


@attrs.frozen
class ValidationErrors:
    """The problems found, in field order. Falsy when there are none."""

    errors: tuple[FieldError, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __iter__(self) -> Iterator[FieldError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def for_field(self, field: str) -> tuple[FieldError, ...]:
        return tuple(e for e in self.errors if e.field == field)

    def by_field(self) -> dict[str, tuple[str, ...]]:
        """Messages per field, for a form that shows them beside each input."""
        shown: dict[str, list[str]] = {}
        for error in self.errors:
            shown.setdefault(error.field, []).append(error.message)
        return {field: tuple(messages) for field, messages in shown.items()}

    def __add__(self, other: ValidationErrors) -> ValidationErrors:
        return ValidationErrors(self.errors + other.errors)


NO_ERRORS = ValidationErrors()


def _kinds_by_id(kinds: tuple[ActivityKind, ...]) -> Mapping[str, ActivityKind]:
    return {kind.id: kind for kind in kinds}


@attrs.frozen
class ValidationRules:
    """The organisation's limits. The defaults are the product's."""

    kinds: tuple[ActivityKind, ...] = DEFAULT_KINDS
    max_age_days: int = 60
    max_selection: int = 10_000
    """The most mentors one bulk submission may hold. The backend's per-call limit is
    separate: `rpc` and `chunked` split a submission into calls the backend takes;
    `atomic` is one call, so it takes at most that limit (the front end says so)."""
    kinds_by_id: Mapping[str, ActivityKind] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: _kinds_by_id(self.kinds), takes_self=True),
    )


DEFAULT_RULES = ValidationRules()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


def shown(value: object, limit: int = 40) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters: a 1.5 MB value
    must not make a 1.5 MB message."""
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit]  # no repr of the whole of a huge text
    return _cut(repr(value), limit)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind_errors(draft: ActivityDraft, rules: ValidationRules) -> list[FieldError]:
    if draft.kind is None or draft.kind == "":
        return [FieldError("kind", "required", "Choose the kind of activity.")]
    if not isinstance(draft.kind, str) or draft.kind not in rules.kinds_by_id:
        return [FieldError("kind", "unknown_kind", f"Unknown activity kind {shown(draft.kind)}.")]
    return []


def _date_errors(draft: ActivityDraft, rules: ValidationRules, today: dt.date) -> list[FieldError]:
    date = draft.date
    if date is None:
        return [FieldError("date", "required", "Enter the date of the activity.")]
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        return [FieldError("date", "wrong_type", "Enter the date as a calendar date.")]
    if date > today:
        return [FieldError("date", "in_future", "The date cannot be in the future.")]
    if (today - date).days > rules.max_age_days:
        return [
            FieldError(
                "date", "too_old", f"The date cannot be more than {rules.max_age_days} days ago."
            )
        ]
    return []


def _minutes_errors(draft: ActivityDraft) -> list[FieldError]:
    minutes = draft.minutes
    if minutes is None:
        return [FieldError("minutes", "required", "Enter the duration in minutes.")]
    if not _is_int(minutes):
        return [FieldError("minutes", "wrong_type", "The duration must be a whole number.")]
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return [
            FieldError(
                "minutes",
                "out_of_range",
                f"The duration must be between {MIN_MINUTES} and {MAX_MINUTES} minutes.",
            )
        ]
    return []


def _notes_errors(draft: ActivityDraft) -> list[FieldError]:
    notes = draft.notes
    if not isinstance(notes, str):
        return [FieldError("notes", "wrong_type", "Notes must be text.")]
    if len(notes) > MAX_NOTES:
        return [
            FieldError(
                "notes",
                "too_long",
                f"Notes can be at most {MAX_NOTES} characters ({len(notes)} now).",
            )
        ]
    if any((ord(c) < 32 and c not in _ALLOWED_CONTROLS) or ord(c) == 127 for c in notes):
        return [
            FieldError(
                "notes",
                "control_character",
                "Notes contain an invisible control character; remove it.",
            )
        ]
    if any("\ud800" <= c <= "\udfff" for c in notes):
        # A lone surrogate: what an undecodable byte becomes; no database can store it.
        return [
            FieldError(
                "notes",
                "not_text",
                "Notes contain a character that is not text (an undecodable byte?); retype them.",
            )
        ]
    return []


def _participants_errors(draft: ActivityDraft, rules: ValidationRules) -> list[FieldError]:
    kind = rules.kinds_by_id.get(draft.kind) if isinstance(draft.kind, str) else None
    participants = draft.participants
    if kind is None or not kind.needs_participants:
        if participants is None:
            return []
        return [
            FieldError(
                "participants", "not_applicable", "Only group activities take a participant count."
            )
        ]
    if participants is None:
        return [FieldError("participants", "required", f"{kind.label} needs a participant count.")]
    if not _is_int(participants):
        return [
            FieldError(
                "participants", "wrong_type", "The participant count must be a whole number."
            )
        ]
    if not 1 <= participants <= MAX_PARTICIPANTS:
        return [
            FieldError(
                "participants",
                "out_of_range",
                f"The participant count must be between 1 and {MAX_PARTICIPANTS}.",
            )
        ]
    return []


def validate_draft(
    draft: ActivityDraft, rules: ValidationRules, today: dt.date
) -> ValidationErrors:
    """Everything wrong with a draft, field by field, in form order."""
    return ValidationErrors(
        (
            *_kind_errors(draft, rules),
            *_date_errors(draft, rules, today),
            *_minutes_errors(draft),
            *_notes_errors(draft),
            *_participants_errors(draft, rules),
        )
    )


def mentor_error(mentor_id: object, roster: Roster, field: str = "mentor") -> FieldError | None:
    """Why this coordinator cannot register for this mentor, or None if they can."""
    mentor = roster.by_id.get(mentor_id) if isinstance(mentor_id, str) else None
    if mentor is None:
        return FieldError(
            field, "not_assigned", f"Mentor {shown(mentor_id)} is not assigned to you."
        )
    if not mentor.active:
        return FieldError(field, "paused", f"{mentor.name} is paused and cannot be registered for.")
    return None


def validate_selection(
    mentor_ids: Sequence[object], roster: Roster, rules: ValidationRules
) -> ValidationErrors:
    """Everything wrong with a bulk selection: empty, repeated, too large, or not allowed."""
    field = "mentors"
    if not mentor_ids:
        return ValidationErrors((FieldError(field, "empty", "Select at least one mentor."),))
    errors: list[FieldError] = []
    if len(mentor_ids) > rules.max_selection:
        errors.append(
            FieldError(
                field,
                "too_many",
                f"Select at most {rules.max_selection} mentors at once "
                f"({len(mentor_ids)} selected).",
            )
        )
    repeated = [_cut(m, 40) for m, n in Counter(map(repr, mentor_ids)).items() if n > 1][:5]
    if repeated:
        errors.append(
            FieldError(
                field,
                "duplicate",
                f"Each mentor can be selected once: {', '.join(repeated)} repeated.",
            )
        )
    seen: set[str] = set()
    for mentor_id in mentor_ids:
        if repr(mentor_id) in seen:
            continue
        seen.add(repr(mentor_id))
        error = mentor_error(mentor_id, roster, field)
        if error is not None:
            errors.append(error)
    return ValidationErrors(tuple(errors))
