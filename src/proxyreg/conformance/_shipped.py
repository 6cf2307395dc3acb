"""The shipped scenarios: each script replayed on the engine, written out as files."""

from __future__ import annotations

from proxyreg.conformance._replay import replay
from proxyreg.conformance._scenario import Scenario
from proxyreg.conformance.scripts import SCRIPTS, Script
from proxyreg.serialization import canonical_text


def scenario_of(script: Script) -> Scenario:
    """The scenario a script makes: its events, with the states the engine shows after each."""
    steps = replay(script.bloc, script.context, script.initial_state, script.events)
    return Scenario(
        script.name, script.description, script.bloc, script.context, script.initial_state, steps
    )


def scenario_files() -> dict[str, str]:
    """File name → text of every shipped scenario, generated now from the scripts."""
    files = {}
    for script in SCRIPTS:
        files[f"{script.name}.json"] = (
            canonical_text(scenario_of(script).to_data(), indent=2) + "\n"
        )
    return files
