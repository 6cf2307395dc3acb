"""Conformance scenarios: language-neutral JSON files another implementation replays.

`export` writes the shipped scenarios (generated from `scripts` by replaying
them on the engine); `verify` replays a folder of scenario files against the
engine and reports per scenario, with the transition coverage of both
lifecycles. ``python -m proxyreg.conformance.generate`` regenerates the
scenarios, the state diagrams and the JSON Schemas.
"""

from proxyreg.conformance._replay import ReplayError, replay
from proxyreg.conformance._scenario import FORMAT, Scenario, Step
from proxyreg.conformance._shipped import export, scenario_files
from proxyreg.conformance._triggers import EdgeKey, all_edges
from proxyreg.conformance._verify import Report, ScenarioResult, verify

__all__ = [
    "FORMAT",
    "EdgeKey",
    "ReplayError",
    "Report",
    "Scenario",
    "ScenarioResult",
    "Step",
    "all_edges",
    "export",
    "replay",
    "scenario_files",
    "verify",
]
