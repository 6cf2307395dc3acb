"""Drawing for people, with rich: the result table, the progress bar, lists, and problems.

``--json`` output never goes through here: it is printed plainly by `print_json`.
Nothing a user or a database wrote is ever read as rich markup: mentor names, file
paths and messages can hold ``[`` and ``]``, so styling is given as `Text` styles.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from rich.text import Text

from proxyreg.cli.command import InputProblem
from proxyreg.cli.report import Report
from proxyreg.flows import BulkPhase, MentorStatus, ProxyRegistrationState
from proxyreg.presentation import SYMBOLS, progress

_STYLES = {
    "registered": "green",
    "already_registered": "green",
    "rejected": "red",
    "failed": "red",
    "unknown": "yellow",
}


MAX_PROBLEMS_SHOWN = 20
"""Bad input beyond this many problems is summed up on the terminal (``--json`` lists all)."""


def console() -> Console:
    """Standard output, wide enough that a message is not cut when it is not a terminal.

    Markup is off: a ``[`` in a name or a path is printed as it is, never parsed.
    """
    out = Console(highlight=False, markup=False)
    if not out.is_terminal:
        out = Console(highlight=False, markup=False, width=max(out.width, 120))
    return out


def print_json(document: Any) -> None:
    """One JSON document on standard output (UTF-8 names kept as they are)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def print_problems(problems: Sequence[InputProblem]) -> None:
    """Bad input, one line per problem, on standard error; past `MAX_PROBLEMS_SHOWN`, a count."""
    err = Console(stderr=True, highlight=False, markup=False)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        err.print(Text.assemble(("proxyreg: error:", "bold red"), f" {problem}"), soft_wrap=True)
    hidden = len(problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        err.print(
            Text.assemble(
                ("proxyreg: error:", "bold red"),
                f" … and {hidden} more problems like these (--json lists every one).",
            ),
            soft_wrap=True,
        )


def result_table(report: Report) -> Table:
    """The per-mentor result table: ✓ / ✗ / ?, the mentor, the status and the message."""
    table = Table(title=Text(report.headline), title_justify="left", expand=False)
    table.add_column("", no_wrap=True)
    table.add_column("Mentor", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Message")
    for line in report.lines:
        style = _STYLES[line.status]
        table.add_row(
            Text(SYMBOLS[MentorStatus(line.status)], style=style),
            Text(line.mentor_name),
            Text(line.status.replace("_", " "), style=style),
            Text(line.message),
        )
    return table


def print_report(out: Console, report: Report) -> None:
    """What was registered, the result table, the counts and, when something is left to
    settle, the command that settles it."""
    if report.activity is not None:
        mentors = len(report.lines)
        out.print(
            Text(f"{report.activity}, for {mentors} mentor{'' if mentors == 1 else 's'}."),
            soft_wrap=True,
        )
    out.print(result_table(report))
    counts = ", ".join(
        f"{n} {status.replace('_', ' ')}" for status, n in report.counts.items() if n
    )
    out.print(Text(f"Submission {report.submission_id}: {counts}."), soft_wrap=True)
    if report.settle is not None:
        left = report.unsettled
        out.print(
            Text(
                f"next: `{report.settle}` resends the {left} failed or unknown "
                f"record{'' if left == 1 else 's'} with the same keys (nothing is stored twice).",
            ),
            soft_wrap=True,
        )


def output_report(report: Report, *, as_json: bool, resent: int | None = None) -> int:
    """Print the report (the JSON object, or the table) and answer the exit status;
    ``resent``: how many records this command resent (``retry-failed``)."""
    if as_json:
        document = report.to_json()
        if resent is not None:
            document["resent"] = resent
        print_json(document)
    else:
        print_report(console(), report)
    return report.exit_status


class ProgressBar:
    """A progress bar fed with the bloc's states while a bulk submission is being sent.

    It appears with the first state that is sending, so input refused before any
    Submit leaves standard output untouched.
    """

    def __init__(self, progress_display: Progress) -> None:
        self._display = progress_display
        self._task: TaskID | None = None

    def __call__(self, state: ProxyRegistrationState) -> None:
        bulk = state.bulk
        if bulk.phase is not BulkPhase.SUBMITTING:
            return
        if self._task is None:
            self._display.start()
            self._task = self._display.add_task("Sending", total=None)
        shown = progress(bulk)
        self._display.update(self._task, completed=shown.done, total=shown.total)

    def close(self) -> None:
        # Stopping a bar never started would still print a line break off a terminal.
        if self._task is not None:
            self._display.stop()


@contextmanager
def progress_bar(out: Console) -> Iterator[ProgressBar]:
    """A live bar on ``out`` while records are sent in the block; cleared when it ends."""
    display = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=out,
        transient=True,
    )
    bar = ProgressBar(display)
    try:
        yield bar
    finally:
        bar.close()
