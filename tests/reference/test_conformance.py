"""The shipped conformance scenarios: current, passing, covering every transition and event."""

from __future__ import annotations

import json
import pathlib
import shutil

import attrs
import jsonschema
import pytest

from proxyreg import flows
from proxyreg.conformance import all_edges, export, scenario_files, verify
from proxyreg.conformance._diagrams import diagram_files
from proxyreg.conformance._kit import folder_files
from proxyreg.conformance._triggers import UndeclaredTransition, edge_taken
from proxyreg.conformance._verify import KIT_FILES, first_difference
from proxyreg.conformance.scripts import CONTEXT, ledger_entry
from proxyreg.domain import Outcome
from proxyreg.serialization import dumps, events, loads

ROOT = pathlib.Path(__file__).parents[2]
SHIPPED = ROOT / "conformance"
SCENARIO_SCHEMA = json.loads((ROOT / "docs" / "schema" / "scenario.schema.json").read_text())
REGENERATE = "python -m proxyreg.conformance.generate"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return verify(SHIPPED)


def test_checked_in_scenarios_match_what_the_engine_does_now() -> None:
    """conformance/ is exactly what the code makes now: scenarios, messages, gateway, manifest."""
    files = folder_files()
    shipped = {p.name for p in SHIPPED.glob("*.json")}
    stale = [
        name
        for name, text in files.items()
        if not (SHIPPED / name).exists() or (SHIPPED / name).read_text(encoding="utf-8") != text
    ]
    assert stale == [], f"conformance/ is stale for {stale}; run: {REGENERATE}"
    assert shipped == set(files), f"conformance/ holds files no script makes; run: {REGENERATE}"


def test_every_shipped_scenario_passes(report) -> None:  # type: ignore[no-untyped-def]
    """Replaying each shipped scenario on the engine gives exactly its recorded states."""
    assert [r.problems for r in report.results if not r.passed] == []
    assert len(report.results) == len(scenario_files())


def test_shipped_scenarios_cover_every_transition_of_both_machines(report) -> None:  # type: ignore[no-untyped-def]
    """Transition coverage is 100%: every declared edge of single and bulk is taken."""
    print(f"transition coverage {report.coverage:.0%} of {len(all_edges())} edges")
    assert [str(e) for e in report.missing] == []
    assert report.coverage == 1.0
    assert report.ok


def test_shipped_scenarios_use_every_event_type(report) -> None:  # type: ignore[no-untyped-def]
    """Every concrete event of both flows appears in at least one scenario."""
    used = {name for r in report.results for name in r.event_types}
    assert {cls.__name__ for cls in events()} - used == set()


def test_every_shipped_scenario_fits_the_scenario_schema() -> None:
    """Each file validates against docs/schema/scenario.schema.json."""
    validator = jsonschema.Draft202012Validator(SCENARIO_SCHEMA)
    for path in sorted(SHIPPED.glob("*.json")):
        if path.name in KIT_FILES:
            continue
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text()))]
        assert errors == [], path.name


