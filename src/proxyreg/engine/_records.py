"""Immutable records handed to hooks: a state change and a bloc transition."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

S = TypeVar("S")
E = TypeVar("E")


@attrs.frozen
class Change(Generic[S]):
    """A state change of any bloc or cubit, reported before the new state is set."""

    current_state: S
    next_state: S


@attrs.frozen
class Transition(Generic[E, S]):
    """A state change of a Bloc together with the event whose handler emitted it."""

    current_state: S
    event: E
    next_state: S
