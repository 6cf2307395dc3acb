"""The JSON Schema files in ``docs/schema``: one per event and state, and the scenario file."""

from __future__ import annotations

from typing import Any

from proxyreg import flows
from proxyreg.conformance._scenario import BLOCS, FORMAT
from proxyreg.serialization import (
    CONCRETE,
    SchemaBuilder,
    canonical_text,
    schema_for,
)


def scenario_schema() -> dict[str, Any]:
    """The schema of a conformance scenario file."""
    builder = SchemaBuilder()
    state = {"anyOf": [builder.fragment(cls) for cls in _states()]}
    step = {
        "type": "object",
        "properties": {
            "event": builder.fragment(flows.ProxyEvent),
            "state": state,
            "ignored": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["event", "state", "ignored"],
        "additionalProperties": False,
    }
    root = {
        "description": "Events replayed on a fresh bloc, with the state expected after each.",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "bloc": {"enum": list(BLOCS)},
            "context": builder.fragment(flows.FlowContext),
            "initial_state": state,
            "steps": {"type": "array", "items": step},
        },
        "required": ["format", "name", "description", "bloc", "context", "initial_state", "steps"],
        "additionalProperties": False,
    }
    return builder.document(root, "scenario")


def _states() -> tuple[type, ...]:
    return (flows.ProxyRegistrationState, flows.SingleProxyState, flows.BulkProxyState)


def schema_files() -> dict[str, str]:
    """File name → text of every schema in ``docs/schema``."""
    files = {
        f"{cls.__name__}.schema.json": canonical_text(schema_for(cls), indent=2) + "\n"
        for cls in CONCRETE
    }
    files["scenario.schema.json"] = canonical_text(scenario_schema(), indent=2) + "\n"
    return files
