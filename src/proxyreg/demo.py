"""``make demo`` (``proxyreg demo``): a bulk registration against a misbehaving backend.

Self-contained: a fresh SQLite file in a temporary folder, the demo world
(`proxyreg.demo_data`), and one coordinator registering a phone call for every
active mentor at once. The backend is wrapped in `FaultyRepository`, so some
records fail on the way (the server "busy", or a timeout after it saved). The result
screen shows who failed; Retry failed is pressed until nothing is left to retry;
the summary checks what the database holds.

It drives the same pieces as the ``bulk`` and ``retry-failed`` commands.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import attrs
from rich.console import Console

from proxyreg import demo_data
from proxyreg.adapters.faults import FaultyRepository, parse_fault_spec
from proxyreg.adapters.sqlite import SqliteRepository
from proxyreg.cli.arguments import ActivityFields
from proxyreg.cli.registration import RegistrationSession
from proxyreg.cli.render import print_report, progress_bar
from proxyreg.cli.report import Report, bulk_report
from proxyreg.domain import client_key

DEMO_FAULTS = "seed=4,fail_rate=0.25,timeout_after_commit=0.3"
"""A quarter of the records refused as "busy"; some calls time out after the save."""

MAX_RETRIES = 10
"""Retry failed is pressed at most this often (the faults are random, the demo is not endless)."""


@attrs.frozen
class DemoOutcome:
    """What the demo did: the result screen after each send, and what the database holds."""

    rounds: tuple[Report, ...]
    stored: int

    @property
    def final(self) -> Report:
        return self.rounds[-1]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.final.to_json(),
            "rounds": [report.counts for report in self.rounds],
            "stored": self.stored,
        }


async def run_demo(
    out: Console | None = None,
    *,
    today: dt.date | None = None,
    faults: str = DEMO_FAULTS,
) -> DemoOutcome:
    """Run the demo in a temporary folder, telling ``out`` (None: tell nobody) what happens."""
    today = today or dt.date.today()
    say = out.print if out is not None else _quiet
    with tempfile.TemporaryDirectory(prefix="proxyreg-demo-") as folder:
        async with await SqliteRepository.open(Path(folder) / "demo.db") as database:
            await database.add_world(
                demo_data.COORDINATORS, demo_data.MENTORS, demo_data.assignment_pairs()
            )
            roster = await database.roster(demo_data.COORDINATOR.id)
            flaky = FaultyRepository(database, parse_fault_spec(faults))
            activity = ActivityFields("phone_call", today, 20, "Monthly check-in call")
            active = [m for m in roster.mentors if m.active]
            say(
                f"[bold]{roster.coordinator.name}[/] registers a 20-minute phone call for all "
                f"{len(active)} of her active mentors at once "
                f"({len(roster.mentors) - len(active)} more are paused).\n"
                f"The backend misbehaves on purpose: {faults}\n"
            )
            rounds = []
            with progress_bar(out or Console(quiet=True)) as bar:
                async with RegistrationSession(flaky, roster, on_state=bar, seed=1) as session:
                    state = await session.submit_bulk(None, activity)
                    rounds.append(bulk_report(state, roster, session.strategy))
                    _show(out, rounds[-1], "First try")
                    while rounds[-1].exit_status and len(rounds) <= MAX_RETRIES:
                        state, resent = await session.retry_shown()
                        if not resent:
                            break
                        rounds.append(bulk_report(state, roster, session.strategy))
                        _show(out, rounds[-1], f"Retry failed #{len(rounds) - 1}: {resent} resent")
            final = rounds[-1]
            assert final.submission_id is not None
            keys = [client_key(final.submission_id, line.mentor_id) for line in final.lines]
            stored = len(set((await database.find_registered(keys)).values()))
    say(
        f"\n[bold]Summary:[/] {final.counts['registered'] + final.counts['already_registered']} "
        f"of {len(final.lines)} registered after {len(rounds) - 1} Retry failed; "
        f"the database holds {stored} records for them: none lost, none twice."
    )
    return DemoOutcome(tuple(rounds), stored)


def _show(out: Console | None, report: Report, title: str) -> None:
    if out is None:
        return
    out.print(f"\n[bold]{title}[/]")
    print_report(out, report)


def _quiet(*_: object) -> None:
    """Say nothing (the JSON mode prints one document at the end)."""
