"""verify --trace: a foreign implementation's states held to the scenarios, the first mismatch."""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Any

import jsonschema
import pytest

from proxyreg.cli import main
from proxyreg.conformance import Scenario, replay, trace_data, verify_traces

ROOT = pathlib.Path(__file__).parents[2]
SHIPPED = ROOT / "conformance"
TRACE_SCHEMA = json.loads((ROOT / "docs" / "schema" / "trace.schema.json").read_text())


def scenario(name: str) -> Scenario:
    return Scenario.from_data(json.loads((SHIPPED / f"{name}.json").read_text(encoding="utf-8")))


def engine_trace(name: str) -> dict[str, Any]:
    """The trace the Python engine makes for one shipped scenario, as a port's harness would."""
    s = scenario(name)
    steps = replay(s.bloc, s.context, s.initial_state, [step.event for step in s.steps])
    return trace_data(s.name, steps, "proxyreg (Python reference)")


@pytest.fixture(scope="module")
def engine_traces(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("traces")
    for path in SHIPPED.glob("*.json"):
        if path.name in ("messages.json", "gateway.json", "manifest.json"):
            continue
        trace = engine_trace(path.stem)
        (folder / path.name).write_text(json.dumps(trace, ensure_ascii=False), encoding="utf-8")
    return folder


def mutated(engine_traces: pathlib.Path, tmp_path: pathlib.Path, name: str, change: Any) -> str:
    """The one problem verify reports for scenario ``name`` when its trace is changed."""
    folder = tmp_path / "traces"
    folder.mkdir()
    trace = copy.deepcopy(json.loads((engine_traces / f"{name}.json").read_text()))
    change(trace)
    (folder / f"{name}.json").write_text(json.dumps(trace), encoding="utf-8")
    results = {r.name: r for r in verify_traces(folder, SHIPPED).results}
    assert [n for n, r in results.items() if r.passed] == []  # the others have no trace
    (problem,) = results[name].problems
    return problem


def test_the_engines_own_traces_pass_every_scenario(engine_traces: pathlib.Path) -> None:
    """Traces made by replaying on the Python engine pass, with full transition coverage."""
    report = verify_traces(engine_traces, SHIPPED)
    assert [r.problems for r in report.results if not r.passed] == []
    assert report.ok
    assert report.coverage == 1.0


# JSON Schema's "integer" admits 5.0; a port validating strictly, as the decoders do, says int.
StrictValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


def test_the_engines_traces_fit_the_trace_schema(engine_traces: pathlib.Path) -> None:
    """Each trace validates against docs/schema/trace.schema.json, integers strictly."""
    validator = StrictValidator(TRACE_SCHEMA)
    for path in sorted(engine_traces.glob("*.json")):
        errors = [e.message for e in validator.iter_errors(json.loads(path.read_text()))]
        assert errors == [], path.name


def test_a_changed_field_fails_at_its_path(
    engine_traces: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """One mentor's status changed: the step and the JSON path down to that field."""

    def change(trace: dict[str, Any]) -> None:
        trace["steps"][6]["state"]["bulk"]["board"]["entries"]["m01"]["status"] = "failed"

    assert mutated(engine_traces, tmp_path, "bulk-cancelled", change) == (
        "step 6 (BulkRecordResultReceived): $.steps[6].state.bulk.board.entries.m01.status: "
        "expected 'registered', got 'failed'"
    )


def test_a_missing_step_fails_at_that_step(
    engine_traces: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """A trace one step short fails at the first step it lacks."""

    def change(trace: dict[str, Any]) -> None:
        del trace["steps"][-1]

    assert mutated(engine_traces, tmp_path, "bulk-cancelled", change) == (
        "step 13 (BulkRecordResultReceived): $.steps[13]: missing (the trace ends before this step)"
    )


def test_an_extra_state_fails_after_the_last_step(
    engine_traces: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """A state the scenario does not have (an extra emit) fails at its index."""

    def change(trace: dict[str, Any]) -> None:
        trace["steps"].append(copy.deepcopy(trace["steps"][-1]))

    assert mutated(engine_traces, tmp_path, "bulk-cancelled", change) == (
        "step 14 (no event): $.steps[14]: an extra state the scenario does not have "
        "(15 steps, expected 14)"
    )


def test_a_reordered_field_error_fails_at_the_first_moved_error(
    engine_traces: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """Errors in another order than the catalogue's rule: the first error that moved."""

    def change(trace: dict[str, Any]) -> None:
        errors = trace["steps"][1]["state"]["single"]["errors"]["errors"]
        errors[0], errors[1] = errors[1], errors[0]

    assert mutated(engine_traces, tmp_path, "single-validation", change) == (
        "step 1 (SingleActivitySubmitted): $.steps[1].state.single.errors.errors[0].field: "
        "expected 'mentor', got 'kind'"
    )


def test_another_ignore_code_fails_at_ignored(
    engine_traces: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """The reason code an event was ignored with is compared too."""

    def change(trace: dict[str, Any]) -> None:
        trace["steps"][11]["ignored"] = "dropped"

    assert mutated(engine_traces, tmp_path, "bulk-cancelled", change) == (
        "step 11 (BulkSubmissionCancelled): $.steps[11].ignored: "
        "expected 'not_allowed', got 'dropped'"
    )


def test_an_integer_written_as_a_float_fails(
    engine_traces: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """60.0 for 60 minutes is a mismatch, as the decoder refuses it."""

    def change(trace: dict[str, Any]) -> None:
        trace["steps"][4]["state"]["bulk"]["draft"]["minutes"] = 60.0

    assert mutated(engine_traces, tmp_path, "bulk-cancelled", change) == (
        "step 4 (BulkDurationChanged): $.steps[4].state.bulk.draft.minutes: expected 60, got 60.0"
    )


def test_a_scenario_without_its_trace_fails(
    engine_traces: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    """No trace file for a scenario is a failure that names the file."""
    report = verify_traces(tmp_path, SHIPPED)
    assert not report.ok
    assert all(r.problems[0].startswith("no trace file") for r in report.results)


def test_the_command_exits_0_on_good_traces_and_1_on_a_mutated_one(
    engine_traces: pathlib.Path, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """proxyreg conformance verify DIR --trace TRACES: exit 0, then 1 with the path printed."""
    assert main(["conformance", "verify", str(SHIPPED), "--trace", str(engine_traces)]) == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    for path in engine_traces.glob("*.json"):
        (bad / path.name).write_text(path.read_text())
    trace = json.loads((bad / "single-registered.json").read_text())
    trace["steps"][0]["state"]["active_flow"] = "bulk"
    (bad / "single-registered.json").write_text(json.dumps(trace))
    capsys.readouterr()
    assert main(["conformance", "verify", str(SHIPPED), "--trace", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "FAIL single-registered" in out
    assert "$.steps[0].state.active_flow: expected 'single', got 'bulk'" in out


def test_a_strict_validator_refuses_a_float_where_the_schema_says_integer(
    engine_traces: pathlib.Path,
) -> None:
    """With integers checked as the decoders check them, 60.0 minutes does not fit the schema."""
    trace = json.loads((engine_traces / "bulk-cancelled.json").read_text())
    trace["steps"][4]["state"]["bulk"]["draft"]["minutes"] = 60.0
    assert not StrictValidator(TRACE_SCHEMA).is_valid(trace)
    assert jsonschema.Draft202012Validator(TRACE_SCHEMA).is_valid(trace)  # why it is said
