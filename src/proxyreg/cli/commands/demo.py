"""``proxyreg demo``: the self-contained walk-through that ``make demo`` runs."""

from __future__ import annotations

from proxyreg.cli.command import EXIT_INCOMPLETE, EXIT_OK, Command, Invocation, add_json_flag
from proxyreg.cli.demo import run_demo
from proxyreg.cli.render import console, print_json

WEB_HINT = (
    "\nThe same screen in a browser: proxyreg init --demo && proxyreg web "
    "(then open http://127.0.0.1:8080/)."
)


async def _demo(invocation: Invocation) -> int:
    outcome = await run_demo(None if invocation.json else console())
    if invocation.json:
        print_json(outcome.to_json())
    else:
        print(WEB_HINT)
    # 0 only when the screen says all registered and the file holds one record each.
    return EXIT_OK if outcome.clean else EXIT_INCOMPLETE


DEMO = Command(
    "demo",
    "a bulk registration with injected faults, Retry failed and a summary, on a temporary file",
    add_json_flag,
    _demo,
)
