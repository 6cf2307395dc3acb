"""Run every benchmark in benchmarks/ and rewrite docs/performance.md with what they measured.

Why: performance claims belong next to the command that measured them and the
machine they were measured on. A benchmark is any module here whose name does
not start with ``_`` and that defines ``run(quick: bool) -> Section``; they
are plain scripts, never timed assertions in the test suite.

``--quick`` runs fewer repetitions and sizes as a smoke check and prints the
document instead of writing it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pathlib
import platform
import sys
import time
from collections.abc import Iterator

from _report import RUN_ALL, Benchmark, Section, Table, parse_quick

HERE = pathlib.Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "performance.md"

INTRO = """\
# Performance

What the engine and the sending strategies cost, as measured by the scripts in
`benchmarks/`: plain scripts, not tests (no timing is asserted in the test
suite). This file is written by `{command}` (`make bench`) and
rewritten completely on every run: edit the scripts, not this file.

Each timed figure is the median of several runs, with the spread (fastest –
slowest run) beside it; wall time is `time.perf_counter`. The machine below is
shared with other work, so read the spreads before comparing two figures; a
target is judged on the median."""


def benchmarks() -> Iterator[tuple[str, Benchmark]]:
    """Every benchmark module here, by file name."""
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("_") or path == pathlib.Path(__file__).resolve():
            continue
        module = importlib.import_module(path.stem)
        run = getattr(module, "run", None)
        if callable(run):
            yield path.name, run


def cpu_model() -> str:
    """The first ``model name`` in /proc/cpuinfo, or what `platform` knows."""
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(started: dt.datetime, seconds: float, load: str) -> Table:
    rows = (
        ("cores (`os.cpu_count()`)", str(os.cpu_count())),
        ("CPU", cpu_model()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("OS", platform.platform()),
        ("date", started.strftime("%Y-%m-%d %H:%M UTC")),
        ("load average at start (1, 5, 15 min)", load),
        ("whole run took", f"{seconds / 60:.1f} min"),
    )
    return Table(("what", "value"), rows, caption="## Machine")


def summary(sections: list[Section]) -> Table:
    rows = tuple(
        (section.title, *target.row()) for section in sections for target in section.targets
    )
    return Table(("benchmark", "target", "measured", "verdict"), rows, caption="## Targets")


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def document(sections: list[Section], command: str, head: Table) -> str:
    parts = [INTRO.format(command=RUN_ALL), head.markdown()]
    if any(section.targets for section in sections):
        parts.append(summary(sections).markdown())
    parts.extend(section.markdown(command) for section in sections)
    return "\n\n".join(parts) + "\n"


def main() -> None:
    quick = parse_quick(description=(__doc__ or "").split("\n", 1)[0])
    command = RUN_ALL + (" --quick" if quick else "")
    started, load, clock = dt.datetime.now(dt.UTC), load_average(), time.perf_counter()
    sections = []
    for name, run in benchmarks():
        print(f"running {name}{' (quick)' if quick else ''} …", file=sys.stderr, flush=True)
        sections.append(run(quick))
    text = document(sections, command, machine(started, time.perf_counter() - clock, load))
    if quick:
        print(text)
        return
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(HERE.parent)}", file=sys.stderr)


if __name__ == "__main__":
    main()
