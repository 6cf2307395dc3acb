"""``make demo`` (``proxyreg demo``): a bulk registration against a misbehaving backend.

Self-contained: a fresh SQLite file in a temporary folder, the demo world
(`proxyreg.demo_data`), and one coordinator registering a phone call for every
active mentor at once. The backend is wrapped in `FaultyRepository`, so some
records fail on the way (the server "busy", or a timeout after it saved). The result
screen shows who failed; Retry failed is pressed until nothing is left to retry;
the summary counts the records the database file holds, per mentor, so "none lost,
none twice" is read from the file, not assumed.

It drives the same pieces as the ``bulk`` and ``retry-failed`` commands: a backend opened
and a session built by `proxyreg.application`, the CLI's report and progress bar.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import tempfile
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
from rich.console import Console
from rich.text import Text

from proxyreg import demo_data
from proxyreg.application import (
    Acting,
    ActivityFields,
    Backend,
    RegistrationSession,
    open_backend,
)
from proxyreg.cli.render import print_report, progress_bar
from proxyreg.cli.report import Report, bulk_report

DEMO_FAULTS = "seed=4,fail_rate=0.25,timeout_after_commit=0.3"
"""A quarter of the records refused as "busy"; some calls time out after the save."""

MAX_RETRIES = 10
"""Retry failed is pressed at most this often (the faults are random, the demo is not endless)."""


@attrs.frozen
class DemoOutcome:
    """What the demo did: the result screen after each send, and what the database holds.

    ``stored`` is how many records the file holds for the submitted mentors, and
    ``stored_twice`` the mentors it holds more than one record for (none, if all is well).
    """

    rounds: tuple[Report, ...]
    stored: int
    stored_twice: tuple[str, ...] = ()

    @property
    def final(self) -> Report:
        return self.rounds[-1]

    @property
    def registered(self) -> int:
        return self.final.counts["registered"] + self.final.counts["already_registered"]

    @property
    def clean(self) -> bool:
        """Every mentor registered, and the file holds exactly one record for each."""
        return (
            self.final.exit_status == 0 and self.stored == self.registered and not self.stored_twice
        )

    @property
    def verdict(self) -> str:
        if self.clean:
            return "none lost, none twice."
        if self.stored_twice:
            return f"more than one record for {', '.join(self.stored_twice)}."
        return "the screen and the database disagree."

    def to_json(self) -> dict[str, Any]:
        return {
            **self.final.to_json(),
            "rounds": [report.counts for report in self.rounds],
            "stored": self.stored,
            "stored_twice": list(self.stored_twice),
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
        path = Path(folder) / "demo.db"
        async with (
            open_backend(str(path), create=True) as backend,
            _acting_in_demo(backend) as acting,
        ):
            roster = acting.roster
            activity = ActivityFields("phone_call", today, 20, "Monthly check-in call")
            active = [m for m in roster.mentors if m.active]
            say(
                Text.assemble(
                    (roster.coordinator.name, "bold"),
                    f" registers a 20-minute phone call for all {len(active)} of her active "
                    f"mentors at once ({len(roster.mentors) - len(active)} more are paused).\n"
                    f"The backend misbehaves on purpose: {faults}\n",
                )
            )
            rounds = []
            with progress_bar(out or Console(quiet=True)) as bar:
                async with RegistrationSession(
                    acting.repository, roster, faults=faults, on_state=bar, seed=1
                ) as session:
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
        per_mentor = _records_per_mentor(path, [line.mentor_id for line in final.lines])
    outcome = DemoOutcome(
        tuple(rounds),
        stored=sum(per_mentor.values()),
        stored_twice=tuple(sorted(m for m, n in per_mentor.items() if n > 1)),
    )
    say(
        Text.assemble(
            ("\nSummary:", "bold"),
            f" {outcome.registered} of {len(final.lines)} registered after {len(rounds) - 1} "
            f"Retry failed; the database holds {outcome.stored} records for them: "
            f"{outcome.verdict}",
        )
    )
    return outcome


@contextlib.asynccontextmanager
async def _acting_in_demo(backend: Backend) -> AsyncIterator[Acting]:
    """The demo world loaded into the fresh file, and its coordinator at work."""
    await backend.load_demo()
    async with backend.acting_as(demo_data.COORDINATOR.id) as acting:
        yield acting


def _records_per_mentor(path: Path, mentor_ids: list[str]) -> Counter[str]:
    """How many proxy records the demo's file holds for each of these mentors.

    Read straight from the file (the demo owns it), so a duplicate stored under any
    key would show here.
    """
    wanted = set(mentor_ids)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT mentor_id FROM proxy_activities").fetchall()
    return Counter(mentor_id for (mentor_id,) in rows if mentor_id in wanted)


def _show(out: Console | None, report: Report, title: str) -> None:
    if out is None:
        return
    out.print(Text(f"\n{title}", style="bold"))
    print_report(out, report)


def _quiet(*_: object) -> None:
    """Say nothing (the JSON mode prints one document at the end)."""
