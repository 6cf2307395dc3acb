"""Drawing for people, with rich: the result table, the progress bar, lists, and problems.

``--json`` output never goes through here: it is printed plainly by `print_json`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from proxyreg.cli.command import InputProblem
from proxyreg.cli.report import SYMBOLS, Report
from proxyreg.flows import BulkPhase, ProxyRegistrationState
from proxyreg.presentation import progress

_STYLES = {
    "registered": "green",
    "already_registered": "green",
    "rejected": "red",
    "failed": "red",
    "unknown": "yellow",
}


def console() -> Console:
    """Standard output, wide enough that a message is not cut when it is not a terminal."""
    out = Console(highlight=False)
    if not out.is_terminal:
        out = Console(highlight=False, width=max(out.width, 120))
    return out


def print_json(document: Any) -> None:
    """One JSON document on standard output (UTF-8 names kept as they are)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def print_problems(problems: Sequence[InputProblem]) -> None:
    """Bad input, one line per problem, on standard error."""
    err = Console(stderr=True, highlight=False)
    for problem in problems:
        err.print(f"[bold red]proxyreg: error:[/] {problem}", markup=True, soft_wrap=True)


def result_table(report: Report) -> Table:
    """The per-mentor result table: ✓ / ✗ / ?, the mentor, the status and the message."""
    table = Table(title=report.headline, title_justify="left", expand=False)
    table.add_column("", no_wrap=True)
    table.add_column("Mentor", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Message")
    for line in report.lines:
        style = _STYLES[line.status]
        table.add_row(
            f"[{style}]{SYMBOLS[line.status]}[/]",
            line.mentor_name,
            f"[{style}]{line.status.replace('_', ' ')}[/]",
            line.message,
        )
    return table


def print_report(out: Console, report: Report) -> None:
    out.print(result_table(report))
    counts = ", ".join(
        f"{n} {status.replace('_', ' ')}" for status, n in report.counts.items() if n
    )
    out.print(f"Submission {report.submission_id}: {counts}.", soft_wrap=True)


def output_report(report: Report, *, as_json: bool) -> int:
    """Print the report (the JSON object, or the table) and answer the exit status."""
    if as_json:
        print_json(report.to_json())
    else:
        print_report(console(), report)
    return report.exit_status


class ProgressBar:
    """A progress bar fed with the bloc's states while a bulk submission is being sent."""

    def __init__(self, progress_display: Progress) -> None:
        self._display = progress_display
        self._task = progress_display.add_task("Sending", total=None)

    def __call__(self, state: ProxyRegistrationState) -> None:
        bulk = state.bulk
        if bulk.phase is not BulkPhase.SUBMITTING:
            return
        shown = progress(bulk)
        self._display.update(self._task, completed=shown.done, total=shown.total)


@contextmanager
def progress_bar(out: Console) -> Iterator[ProgressBar]:
    """A live bar on ``out`` for the block's duration; it is cleared when the block ends."""
    display = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=out,
        transient=True,
    )
    with display:
        yield ProgressBar(display)
