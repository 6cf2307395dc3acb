"""The cattrs converter behind canonical JSON: strict in, explicit out.

Out: every attrs value becomes an object with a ``"type"`` tag (its class name)
and all its fields; enums become their values, dates ISO strings, tuples and
persistent sets lists (sets sorted), persistent maps objects. In: the tag
picks the class (so a field typed ``ProxyEvent`` reads any event), unknown keys
and values of the wrong JSON type are refused rather than coerced.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from proxyreg.flows import StatusBoard, StatusCounts
from proxyreg.persistent import PersistentMap, PersistentSet
from proxyreg.serialization._catalog import BY_TAG, CATALOG, concrete_subclasses

TAG = "type"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _expect(value: Any, kinds: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        raise TypeError(f"expected {what}, got {type(value).__name__} {value!r}")
    return value


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _structure_date(value: Any, _: type) -> dt.date:
    text = _expect(value, str, "an ISO date (YYYY-MM-DD)")
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"expected an ISO date (YYYY-MM-DD), got {text!r}")
    return dt.date.fromisoformat(text)


def _check_board(board: StatusBoard) -> None:
    # The counts are kept beside the entries (O(1) per result); data that disagrees would
    # replay as a screen whose totals contradict its rows, so it is refused.
    counts = StatusCounts()
    for _, result in board.entries.items():
        counts = counts.moved(None, result.status)
    if counts != board.counts:
        raise ValueError(f"counts must be those of the entries: {attrs.asdict(counts)}")


# Rules across fields that a JSON Schema cannot state, checked on the way in.
_CHECKS: dict[type, Callable[[Any], None]] = {StatusBoard: _check_board}


def _is_generic(origin: type) -> Callable[[Any], bool]:
    return lambda t: typing.get_origin(t) is origin or t is origin


def _is_tagged(t: Any) -> bool:
    return isinstance(t, type) and t in CATALOG


def _field_types(cls: type) -> None:
    # Fields are annotated as strings (``from __future__ import annotations``).
    attrs.resolve_types(cls)


def _check_no_tag_field(cls: type) -> None:
    if any(field.name == TAG for field in attrs.fields(cls)):  # pragma: no cover - a guard
        raise RuntimeError(f"{cls.__name__} has a field named {TAG!r}, which is the type tag")


def make_converter() -> cattrs.Converter:
    """A fresh converter for every catalog value (see the module docstring)."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, lambda v, _: _expect(v, str, "a string"))
    converter.register_structure_hook(int, lambda v, _: _expect(v, int, "an integer"))
    converter.register_structure_hook(bool, lambda v, _: _expect(v, bool, "true or false"))
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_structure_hook(dt.date, _structure_date)
    _register_collections(converter)
    _register_tagged(converter)
    return converter


def _register_collections(converter: cattrs.Converter) -> None:
    def tuple_hook(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
        (item, *_) = typing.get_args(t) or (Any,)

        def structure(value: Any, _: Any) -> tuple[Any, ...]:
            items = _expect(value, list, "a list")
            return tuple(converter.structure(x, item) for x in items)

        return structure

    converter.register_unstructure_hook_factory(
        _is_generic(tuple), lambda t: lambda v: [converter.unstructure(x) for x in v]
    )
    converter.register_structure_hook_factory(_is_generic(tuple), tuple_hook)

    def set_hook(t: Any) -> Callable[[Any, Any], PersistentSet[Any]]:
        (item, *_) = typing.get_args(t) or (Any,)

        def structure(value: Any, _: Any) -> PersistentSet[Any]:
            items = [converter.structure(x, item) for x in _expect(value, list, "a list")]
            members: PersistentSet[Any] = PersistentSet(items)
            if len(members) != len(items):
                raise ValueError("a set lists each member once")
            return members

        return structure

    converter.register_unstructure_hook_factory(
        _is_generic(PersistentSet), lambda t: lambda v: sorted(converter.unstructure(x) for x in v)
    )
    converter.register_structure_hook_factory(_is_generic(PersistentSet), set_hook)

    def map_hook(t: Any) -> Callable[[Any, Any], PersistentMap[Any, Any]]:
        key, value_type = typing.get_args(t) or (Any, Any)

        def structure(value: Any, _: Any) -> PersistentMap[Any, Any]:
            pairs = _expect(value, dict, "an object")
            return PersistentMap(
                (converter.structure(k, key), converter.structure(v, value_type))
                for k, v in pairs.items()
            )

        return structure

    converter.register_unstructure_hook_factory(
        _is_generic(PersistentMap),
        lambda t: lambda v: {k: converter.unstructure(x) for k, x in v.items()},
    )
    converter.register_structure_hook_factory(_is_generic(PersistentMap), map_hook)


def _register_tagged(converter: cattrs.Converter) -> None:
    """Each catalog class: tagged out, and read by tag (any concrete subclass of the type).

    The per-class functions are made on first use, after every hook is registered,
    so a field typed with a catalog class goes through these hooks too.
    """
    for cls in CATALOG:
        _field_types(cls)
        _check_no_tag_field(cls)
    unstructure: dict[type, Callable[[Any], dict[str, Any]]] = {}
    structure: dict[type, Callable[[Any, Any], Any]] = {}

    def tagged(value: Any) -> dict[str, Any]:
        cls = type(value)
        fields = unstructure.get(cls)
        if fields is None:
            fields = unstructure[cls] = make_dict_unstructure_fn(cls, converter)
        return {TAG: cls.__name__, **fields(value)}

    def reader(wanted: type) -> Callable[[Any, Any], Any]:
        allowed = concrete_subclasses(wanted)
        names = ", ".join(c.__name__ for c in allowed)

        def read(value: Any, _: Any) -> Any:
            data = dict(_expect(value, dict, f"an object tagged {names}"))
            tag = data.pop(TAG, None)
            cls = BY_TAG.get(tag) if isinstance(tag, str) else None
            if cls is None or cls not in allowed:
                raise ValueError(f"{TAG!r} must be one of {names}, got {tag!r}")
            fields = structure.get(cls)
            if fields is None:
                fields = structure[cls] = make_dict_structure_fn(cls, converter)
            value = fields(data, cls)
            check = _CHECKS.get(cls)
            if check is not None:
                check(value)
            return value

        return read

    converter.register_unstructure_hook_factory(_is_tagged, lambda t: tagged)
    converter.register_structure_hook_factory(_is_tagged, reader)
