"""The port kit: its manifest, the catalogue's file, the schemas and guard-keyed coverage."""

from __future__ import annotations

import hashlib
import json
import pathlib
from typing import Any

import jsonschema
import pytest

from proxyreg import flows, ports
from proxyreg.conformance import export, kit_files, manifest, messages_data
from proxyreg.conformance._triggers import FlowMachine
from proxyreg.domain import MESSAGES
from proxyreg.flows import Lifecycle
from proxyreg.orchestration import _orchestrator, _sending
from proxyreg.serialization import CONCRETE, DecodeError, loads, schema_for

ROOT = pathlib.Path(__file__).parents[2]


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("kit")
    export(folder)
    return folder


def test_the_manifest_sums_every_other_file_of_the_kit(kit: pathlib.Path) -> None:
    """Each file's SHA-256 is in the manifest, and the checksum is over those lines."""
    written = json.loads((kit / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(p for p in kit.rglob("*") if p.is_file() and p.name != "manifest.json")
    digests = {
        p.relative_to(kit).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }
    assert written["files"] == digests
    lines = "".join(f"{d}  {p}\n" for p, d in sorted(digests.items()))
    assert written["checksum"]["value"] == hashlib.sha256(lines.encode()).hexdigest()
    assert written["proxyreg_version"] != "unknown"


def test_changing_one_text_changes_the_checksum() -> None:
    """The checksum pins the content: one changed message gives another checksum."""
    files = {k: v for k, v in kit_files().items() if k != "manifest.json"}
    before = manifest(files)["checksum"]["value"]
    files["messages.json"] = files["messages.json"].replace("Registered.", "Saved.")
    assert manifest(files)["checksum"]["value"] != before


def test_messages_json_fits_its_schema_and_holds_every_catalogue_entry(kit: pathlib.Path) -> None:
    """messages.json validates against schema/messages.schema.json and lists every code."""
    data = json.loads((kit / "messages.json").read_text(encoding="utf-8"))
    schema = json.loads((kit / "schema" / "messages.schema.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    assert [m["code"] for m in data["messages"]] == [m.code for m in MESSAGES]
    assert data == messages_data()


def test_every_field_error_code_a_state_can_carry_is_in_the_catalogue() -> None:
    """The field order covers every field a field error names."""
    fields = {f for m in MESSAGES if m.kind == "field_error" for f in m.fields}
    ordered = set(messages_data()["field_order"]["single"]) | set(
        messages_data()["field_order"]["bulk"]
    )
    assert fields == ordered


def test_every_kit_schema_is_valid(kit: pathlib.Path) -> None:
    """Each schema in the export passes the draft 2020-12 metaschema check."""
    for path in sorted((kit / "schema").glob("*.schema.json")):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_every_event_schema_has_a_description_of_its_own() -> None:
    """No event inherits its base's description ("Base of the bulk flow's events.")."""
    descriptions: dict[str, Any] = {}
    for cls in CONCRETE:
        if issubclass(cls, flows.ProxyEvent):
            definition = schema_for(cls)["$defs"][cls.__name__]
            descriptions[cls.__name__] = definition.get("description", "")
    assert [n for n, d in descriptions.items() if not d or d.startswith("Base of")] == []


def test_an_integer_written_as_a_float_is_refused_by_the_decoder() -> None:
    """5.0 where the schema says integer: the decoder refuses it, as the schema's comment says."""
    with pytest.raises(DecodeError):
        loads('{"minutes": 5.0, "type": "BulkDurationChanged"}', flows.ProxyEvent)
    assert "5.0" in schema_for(flows.BulkDurationChanged)["$comment"]


def _guard_a(x: object) -> bool:
    return x == "a"


def _guard_b(x: object) -> bool:
    return x == "b"


def test_two_guarded_edges_between_the_same_phases_count_apart() -> None:
    """Coverage keys hold the guards: same source, trigger and destination, two keys."""
    lifecycle = Lifecycle(
        "demo",
        flows.SinglePhase,
        flows.SinglePhase.EDITING,
        [
            {"trigger": "go", "source": "EDITING", "dest": "FAILED", "conditions": [_guard_a]},
            {"trigger": "go", "source": "EDITING", "dest": "FAILED", "conditions": [_guard_b]},
        ],
    )
    keys = FlowMachine(lifecycle, {}, flows.SingleEvent).declared()
    assert [k.guards for k in keys] == ["[_guard_a]", "[_guard_b]"]
    assert str(keys[0]) == "demo: editing --go [_guard_a]--> failed"


def test_every_record_code_the_port_and_orchestrator_name_is_in_messages_json() -> None:
    """Each stable RecordResult code has a catalogue text or an entry of other_record_codes."""
    named = {
        ports.CONFLICT,
        ports.NOT_ASSIGNED,
        ports.PAUSED,
        ports.FORBIDDEN,
        ports.INVALID,
        ports.ROLLED_BACK,
        ports.CANCELLED,
        ports.UNAVAILABLE,
        _orchestrator.NOT_SAVED,
        _orchestrator.NOT_SENT,
        _sending.NO_ANSWER,
        _sending.OUT_OF_TIME,
    }
    data = messages_data()
    listed = {m["error_code"] for m in data["messages"] if m["kind"] == "record_answer"}
    assert named - listed - set(data["other_record_codes"]) == set()
