"""Field-level validation: every problem named next to the field it belongs to.

Validation never raises on bad input (wrong types included): it returns
`ValidationErrors`, which a UI shows beside each field.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

import attrs

from proxyreg.domain._messages import MESSAGES
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


def field_error(field: str, code: str, *, text: str | None = None, **params: object) -> FieldError:
    """The error ``code`` of ``field``, its message rendered from the catalogue.

    ``text`` names the catalogue entry's field when it differs from ``field`` (the
    bulk selection's ``mentors`` shows the single pick's ``mentor`` texts).
    """
    return FieldError(field, code, MESSAGES.text(f"field.{text or field}.{code}", **params))


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
        return [field_error("kind", "required")]
    if not isinstance(draft.kind, str) or draft.kind not in rules.kinds_by_id:
        return [field_error("kind", "unknown_kind", kind=shown(draft.kind))]
    return []


def _date_errors(draft: ActivityDraft, rules: ValidationRules, today: dt.date) -> list[FieldError]:
    date = draft.date
    if date is None:
        return [field_error("date", "required")]
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        return [field_error("date", "wrong_type")]
    if date > today:
        return [field_error("date", "in_future")]
    if (today - date).days > rules.max_age_days:
        return [field_error("date", "too_old", max_age_days=rules.max_age_days)]
    return []


def _minutes_errors(draft: ActivityDraft) -> list[FieldError]:
    minutes = draft.minutes
    if minutes is None:
        return [field_error("minutes", "required")]
    if not _is_int(minutes):
        return [field_error("minutes", "wrong_type")]
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return [field_error("minutes", "out_of_range", min=MIN_MINUTES, max=MAX_MINUTES)]
    return []


def _notes_errors(draft: ActivityDraft) -> list[FieldError]:
    notes = draft.notes
    if not isinstance(notes, str):
        return [field_error("notes", "wrong_type")]
    if len(notes) > MAX_NOTES:
        return [field_error("notes", "too_long", max=MAX_NOTES, length=len(notes))]
    if any((ord(c) < 32 and c not in _ALLOWED_CONTROLS) or ord(c) == 127 for c in notes):
        return [field_error("notes", "control_character")]
    if any("\ud800" <= c <= "\udfff" for c in notes):
        # A lone surrogate: what an undecodable byte becomes; no database can store it.
        return [field_error("notes", "not_text")]
    return []


def _participants_errors(draft: ActivityDraft, rules: ValidationRules) -> list[FieldError]:
    kind = rules.kinds_by_id.get(draft.kind) if isinstance(draft.kind, str) else None
    participants = draft.participants
    if kind is None or not kind.needs_participants:
        if participants is None:
            return []
        return [field_error("participants", "not_applicable")]
    if participants is None:
        return [field_error("participants", "required", kind_label=kind.label)]
    if not _is_int(participants):
        return [field_error("participants", "wrong_type")]
    if not 1 <= participants <= MAX_PARTICIPANTS:
        return [field_error("participants", "out_of_range", max=MAX_PARTICIPANTS)]
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
        return field_error(field, "not_assigned", text="mentor", mentor_id=shown(mentor_id))
    if not mentor.active:
        return field_error(field, "paused", text="mentor", mentor_name=mentor.name)
    return None


def validate_selection(
    mentor_ids: Sequence[object], roster: Roster, rules: ValidationRules
) -> ValidationErrors:
    """Everything wrong with a bulk selection: empty, repeated, too large, or not allowed."""
    field = "mentors"
    if not mentor_ids:
        return ValidationErrors((field_error(field, "empty"),))
    errors: list[FieldError] = []
    if len(mentor_ids) > rules.max_selection:
        errors.append(
            field_error(field, "too_many", max_selection=rules.max_selection, count=len(mentor_ids))
        )
    repeated = [_cut(m, 40) for m, n in Counter(map(repr, mentor_ids)).items() if n > 1][:5]
    if repeated:
        errors.append(field_error(field, "duplicate", repeated=", ".join(repeated)))
    seen: set[str] = set()
    for mentor_id in mentor_ids:
        if repr(mentor_id) in seen:
            continue
        seen.add(repr(mentor_id))
        error = mentor_error(mentor_id, roster, field)
        if error is not None:
            errors.append(error)
    return ValidationErrors(tuple(errors))
