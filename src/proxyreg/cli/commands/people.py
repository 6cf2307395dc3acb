"""``proxyreg mentors`` and ``proxyreg kinds``: what a registration can name."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from proxyreg.cli.command import EXIT_OK, Command, Invocation, add_json_flag
from proxyreg.cli.database import acting_coordinator
from proxyreg.cli.render import console, print_json
from proxyreg.domain import DEFAULT_RULES


async def _mentors(invocation: Invocation) -> int:
    async with acting_coordinator(invocation.database, invocation.acting_as) as (_, roster):
        mentors = roster.mentors
    if invocation.json:
        print_json([{"id": m.id, "name": m.name, "active": m.active} for m in mentors])
        return EXIT_OK
    table = Table(title=Text(f"Mentors of {roster.coordinator.name}"), title_justify="left")
    for column in ("ID", "Name", "Active"):
        table.add_column(column, no_wrap=True)
    for m in mentors:
        table.add_row(m.id, m.name, "yes" if m.active else Text("paused", style="yellow"))
    console().print(table)
    return EXIT_OK


async def _kinds(invocation: Invocation) -> int:
    kinds = DEFAULT_RULES.kinds
    if invocation.json:
        print_json([kind.id for kind in kinds])
        return EXIT_OK
    table = Table(title="Activity kinds", title_justify="left")
    for column in ("--kind", "Name", "Needs --participants"):
        table.add_column(column, no_wrap=True)
    for kind in kinds:
        table.add_row(kind.id, kind.label, "yes" if kind.needs_participants else "")
    console().print(table)
    return EXIT_OK


MENTORS = Command("mentors", "list the coordinator's mentors", add_json_flag, _mentors)
KINDS = Command("kinds", "list the activity kinds --kind takes", add_json_flag, _kinds)
