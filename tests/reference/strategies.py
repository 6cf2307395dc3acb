"""Hypothesis strategies for every serializable value, small enough to stay cheap per example."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from proxyreg import flows
from proxyreg.persistent import PersistentMap, PersistentSet
from proxyreg.serialization import concrete_subclasses

# Short texts (any Unicode but surrogates, which JSON text cannot carry alone) keep examples cheap.
TEXT = st.text(max_size=6)
IDS = st.text(max_size=4)


def _persistent_set(t: Any) -> st.SearchStrategy[PersistentSet[Any]]:
    (item,) = typing.get_args(t) or (str,)
    members = IDS if item is str else st.from_type(item)
    return st.lists(members, max_size=3).map(PersistentSet)


def _persistent_map(t: Any) -> st.SearchStrategy[PersistentMap[Any, Any]]:
    _, value = typing.get_args(t)
    return st.dictionaries(IDS, st.from_type(value), max_size=3).map(PersistentMap)


def _board(results: dict[str, flows.MentorResult]) -> flows.StatusBoard:
    """A board as the engine builds one: its counts are those of its entries."""
    board = flows.StatusBoard()
    for mentor_id, result in results.items():
        board = board.settle(mentor_id, result)
    return board


def _any_subclass(base: type) -> st.SearchStrategy[Any]:
    return st.sampled_from(concrete_subclasses(base)).flatmap(st.from_type)


st.register_type_strategy(str, TEXT)
st.register_type_strategy(PersistentSet, _persistent_set)  # type: ignore[arg-type]
st.register_type_strategy(PersistentMap, _persistent_map)  # type: ignore[arg-type]
st.register_type_strategy(
    flows.StatusBoard,
    st.dictionaries(IDS, st.from_type(flows.MentorResult), max_size=3).map(_board),
)
for _base in (flows.ProxyEvent, flows.SingleEvent, flows.BulkEvent, flows.DraftFieldChanged):
    st.register_type_strategy(_base, _any_subclass(_base))


def values_of(cls: type) -> st.SearchStrategy[Any]:
    """Any value of ``cls`` (of one of its concrete subclasses, for a base)."""
    return st.from_type(cls)


def any_value_of(classes: Sequence[type]) -> st.SearchStrategy[Any]:
    """Any value of any of ``classes``: one strategy per class, resolved once.

    ``sampled_from(classes).flatmap(values_of)`` would build and resolve a strategy
    for every example; this draws the same values for less, and shrinks across classes.
    """
    return st.one_of([values_of(cls) for cls in classes])
