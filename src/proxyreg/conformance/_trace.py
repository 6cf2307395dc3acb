"""Traces: the states another implementation showed per scenario step, held to the scenarios.

A trace file is what a port's harness writes after replaying one scenario:
for each step, the state its bloc shows after the step's event (canonical
JSON) and the ``Ignored`` code it reported (or null). `verify_traces` reads a
folder of them, one ``<scenario name>.json`` per scenario, and reports per
scenario the first place the trace differs from the scenario: the step, and
the JSON path inside the trace file. ``docs/schema/trace.schema.json``
describes a file.
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Sequence
from typing import Any

from proxyreg.conformance._scenario import Scenario, Step
from proxyreg.conformance._verify import (
    Report,
    ScenarioResult,
    edges_of,
    first_difference,
    read_scenarios,
)
from proxyreg.serialization import to_data

TRACE_FORMAT = "proxyreg.trace/1"


def trace_data(scenario: str, steps: Sequence[Step], implementation: str) -> dict[str, Any]:
    """The trace file of ``steps`` (what an implementation showed) for scenario ``scenario``."""
    return {
        "format": TRACE_FORMAT,
        "scenario": scenario,
        "implementation": implementation,
        "steps": [{"state": to_data(s.state), "ignored": s.ignored} for s in steps],
    }


def _step_name(scenario: Scenario, index: int) -> str:
    return f"step {index} ({type(scenario.steps[index].event).__name__})"


def first_mismatch(scenario: Scenario, trace: Any) -> str | None:
    """Where ``trace`` (a trace file's data) first differs from ``scenario``; None if nowhere."""
    header = _header_mismatch(scenario, trace)
    if header is not None:
        return header
    steps: list[Any] = trace["steps"]
    for index, want in enumerate(scenario.steps):
        found = _step_mismatch(want, steps[index] if index < len(steps) else _ABSENT, index)
        if found is not None:
            return f"{_step_name(scenario, index)}: {found}"
    if len(steps) > len(scenario.steps):
        extra = len(scenario.steps)
        return (
            f"step {extra} (no event): $.steps[{extra}]: an extra state the scenario does not "
            f"have ({len(steps)} steps, expected {len(scenario.steps)})"
        )
    return None


_ABSENT = object()


def _header_mismatch(scenario: Scenario, trace: Any) -> str | None:
    if not isinstance(trace, dict) or trace.get("format") != TRACE_FORMAT:
        return f"$.format: expected {TRACE_FORMAT!r}, got {_get(trace, 'format')!r}"
    if trace.get("scenario") != scenario.name:
        return f"$.scenario: expected {scenario.name!r}, got {trace.get('scenario')!r}"
    if not isinstance(trace.get("steps"), list):
        return f"$.steps: expected a list, got {trace.get('steps')!r}"
    return None


def _step_mismatch(want: Step, got: Any, index: int) -> str | None:
    where = f"$.steps[{index}]"
    if got is _ABSENT:
        return f"{where}: missing (the trace ends before this step)"
    if not isinstance(got, dict) or set(got) != {"state", "ignored"}:
        return f"{where}: a step holds exactly 'state' and 'ignored'"
    difference = first_difference(to_data(want.state), got["state"], f"{where}.state")
    if difference is None and want.ignored != got["ignored"]:
        difference = f"{where}.ignored: expected {want.ignored!r}, got {got['ignored']!r}"
    return difference


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def check_trace(scenario: Scenario, file: str, trace_dir: pathlib.Path) -> ScenarioResult:
    """One scenario against its trace file in ``trace_dir``."""
    path = trace_dir / file
    types = frozenset(type(s.event).__name__ for s in scenario.steps)
    if not path.is_file():
        return ScenarioResult(file, scenario.name, (f"no trace file {path}",), event_types=types)
    try:
        trace = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return ScenarioResult(file, scenario.name, (f"unreadable trace: {error}",))
    mismatch = first_mismatch(scenario, trace)
    if mismatch is not None:
        return ScenarioResult(file, scenario.name, (mismatch,), event_types=types)
    # The trace shows exactly the scenario's states, so it took the scenario's edges.
    return ScenarioResult(
        file, scenario.name, (), edges_of(scenario.initial_state, scenario.steps), types
    )


def verify_traces(trace_dir: str | pathlib.Path, scenario_dir: str | pathlib.Path) -> Report:
    """Hold each trace in ``trace_dir`` to its scenario in ``scenario_dir`` (by file name)."""
    results = []
    for file, scenario in read_scenarios(pathlib.Path(scenario_dir)):
        if isinstance(scenario, ScenarioResult):
            results.append(scenario)
        else:
            results.append(check_trace(scenario, file, pathlib.Path(trace_dir)))
    return Report(tuple(results))
