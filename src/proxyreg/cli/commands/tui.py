"""``proxyreg tui``: the terminal app, on the same database and coordinator as every command."""

from __future__ import annotations

import argparse
import sys

from proxyreg.cli.command import EXIT_ERROR, EXIT_OK, Command, Invocation
from proxyreg.cli.database import acting_coordinator


def _configure(parser: argparse.ArgumentParser) -> None:
    """No options of its own: ``--db`` and ``--as`` say where and who."""


async def _tui(invocation: Invocation) -> int:
    try:
        from proxyreg.tui import run_tui  # noqa: PLC0415 - Textual loads only for this command
    except ModuleNotFoundError as missing:
        if (missing.name or "").split(".")[0] != "textual":
            raise
        print(
            "proxyreg: the terminal app needs Textual: pip install 'proxyreg[cli]'", file=sys.stderr
        )
        return EXIT_ERROR

    async with acting_coordinator(*invocation.where, writes=True) as (repo, _):
        await run_tui(repo)
    return EXIT_OK


TUI = Command("tui", "open the terminal app", _configure, _tui)
