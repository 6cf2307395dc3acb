"""What a command is, what it is given, and how it says the input was bad."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import attrs

from proxyreg.domain import DEFAULT_RULES, FieldError

# Exit statuses of the contract (docs/cli.md).
EXIT_OK = 0
"""Every record ended registered or already registered (or there was nothing to register)."""
EXIT_ERROR = 1
"""Something outside the contract broke: the database could not be reached, say."""
EXIT_BAD_INPUT = 2
"""Bad input, named field by field; nothing was stored."""
EXIT_INCOMPLETE = 3
"""Some record ended rejected, failed or unknown."""
EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl+C, SIGINT): what was sent is said, and how to settle it."""


@attrs.frozen
class InputProblem:
    """One problem with the input: the field it belongs to and, for a CSV file, the row."""

    field: str
    code: str
    message: str
    row: int | None = None

    @classmethod
    def of(cls, error: FieldError) -> InputProblem:
        """The domain's error in the command line's words: named by its option (the bulk
        selection's ``mentors`` is ``mentor``, as ``--mentor`` is), with the option to
        use when it says what is missing or unknown."""
        field = _OPTION_WORDS.get(error.field, error.field)
        hint = _HINTS.get((field, error.code), "")
        return cls(field, error.code, error.message + hint)

    def __str__(self) -> str:
        where = self.field if self.row is None else f"row {self.row}, {self.field}"
        return f"{where}: {self.message}"


_OPTION_WORDS = {"mentors": "mentor"}
"""Fields the domain names otherwise than the option that gives them."""
_KINDS = ", ".join(kind.id for kind in DEFAULT_RULES.kinds)
_HINTS = {
    ("kind", "unknown_kind"): f" --kind takes {_KINDS}.",
    ("kind", "required"): f" Give --kind: {_KINDS}.",
    ("minutes", "required"): " Give --minutes N.",
    ("mentor", "required"): " Give --mentor ID (`proxyreg mentors` lists them).",
}
"""What the command line adds to a domain message: the option to use, the values it takes."""


class BadInputError(Exception):
    """The command line asked for something that cannot be done; nothing was stored.

    Each problem names its field (``minutes``, ``mentor_id``, ``db``…).
    """

    def __init__(self, problems: Sequence[FieldError | InputProblem]) -> None:
        self.problems = tuple(
            p if isinstance(p, InputProblem) else InputProblem.of(p) for p in problems
        )
        super().__init__("; ".join(map(str, self.problems)))

    @classmethod
    def one(cls, field: str, code: str, message: str) -> BadInputError:
        return cls([InputProblem(field, code, message)])


@attrs.frozen
class Invocation:
    """One run of a command: its parsed arguments and, once resolved, where it acts.

    ``database`` is the ``--db`` value (or ``$PROXYREG_DB``, or ``proxyreg.db``);
    ``acting_as`` is the ``--as`` value, None when not given.
    """

    args: argparse.Namespace
    database: str
    acting_as: str | None

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def where(self) -> tuple[str, str | None]:
        """(database, acting_as): where the command acts, and as whom."""
        return self.database, self.acting_as


Run = Callable[[Invocation], Coroutine[Any, Any, int]]


@attrs.frozen
class Command:
    """One ``proxyreg`` sub-command: its name, help, its own arguments and what it runs.

    ``run`` answers the exit status. A new command is one more `Command` in the table
    `proxyreg.cli.main` is given (see `proxyreg.cli.commands.COMMANDS`).
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Run


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document instead")
