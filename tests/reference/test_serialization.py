"""Canonical JSON: every event, state and domain value round-trips, and matches its schema."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given

from proxyreg import domain, flows
from proxyreg.conformance._kit import all_schema_files as schema_files
from proxyreg.serialization import (
    CATALOG,
    CONCRETE,
    STATES,
    DecodeError,
    dumps,
    events,
    from_data,
    loads,
    schema_for,
    to_data,
)

from .strategies import any_value_of

SCHEMA_DIR = pathlib.Path(__file__).parents[2] / "docs" / "schema"
REGENERATE = "python -m proxyreg.conformance.generate"
VALIDATORS = {cls: jsonschema.Draft202012Validator(schema_for(cls)) for cls in CONCRETE}
OTHER_VALUES = tuple(cls for cls in CONCRETE if cls not in STATES and cls not in events())


def round_trips(value: Any) -> None:
    """``value`` survives data and text, its text is canonical, and its data fits its schema."""
    cls = type(value)
    data = to_data(value)
    assert from_data(data, cls) == value
    text = dumps(value)
    assert loads(text, cls) == value
    assert dumps(loads(text, cls)) == text
    assert json.loads(text) == data
    VALIDATORS[cls].validate(data)


@given(any_value_of(events()))
def test_every_event_round_trips_and_fits_its_schema(event: flows.ProxyEvent) -> None:
    """Any generated event of either flow round-trips through canonical JSON and validates."""
    round_trips(event)
    assert from_data(to_data(event), flows.ProxyEvent) == event


@given(any_value_of(STATES))
def test_every_state_round_trips_and_fits_its_schema(state: object) -> None:
    """Any generated root, single or bulk state round-trips through canonical JSON and validates."""
    round_trips(state)


@given(any_value_of(OTHER_VALUES))
def test_every_other_value_round_trips_and_fits_its_schema(value: object) -> None:
    """Context, ledger entries, ignore reports and the domain values round-trip and validate."""
    round_trips(value)


def test_the_catalog_holds_every_public_attrs_class_of_flows_and_domain() -> None:
    """Every attrs class flows and domain export is serializable, save Edge and the messages."""
    public = {
        obj
        for module in (flows, domain)
        for name in module.__all__
        if isinstance(obj := getattr(module, name), type) and attrs.has(obj)
    }
    assert public - set(CATALOG) == {flows.Edge, domain.Message, domain.MessageCatalogue}


def test_every_concrete_class_has_its_own_schema_file() -> None:
    """docs/schema holds one schema per event, state and value, plus the kit's own files'."""
    names = {p.name for p in SCHEMA_DIR.glob("*.schema.json")}
    kit = {"scenario.schema.json", "trace.schema.json", "messages.schema.json"}
    assert names == {f"{cls.__name__}.schema.json" for cls in CONCRETE} | kit


def test_checked_in_schemas_match_the_code() -> None:
    """docs/schema is what the code generates now; regenerate when a field changes."""
    stale = [
        name
        for name, text in schema_files().items()
        if not (SCHEMA_DIR / name).exists()
        or (SCHEMA_DIR / name).read_text(encoding="utf-8") != text
    ]
    assert stale == [], f"docs/schema is stale for {stale}; run: {REGENERATE}"


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    """Each generated schema passes the metaschema check."""
    for text in schema_files().values():
        jsonschema.Draft202012Validator.check_schema(json.loads(text))


def test_canonical_json_tags_types_sorts_keys_and_writes_iso_dates() -> None:
    """The text of an event is tagged, sorted, compact, and dates are ISO strings."""
    event = flows.BulkActivityDateChanged(dt.date(2026, 11, 5))
    assert dumps(event) == '{"date":"2026-11-05","type":"BulkActivityDateChanged"}'


def test_a_bulk_state_writes_its_selection_sorted_and_its_board_as_an_object() -> None:
    """Persistent sets become sorted lists and persistent maps objects keyed by mentor id."""
    state = attrs.evolve(
        flows.INITIAL_BULK_STATE,
        selected=flows.INITIAL_BULK_STATE.selected.union(["m02", "m01"]),
        board=flows.StatusBoard.pending(["m02"]),
    )
    data = to_data(state)
    assert data["selected"] == ["m01", "m02"]
    assert data["board"]["entries"]["m02"]["status"] == "pending"
    assert data["board"]["counts"]["pending"] == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '{"type":"BulkDurationChanged","minutes":"5"}',
            "expected an integer, got str '5' @ $.minutes",
        ),
        (
            '{"type":"BulkDurationChanged","minutes":true}',
            "expected an integer, got bool True @ $.minutes",
        ),
        (
            '{"type":"BulkMentorsSelected","mentor_ids":"m01"}',
            "expected a list, got str 'm01' @ $.mentor_ids",
        ),
        (
            '{"type":"SingleActivityDateChanged","date":"20261125"}',
            "expected an ISO date (YYYY-MM-DD), got '20261125' @ $.date",
        ),
        ('{"type":"SingleMentorPicked"}', "required field missing @ $.mentor_id"),
        (
            '{"type":"SingleMentorPicked","mentor_id":"m01","extra":1}',
            "Extra fields in constructor for SingleMentorPicked: extra @ $",
        ),
        ('{"type":"ProxyEvent"}', "'type' must be one of"),
        ('{"mentor_id":"m01"}', "'type' must be one of"),
        ("[1,", "not JSON"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(text: str, problem: str) -> None:
    """Wrong types, missing or extra fields, bad tags and bad dates are refused, never coerced."""
    with pytest.raises(DecodeError) as refused:
        loads(text, flows.ProxyEvent)
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems


def test_a_nested_problem_names_its_full_path() -> None:
    """A bad value deep in a state is reported at its JSON path."""
    data = to_data(flows.INITIAL_REGISTRATION_STATE)
    data["bulk"]["phase"] = "sleeping"
    with pytest.raises(DecodeError) as refused:
        from_data(data, flows.ProxyRegistrationState)
    assert [p for p in refused.value.problems if p.endswith("@ $.bulk.phase")]


def test_board_counts_that_contradict_its_entries_are_refused() -> None:
    """A board whose counts do not add up to its entries is refused at its path."""
    state = attrs.evolve(flows.INITIAL_BULK_STATE, board=flows.StatusBoard.pending(["m01"]))
    data = to_data(flows.ProxyRegistrationState(bulk=state))
    assert from_data(data, flows.ProxyRegistrationState).bulk == state
    data["bulk"]["board"]["counts"]["pending"] = 0
    data["bulk"]["board"]["counts"]["registered"] = 1
    with pytest.raises(DecodeError) as refused:
        from_data(data, flows.ProxyRegistrationState)
    assert [p for p in refused.value.problems if p.startswith("counts must be those of the")]
    assert all(p.endswith("@ $.bulk.board") for p in refused.value.problems)


def test_a_duplicate_in_a_set_is_refused() -> None:
    """A selection listing one mentor twice is not a set: refused rather than silently merged."""
    data = to_data(flows.INITIAL_BULK_STATE)
    data["selected"] = ["m01", "m01"]
    with pytest.raises(DecodeError) as refused:
        from_data(data, flows.BulkProxyState)
    assert any("each member once" in p for p in refused.value.problems)
