"""``proxyreg init [--demo]``: create the schema, and optionally load the demo world."""

from __future__ import annotations

import argparse

from proxyreg import demo_data
from proxyreg.application import open_backend, shown_url
from proxyreg.cli.command import EXIT_OK, Command, Invocation, add_json_flag
from proxyreg.cli.render import console, print_json


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="add the demo chapter, its coordinator (made the default) and 40 mentors",
    )
    add_json_flag(parser)


async def _init(invocation: Invocation) -> int:
    """Idempotent: running it again changes nothing that is already there."""
    async with open_backend(invocation.database, create=True) as database:
        await database.create_schema()
        if invocation.args.demo:
            await database.load_demo()
    if invocation.json:
        print_json({"database": shown_url(invocation.database), "demo": invocation.args.demo})
        return EXIT_OK
    out = console()
    out.print(f"Database ready: {shown_url(invocation.database)}", soft_wrap=True)
    if invocation.args.demo:
        own = demo_data.ASSIGNMENTS[demo_data.COORDINATOR.id]
        out.print(
            f"Demo loaded: {demo_data.COORDINATOR.name} ({demo_data.COORDINATOR.id}) is the "
            f"default coordinator, with {len(own)} mentors ({len(demo_data.PAUSED_IDS)} paused).",
            soft_wrap=True,
        )
    return EXIT_OK


INIT = Command("init", "create the database schema (--demo: and the demo data)", _configure, _init)
