"""The argument parser: the global options, then one sub-parser per command of the table.

argparse's own refusals (an unknown option, a bad choice, a missing value, an unknown
command) do not end the process here: they are raised as `ArgumentsRefused`, each
problem named by its option, so ``--json`` can answer them as JSON like any other bad
input.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from importlib import metadata
from typing import NoReturn

from proxyreg.cli.command import Command, InputProblem

DESCRIPTION = (
    "Register peer-mentor activities on behalf of the mentors you coordinate: one at a time "
    "or many at once. Exit status: 0 all registered, 3 some not, 2 bad input (nothing stored)."
)

_ABOUT_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<problem>.*)", re.DOTALL)
_CODES = (
    ("invalid choice", "invalid_choice"),
    ("expected", "missing_value"),
    ("not allowed with", "conflict"),
    ("ignored explicit argument", "unexpected_value"),
)


class ArgumentsRefused(Exception):
    """argparse refused the command line: ``problems`` name each option, ``usage`` and
    ``message`` are what argparse would have printed."""

    def __init__(self, problems: Sequence[InputProblem], usage: str, message: str) -> None:
        self.problems = tuple(problems)
        self.usage = usage
        self.message = message
        super().__init__(message)


class _Parser(argparse.ArgumentParser):
    """An `argparse.ArgumentParser` whose refusals are raised, not printed and exited on."""

    def error(self, message: str) -> NoReturn:
        raise ArgumentsRefused(
            refusal_problems(message), self.format_usage(), f"{self.prog}: error: {message}"
        )


def refusal_problems(message: str) -> tuple[InputProblem, ...]:
    """argparse's refusal, read as one problem per option it names."""
    required = "the following arguments are required: "
    if message.startswith(required):
        names = message[len(required) :].split(", ")
        return tuple(InputProblem(_field(name), "required", _missing(name)) for name in names)
    unknown = "unrecognized arguments: "
    if message.startswith(unknown):
        given = message[len(unknown) :]
        return (
            InputProblem(
                "arguments",
                "unknown_option",
                f"Not an option of this command: {given} (--help lists them).",
            ),
        )
    about = _ABOUT_ARGUMENT.fullmatch(message)
    if about is None:
        return (InputProblem("arguments", "invalid", _sentence(message)),)
    problem = about["problem"]
    code = next((code for words, code in _CODES if words in problem), "invalid")
    return (InputProblem(_field(about["name"]), code, _sentence(problem)),)


def _missing(name: str) -> str:
    if name == "COMMAND":
        return "Name a command; `proxyreg --help` lists them."
    return f"{name} must be given."


def _field(name: str) -> str:
    """The field an option's problem is named by: ``--from-csv`` → ``from_csv``."""
    first = name.split("/", maxsplit=1)[0].strip()
    return first.lstrip("-").replace("-", "_").lower() or "arguments"


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def version() -> str:
    """The installed proxyreg's version."""
    try:
        return metadata.version("proxyreg")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


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
    the command. Its refusals raise `ArgumentsRefused`."""
    parser = _Parser(prog="proxyreg", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"proxyreg {version()}")
    _add_global_options(parser, None)
    chosen = parser.add_subparsers(dest="command_name", metavar="COMMAND", required=True)
    for command in commands:
        sub = chosen.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub)
        # Given after the command too; SUPPRESS keeps a value given before it.
        _add_global_options(sub, argparse.SUPPRESS)
        sub.set_defaults(command=command)
    return parser
