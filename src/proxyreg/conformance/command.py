"""The ``conformance`` command's actions: ``verify [DIR]`` and ``export DIR``."""

from __future__ import annotations

import argparse
import pathlib
import tempfile

from proxyreg.conformance._shipped import export
from proxyreg.conformance._verify import verify

DEFAULT_DIR = pathlib.Path("conformance")


def _verify(args: argparse.Namespace) -> int:
    directory: pathlib.Path | None = args.directory
    if directory is None and not DEFAULT_DIR.is_dir():
        # Outside a checkout there is no ./conformance: check the scenarios this version ships.
        with tempfile.TemporaryDirectory() as shipped:
            export(shipped)
            print("no ./conformance here: verifying the scenarios this version ships")
            return _report(pathlib.Path(shipped))
    directory = directory or DEFAULT_DIR
    if not directory.is_dir():
        print(f"no scenario folder {directory}; write one with: proxyreg conformance export DIR")
        return 2
    return _report(directory)


def _report(directory: pathlib.Path) -> int:
    report = verify(directory)
    print(report.render())
    return 0 if report.ok else 1


def _export(args: argparse.Namespace) -> int:
    written = export(args.directory)
    print(f"wrote {len(written)} scenarios to {args.directory}")
    return 0


def configure(command: argparse.ArgumentParser) -> None:
    """Give the ``conformance`` command its actions: ``verify [DIR]`` and ``export DIR``."""
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
    check.set_defaults(func=_verify)
    write = actions.add_parser("export", help="write the shipped scenarios into DIR")
    write.add_argument("directory", type=pathlib.Path, metavar="DIR")
    write.set_defaults(func=_export)


def run(args: argparse.Namespace) -> int:
    """Run the action ``configure`` parsed; answer the exit status."""
    code: int = args.func(args)
    return code
