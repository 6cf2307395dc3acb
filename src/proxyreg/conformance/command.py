"""The ``conformance`` command's actions: ``verify [DIR]`` and ``export DIR``."""

from __future__ import annotations

import pathlib
import tempfile

from proxyreg.conformance._shipped import export
from proxyreg.conformance._verify import verify

DEFAULT_DIR = pathlib.Path("conformance")


def verify_command(directory: pathlib.Path | None) -> int:
    """Replay ``directory`` (default ./conformance, else the shipped scenarios); exit status."""
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


def export_command(directory: pathlib.Path) -> int:
    """Write the shipped scenarios into ``directory``; exit status."""
    written = export(directory)
    print(f"wrote {len(written)} scenarios to {directory}")
    return 0
