"""Cheap comparison and copying of frozen state records, for the engine's hot path.

Every event makes a new state from the old one with a few fields changed, and the
engine compares the two before emitting (an equal state is not emitted). attrs
generates both operations field by field: its ``__eq__`` compares each field with
``==`` even where both sides hold the very same object (a whole untouched subtree
is then walked), and ``attrs.evolve`` looks the fields up again on every call.
Here ``__eq__`` asks ``is`` first, and `evolve` runs code generated once per class.
The results are the same as attrs'; only the cost differs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from attrs import AttrsInstance

T = TypeVar("T")
A = TypeVar("A", bound=AttrsInstance)

_Evolver = Callable[[Any, dict[str, Any]], Any]
_EVOLVERS: dict[type, _Evolver] = {}


def _compile(name: str, source: str, namespace: dict[str, Any]) -> Any:
    exec(compile(source, f"<proxyreg.frozen {name}>", "exec"), namespace)
    return namespace[name]


def identity_first_eq(cls: type[A]) -> type[A]:
    """Give an attrs class an ``__eq__``/``__ne__`` that compare each field by ``is`` first.

    Equal results to attrs' own (``a is b`` implies ``a == b`` for the values states
    hold); the hash attrs made stays consistent with it.
    """
    names = [field.name for field in attrs.fields(cls) if field.eq]
    same = " and ".join(f"(s.{n} is o.{n} or s.{n} == o.{n})" for n in names) or "True"
    eq = _compile(
        "__eq__",
        "def __eq__(s, o):\n"
        "    if o.__class__ is not s.__class__:\n"
        "        return NotImplemented\n"
        f"    return {same}\n",
        {},
    )

    def __ne__(self: object, other: object) -> bool:
        result = eq(self, other)
        return result if result is NotImplemented else not result

    cls.__eq__ = eq  # type: ignore[method-assign]
    cls.__ne__ = __ne__  # type: ignore[method-assign]
    return cls


def evolve(record: T, **changes: Any) -> T:
    """``attrs.evolve(record, **changes)``, with the field walk compiled once per class."""
    cls = type(record)
    evolver = _EVOLVERS.get(cls)
    if evolver is None:
        evolver = _EVOLVERS[cls] = _evolver(cls)
    result: T = evolver(record, changes)
    return result


def _evolver(cls: type) -> _Evolver:
    fields = [field for field in attrs.fields(cls) if field.init]
    allowed = frozenset(field.alias for field in fields)
    arguments = ", ".join(
        f"{f.alias}=c[{f.alias!r}] if {f.alias!r} in c else r.{f.name}" for f in fields
    )
    build: _Evolver = _compile(
        "build", f"def build(r, c):\n    return cls({arguments})\n", {"cls": cls}
    )

    def checked(record: Any, changes: dict[str, Any]) -> Any:
        if not allowed.issuperset(changes):  # as attrs.evolve: a misspelt field is an error
            raise TypeError(f"{cls.__name__} has no field(s) {sorted(set(changes) - allowed)}")
        return build(record, changes)

    return checked
