"""``proxyreg conformance``: replay or write the scenarios another implementation is held to."""

from __future__ import annotations

import asyncio

from proxyreg.cli.command import Command, Invocation
from proxyreg.conformance.command import configure, run


async def _conformance(invocation: Invocation) -> int:
    # Each scenario replays in an event loop of its own, so not in the command's loop.
    return await asyncio.to_thread(run, invocation.args)


CONFORMANCE = Command(
    "conformance",
    "replay or write the language-neutral conformance scenarios (docs/dart-mapping.md)",
    configure,
    _conformance,
)
