"""``proxyreg``: parse, run the command in one event loop, and answer its exit status."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Sequence

from proxyreg.cli.command import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    BadInputError,
    Command,
    InputProblem,
    Invocation,
)
from proxyreg.cli.commands import COMMANDS
from proxyreg.cli.database import database_url
from proxyreg.cli.parser import build_parser
from proxyreg.cli.render import print_json, print_problems


def main(argv: Sequence[str] | None = None, commands: Sequence[Command] = COMMANDS) -> int:
    """Run ``proxyreg`` with ``argv`` (default: the process's arguments); answer the exit status.

    0: every record registered (or already); 3: some were not; 2: bad input, with each
    problem named by its field, and nothing stored; 1: something else broke.
    """
    parser = build_parser(commands)
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has printed the usage and the problem
        return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT
    command: Command = args.command
    try:
        _refuse_empty_values(args, _option_names(parser))
        invocation = Invocation(args, database_url(args.db), args.acting_as)
        return asyncio.run(command.run(invocation))
    except BadInputError as bad:
        if getattr(args, "json", False):
            print_json({"errors": [_problem_json(p) for p in bad.problems]})
        print_problems(bad.problems)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except (OSError, sqlite3.Error, _driver_error()) as broke:
        print(f"proxyreg: error: {broke}", file=sys.stderr)
        return EXIT_ERROR


def _refuse_empty_values(args: argparse.Namespace, options: dict[str, str]) -> None:
    """An option given ``--`` as its value: argparse hands over an empty list, never valid."""
    empty = [dest for dest, value in vars(args).items() if isinstance(value, list) and not value]
    problems = []
    for dest in sorted(empty):
        option = options.get(dest, "--" + dest.replace("_", "-"))
        message = f"{option} needs a value ('--' is not one)."
        problems.append(InputProblem(option.lstrip("-"), "missing", message))
    if problems:
        raise BadInputError(problems)


def _option_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each destination's option as typed (``mentors`` is ``--mentor``), sub-commands too.

    argparse keeps its actions in ``_actions`` only; it has no public way to list them.
    """
    names: dict[str, str] = {}
    for action in parser._actions:
        if action.option_strings:
            names.setdefault(action.dest, action.option_strings[-1])
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                for dest, option in _option_names(sub).items():
                    names.setdefault(dest, option)
    return names


def _problem_json(problem: InputProblem) -> dict[str, object]:
    shown: dict[str, object] = {
        "field": problem.field,
        "code": problem.code,
        "message": problem.message,
    }
    if problem.row is not None:
        shown["row"] = problem.row
    return shown


def _driver_error() -> type[Exception]:
    """psycopg's base error when the PostgreSQL extra is installed (else a stand-in)."""
    try:
        import psycopg  # noqa: PLC0415 - an extra
    except ImportError:
        return sqlite3.Error
    return psycopg.Error
