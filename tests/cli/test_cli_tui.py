"""``proxyreg tui`` hands the terminal app the repository and the resolved coordinator.

The app itself is tested headlessly in tests/tui; here a stand-in module takes its place
(labelled as such) so that only the command's wiring is under test.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from cli.helpers import run_main
from proxyreg.ports import ProxyRepository


def test_tui_runs_the_app_as_the_default_coordinator(
    capsys: Any, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app gets a working repository (it reads the roster) and the demo coordinator."""
    seen: list[tuple[str, int]] = []

    async def run_tui(repository: ProxyRepository) -> None:
        roster = await repository.roster()
        seen.append((repository.coordinator_id, len(roster.mentors)))

    stand_in = types.ModuleType("proxyreg.tui")  # stand-in for the Textual app
    stand_in.run_tui = run_tui  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "proxyreg.tui", stand_in)

    ran = run_main(capsys, "--db", str(demo_db), "tui")

    assert ran.status == 0
    assert seen == [("coord-demo", 37)]
