"""``proxyreg submissions`` and ``proxyreg show``: the submission ledger."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from proxyreg.cli.command import EXIT_OK, BadInputError, Command, Invocation, add_json_flag
from proxyreg.cli.database import acting_coordinator
from proxyreg.cli.render import console, output_report, print_json
from proxyreg.cli.report import ledger_report
from proxyreg.domain import LedgerEntry
from proxyreg.flows import FlowContext


def _latest_bulk(entries: Sequence[LedgerEntry]) -> str | None:
    """The id of the newest bulk submission: the one `retry-failed` settles by default."""
    return next((e.submission.id for e in entries if e.submission.kind == "bulk"), None)


async def _submissions(invocation: Invocation) -> int:
    async with acting_coordinator(invocation.database, invocation.acting_as) as (repo, roster):
        entries = await repo.submissions()
    context = FlowContext(roster, dt.date.today())
    latest = _latest_bulk(entries)
    reports = [
        (entry, ledger_report(entry, context, latest=entry.submission.id == latest))
        for entry in entries
    ]
    if invocation.json:
        print_json([report.to_json() for _, report in reports])
        return EXIT_OK
    table = Table(title=Text(f"Submissions of {roster.coordinator.name}, newest first"))
    for column in ("Submission", "Flow", "Activity", "Date", "Minutes", "Mentors", "Outcome"):
        table.add_column(column, no_wrap=column != "Outcome")
    for entry, report in reports:
        activity = report.activity
        counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in report.counts.items() if n)
        table.add_row(
            entry.submission.id,
            report.flow,
            activity.kind if activity else "",
            activity.date.isoformat() if activity else "",
            str(activity.minutes) if activity else "",
            str(len(report.lines)),
            counts,
        )
    console().print(table)
    return EXIT_OK


def _configure_show(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "submission_id",
        nargs="?",
        metavar="SUBMISSION_ID",
        help="the submission to show (default: the latest one)",
    )
    add_json_flag(parser)


async def _show(invocation: Invocation) -> int:
    wanted = invocation.args.submission_id
    async with acting_coordinator(invocation.database, invocation.acting_as) as (repo, roster):
        entries = await repo.submissions()
        if wanted is None and not entries:
            raise BadInputError.one("submission_id", "none", "There is no submission yet.")
        entry = entries[0] if wanted is None else await repo.ledger_entry(wanted)
    if entry is None or entry.submission.coordinator_id != roster.coordinator.id:
        raise BadInputError.one(
            "submission_id",
            "unknown",
            f"No submission {wanted!r} of yours; `proxyreg submissions` lists them.",
        )
    latest = entry.submission.id == _latest_bulk(entries)
    report = ledger_report(entry, FlowContext(roster, dt.date.today()), latest=latest)
    return output_report(report, as_json=invocation.json)


SUBMISSIONS = Command(
    "submissions", "list the coordinator's submissions, newest first", add_json_flag, _submissions
)
SHOW = Command(
    "show",
    "show one submission's per-mentor results (default: the latest)",
    _configure_show,
    _show,
)