def test_changing_a_transition_makes_the_shipped_files_stale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Moving one edge (an unknown answer now ends in rejected) changes scenarios and diagrams."""
    lifecycle = flows.SINGLE_LIFECYCLE
    key = (flows.SinglePhase.SUBMITTING, "resolve")
    *kept, last = lifecycle._table[key]
    moved = attrs.evolve(last, dest=flows.SinglePhase.REJECTED)
    monkeypatch.setitem(lifecycle._table, key, (*kept, moved))
    changed = scenario_files()
    assert changed["single-failed-retried.json"] != (
        SHIPPED / "single-failed-retried.json"
    ).read_text(encoding="utf-8")
    assert diagram_files()["single.md"] != (ROOT / "docs" / "diagrams" / "single.md").read_text(
        encoding="utf-8"
    )


def test_a_tampered_state_fails_its_scenario_at_that_step(tmp_path: pathlib.Path) -> None:
    """A recorded state that differs from what the engine does fails, naming step and path."""
    export(tmp_path)
    path = tmp_path / "bulk-cancelled.json"
    data = json.loads(path.read_text())
    data["steps"][7]["state"]["bulk"]["cancelling"] = False
    path.write_text(json.dumps(data))
    report = verify(tmp_path)
    failed = [r for r in report.results if not r.passed]
    assert [r.name for r in failed] == ["bulk-cancelled"]
    assert failed[0].problems == (
        "step 7 (BulkSubmissionCancelled): state differs at $.bulk.cancelling: "
        "expected False, got True",
    )
    assert not report.ok


def test_a_wrong_ignore_reason_fails_its_scenario(tmp_path: pathlib.Path) -> None:
    """The reason an event changed nothing is part of the contract."""
    export(tmp_path)
    path = tmp_path / "bulk-late-and-foreign-results.json"
    data = json.loads(path.read_text())
    step = next(s for s in data["steps"] if s["ignored"] == "unknown_mentor")
    step["ignored"] = "stale_submission"
    path.write_text(json.dumps(data))
    problems = next(r for r in verify(tmp_path).results if not r.passed).problems
    assert problems[0].endswith("ignored 'unknown_mentor', expected 'stale_submission'")


def test_missing_scenarios_drop_coverage_below_full_and_fail(tmp_path: pathlib.Path) -> None:
    """Without the cancel scenario the cancel edge is uncovered and the report is not ok."""
    shutil.copytree(SHIPPED, tmp_path / "c")
    (tmp_path / "c" / "bulk-cancelled.json").unlink()
    report = verify(tmp_path / "c")
    assert all(r.passed for r in report.results)
    assert "bulk: submitting --cancel--> submitting" in [str(e) for e in report.missing]
    assert report.coverage < 1.0
    assert not report.ok


def test_an_unreadable_file_is_reported_not_raised(tmp_path: pathlib.Path) -> None:
    """A file that is not a scenario fails on its own, with the reason."""
    (tmp_path / "broken.json").write_text('{"format": "something else"}')
    (result,) = verify(tmp_path).results
    assert not result.passed
    assert "'format' must be 'proxyreg.conformance/1'" in result.problems[0]


def test_an_empty_folder_is_not_a_pass(tmp_path: pathlib.Path) -> None:
    """No scenarios verifies nothing, so it is not ok."""
    assert not verify(tmp_path).ok


def test_a_restore_lands_on_an_initial_bulk_state_read_back_from_json() -> None:
    """A decoded initial bulk state equals the constant without being it: a restored
    submission lands on it exactly as on the constant (a Dart port compares by value too)."""
    decoded = loads(dumps(flows.INITIAL_BULK_STATE), flows.BulkProxyState)
    assert decoded is not flows.INITIAL_BULK_STATE
    restored = flows.BulkSubmissionRestored(
        ledger_entry("b-1", {"m01": Outcome.REGISTERED}, ("m01", "m02"))
    )
    expected = flows.reduce_bulk(flows.INITIAL_BULK_STATE, restored, CONTEXT)
    assert isinstance(expected, flows.BulkProxyState)
    assert expected.phase is flows.BulkPhase.SUBMITTING
    assert flows.reduce_bulk(decoded, restored, CONTEXT) == expected


def test_a_scenario_may_start_with_a_restore(tmp_path: pathlib.Path) -> None:
    """A bulk scenario whose first event is a restore replays from its file as recorded."""
    export(tmp_path)
    path = tmp_path / "bulk-restored.json"
    data = json.loads(path.read_text())
    data["steps"] = data["steps"][1:]  # drop BulkFlowEntered: the file's initial state is all
    assert data["steps"][0]["event"]["type"] == "BulkSubmissionRestored"
    path.write_text(json.dumps(data))
    (result,) = [r for r in verify(tmp_path).results if r.name == "bulk-restored"]
    assert result.problems == ()


def test_a_phase_change_along_no_declared_edge_is_an_error() -> None:
    """Coverage refuses a step whose phase moved along no edge of its event's trigger."""
    before = flows.INITIAL_BULK_STATE
    after = attrs.evolve(before, phase=flows.BulkPhase.COMPLETED)
    with pytest.raises(UndeclaredTransition, match="selecting --cancel--> completed"):
        edge_taken(before, flows.BulkSubmissionCancelled(), after)


def test_first_difference_names_the_path() -> None:
    """The mismatch report points at the first differing JSON path."""
    assert first_difference({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}) == (
        "$.a[1].b: expected 2, got 3"
    )
    assert first_difference({"a": 1}, {"a": 1, "c": 2}) == "$.c: expected nothing, got 2"
    assert first_difference([1, 2], [1]) == "$[1]: expected 2, got nothing"
    assert first_difference([1], [1, 2]) == "$[1]: expected nothing, got 2"
    assert first_difference({"x": 5}, {"x": 5.0}) == "$.x: expected 5, got 5.0"
    assert first_difference({"a b": 1}, {"a b": 2}) == '$["a b"]: expected 1, got 2'
    assert first_difference({"x": True}, {"x": 1}) == "$.x: expected True, got 1"
    assert first_difference({"x": [1]}, {"x": [1]}) is None
