"""``proxyreg tui`` hands the terminal app the acting repository, the coordinator's roster,
the strategy and the faults.

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
from proxyreg.domain import Roster
from proxyreg.ports import ProxyRepository


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the stand-in app was started with, one entry per start."""
    started: list[dict[str, Any]] = []

    async def run_tui(
        repository: ProxyRepository, roster: Roster, *, strategy: str, faults: str | None
    ) -> None:
        started.append(
            {
                "coordinator": roster.coordinator.id,
                "mentors": len(roster.mentors),
                "strategy": strategy,
                "faults": faults,
                "repository": repository is not None,
            }
        )

    stand_in = types.ModuleType("proxyreg.tui")  # stand-in for the Textual app
    stand_in.run_tui = run_tui  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "proxyreg.tui", stand_in)
    return started


def test_tui_runs_the_app_as_the_default_coordinator(
    capsys: Any, demo_db: Path, seen: list[dict[str, Any]]
) -> None:
    """The app gets the acting repository and the demo coordinator's roster; rpc, no faults."""
    ran = run_main(capsys, "--db", str(demo_db), "tui")

    assert ran.status == 0
    assert seen == [
        {
            "coordinator": "coord-demo",
            "mentors": 37,
            "strategy": "rpc",
            "faults": None,
            "repository": True,
        }
    ]


def test_tui_takes_the_strategy_and_the_faults_as_the_cli_does(
    capsys: Any, demo_db: Path, seen: list[dict[str, Any]]
) -> None:
    """``--strategy chunked --faults seed=7,fail_rate=0.3`` reach the app as given."""
    ran = run_main(
        capsys,
        "--db",
        str(demo_db),
        "tui",
        "--strategy",
        "chunked",
        "--faults",
        "seed=7,fail_rate=0.3",
    )

    assert ran.status == 0
    assert [(s["strategy"], s["faults"]) for s in seen] == [("chunked", "seed=7,fail_rate=0.3")]


def test_a_bad_fault_spec_is_refused_before_the_app_starts(
    capsys: Any, demo_db: Path, seen: list[dict[str, Any]]
) -> None:
    """An unreadable ``--faults`` is bad input (exit 2), named as the faults' problem."""
    ran = run_main(capsys, "--db", str(demo_db), "tui", "--faults", "fail_rate=lots")

    assert ran.status == 2
    assert "faults" in ran.err
    assert seen == []


def test_an_unknown_coordinator_is_refused_before_the_app_starts(
    capsys: Any, demo_db: Path, seen: list[dict[str, Any]]
) -> None:
    """``--as nobody`` is bad input (exit 2): there is no screen for a coordinator that is not."""
    ran = run_main(capsys, "--db", str(demo_db), "--as", "nobody", "tui")

    assert ran.status == 2
    assert seen == []
