"""``proxyreg conformance``: replay or write the scenarios another implementation is held to.

The scenario machinery loads only when this command runs, so it costs the other
commands nothing at start-up.
"""

from __future__ import annotations

import argparse
import asyncio
import pathlib

from proxyreg.cli.command import Command, Invocation


def _configure(command: argparse.ArgumentParser) -> None:
    actions = command.add_subparsers(dest="action", required=True)
    check = actions.add_parser(
        "verify",
        help="replay scenario files against the engine (exit 1 on a failure or missed transition)",
    )
    check.add_argument(
        "directory",
        nargs="?",
        default=None,
        type=pathlib.Path,
        metavar="DIR",
        help="the scenario folder (default: ./conformance, else the scenarios shipped)",
    )
    check.add_argument(
        "--trace",
        type=pathlib.Path,
        default=None,
        metavar="TRACES",
        help="hold another implementation's trace files (one <scenario>.json each, "
        "docs/schema/trace.schema.json) to the scenarios instead of replaying them",
    )
    write = actions.add_parser(
        "export",
        help="write the port kit into DIR: scenarios, messages.json, gateway.json, schema/, "
        "manifest.json",
    )
    write.add_argument("directory", type=pathlib.Path, metavar="DIR")


def _run(args: argparse.Namespace) -> int:
    from proxyreg.conformance.command import export_command, verify_command  # noqa: PLC0415

    if args.action == "export":
        return export_command(args.directory)
    return verify_command(args.directory, args.trace)


async def _conformance(invocation: Invocation) -> int:
    # Each scenario replays in an event loop of its own, so not in the command's loop.
    return await asyncio.to_thread(_run, invocation.args)


CONFORMANCE = Command(
    "conformance",
    "replay or write the language-neutral conformance scenarios (docs/dart-mapping.md)",
    _configure,
    _conformance,
)
