"""JSON Schema (draft 2020-12) of each serializable class, derived from its attrs fields.

The schema says what `to_data` writes: every field present, a ``"type"`` tag,
no other keys. A field typed with a base (``ProxyEvent``) accepts any of its
concrete subclasses.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from proxyreg.persistent import PersistentMap, PersistentSet
from proxyreg.serialization._catalog import CATALOG, concrete_subclasses, is_base
from proxyreg.serialization._converter import TAG

DIALECT = "https://json-schema.org/draft/2020-12/schema"
INTEGER_COMMENT = (
    "An integer is written without a fraction or exponent (5, never 5.0 or 5e0): the decoder "
    "refuses any other number, though JSON Schema's 'integer' admits 5.0."
)
ISO_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    type(None): {"type": "null"},
    dt.date: ISO_DATE,
}


class SchemaBuilder:
    """Turns types into schema fragments, collecting the class definitions they refer to."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def fragment(self, t: Any) -> dict[str, Any]:
        """The schema of a value of type ``t``."""
        if t in _SCALARS:
            return dict(_SCALARS[t])
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return {"title": t.__name__, "enum": [member.value for member in t]}
        if isinstance(t, type) and t in CATALOG:
            return self._class(t)
        origin, args = typing.get_origin(t), typing.get_args(t)
        if origin in (types.UnionType, typing.Union):
            return {"anyOf": [self.fragment(arg) for arg in args]}
        return self._collection(t, origin, args)

    def _collection(self, t: Any, origin: Any, args: tuple[Any, ...]) -> dict[str, Any]:
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self.fragment(args[0])}
        if origin is PersistentSet:
            return {"type": "array", "items": self.fragment(args[0]), "uniqueItems": True}
        if origin in (PersistentMap, Mapping):
            return {"type": "object", "additionalProperties": self.fragment(args[1])}
        raise TypeError(f"no JSON Schema for {t!r}")

    def _class(self, cls: type) -> dict[str, Any]:
        if is_base(cls):
            return {"anyOf": [self._class(sub) for sub in concrete_subclasses(cls)]}
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # placeholder: a class may refer to itself
            self.defs[name] = self._definition(cls)
        return {"$ref": f"#/$defs/{name}"}

    def _definition(self, cls: type) -> dict[str, Any]:
        fields = [f for f in attrs.fields(cls) if f.init]
        properties: dict[str, Any] = {TAG: {"const": cls.__name__}}
        for field in fields:
            properties[field.name] = self.fragment(field.type)
        definition: dict[str, Any] = {"title": cls.__name__}
        # The class's own docstring only: a base's would describe every subclass alike.
        own = cls.__dict__.get("__doc__")
        doc = inspect.cleandoc(own) if isinstance(own, str) else None
        if doc:
            definition["description"] = doc.split("\n\n")[0].replace("\n", " ")
        definition |= {
            "type": "object",
            "properties": properties,
            "required": [TAG, *(f.name for f in fields)],
            "additionalProperties": False,
        }
        return definition

    def document(self, root: dict[str, Any], title: str) -> dict[str, Any]:
        """A self-contained schema: ``root`` and every definition it reached."""
        return {
            "$schema": DIALECT,
            "title": title,
            "$comment": INTEGER_COMMENT,
            **root,
            "$defs": dict(sorted(self.defs.items())),
        }


def schema_for(cls: type) -> dict[str, Any]:
    """The self-contained JSON Schema of the values of ``cls``."""
    builder = SchemaBuilder()
    return builder.document(builder.fragment(cls), cls.__name__)
