"""The ``proxyreg`` console script: the command, or a clear word when its extra is missing.

The engine needs none of rich or Textual; the command does (``proxyreg[cli]``). A
plain ``pip install proxyreg`` still installs the script, so it says what to add
instead of showing an import traceback.
"""

from __future__ import annotations

import sys

_CLI_PACKAGES = ("rich",)  # Textual is imported by `proxyreg tui` alone, which says so itself


def main() -> int:
    try:
        from proxyreg.cli import main as run  # noqa: PLC0415 - the import is what is checked
    except ModuleNotFoundError as missing:
        if missing.name is None or missing.name.split(".")[0] not in _CLI_PACKAGES:
            raise
        print(
            f"proxyreg: the command needs the cli extra ({missing.name} is not installed): "
            "pip install 'proxyreg[cli]'",
            file=sys.stderr,
        )
        return 1
    return run()
