"""The port kit: scenarios, message catalogue, gateway contract, schemas, and a manifest.

`kit_files` is what ``proxyreg conformance export DIR`` writes: every file a
port needs, by path relative to DIR, with ``manifest.json`` naming the
version of proxyreg that made them, each file's SHA-256, and one checksum over
all of them, so a port can pin what it was tested against.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import pathlib
from collections.abc import Mapping
from typing import Any

from proxyreg.conformance._gateway import GATEWAY_CONTRACT, GATEWAY_FORMAT
from proxyreg.conformance._scenario import FORMAT
from proxyreg.conformance._schemas import schema_files
from proxyreg.conformance._shipped import scenario_files
from proxyreg.conformance._trace import TRACE_FORMAT
from proxyreg.domain import MESSAGES
from proxyreg.serialization import STATES, SchemaBuilder, canonical_text

KIT_FORMAT = "proxyreg.kit/1"
MESSAGES_FORMAT = "proxyreg.messages/1"
SCHEMA_DIR = "schema"

FIELD_ORDER = {
    "single": ["mentor", "kind", "date", "minutes", "notes", "participants"],
    "bulk": ["mentors", "kind", "date", "minutes", "notes", "participants"],
}

ERROR_ORDER = [
    "Submit lists the errors in form order (FIELD_ORDER): the mentor's (single) or the "
    "selection's (bulk) first, then the draft's.",
    "A draft field has at most one error: the first of its checks that fails, in the order "
    "its field_error messages are listed here.",
    "The bulk selection ('mentors') has 'empty' alone, else in order: 'too_many', "
    "'duplicate', then for each distinct id in selection order its 'not_assigned' or "
    "'paused'.",
    "Editing a field (a ...Changed event, or SingleMentorPicked) keeps the other fields' errors "
    "in their order and appends the edited "
    "field's fresh error at the end; changing the kind refreshes kind then participants.",
    "A refused BulkMentorsSelected keeps the other fields' errors and appends its selection "
    "errors ('duplicate', 'not_assigned', 'paused'; never 'empty' or 'too_many'); an "
    "accepted one drops the selection's errors.",
]

IGNORED_CODES = {
    "flow_inactive": "an event of a flow that is not the root's active one",
    "not_allowed": "the flow's phase does not allow the event (or nothing is retryable, or "
    "a restore is not the coordinator's or comes while the screen is in use)",
    "stale_submission": "an answer of another submission, or with another record's client key",
    "unknown_mentor": "an answer for a mentor not in the submission",
    "already_settled": "an answer for a record or submission that already has one",
    "dropped": "a Submit or Retry failed added while one is being sent (droppable)",
}


OTHER_RECORD_CODES = {
    "http_<status>": "failed: the backend refused the whole call for now (429, 503); the "
    "message is the backend's own text",
    "unavailable": "failed: the fault-injecting test backend withheld the record (its text "
    "is record.busy)",
}


def _version() -> str:
    try:
        return importlib.metadata.version("proxyreg")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a bare tree
        return "unknown"


def messages_data() -> dict[str, Any]:
    """The message catalogue as ``messages.json`` holds it."""
    return {
        "format": MESSAGES_FORMAT,
        "placeholders": (
            "A template names each parameter in braces, {name}, and holds no other brace. "
            "A port renders by replacing each {name} with its parameter's text."
        ),
        "field_order": FIELD_ORDER,
        "error_order": ERROR_ORDER,
        "ignored_codes": IGNORED_CODES,
        "other_record_codes": OTHER_RECORD_CODES,
        "ignored_messages": (
            "Ignored.message is diagnostic and not compared: a port words it as it likes; "
            "its code is the contract."
        ),
        "messages": [message.to_data() for message in MESSAGES],
    }


def messages_schema() -> dict[str, Any]:
    """The schema of ``messages.json``."""
    string = {"type": "string"}
    message = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": r"^[a-z_]+(\.[a-z_]+)+$"},
            "kind": {"enum": ["field_error", "record_answer", "flow", "screen"]},
            "template": string,
            "description": string,
            "params": {"type": "object", "additionalProperties": string},
            "error_code": {"anyOf": [string, {"type": "null"}]},
            "fields": {"type": "array", "items": string},
            "arb_key": {"type": "string", "pattern": r"^[a-z][A-Za-z0-9]*$"},
        },
        "required": [
            "code",
            "kind",
            "template",
            "description",
            "params",
            "error_code",
            "fields",
            "arb_key",
        ],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "messages",
        "description": "Every text a state or a screen shows, by stable code, with its parameters.",
        "type": "object",
        "properties": {
            "format": {"const": MESSAGES_FORMAT},
            "placeholders": string,
            "field_order": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": string},
            },
            "error_order": {"type": "array", "items": string},
            "ignored_codes": {"type": "object", "additionalProperties": string},
            "other_record_codes": {"type": "object", "additionalProperties": string},
            "ignored_messages": string,
            "messages": {"type": "array", "items": message},
        },
        "required": [
            "format",
            "placeholders",
            "field_order",
            "error_order",
            "ignored_codes",
            "other_record_codes",
            "ignored_messages",
            "messages",
        ],
        "additionalProperties": False,
    }


def trace_schema() -> dict[str, Any]:
    """The schema of a trace file, with the states of the scenario schema."""
    builder = SchemaBuilder()
    state = {"anyOf": [builder.fragment(cls) for cls in STATES]}
    step = {
        "type": "object",
        "properties": {
            "state": state,
            "ignored": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["state", "ignored"],
        "additionalProperties": False,
    }
    root = {
        "description": (
            "The states one implementation showed while replaying one scenario: per step, "
            "the state after the step's event and the Ignored code it reported (or null)."
        ),
        "type": "object",
        "properties": {
            "format": {"const": TRACE_FORMAT},
            "scenario": {"type": "string", "description": "the scenario's name"},
            "implementation": {"type": "string", "description": "free text: who made it"},
            "steps": {"type": "array", "items": step},
        },
        "required": ["format", "scenario", "implementation", "steps"],
        "additionalProperties": False,
    }
    return builder.document(root, "trace")


def _text(data: object) -> str:
    return canonical_text(data, indent=2) + "\n"


def all_schema_files() -> dict[str, str]:
    """File name → text of every schema: values, events, states, scenario, trace, messages."""
    files = schema_files()
    files["trace.schema.json"] = _text(trace_schema())
    files["messages.schema.json"] = _text(messages_schema())
    return dict(sorted(files.items()))


def manifest(files: Mapping[str, str]) -> dict[str, Any]:
    """The manifest of ``files`` (path → text): version, formats, per-file and whole checksums."""
    digests = {
        path: hashlib.sha256(text.encode("utf-8")).hexdigest()
        for path, text in sorted(files.items())
    }
    whole = "".join(f"{digest}  {path}\n" for path, digest in digests.items())
    return {
        "format": KIT_FORMAT,
        "proxyreg_version": _version(),
        "formats": {
            "scenario": FORMAT,
            "trace": TRACE_FORMAT,
            "messages": MESSAGES_FORMAT,
            "gateway": GATEWAY_FORMAT,
        },
        "checksum": {
            "algorithm": "sha256 of the lines '<sha256>  <path>\\n' of every file, by path",
            "value": hashlib.sha256(whole.encode("utf-8")).hexdigest(),
        },
        "files": digests,
    }


def kit_files() -> dict[str, str]:
    """Path → text of every file ``conformance export`` writes, the manifest last."""
    files = {**scenario_files(), "messages.json": _text(messages_data())}
    files["gateway.json"] = _text(GATEWAY_CONTRACT)
    files |= {f"{SCHEMA_DIR}/{name}": text for name, text in all_schema_files().items()}
    files["manifest.json"] = _text(manifest(files))
    return files


def folder_files() -> dict[str, str]:
    """File name → text of the repository's ``conformance/``: the kit but its schema/ folder,
    which is ``docs/schema`` here (the manifest still names and sums those files)."""
    return {path: text for path, text in kit_files().items() if "/" not in path}


def export(directory: str | pathlib.Path) -> list[pathlib.Path]:
    """Write the kit into ``directory`` (made if missing); the paths written, manifest last."""
    target = pathlib.Path(directory)
    written = []
    for name, text in kit_files().items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
