"""Canonical JSON text: sorted keys, no insignificant whitespace, UTF-8, no NaN."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import cattrs

from proxyreg.serialization._converter import make_converter

T = TypeVar("T")

_CONVERTER = make_converter()


class DecodeError(ValueError):
    """Data that is not a valid value of the type asked for; nothing was built.

    ``problems`` names each one with its JSON path, such as
    ``"expected an integer, got str '5' @ $.minutes"``.
    """

    def __init__(self, type_name: str, problems: tuple[str, ...]) -> None:
        super().__init__(f"not a valid {type_name}: " + "; ".join(problems))
        self.problems = problems


def _describe(error: BaseException, _: Any) -> str:
    if isinstance(error, KeyError):
        return "required field missing"
    return str(error) or type(error).__name__


def to_data(value: object) -> Any:
    """``value`` as JSON-ready data: dicts (tagged with ``"type"``), lists, str, int, bool, None."""
    return _CONVERTER.unstructure(value)


def from_data(data: Any, cls: type[T]) -> T:
    """The value of ``cls`` (or, for a base such as ``ProxyEvent``, of the tagged subclass).

    Raises `DecodeError` naming every problem; wrong JSON types are refused, never coerced.
    """
    try:
        return _CONVERTER.structure(data, cls)
    except cattrs.BaseValidationError as error:
        problems = cattrs.transform_error(error, format_exception=_describe)
        raise DecodeError(cls.__name__, tuple(problems)) from error
    except (TypeError, ValueError, KeyError) as error:
        raise DecodeError(cls.__name__, (f"{_describe(error, cls)} @ $",)) from error


def dumps(value: object, *, indent: int | None = None) -> str:
    """Canonical JSON of ``value``: the same value always gives the same text."""
    return canonical_text(to_data(value), indent=indent)


def canonical_text(data: Any, *, indent: int | None = None) -> str:
    """Canonical JSON of data already in JSON form (sorted keys; compact unless ``indent``)."""
    separators = (",", ": ") if indent is not None else (",", ":")
    return json.dumps(
        data,
        sort_keys=True,
        ensure_ascii=False,
        allow_nan=False,
        indent=indent,
        separators=separators,
    )


def loads(text: str, cls: type[T]) -> T:
    """The value of ``cls`` read from JSON text; `DecodeError` if it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DecodeError(cls.__name__, (f"not JSON: {error}",)) from error
    return from_data(data, cls)
