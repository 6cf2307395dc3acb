"""``proxyreg web``: the coordinator screen in a browser, on the database ``--db`` names."""

from __future__ import annotations

import argparse
import sys

from proxyreg.cli.arguments import add_faults_option, add_strategy_option
from proxyreg.cli.command import EXIT_ERROR, EXIT_OK, Command, Invocation


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="the address to serve on")
    parser.add_argument("--port", type=int, default=8080, help="the port to serve on")
    add_strategy_option(parser)
    add_faults_option(parser)


async def _web(invocation: Invocation) -> int:
    try:
        from proxyreg.web import WebOptions, serve  # noqa: PLC0415 - NiceGUI loads only here
    except ModuleNotFoundError as missing:
        if (missing.name or "").split(".")[0] not in ("nicegui", "fastapi", "uvicorn"):
            raise
        print("proxyreg: the web page needs NiceGUI: pip install 'proxyreg[web]'", file=sys.stderr)
        return EXIT_ERROR
    args = invocation.args
    options = WebOptions(invocation.database, strategy=args.strategy, faults=args.faults)
    await serve(options, host=args.host, port=args.port)
    return EXIT_OK


WEB = Command("web", "serve the coordinator screen in a browser", _configure, _web)
