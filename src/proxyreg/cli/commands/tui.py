"""``proxyreg tui``: the terminal app, on the same database and coordinator as every command."""

from __future__ import annotations

import argparse
import sys

from proxyreg.application import read_fault_spec
from proxyreg.cli.arguments import add_faults_option, add_strategy_option
from proxyreg.cli.command import EXIT_ERROR, EXIT_OK, Command, Invocation
from proxyreg.cli.database import acting_coordinator


def _configure(parser: argparse.ArgumentParser) -> None:
    """``--db`` and ``--as`` say where and who; ``--strategy`` and ``--faults`` how it sends."""
    add_strategy_option(parser)
    add_faults_option(parser)


async def _tui(invocation: Invocation) -> int:
    args = invocation.args
    if args.faults is not None:
        read_fault_spec(args.faults)  # a bad spec is bad input: refused before anything opens
    try:
        from proxyreg.tui import run_tui  # noqa: PLC0415 - Textual loads only for this command
    except ModuleNotFoundError as missing:
        if (missing.name or "").split(".")[0] != "textual":
            raise
        print(
            "proxyreg: the terminal app needs Textual: pip install 'proxyreg[cli]'", file=sys.stderr
        )
        return EXIT_ERROR

    async with acting_coordinator(*invocation.where, writes=True) as (repo, roster):
        await run_tui(repo, roster, strategy=args.strategy, faults=args.faults)
    return EXIT_OK


TUI = Command("tui", "open the terminal app", _configure, _tui)
