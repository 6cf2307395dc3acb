"""The argument parser: the global options, then one sub-parser per command of the table."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from proxyreg.cli.command import Command

DESCRIPTION = (
    "Register peer-mentor activities on behalf of the mentors you coordinate: one at a time "
    "or many at once. Exit status: 0 all registered, 3 some not, 2 bad input (nothing stored)."
)


def _add_global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="a SQLite file path or a postgresql:// DSN (default: $PROXYREG_DB, else proxyreg.db)",
    )
    parser.add_argument(
        "--as",
        dest="acting_as",
        metavar="COORDINATOR",
        default=default,
        help="the coordinator id to act as (default: the database's default coordinator)",
    )


def build_parser(commands: Sequence[Command]) -> argparse.ArgumentParser:
    """``proxyreg [--db URL] [--as COORDINATOR] COMMAND …``; the two options may also follow
    the command."""
    parser = argparse.ArgumentParser(prog="proxyreg", description=DESCRIPTION)
    _add_global_options(parser, None)
    chosen = parser.add_subparsers(dest="command_name", metavar="COMMAND", required=True)
    for command in commands:
        sub = chosen.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub)
        # Given after the command too; SUPPRESS keeps a value given before it.
        _add_global_options(sub, argparse.SUPPRESS)
        sub.set_defaults(command=command)
    return parser
