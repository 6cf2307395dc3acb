"""Persistent (immutable, structurally shared) map and set for large state subtrees.

A bulk state may hold 10,000 mentors. Updating one entry must not copy the
others, and comparing two states must not walk them all: both types keep an
order-independent fingerprint of their content, updated in O(1) per change, so
``==`` between different contents is decided in O(1) (up to a hash collision,
after which the full comparison still gives the exact answer).

Updates that change nothing return the same object, so ``old is new`` is the
cheap and exact "nothing changed" test the engine relies on.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Generic, TypeVar, cast, overload

import immutables

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MASK = (1 << 64) - 1


def _entry_hash(key: object, value: object) -> int:
    return hash((key, value)) & _MASK


class PersistentMap(Generic[K, V]):
    """An immutable mapping with O(log N) updates and O(1) expected inequality."""

    __slots__ = ("_fingerprint", "_map")

    _map: immutables.Map[K, V]
    _fingerprint: int

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        mutation = immutables.Map[K, V]().mutate()
        for key, value in pairs:
            mutation[key] = value
        self._map = mutation.finish()
        self._fingerprint = sum(_entry_hash(k, v) for k, v in self._map.items()) & _MASK

    @classmethod
    def _of(cls, backing: immutables.Map[K, V], fingerprint: int) -> PersistentMap[K, V]:
        new = cls.__new__(cls)
        new._map = backing
        new._fingerprint = fingerprint
        return new

    def set(self, key: K, value: V) -> PersistentMap[K, V]:
        """Return a map with ``key`` bound to ``value``; ``self`` if it already was."""
        missing = object()
        old = self._map.get(key, cast(V, missing))
        if old is not missing and (old is value or old == value):
            return self
        fingerprint = self._fingerprint + _entry_hash(key, value)
        if old is not missing:
            fingerprint -= _entry_hash(key, old)
        return self._of(self._map.set(key, value), fingerprint & _MASK)

    def delete(self, key: K) -> PersistentMap[K, V]:
        """Return a map without ``key``; ``self`` if it was not there."""
        missing = object()
        old = self._map.get(key, cast(V, missing))
        if old is missing:
            return self
        fingerprint = (self._fingerprint - _entry_hash(key, old)) & _MASK
        return self._of(self._map.delete(key), fingerprint)

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: V) -> V: ...
    def get(self, key: K, default: V | None = None) -> V | None:
        return self._map.get(key, default)

    def __getitem__(self, key: K) -> V:
        return self._map[key]

    def __contains__(self, key: object) -> bool:
        return key in self._map

    def __len__(self) -> int:
        return len(self._map)

    def __iter__(self) -> Iterator[K]:
        return iter(self._map)

    def items(self) -> Iterable[tuple[K, V]]:
        return self._map.items()

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, PersistentMap):
            return NotImplemented
        if len(self) != len(other) or self._fingerprint != other._fingerprint:
            return False
        return bool(self._map == other._map)

    def __hash__(self) -> int:
        return hash((len(self._map), self._fingerprint))

    def __repr__(self) -> str:
        return f"PersistentMap({dict(self._map.items())!r})"


class PersistentSet(Generic[K]):
    """An immutable set with O(log N) add/discard and O(1) expected inequality."""

    __slots__ = ("_members",)

    def __init__(self, members: Iterable[K] = ()) -> None:
        self._members: PersistentMap[K, bool] = PersistentMap((m, True) for m in members)

    @classmethod
    def _of(cls, members: PersistentMap[K, bool]) -> PersistentSet[K]:
        new = cls.__new__(cls)
        new._members = members
        return new

    def add(self, member: K) -> PersistentSet[K]:
        """Return a set with ``member``; ``self`` if it was already there."""
        members = self._members.set(member, True)
        return self if members is self._members else self._of(members)

    def discard(self, member: K) -> PersistentSet[K]:
        """Return a set without ``member``; ``self`` if it was not there."""
        members = self._members.delete(member)
        return self if members is self._members else self._of(members)

    def union(self, others: Iterable[K]) -> PersistentSet[K]:
        result = self
        for member in others:
            result = result.add(member)
        return result

    def difference(self, others: Iterable[K]) -> PersistentSet[K]:
        result = self
        for member in others:
            result = result.discard(member)
        return result

    def __contains__(self, member: object) -> bool:
        return member in self._members

    def __len__(self) -> int:
        return len(self._members)

    def __iter__(self) -> Iterator[K]:
        return iter(self._members)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, PersistentSet):
            return NotImplemented
        return self._members == other._members

    def __hash__(self) -> int:
        return hash(self._members)

    def __repr__(self) -> str:
        return f"PersistentSet({sorted(map(repr, self._members))!r})"
