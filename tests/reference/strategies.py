"""Hypothesis strategies for every serializable value, small enough to stay cheap per example."""

from __future__ import annotations

import typing
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


def _any_subclass(base: type) -> st.SearchStrategy[Any]:
    return st.sampled_from(concrete_subclasses(base)).flatmap(st.from_type)


st.register_type_strategy(str, TEXT)
st.register_type_strategy(PersistentSet, _persistent_set)  # type: ignore[arg-type]
st.register_type_strategy(PersistentMap, _persistent_map)  # type: ignore[arg-type]
for _base in (flows.ProxyEvent, flows.SingleEvent, flows.BulkEvent, flows.DraftFieldChanged):
    st.register_type_strategy(_base, _any_subclass(_base))


def values_of(cls: type) -> st.SearchStrategy[Any]:
    """Any value of ``cls`` (of one of its concrete subclasses, for a base)."""
    return st.from_type(cls)
