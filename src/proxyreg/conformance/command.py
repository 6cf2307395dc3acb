"""The ``conformance`` command's actions: ``verify [DIR] [--trace TRACES]`` and ``export DIR``."""

from __future__ import annotations

import pathlib
import tempfile

from proxyreg.conformance._kit import export
from proxyreg.conformance._trace import verify_traces
from proxyreg.conformance._verify import Report, verify

DEFAULT_DIR = pathlib.Path("conformance")


def verify_command(directory: pathlib.Path | None, trace: pathlib.Path | None = None) -> int:
    """Replay ``directory`` (default ./conformance, else the shipped scenarios), or hold the
    traces in ``trace`` to it; exit status."""
    if trace is not None and not trace.is_dir():
        print(f"no trace folder {trace}")
        return 2
    if directory is None and not DEFAULT_DIR.is_dir():
        # Outside a checkout there is no ./conformance: check the scenarios this version ships.
        with tempfile.TemporaryDirectory() as shipped:
            export(shipped)
            print("no ./conformance here: verifying the scenarios this version ships")
            return _report(pathlib.Path(shipped), trace)
    directory = directory or DEFAULT_DIR
    if not directory.is_dir():
        print(f"no scenario folder {directory}; write one with: proxyreg conformance export DIR")
        return 2
    return _report(directory, trace)


def _report(directory: pathlib.Path, trace: pathlib.Path | None) -> int:
    report: Report = verify(directory) if trace is None else verify_traces(trace, directory)
    if trace is not None:
        print(f"traces in {trace} against the scenarios in {directory}")
    print(report.render())
    return 0 if report.ok else 1


def export_command(directory: pathlib.Path) -> int:
    """Write the port kit into ``directory``; exit status."""
    written = export(directory)
    scenarios = sum(1 for p in written if p.parent == directory) - 3
    print(
        f"wrote {len(written)} files to {directory}: {scenarios} scenarios, messages.json, "
        "gateway.json, schema/, manifest.json"
    )
    return 0
