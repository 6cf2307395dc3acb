"""Immutable records handed to hooks: a state change and a bloc transition."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

S = TypeVar("S")
E = TypeVar("E")


@attrs.frozen
class Change(Generic[S]):
    """A state change of any bloc or cubit, reported before the new state is set.

    ``repr`` is Python's; ``str`` is the text Dart's ``Change.toString`` gives, so logs and
    text snapshots compare across the two ports: ``Change { currentState: 0, nextState: 1 }``.
    """

    current_state: S
    next_state: S

    def __str__(self) -> str:
        return f"Change {{ currentState: {self.current_state}, nextState: {self.next_state} }}"


@attrs.frozen
class Transition(Generic[E, S]):
    """A state change of a Bloc together with the event whose handler emitted it.

    ``str`` is Dart's form: ``Transition { currentState: 0, event: Inc(), nextState: 1 }``.
    """

    current_state: S
    event: E
    next_state: S

    def __str__(self) -> str:
        return (
            f"Transition {{ currentState: {self.current_state}, event: {self.event}, "
            f"nextState: {self.next_state} }}"
        )
