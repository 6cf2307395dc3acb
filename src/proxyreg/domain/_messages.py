"""The message catalogue: every text a state or a screen shows, by stable code, with parameters.

The catalogue is plain Python data, so importing it reads nothing. Validation,
the record answers every backend gives, the flows' own answers and the screens'
banners all render their texts from here, and `conformance export` writes the
same data as ``messages.json`` for another implementation (the Dart port makes
its ARB files from it), so the two cannot drift apart.

A template names its parameters in braces, ``{name}``, and holds no other brace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

# Where a text is shown: beside a form field, as a record's answer, as the bulk
# screen's last error (a flow's own text), on a screen (the presentation's banners).
FIELD_ERROR = "field_error"
RECORD_ANSWER = "record_answer"
FLOW = "flow"
SCREEN = "screen"
KINDS = (FIELD_ERROR, RECORD_ANSWER, FLOW, SCREEN)

_PARAMETER = re.compile(r"{([a-z_]+)}")


def _read_only(params: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(params))


QUOTED = "in quotes as Python's repr() writes it: 'x', or \"x\" when x holds a ' and no \""


@attrs.frozen
class Message:
    """One text: its stable ``code``, where it shows, its template and what each parameter is.

    ``error_code`` is the code carried next to the text (a `FieldError`'s or a
    `RecordResult`'s), and ``fields`` the form fields a field error is shown beside.
    """

    code: str
    kind: str
    template: str
    description: str
    params: Mapping[str, str] = attrs.field(factory=dict, converter=_read_only)
    error_code: str | None = None
    fields: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        named = _PARAMETER.findall(self.template)
        stray = "{" in _PARAMETER.sub("", self.template) or "}" in _PARAMETER.sub("", self.template)
        if self.kind not in KINDS or stray or sorted(set(named)) != sorted(self.params):
            raise ValueError(f"{self.code}: kind {self.kind!r}, template names {named}")

    @property
    def arb_key(self) -> str:
        """The code as an ARB/intl message name: ``field.kind.required`` → ``fieldKindRequired``."""
        words = re.split(r"[._]", self.code)
        return words[0] + "".join(w.capitalize() for w in words[1:])

    def render(self, **params: object) -> str:
        """The text with ``params`` filled in; `KeyError` or `TypeError` when they do not fit."""
        if set(params) != set(self.params):
            raise TypeError(f"{self.code} takes {sorted(self.params)}, given {sorted(params)}")
        return self.template.format(**params)

    def to_data(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind,
            "template": self.template,
            "description": self.description,
            "params": dict(self.params),
            "error_code": self.error_code,
            "fields": list(self.fields),
            "arb_key": self.arb_key,
        }


def _field(field: str, code: str, template: str, description: str, **params: str) -> Message:
    fields = ("mentor", "mentors") if field == "mentor" and code != "required" else (field,)
    return Message(
        f"field.{field}.{code}", FIELD_ERROR, template, description, params, code, fields
    )


def _answer(key: str, code: str | None, template: str, description: str, **params: str) -> Message:
    return Message(f"record.{key}", RECORD_ANSWER, template, description, params, code)


def _flow(key: str, template: str, description: str, **params: str) -> Message:
    return Message(f"flow.{key}", FLOW, template, description, params)


def _screen(key: str, template: str, description: str, **params: str) -> Message:
    return Message(f"screen.{key}", SCREEN, template, description, params)


_FIELD_ERRORS = (
    _field("mentor", "required", "Choose a mentor.", "Single Submit with no mentor picked."),
    _field(
        "mentor",
        "not_assigned",
        "Mentor {mentor_id} is not assigned to you.",
        "An id not on the coordinator's roster (single pick, or one id of a bulk selection).",
        mentor_id=f"the id as given, {QUOTED}",
    ),
    _field(
        "mentor",
        "paused",
        "{mentor_name} is paused and cannot be registered for.",
        "A paused mentor (single pick, or one id of a bulk selection).",
        mentor_name="the mentor's display name",
    ),
    _field("mentors", "empty", "Select at least one mentor.", "Bulk Submit with nobody selected."),
    _field(
        "mentors",
        "too_many",
        "Select at most {max_selection} mentors at once ({count} selected).",
        "Bulk Submit of more mentors than the rules allow.",
        max_selection="ValidationRules.max_selection",
        count="how many are selected",
    ),
    _field(
        "mentors",
        "duplicate",
        "Each mentor can be selected once: {repeated} repeated.",
        "One id given twice in a selection.",
        repeated=f"each repeated id {QUOTED}, in first-seen order, joined by ', '",
    ),
    _field("kind", "required", "Choose the kind of activity.", "No kind, or an empty one."),
    _field(
        "kind",
        "wrong_type",
        "The activity kind is not text.",
        "A record (not a draft) whose kind is not a string: answered invalid by a backend.",
    ),
    _field(
        "kind",
        "unknown_kind",
        "Unknown activity kind {kind}.",
        "A kind the rules do not list (or not text).",
        kind=f"the kind as given, {QUOTED}",
    ),
    _field("date", "required", "Enter the date of the activity.", "No date."),
    _field("date", "wrong_type", "Enter the date as a calendar date.", "Not a calendar date."),
    _field("date", "in_future", "The date cannot be in the future.", "After today."),
    _field(
        "date",
        "too_old",
        "The date cannot be more than {max_age_days} days ago.",
        "More than max_age_days before today.",
        max_age_days="ValidationRules.max_age_days",
    ),
    _field("minutes", "required", "Enter the duration in minutes.", "No duration."),
    _field("minutes", "wrong_type", "The duration must be a whole number.", "Not an integer."),
    _field(
        "minutes",
        "out_of_range",
        "The duration must be between {min} and {max} minutes.",
        "Outside MIN_MINUTES..MAX_MINUTES.",
        min="MIN_MINUTES (1)",
        max="MAX_MINUTES (1440)",
    ),
    _field("notes", "wrong_type", "Notes must be text.", "Notes that are not a string."),
    _field(
        "notes",
        "too_long",
        "Notes can be at most {max} characters ({length} now).",
        "Longer than MAX_NOTES code points.",
        max="MAX_NOTES (2000)",
        length="the notes' length in Unicode code points",
    ),
    _field(
        "notes",
        "control_character",
        "Notes contain an invisible control character; remove it.",
        "A code point below 32 other than tab and newline, or 127.",
    ),
    _field(
        "notes",
        "not_text",
        "Notes contain a character that is not text (an undecodable byte?); retype them.",
        "A lone surrogate (U+D800..U+DFFF).",
    ),
    _field(
        "participants",
        "not_applicable",
        "Only group activities take a participant count.",
        "A count given for a kind that takes none (or an unknown kind).",
    ),
    _field(
        "participants",
        "required",
        "{kind_label} needs a participant count.",
        "No count for a kind that needs one.",
        kind_label="the kind's label, e.g. Group meeting",
    ),
    _field(
        "participants",
        "wrong_type",
        "The participant count must be a whole number.",
        "Not an integer.",
    ),
    _field(
        "participants",
        "out_of_range",
        "The participant count must be between 1 and {max}.",
        "Outside 1..MAX_PARTICIPANTS.",
        max="MAX_PARTICIPANTS (1000)",
    ),
)

_RECORD_ANSWERS = (
    _answer("registered", None, "Registered.", "registered: stored now."),
    _answer(
        "replay",
        None,
        "Already registered earlier.",
        "already_registered: the same client key and payload were stored before.",
    ),
    _answer(
        "conflict",
        "conflict",
        "This record was already sent with different details; nothing was changed.",
        "rejected: the client key is stored with another payload.",
    ),
    _answer(
        "forbidden",
        "forbidden",
        "You can only register activities as yourself.",
        "rejected: registered_by is not the caller.",
    ),
    _answer(
        "not_assigned",
        "not_assigned",
        "This mentor is not assigned to you.",
        "rejected: the mentor is unknown or not the caller's.",
    ),
    _answer(
        "paused",
        "paused",
        "{mentor_name} is paused.",
        "rejected: the mentor is paused.",
        mentor_name="the mentor's display name",
    ),
    _answer(
        "invalid",
        "invalid",
        "{problems}",
        "rejected: outside the field limits (kind, minutes, notes, participants).",
        problems="the messages of its field errors (field.*), in form order, joined by ' '",
    ),
    _answer(
        "malformed",
        "invalid",
        "This record is malformed: {what}.",
        "rejected: the batch function was given an element it cannot read (PostgreSQL).",
        what="expected an object | it has no client_key | <field> must be text",
    ),
    _answer(
        "field_not_text",
        "invalid",
        "The record's {name} is not text.",
        "one of an invalid record's problems: an id field that is not a string (or holds a "
        "lone surrogate); the FieldError's field is the record's field, code wrong_type.",
        name="client key | submission id | mentor id | registered by",
    ),
    _answer(
        "not_stored",
        "invalid",
        "This record could not be stored: {error}",
        "rejected: the database refused the row for another reason (PostgreSQL).",
        error="the database's error text",
    ),
    _answer(
        "not_permitted",
        "forbidden",
        "You are not allowed to register this record.",
        "rejected: row-level security refused the row (PostgreSQL).",
    ),
    _answer(
        "busy",
        None,
        "The server was busy and did not save this record.",
        "failed: a lock or serialization conflict; nothing stored, safe to retry.",
    ),
    _answer(
        "rolled_back",
        "rolled_back",
        "Not saved: all or nothing, and {refused} other record(s) were refused.",
        "rejected: all or nothing, and another record of the batch was rejected.",
        refused="how many records of the batch were rejected",
    ),
    _answer(
        "rolled_back_transient",
        "rolled_back",
        "Not saved: all or nothing, and another record hit a temporary problem.",
        "failed: all or nothing, and another record of the batch failed for now.",
    ),
    _answer(
        "reconciled",
        None,
        "Registered (confirmed after the connection was lost).",
        "registered: an in-doubt record the backend turned out to hold.",
    ),
    _answer(
        "not_saved",
        "not_saved",
        "Not saved: the server did not answer.",
        "failed: an in-doubt record the backend does not hold.",
    ),
    _answer(
        "in_doubt",
        "no_answer",
        "No answer from the server; it may have been saved.",
        "unknown: an in-doubt record whose fate could not be checked either.",
    ),
    _answer(
        "cancelled",
        "cancelled",
        "Not sent: the submission was cancelled.",
        "failed: never sent, the submission was cancelled first.",
    ),
    _answer(
        "out_of_time",
        "out_of_time",
        "Not sent: the submission ran out of time.",
        "failed: never sent, the submission's time cap was reached.",
    ),
    _answer(
        "not_sent",
        "not_sent",
        "Not sent: the submission could not be kept in the ledger ({error}).",
        "failed: the ledger refused the submission, so nothing was sent.",
        error="the ledger's error text",
    ),
    _answer(
        "not_sent_maybe_landed",
        "not_sent",
        "Not sent now: the ledger is out of reach ({error}); an earlier attempt may have "
        "landed. Retry failed settles it.",
        "unknown: a retried record not sent because the ledger could not be read or written.",
        error="the ledger's error text",
    ),
    _answer(
        "no_answer",
        "no_answer",
        "No answer ({reason}).",
        "unknown: the call got no answer; reconciling tells whether it landed.",
        reason="the error's text, or its type name when it has none",
    ),
    _answer(
        "atomic_too_many",
        "too_many",
        "All or nothing takes at most {max_batch_size} mentors.",
        "rejected: an all-or-nothing submission over the backend's per-call limit.",
        max_batch_size="the repository's max_batch_size",
    ),
    _answer(
        "atomic_unsupported",
        "unsupported",
        "All or nothing needs the batch function on the server; choose another mode.",
        "rejected: all or nothing on a backend without the batch call.",
    ),
)

_FLOW = (
    _flow(
        "no_answer",
        "No answer: {error}",
        "The gateway's submit raised: BulkSubmissionFailed's message (the bulk screen's last "
        "error, and each pending mentor's unknown row), or the single flow's unknown outcome.",
        error="the error's text as the gateway raised it",
    ),
    _flow(
        "no_answer_for_some",
        "No answer for some records.",
        "submit returned without an answer for every record: the failure event's message.",
    ),
)


def _by_code(messages: tuple[Message, ...]) -> Mapping[str, Message]:
    by_code = {m.code: m for m in messages}
    if len(by_code) != len(messages):
        raise ValueError("two messages share a code")
    return MappingProxyType(by_code)


@attrs.frozen
class MessageCatalogue:
    """The messages by code, in a fixed order; `MESSAGES` is the product's."""

    messages: tuple[Message, ...]
    by_code: Mapping[str, Message] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: _by_code(self.messages), takes_self=True),
    )

    def __getitem__(self, code: str) -> Message:
        return self.by_code[code]

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    def text(self, code: str, **params: object) -> str:
        """The message ``code`` rendered with ``params``."""
        return self.by_code[code].render(**params)


