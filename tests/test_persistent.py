"""The persistent map and set behind large states."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from proxyreg.persistent import PersistentMap, PersistentSet

small_dicts = st.dictionaries(st.integers(0, 20), st.integers(0, 3), max_size=15)


def test_set_that_changes_nothing_returns_the_same_map() -> None:
    """Binding a key to the value it has returns self, so `is` detects 'no change'."""
    m = PersistentMap({"a": 1})
    assert m.set("a", 1) is m
    assert m.delete("zz") is m


def test_updates_leave_the_original_untouched() -> None:
    """set and delete return new maps; the old one still answers as before."""
    m = PersistentMap({"a": 1})
    n = m.set("a", 2).set("b", 3)
    assert (m["a"], "b" in m) == (1, False)
    assert (n["a"], n["b"]) == (2, 3)


class _CountingEq:
    calls = 0

    def __eq__(self, other: object) -> bool:
        type(self).calls += 1
        return True

    def __hash__(self) -> int:
        return 0


def test_different_contents_compare_without_walking_entries() -> None:
    """Maps that differ are told apart by their fingerprints, not entry by entry."""
    big = PersistentMap((i, _CountingEq()) for i in range(1000))
    other = big.set(1000, _CountingEq())
    _CountingEq.calls = 0
    assert big != other.delete(0)
    assert _CountingEq.calls == 0


@given(small_dicts, st.lists(st.tuples(st.integers(0, 20), st.integers(0, 3) | st.none())))
def test_map_matches_a_dict_under_any_updates(
    start: dict[int, int], ops: list[tuple[int, int | None]]
) -> None:
    """After any sequence of set/delete, the map equals a dict doing the same, and equal maps
    built apart are == with equal hashes."""
    m = PersistentMap(start)
    d = dict(start)
    for key, value in ops:
        if value is None:
            m = m.delete(key)
            d.pop(key, None)
        else:
            m = m.set(key, value)
            d[key] = value
    rebuilt = PersistentMap(d)
    assert dict(m.items()) == d
    assert m == rebuilt
    assert hash(m) == hash(rebuilt)


@given(st.sets(st.integers(0, 30)), st.lists(st.tuples(st.booleans(), st.integers(0, 30))))
def test_set_matches_a_frozenset_under_any_updates(
    start: set[int], ops: list[tuple[bool, int]]
) -> None:
    """After any add/discard sequence the persistent set holds what a set would."""
    s = PersistentSet(start)
    expected = set(start)
    for add, member in ops:
        s = s.add(member) if add else s.discard(member)
        (expected.add if add else expected.discard)(member)
    assert set(s) == expected
    assert s == PersistentSet(expected)
