"""The `proxyreg` command."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence

from proxyreg.demo import run_demo


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="proxyreg", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="walk through both flows headlessly and print the states")
    args = parser.parse_args(argv)
    if args.command == "demo":
        asyncio.run(run_demo())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
