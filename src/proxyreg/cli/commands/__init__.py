"""The command table: every ``proxyreg`` sub-command, in the order ``--help`` lists them.

To add a command, give `proxyreg.cli.main` a table with one more `Command`
(``main(argv, commands=(*COMMANDS, MY_COMMAND))``), or append it here.
"""

from proxyreg.cli.command import Command
from proxyreg.cli.commands.conformance import CONFORMANCE
from proxyreg.cli.commands.demo import DEMO
from proxyreg.cli.commands.ledger import SHOW, SUBMISSIONS
from proxyreg.cli.commands.people import KINDS, MENTORS
from proxyreg.cli.commands.registering import BULK, REGISTER, RETRY_FAILED
from proxyreg.cli.commands.setup import INIT
from proxyreg.cli.commands.tui import TUI
from proxyreg.cli.commands.web import WEB

COMMANDS: tuple[Command, ...] = (
    INIT,
    MENTORS,
    KINDS,
    REGISTER,
    BULK,
    RETRY_FAILED,
    SUBMISSIONS,
    SHOW,
    DEMO,
    TUI,
    WEB,
    CONFORMANCE,
)

__all__ = ["COMMANDS"]
