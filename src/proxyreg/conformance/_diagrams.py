"""Mermaid state diagrams of the flows' lifecycles, read from their `transitions` tables."""

from __future__ import annotations

from proxyreg.conformance._triggers import MACHINES, FlowMachine

GENERATE = "python -m proxyreg.conformance.generate"


def mermaid(machine: FlowMachine) -> str:
    """The lifecycle as a mermaid ``stateDiagram-v2``: every declared edge with its guards."""
    lifecycle = machine.lifecycle
    lines = ["stateDiagram-v2", f"    [*] --> {lifecycle.initial.value}"]
    for edge in lifecycle.edges():
        lines.append(f"    {edge.source.value} --> {edge.dest.value} : {edge.label()}")
    return "\n".join(lines)


def diagram_page(machine: FlowMachine) -> str:
    """The markdown page of one lifecycle: the diagram, then its edges and their events."""
    lifecycle = machine.lifecycle
    rows = []
    for edge in lifecycle.edges():
        guards = ", ".join(("" if ok else "not ") + g.__name__ for g, ok in edge.guards)
        events = ", ".join(f"`{e}`" for e in machine.events_of(edge.trigger))
        rows.append(
            f"| `{edge.source.value}` | `{edge.trigger}` | {guards or '—'} "
            f"| `{edge.dest.value}` | {events} |"
        )
    return "\n".join(
        [
            f"# The {lifecycle.name} flow's lifecycle",
            "",
            f"Generated from `{lifecycle.name.upper()}_LIFECYCLE` by `{GENERATE}`; do not edit.",
            "A guard named `not g` passes when `g` is false. An edge is taken by the first",
            "declared edge of its trigger whose guards pass, in the order of the table.",
            "",
            "```mermaid",
            mermaid(machine),
            "```",
            "",
            "| from | trigger | guards | to | events that pull the trigger |",
            "| --- | --- | --- | --- | --- |",
            *rows,
            "",
        ]
    )


def diagram_files() -> dict[str, str]:
    """File name → text of each lifecycle's page in ``docs/diagrams``."""
    return {f"{m.lifecycle.name}.md": diagram_page(m) for m in MACHINES}
