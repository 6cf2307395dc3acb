"""The message catalogue: one source for every text, its codes and the order of field errors."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re

import pytest

from proxyreg import flows, ports
from proxyreg.domain import (
    MESSAGES,
    ActivityDraft,
    Coordinator,
    Mentor,
    Roster,
    ValidationRules,
    validate_draft,
    validate_selection,
)
from proxyreg.domain._messages import Message

ROOT = pathlib.Path(__file__).parents[2]
TODAY = dt.date(2026, 11, 25)
ROSTER = Roster(
    Coordinator("c", "Kari", "ch"),
    (Mentor("m1", "Anna", "ch"), Mentor("m2", "Per", "ch", active=False)),
)


def _pattern(message: Message) -> re.Pattern[str]:
    parts = re.split(r"{[a-z_]+}", message.template)
    return re.compile("^" + "(.+)".join(re.escape(p) for p in parts) + "$", re.DOTALL)


def _catalogued(text: str) -> bool:
    """Whether ``text`` is some message's template with its parameters filled in.

    A template that is only a parameter (``{problems}``) would match anything: left out.
    """
    return any(_pattern(m).match(text) for m in MESSAGES if m.template.strip("{}") not in m.params)


def test_every_code_and_arb_key_is_unique() -> None:
    """No two messages share a code or an ARB key."""
    assert len({m.code for m in MESSAGES}) == len(MESSAGES)
    assert len({m.arb_key for m in MESSAGES}) == len(MESSAGES)


def test_a_message_renders_only_with_exactly_its_parameters() -> None:
    """render fills every named parameter and refuses a missing or extra one."""
    assert (
        MESSAGES.text("field.notes.too_long", max=2000, length=2001)
        == "Notes can be at most 2000 characters (2001 now)."
    )
    with pytest.raises(TypeError):
        MESSAGES.text("field.notes.too_long", max=2000)
    with pytest.raises(TypeError):
        MESSAGES.text("record.registered", extra=1)


def test_a_template_naming_an_undeclared_parameter_is_refused() -> None:
    """A template's braces and its declared parameters must agree."""
    with pytest.raises(ValueError, match=r"field\.x"):
        Message("field.x", "field_error", "Hello {name}.", "d")
    with pytest.raises(ValueError, match=r"field\.y"):
        Message("field.y", "field_error", "Hello {name!r} }.", "d", {"name": "n"})


def test_the_port_message_names_read_the_catalogue() -> None:
    """REGISTERED_MESSAGE and friends, and paused_message, are the catalogue's texts."""
    assert MESSAGES["record.registered"].template == ports.REGISTERED_MESSAGE
    assert MESSAGES["record.replay"].template == ports.REPLAY_MESSAGE
    assert MESSAGES["record.conflict"].template == ports.CONFLICT_MESSAGE
    assert MESSAGES["record.forbidden"].template == ports.FORBIDDEN_MESSAGE
    assert MESSAGES["record.not_assigned"].template == ports.NOT_ASSIGNED_MESSAGE
    assert ports.paused_message("Anna") == "Anna is paused."


def test_every_field_error_of_validation_is_its_catalogue_entry() -> None:
    """Each error validation gives has the catalogue's code, its field, and a rendering of it."""
    drafts = [
        ActivityDraft(None, None, None, 5, 3),  # type: ignore[arg-type]
        ActivityDraft("juggling", "2026-01-01", 1.5, "x" * 2001, None),  # type: ignore[arg-type]
        ActivityDraft("group_meeting", TODAY + dt.timedelta(1), 0, "\x07", None),
        ActivityDraft("group_meeting", TODAY - dt.timedelta(99), 5, "\ud800", 0),
        ActivityDraft("group_meeting", TODAY, 5, "", 2.0),  # type: ignore[arg-type]
    ]
    errors = [e for d in drafts for e in validate_draft(d, ValidationRules(), TODAY)]
    errors += validate_selection(
        ["m1", "m1", "m2", "zz"], ROSTER, ValidationRules(max_selection=1)
    ).errors
    errors += validate_selection([], ROSTER, ValidationRules()).errors
    for error in errors:
        entry = next(m for m in MESSAGES if m.error_code == error.code and error.field in m.fields)
        assert _pattern(entry).match(error.message), (entry.code, error.message)
    codes = {(e.field, e.code) for e in errors}
    catalogued = {(f, m.error_code) for m in MESSAGES if m.kind == "field_error" for f in m.fields}
    assert catalogued - codes == {
        ("mentor", "required"),
        ("mentor", "not_assigned"),
        ("mentor", "paused"),
        # a malformed record's, not a draft's (tests/domain/test_answers.py)
        ("kind", "wrong_type"),
    }


