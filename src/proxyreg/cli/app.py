"""``proxyreg``: parse, run the command in one event loop, and answer its exit status."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from proxyreg.application import BackendUnavailableError, BadInput, backend_url
from proxyreg.cli.command import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    BadInputError,
    Command,
    InputProblem,
    Invocation,
)
from proxyreg.cli.commands import COMMANDS
from proxyreg.cli.interruption import report_plain_interruption, was_reported
from proxyreg.cli.parser import ArgumentsRefused, build_parser
from proxyreg.cli.render import print_json, print_problems


def main(argv: Sequence[str] | None = None, commands: Sequence[Command] = COMMANDS) -> int:
    """Run ``proxyreg`` with ``argv`` (default: the process's arguments); answer the exit status.

    0: every record registered (or already); 3: some were not; 2: bad input, with each
    problem named by its field, and nothing stored; 1: something else broke.
    """
    parser = build_parser(commands)
    args = _parsed(parser, sys.argv[1:] if argv is None else list(argv))
    if isinstance(args, int):
        return args
    command: Command = args.command
    try:
        _restore_double_dash(args, parser)
        invocation = Invocation(args, backend_url(args.db), args.acting_as)
        return asyncio.run(command.run(invocation))
    except BadInputError as bad:
        return _refused(args, bad.problems)
    except BadInput as bad:  # the application's, field by field: the same contract
        return _refused(args, BadInputError(bad.errors).problems)
    except KeyboardInterrupt:
        if not was_reported():
            report_plain_interruption(as_json=bool(getattr(args, "json", False)))
        return EXIT_INTERRUPTED
    except (OSError, BackendUnavailableError) as broke:
        print(f"proxyreg: error: {broke}", file=sys.stderr)
        return EXIT_ERROR


def _parsed(parser: argparse.ArgumentParser, given: list[str]) -> argparse.Namespace | int:
    """The parsed arguments, or the exit status when argparse is done already (refused,
    or ``--help`` / ``--version`` printed)."""
    try:
        return parser.parse_args(given)
    except ArgumentsRefused as refused:
        return _arguments_refused(given, refused)
    except SystemExit as stop:  # --help or --version: printed, and done
        return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT


def _arguments_refused(given: Sequence[str], refused: ArgumentsRefused) -> int:
    """argparse's refusal: its usage and message on standard error as ever, and with
    ``--json`` (anywhere before a ``--``) the problems as JSON: exit status 2."""
    options = given[: given.index("--")] if "--" in given else given
    if "--json" in options:
        print_json({"errors": [_problem_json(p) for p in refused.problems]})
    sys.stderr.write(refused.usage + refused.message + "\n")
    return EXIT_BAD_INPUT


def _refused(args: argparse.Namespace, problems: Sequence[InputProblem]) -> int:
    """Show each problem of the input (as JSON too, with ``--json``): exit status 2."""
    if getattr(args, "json", False):
        print_json({"errors": [_problem_json(p) for p in problems]})
    print_problems(problems)
    return EXIT_BAD_INPUT


def _restore_double_dash(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Give back ``--`` where argparse turned an option's value ``--`` into an empty list.

    Python's argparse drops a ``--`` value and hands over ``[]``, which no reader of a
    single value expects. Restored, the value is judged like any other, in its own field
    and beside the other fields' problems (``--minutes=--`` is not a whole number).
    """
    actions = _actions_by_dest(parser)
    for dest, value in vars(args).items():
        if isinstance(value, list) and not value:
            many = dest in actions and actions[dest].nargs in ("+", "*")
            setattr(args, dest, ["--"] if many else "--")


def _actions_by_dest(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Every option's action by destination, sub-commands included.

    argparse keeps its actions in ``_actions`` only; it has no public way to list them.
    """
    found: dict[str, argparse.Action] = {}
    for action in parser._actions:
        if action.option_strings:
            found.setdefault(action.dest, action)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                for dest, inner in _actions_by_dest(sub).items():
                    found.setdefault(dest, inner)
    return found


def _problem_json(problem: InputProblem) -> dict[str, object]:
    shown: dict[str, object] = {
        "field": problem.field,
        "code": problem.code,
        "message": problem.message,
    }
    if problem.row is not None:
        shown["row"] = problem.row
    return shown
