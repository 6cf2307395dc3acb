"""`proxyreg.frozen`: the same answers as attrs' own ``==`` and ``evolve``, at less cost."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxyreg.frozen import evolve, identity_first_eq


@attrs.frozen
class Plain:
    a: int
    b: tuple[int, ...] = ()
    c: str | None = None


@identity_first_eq
@attrs.frozen
class Fast:
    a: int
    b: tuple[int, ...] = ()
    c: str | None = None


@attrs.frozen
class Counting:
    """A field value that counts how often it is compared."""

    calls: list[int] = attrs.field(eq=False, factory=list)

    def __eq__(self, other: object) -> bool:
        self.calls.append(1)
        return isinstance(other, Counting)

    __hash__ = object.__hash__


@identity_first_eq
@attrs.frozen
class Holder:
    subtree: Counting
    label: str = ""
    derived: int = attrs.field(init=False, default=0)


Values = tuple[int, tuple[int, ...], str | None]
values = st.tuples(
    st.integers(-3, 3), st.tuples(st.integers(0, 2)) | st.just(()), st.none() | st.text(max_size=2)
)


@given(values, values)
def test_equality_answers_as_attrs_does(left: Values, right: Values) -> None:
    assert (Fast(*left) == Fast(*right)) == (Plain(*left) == Plain(*right))
    assert (Fast(*left) != Fast(*right)) == (Plain(*left) != Plain(*right))
    assert Fast(*left) != Plain(*left)  # another class is never equal
    if Fast(*left) == Fast(*right):
        assert hash(Fast(*left)) == hash(Fast(*right))


def test_a_shared_field_is_not_compared_at_all() -> None:
    """The point: an untouched subtree costs one ``is``, however large it is."""
    shared = Counting()
    assert Holder(shared, "x") == Holder(shared, "x")
    assert Holder(shared, "x") != Holder(shared, "y")
    assert shared.calls == []
    assert Holder(Counting(), "x") == Holder(Counting(), "x")  # distinct objects: compared


@given(values, values)
def test_evolve_builds_what_attrs_evolve_builds(start: Values, change: Values) -> None:
    record = Fast(*start)
    for names in ({"a"}, {"b", "c"}, {"a", "b", "c"}, set()):
        changes = {n: v for n, v in zip("abc", change, strict=True) if n in names}
        assert evolve(record, **changes) == attrs.evolve(record, **changes)


def test_evolve_refuses_what_attrs_evolve_refuses() -> None:
    with pytest.raises(TypeError, match="no field"):
        evolve(Fast(1), d=2)
    with pytest.raises(TypeError):
        evolve(Holder(Counting()), derived=3)  # not an init field


def test_evolve_leaves_the_original_alone() -> None:
    record = Fast(1, (2,), "x")
    changed = evolve(record, c=None)
    assert (record.c, changed.c, changed.b is record.b) == ("x", None, True)
