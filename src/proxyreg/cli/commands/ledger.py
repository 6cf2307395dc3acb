"""``proxyreg submissions`` and ``proxyreg show``: the submission ledger."""

from __future__ import annotations

import argparse
import datetime as dt

from rich.table import Table
from rich.text import Text

from proxyreg.cli.command import EXIT_OK, BadInputError, Command, Invocation, add_json_flag
from proxyreg.cli.database import acting_coordinator
from proxyreg.cli.render import console, output_report, print_json
from proxyreg.cli.report import ledger_report
from proxyreg.flows import FlowContext


async def _submissions(invocation: Invocation) -> int:
    async with acting_coordinator(invocation.database, invocation.acting_as) as (repo, roster):
        entries = await repo.submissions()
    context = FlowContext(roster, dt.date.today())
    reports = [(entry, ledger_report(entry, context)) for entry in entries]
    if invocation.json:
        print_json([{**report.to_json(), "kind": report.kind} for _, report in reports])
        return EXIT_OK
    table = Table(title=Text(f"Submissions of {roster.coordinator.name}, newest first"))
    for column in ("Submission", "Flow", "Activity", "Date", "Mentors", "Outcome"):
        table.add_column(column, no_wrap=column != "Outcome")
    for entry, report in reports:
        first = entry.submission.records[0] if entry.submission.records else None
        counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in report.counts.items() if n)
        table.add_row(
            entry.submission.id,
            report.kind,
            first.kind if first else "",
            first.date.isoformat() if first else "",
            str(len(report.lines)),
            counts,
        )
    console().print(table)
    return EXIT_OK


def _configure_show(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submission_id", metavar="SUBMISSION_ID")
    add_json_flag(parser)


async def _show(invocation: Invocation) -> int:
    wanted = invocation.args.submission_id
    async with acting_coordinator(invocation.database, invocation.acting_as) as (repo, roster):
        entry = await repo.ledger_entry(wanted)
    if entry is None or entry.submission.coordinator_id != roster.coordinator.id:
        raise BadInputError.one(
            "submission_id",
            "unknown",
            f"No submission {wanted!r} of yours; `proxyreg submissions` lists them.",
        )
    report = ledger_report(entry, FlowContext(roster, dt.date.today()))
    return output_report(report, as_json=invocation.json)


SUBMISSIONS = Command(
    "submissions", "list the coordinator's submissions, newest first", add_json_flag, _submissions
)
SHOW = Command("show", "show one submission's per-mentor results", _configure_show, _show)
