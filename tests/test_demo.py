"""`make demo`: partial failure, Retry failed until nothing is left, and a clean tally."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import attrs
from rich.console import Console

from proxyreg.cli import main
from proxyreg.cli.demo import run_demo
from support import TODAY


def test_the_demo_fails_some_then_retries_to_a_clean_tally() -> None:
    """The first send leaves some mentors failed; each Retry failed resends only those; the
    end is every active mentor registered, stored once each, and the text says so."""
    screen = io.StringIO()
    outcome = asyncio.run(run_demo(Console(file=screen, width=140, color_system=None), today=TODAY))
    text = screen.getvalue()

    first, final = outcome.rounds[0], outcome.final
    assert first.counts["failed"] + first.counts["unknown"] > 0, "the faults must bite"
    assert len(outcome.rounds) >= 2
    assert final.counts["registered"] + final.counts["already_registered"] == 35
    assert final.exit_status == 0
    assert outcome.stored == 35  # counted in the file, one record per mentor
    assert outcome.stored_twice == ()
    assert outcome.clean
    # Each retry resent exactly what was still open, so the open count only goes down.
    still_open = [
        35 - r.counts["registered"] - r.counts["already_registered"] for r in outcome.rounds
    ]
    assert still_open == sorted(still_open, reverse=True)
    assert still_open[-1] == 0
    assert "✗" in text
    assert "Retry failed #1" in text
    assert "35 of 35 registered" in text
    assert "none lost, none twice" in text


def test_the_cli_runs_the_demo_as_json(capsys: Any) -> None:
    """`proxyreg demo --json` exits 0 and prints the final object with each round's counts."""
    assert main(["demo", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["counts"]["registered"] == document["total"] == 35
    assert document["rounds"][0]["failed"] + document["rounds"][0]["unknown"] > 0
    assert document["stored"] == 35
    assert document["stored_twice"] == []


def test_the_summary_does_not_claim_a_clean_tally_the_file_contradicts() -> None:
    """The verdict is read from what the file holds: a mentor stored twice, or fewer
    records than registered mentors, is said, and the demo is not clean."""
    outcome = asyncio.run(run_demo(None, today=TODAY))
    twice = attrs.evolve(outcome, stored=outcome.stored + 1, stored_twice=("m01",))
    short = attrs.evolve(outcome, stored=outcome.stored - 1)
    assert outcome.verdict == "none lost, none twice."
    assert not twice.clean
    assert twice.verdict == "more than one record for m01."
    assert not short.clean
    assert short.verdict == "the screen and the database disagree."
