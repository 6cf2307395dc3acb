"""The layers point inward: front ends use the application layer, nothing imports upward.

Read from the source (every import, at module level or inside a function), so a new
module is held to it the day it is added.
"""

from __future__ import annotations

import ast
import pathlib
from collections.abc import Iterator

SOURCE = pathlib.Path(__file__).parents[1] / "src" / "proxyreg"

LAYERS = {
    **dict.fromkeys(["proxyreg", "frozen", "persistent", "_closable", "engine", "domain"], 0),
    **dict.fromkeys(["ports", "flows", "demo_data", "testing", "serialization"], 1),
    **dict.fromkeys(["presentation", "orchestration", "adapters", "conformance"], 2),
    "application": 3,
    **dict.fromkeys(["cli", "tui", "web", "_console"], 4),
}
"""Each unit of the package (its first name under proxyreg) and its layer: a module may
import its own layer and the ones below."""

FRONT_ENDS = ("cli", "tui", "web")
BELOW_THE_APPLICATION = ("orchestration", "adapters")


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        name = ".".join(("proxyreg", *path.relative_to(SOURCE).with_suffix("").parts))
        yield name.removesuffix(".__init__"), ast.parse(path.read_text(encoding="utf-8"))


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "proxyreg"


def imported(tree: ast.Module) -> Iterator[str]:
    """Every proxyreg module ``tree`` imports, wherever the import statement is."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("proxyreg"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("proxyreg"):
            base = node.module or ""
            yield from (f"{base}.{a.name}" if base == "proxyreg" else base for a in node.names)


def edges() -> set[tuple[str, str]]:
    return {
        (unit(module), unit(target))
        for module, tree in modules()
        for target in imported(tree)
        if unit(module) != unit(target)
    }


def test_every_unit_has_a_layer() -> None:
    """A new unit of the package is placed in a layer before it is used."""
    assert sorted({unit(m) for m, _ in modules()} - set(LAYERS)) == []


def test_no_unit_imports_a_layer_above_its_own() -> None:
    """Dependencies point inward: the core never imports the application or a front end."""
    upward = sorted((a, b) for a, b in edges() if LAYERS[b] > LAYERS[a])
    assert upward == []


def test_the_units_import_each_other_without_a_loop() -> None:
    """No two units import each other, directly or through others (no import deferred
    into a function to hold a loop open)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges():
        graph.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert sorted(u for u in graph if reaches(u, u, {u})) == []


def test_front_ends_reach_the_core_through_the_application_layer() -> None:
    """The command line, the terminal app and the web page import neither the
    orchestration nor an adapter."""
    reached = sorted(
        (module, target)
        for module, tree in modules()
        if unit(module) in FRONT_ENDS
        for target in imported(tree)
        if unit(target) in BELOW_THE_APPLICATION
    )
    assert reached == []


def test_the_orchestrator_is_built_only_by_the_application_layer() -> None:
    """`BulkRegistrationOrchestrator(` appears in one module of the package."""
    building = sorted(
        module
        for module, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "BulkRegistrationOrchestrator"
    )
    assert building == ["proxyreg.application._composition"]
