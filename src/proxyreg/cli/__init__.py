"""The ``proxyreg`` command: a thin front end over the engine (see docs/cli.md).

`main` is the console script's entry point. The commands live in a table
(`proxyreg.cli.commands.COMMANDS`), one `Command` each, so a new one is one more row.
"""

from proxyreg.cli.app import main
from proxyreg.cli.command import BadInputError, Command, Invocation

__all__ = ["BadInputError", "Command", "Invocation", "main"]