def test_every_text_in_the_shipped_scenarios_is_a_catalogue_message() -> None:
    """Each message and last error the scenarios compare renders from a catalogue template."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("message", "last_error") and isinstance(item, str) and item:
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted((ROOT / "conformance").glob("*.json")):
        if path.name in ("messages.json", "gateway.json", "manifest.json"):
            continue
        walk(json.loads(path.read_text(encoding="utf-8")))
    assert len(found) > 20
    assert sorted(t for t in found if not _catalogued(t)) == []


def test_submit_lists_field_errors_in_form_order() -> None:
    """On Submit: the mentor first, then kind, date, minutes, notes, participants."""
    draft = ActivityDraft("group_meeting", None, None, "\x07", None)
    errors = validate_draft(draft, ValidationRules(), TODAY)
    assert [e.field for e in errors] == ["date", "minutes", "notes", "participants"]
    single = flows.reduce_single(
        flows.INITIAL_SINGLE_STATE,
        flows.SingleActivitySubmitted("s"),
        flows.FlowContext(ROSTER, TODAY),
    )
    assert isinstance(single, flows.SingleProxyState)
    assert [e.field for e in single.errors] == ["mentor", "kind", "date", "minutes"]


def test_an_edited_fields_errors_move_after_the_others() -> None:
    """After an edit the other fields' errors keep their order and the edited field's come last."""
    context = flows.FlowContext(ROSTER, TODAY)
    state = flows.reduce_single(
        flows.INITIAL_SINGLE_STATE, flows.SingleActivitySubmitted("s"), context
    )
    state = flows.reduce_single(state, flows.SingleDurationChanged(0), context)
    assert isinstance(state, flows.SingleProxyState)
    assert [e.field for e in state.errors] == ["mentor", "kind", "date", "minutes"]
    state = flows.reduce_single(state, flows.SingleActivityKindChanged("group_meeting"), context)
    assert isinstance(state, flows.SingleProxyState)
    assert [(e.field, e.code) for e in state.errors] == [
        ("mentor", "required"),
        ("date", "required"),
        ("minutes", "out_of_range"),
        ("participants", "required"),
    ]


def test_a_selection_lists_its_errors_in_a_fixed_order() -> None:
    """too_many, then duplicate, then each refused id once, in selection order."""
    rules = ValidationRules(max_selection=2)
    errors = validate_selection(["zz", "m1", "m2", "m1", "zz"], ROSTER, rules)
    assert [(e.code, e.message) for e in errors] == [
        ("too_many", "Select at most 2 mentors at once (5 selected)."),
        ("duplicate", "Each mentor can be selected once: 'zz', 'm1' repeated."),
        ("not_assigned", "Mentor 'zz' is not assigned to you."),
        ("paused", "Per is paused and cannot be registered for."),
    ]


SQL = ROOT / "src" / "proxyreg" / "adapters" / "sql" / "postgres" / "004_register_functions.sql"


def _sql_texts() -> list[str]:
    """The sentences the PostgreSQL batch function answers with, placeholders filled."""
    texts = []
    # Adjacent literals on consecutive lines are one string in SQL.
    source = re.sub(r"'\s*\n\s*'", "", SQL.read_text(encoding="utf-8"))
    for line in source.splitlines():
        if "raise" in line or "hint" in line or line.lstrip().startswith("--"):
            continue
        for match in re.finditer(r"'((?:[^']|'')*)'(\s*\|\|)?", line):
            text = match.group(1).replace("''", "'").replace("%s", "X")
            sentence = text.endswith((".", "X")) or match.group(2)
            if re.match(r"^[A-Z][a-z]", text) and " " in text and sentence:
                texts.append(text + ("X" if match.group(2) else ""))
    return texts


def test_the_postgresql_function_says_only_catalogue_texts() -> None:
    """Each answer and field problem the SQL function writes renders from a catalogue template."""
    texts = _sql_texts()
    assert len(texts) > 20
    assert [t for t in texts if not _catalogued(t)] == []


def test_a_refused_bulk_selection_appends_its_errors_after_the_others() -> None:
    """BulkMentorsSelected refused: the draft's errors first, then the selection's."""
    context = flows.FlowContext(ROSTER, TODAY)
    state = flows.reduce_bulk(flows.INITIAL_BULK_STATE, flows.BulkActivitySubmitted("b"), context)
    assert isinstance(state, flows.BulkProxyState)
    assert [e.field for e in state.errors][:2] == ["mentors", "kind"]
    state = flows.reduce_bulk(state, flows.BulkMentorsSelected(("m2", "m2")), context)
    assert isinstance(state, flows.BulkProxyState)
    assert [(e.field, e.code) for e in state.errors] == [
        ("kind", "required"),
        ("date", "required"),
        ("minutes", "required"),
        ("mentors", "duplicate"),
        ("mentors", "paused"),
    ]
