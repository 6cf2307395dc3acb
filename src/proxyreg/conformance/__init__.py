"""Conformance scenarios: language-neutral JSON files another implementation replays.

`export` writes the port kit: the shipped scenarios (generated from `scripts`
by replaying them on the engine), the message catalogue, the gateway contract,
the JSON Schemas and a manifest with checksums. `verify` replays a folder of
scenario files against the engine, `verify_traces` holds another
implementation's traces to them; both report per scenario, with the transition
coverage of both lifecycles. ``python -m proxyreg.conformance.generate``
regenerates the scenarios, the state diagrams and the JSON Schemas.
"""

from proxyreg.conformance._gateway import GATEWAY_CONTRACT, ScriptedGateway, SubmitScript
from proxyreg.conformance._kit import export, kit_files, manifest, messages_data
from proxyreg.conformance._replay import ReplayError, replay
from proxyreg.conformance._scenario import FORMAT, Scenario, Step
from proxyreg.conformance._shipped import scenario_files
from proxyreg.conformance._trace import TRACE_FORMAT, first_mismatch, trace_data, verify_traces
from proxyreg.conformance._triggers import EdgeKey, all_edges
from proxyreg.conformance._verify import Report, ScenarioResult, verify

__all__ = [
    "FORMAT",
    "GATEWAY_CONTRACT",
    "TRACE_FORMAT",
    "EdgeKey",
    "ReplayError",
    "Report",
    "Scenario",
    "ScenarioResult",
    "ScriptedGateway",
    "Step",
    "SubmitScript",
    "all_edges",
    "export",
    "first_mismatch",
    "kit_files",
    "manifest",
    "messages_data",
    "replay",
    "scenario_files",
    "trace_data",
    "verify",
    "verify_traces",
]
