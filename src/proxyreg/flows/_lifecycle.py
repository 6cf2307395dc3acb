"""A flow's lifecycle: phases, triggers and guards declared with `transitions`, read as a table.

`transitions` keeps the current state on a mutable model, and our states are
frozen, so the machine has no model: it is the declaration (checked by
`transitions` when it is built) and we read its transition table. `fire`
answers what `trigger` on a model in ``phase`` would do, guards included,
without touching any object; a test holds the two to agree.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs
from transitions import Machine

P = TypeVar("P", bound=enum.Enum)

Guard = Callable[..., bool]


@attrs.frozen
class Edge(Generic[P]):
    """One declared transition: ``source --trigger [guards]--> dest``."""

    source: P
    trigger: str
    dest: P
    guards: tuple[tuple[Guard, bool], ...]

    def passes(self, *args: object) -> bool:
        return all(bool(guard(*args)) is expected for guard, expected in self.guards)

    def label(self) -> str:
        """The trigger with its guards, as a diagram shows it."""
        names = [("" if ok else "not ") + g.__name__ for g, ok in self.guards]
        return f"{self.trigger} [{', '.join(names)}]" if names else self.trigger


def _edge(phases: type[P], source: P, trigger: str, declared: Any) -> Edge[P]:
    if declared.dest is None:
        raise ValueError(f"{trigger} from {source.name}: declare the destination explicitly")
    guards: list[tuple[Guard, bool]] = []
    for condition in declared.conditions:
        if not callable(condition.func):
            raise TypeError(f"{trigger} from {source.name}: guards must be functions, not names")
        guards.append((condition.func, bool(condition.target)))
    return Edge(source, trigger, phases[declared.dest], tuple(guards))


class Lifecycle(Generic[P]):
    """The phases of one flow and what moves it between them."""

    def __init__(
        self,
        name: str,
        phases: type[P],
        initial: P,
        transitions: Sequence[Mapping[str, Any]],
    ) -> None:
        self.name = name
        self.phases = phases
        self.initial = initial
        self.machine = Machine(
            model=None,
            states=phases,
            initial=initial,
            transitions=[dict(t) for t in transitions],
            auto_transitions=False,
        )
        table: dict[tuple[P, str], list[Edge[P]]] = {}
        for trigger, event in self.machine.events.items():
            for source_name, declared in event.transitions.items():
                source = phases[source_name]
                table[(source, trigger)] = [_edge(phases, source, trigger, t) for t in declared]
        self._table = {key: tuple(edges) for key, edges in table.items()}

    @property
    def triggers(self) -> tuple[str, ...]:
        return tuple(self.machine.events)

    def edges(self) -> Iterator[Edge[P]]:
        """Every declared transition, in declaration order per trigger."""
        for edges in self._table.values():
            yield from edges

    def allows(self, phase: P, trigger: str) -> bool:
        """Whether ``trigger`` is declared from ``phase`` at all (guards aside)."""
        return (phase, trigger) in self._table

    def edge(self, phase: P, trigger: str, *args: object) -> Edge[P] | None:
        """The first declared edge from ``phase`` on ``trigger`` whose guards pass, else None.

        Guards receive ``args``: the same arguments `transitions` would pass to
        them for ``model.trigger(*args)``.
        """
        for edge in self._table.get((phase, trigger), ()):
            if edge.passes(*args):
                return edge
        return None

    def fire(self, phase: P, trigger: str, *args: object) -> P | None:
        """The phase after ``trigger`` from ``phase``, or None when nothing allows it."""
        edge = self.edge(phase, trigger, *args)
        return None if edge is None else edge.dest
