"""Canonical JSON for every event, state and domain value, and its JSON Schema.

The format the Dart port reads and writes: objects tagged with ``"type"`` (the
class name) carrying every field, enums as their values, dates as ISO strings,
keys sorted. ``loads(dumps(x), type(x)) == x`` for every catalog value.
"""

from proxyreg.serialization._catalog import CATALOG, CONCRETE, STATES, concrete_subclasses, events
from proxyreg.serialization._converter import TAG
from proxyreg.serialization._json import (
    DecodeError,
    canonical_text,
    dumps,
    from_data,
    loads,
    to_data,
)
from proxyreg.serialization._schema import DIALECT, SchemaBuilder, schema_for

__all__ = [
    "CATALOG",
    "CONCRETE",
    "DIALECT",
    "STATES",
    "TAG",
    "DecodeError",
    "SchemaBuilder",
    "canonical_text",
    "concrete_subclasses",
    "dumps",
    "events",
    "from_data",
    "loads",
    "schema_for",
    "to_data",
]