_SCREENS = (
    _screen("single.sending", "Sending…", "Single status line while submitting."),
    _screen("single.succeeded", "Registered.", "Single status line once registered."),
    _screen(
        "single.rejected",
        "Not accepted: {message}",
        "Single status line once rejected.",
        message="the outcome's message",
    ),
    _screen(
        "single.failed",
        "Could not be sent: {message} Retry sends the same record again.",
        "Single status line once failed.",
        message="the outcome's message",
    ),
    _screen("bulk.selecting", "Choose mentors and the activity.", "Bulk headline, selecting."),
    _screen(
        "bulk.submitting",
        "Sending {done} of {total}…",
        "Bulk headline while sending.",
        done="records answered",
        total="records in the submission",
    ),
    _screen(
        "bulk.completed", "All {total} registered.", "Bulk headline, completed.", total="records"
    ),
    _screen(
        "bulk.partially_failed",
        "{succeeded} of {total} registered; {open} need attention.",
        "Bulk headline, partially failed.",
        succeeded="registered or already registered",
        total="records",
        open="records not registered",
    ),
    _screen(
        "bulk.failed",
        "None of the {total} could be registered.",
        "Bulk headline, failed.",
        total="records",
    ),
    _screen(
        "bulk.cancelling",
        "Cancelling… {done} of {total} answered.",
        "Bulk headline once Cancel was pressed, until sending ends.",
        done="records answered",
        total="records in the submission",
    ),
    _screen("row.pending", "Sending…", "A result row with no answer yet."),
    _screen("row.registered", "Registered.", "A registered row whose answer said nothing."),
    _screen(
        "row.already_registered",
        "Already registered earlier.",
        "An already-registered row whose answer said nothing.",
    ),
    _screen("row.rejected", "Not accepted.", "A rejected row whose answer said nothing."),
    _screen("row.failed", "Could not be sent.", "A failed row whose answer said nothing."),
    _screen("row.unknown", "No answer from the server.", "An unknown row that said nothing."),
    _screen(
        "advice.rejected",
        "Retry failed will not resend it: the cause needs fixing first.",
        "Added to a rejected row once sending ended.",
    ),
    _screen("advice.failed", "Retry failed will resend it.", "Added to a failed row."),
    _screen(
        "advice.unknown",
        "Retry failed will resend it safely (no duplicate).",
        "Added to an unknown row.",
    ),
    _screen(
        "banner.rolled_back",
        "Nothing was saved (all or nothing). Not accepted: {named}",
        "The bulk banner when an all-or-nothing batch was rolled back.",
        named="'name: message' of each rejected mentor that stopped it, joined by '; '",
    ),
)

MESSAGES = MessageCatalogue(_FIELD_ERRORS + _RECORD_ANSWERS + _FLOW + _SCREENS)
"""Every text of the domain, the port, the flows and the screens."""
