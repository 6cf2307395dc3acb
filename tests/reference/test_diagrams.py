"""The state diagrams in docs/diagrams are generated from the lifecycles, and kept current."""

from __future__ import annotations

import pathlib

import pytest

from proxyreg.conformance._diagrams import diagram_files, mermaid
from proxyreg.conformance._triggers import MACHINES, FlowMachine
from proxyreg.flows import BULK_EVENT_TYPES, SINGLE_EVENT_TYPES, Lifecycle, SinglePhase
from proxyreg.flows.single.lifecycle import draft_is_valid

DIAGRAMS = pathlib.Path(__file__).parents[2] / "docs" / "diagrams"
REGENERATE = "python -m proxyreg.conformance.generate"


def test_checked_in_diagrams_match_the_lifecycles() -> None:
    """docs/diagrams is exactly what the lifecycles generate now."""
    stale = [
        name
        for name, text in diagram_files().items()
        if not (DIAGRAMS / name).exists() or (DIAGRAMS / name).read_text(encoding="utf-8") != text
    ]
    assert stale == [], f"docs/diagrams is stale for {stale}; run: {REGENERATE}"


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.lifecycle.name)
def test_every_declared_edge_is_drawn_with_its_guards(machine: FlowMachine) -> None:
    """Each edge of the transitions table is one line of the diagram, guards in its label."""
    lines = mermaid(machine).splitlines()
    expected = [
        f"    {e.source.value} --> {e.dest.value} : {e.label()}" for e in machine.lifecycle.edges()
    ]
    assert lines[0] == "stateDiagram-v2"
    assert lines[1] == f"    [*] --> {machine.lifecycle.initial.value}"
    assert lines[2:] == expected


def test_changing_a_transition_changes_the_diagram() -> None:
    """A lifecycle with one destination moved draws differently, so the staleness test fails."""
    single = MACHINES[0]
    moved = Lifecycle(
        "single",
        SinglePhase,
        SinglePhase.EDITING,
        [
            {"trigger": "edit", "source": [SinglePhase.EDITING], "dest": SinglePhase.EDITING},
            {
                "trigger": "submit",
                "source": SinglePhase.EDITING,
                "dest": SinglePhase.SUCCEEDED,
                "conditions": [draft_is_valid],
            },
        ],
    )
    drawn = mermaid(FlowMachine(moved, single.triggers, single.event_base))
    assert "editing --> succeeded : submit [draft_is_valid]" in drawn
    assert drawn not in diagram_files()["single.md"]


def test_every_flow_event_pulls_a_named_trigger_or_none() -> None:
    """The trigger table names every event of each flow, and only triggers the machine declares."""
    single, bulk = MACHINES
    assert set(single.triggers) == set(SINGLE_EVENT_TYPES)
    assert set(bulk.triggers) == set(BULK_EVENT_TYPES)
    for machine in MACHINES:
        named = {t for t in machine.triggers.values() if t is not None}
        assert named == set(machine.lifecycle.triggers)
