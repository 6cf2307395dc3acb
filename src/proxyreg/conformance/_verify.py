"""Checking scenario files against the engine: per-scenario results and transition coverage."""

from __future__ import annotations

import json
import pathlib
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs

from proxyreg.conformance._replay import ReplayError, replay
from proxyreg.conformance._scenario import Scenario, Step
from proxyreg.conformance._triggers import EdgeKey, UndeclaredTransition, all_edges, edge_taken
from proxyreg.serialization import DecodeError, to_data


@attrs.frozen
class ScenarioResult:
    """One file's verdict: the problems found (none when it passed) and the edges it took."""

    file: str
    name: str
    problems: tuple[str, ...]
    edges: frozenset[EdgeKey] = frozenset()
    event_types: frozenset[str] = frozenset()

    @property
    def passed(self) -> bool:
        return not self.problems


@attrs.frozen
class Report:
    """What `verify` found: each scenario's result, and the edges the passing ones covered."""

    results: tuple[ScenarioResult, ...]

    @property
    def covered(self) -> frozenset[EdgeKey]:
        return frozenset(e for r in self.results if r.passed for e in r.edges)

    @property
    def missing(self) -> tuple[EdgeKey, ...]:
        """Declared edges no passing scenario took."""
        return tuple(sorted(set(all_edges()) - self.covered))

    @property
    def coverage(self) -> float:
        """The share of declared edges covered, from 0.0 to 1.0."""
        edges = all_edges()
        return len(set(edges) & self.covered) / len(edges)

    @property
    def ok(self) -> bool:
        """Every scenario passed, there was at least one, and every edge was taken."""
        return bool(self.results) and all(r.passed for r in self.results) and not self.missing

    def render(self) -> str:
        """A plain-text report: one line per scenario, its problems, then coverage."""
        lines = []
        for result in self.results:
            mark = "ok  " if result.passed else "FAIL"
            lines.append(f"{mark} {result.name} ({result.file}, {len(result.edges)} edges)")
            lines.extend(f"     {problem}" for problem in result.problems)
        total = len(all_edges())
        lines.append(
            f"transition coverage: {len(set(all_edges()) & self.covered)}/{total} "
            f"({self.coverage:.0%})"
        )
        lines.extend(f"     not covered: {edge}" for edge in self.missing)
        passed = sum(r.passed for r in self.results)
        lines.append(f"{passed}/{len(self.results)} scenarios passed")
        return "\n".join(lines)


# Files of the kit that sit beside the scenarios and are not scenarios themselves.
KIT_FILES = frozenset({"messages.json", "gateway.json", "manifest.json"})

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _member(path: str, key: object) -> str:
    if isinstance(key, str) and _NAME.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def first_difference(expected: Any, actual: Any, path: str = "$") -> str | None:
    """The JSON path of the first place ``actual`` differs from ``expected``, with both values.

    Object keys are visited in sorted order, list items in order; a list longer
    or shorter than expected differs at its first extra or missing item. A
    number differs from the same number of another type (``5`` is not ``5.0``).
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = sorted(set(expected) | set(actual))
        pairs = [
            (_member(path, k), expected.get(k, _MISSING), actual.get(k, _MISSING)) for k in keys
        ]
    elif isinstance(expected, list) and isinstance(actual, list):
        length = max(len(expected), len(actual))
        pairs = [
            (
                f"{path}[{i}]",
                expected[i] if i < len(expected) else _MISSING,
                actual[i] if i < len(actual) else _MISSING,
            )
            for i in range(length)
        ]
    elif expected == actual and type(expected) is type(actual):
        return None
    else:
        return f"{path}: expected {expected!r}, got {actual!r}"
    for where, want, got in pairs:
        found = first_difference(want, got, where)
        if found:
            return found
    return None


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


_MISSING = _Missing()


def compare(expected: Sequence[Step], actual: Sequence[Step]) -> list[str]:
    """Each step where the replay shows another state or another ignore reason."""
    problems = []
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        where = f"step {index} ({type(want.event).__name__})"
        if want.ignored != got.ignored:
            problems.append(f"{where}: ignored {got.ignored!r}, expected {want.ignored!r}")
        difference = first_difference(to_data(want.state), to_data(got.state))
        if difference:
            problems.append(f"{where}: state differs at {difference}")
    return problems


def edges_of(initial_state: object, steps: Iterable[Step]) -> frozenset[EdgeKey]:
    """The declared edges the steps took; `UndeclaredTransition` if one took none."""
    edges = set()
    before = initial_state
    for step in steps:
        if step.ignored is None:
            edge = edge_taken(before, step.event, step.state)
            if edge is not None:
                edges.add(edge)
        before = step.state
    return frozenset(edges)


def check(scenario: Scenario, file: str) -> ScenarioResult:
    """Replay one scenario and compare every step."""
    events = [step.event for step in scenario.steps]
    types = frozenset(type(e).__name__ for e in events)
    try:
        actual = replay(scenario.bloc, scenario.context, scenario.initial_state, events)
        problems = compare(scenario.steps, actual)
        edges = edges_of(scenario.initial_state, actual)
    except (ReplayError, UndeclaredTransition) as error:
        return ScenarioResult(file, scenario.name, (str(error),), event_types=types)
    return ScenarioResult(file, scenario.name, tuple(problems), edges, types)


def read_scenarios(directory: pathlib.Path) -> Iterator[tuple[str, Scenario | ScenarioResult]]:
    """Each scenario file of ``directory`` by name (sorted), or the failure of one unreadable.

    The kit's other files (`KIT_FILES`) are passed over.
    """
    for path in sorted(directory.glob("*.json")):
        if path.name in KIT_FILES:
            continue
        try:
            yield path.name, Scenario.from_data(json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, DecodeError) as error:
            yield path.name, ScenarioResult(path.name, path.stem, (f"unreadable: {error}",))


def verify(directory: str | pathlib.Path) -> Report:
    """Replay every scenario in ``directory`` (sorted by name) against the engine."""
    results = []
    for file, scenario in read_scenarios(pathlib.Path(directory)):
        if isinstance(scenario, ScenarioResult):
            results.append(scenario)
        else:
            results.append(check(scenario, file))
    return Report(tuple(results))
