"""What every benchmark hands back, and how it becomes markdown.

A benchmark module exposes ``run(quick: bool) -> Section``: a titled block
holding the command that produced it, tables of measured figures (each timed
figure a median with its min-max spread over several runs) and the targets it
was held to, each marked met or not met. `run_all.py` collects the sections
into docs/performance.md; each module also prints its own section when run
alone (`main`).
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

RUN_ALL = ".venv/bin/python benchmarks/run_all.py"


@dataclass(frozen=True)
class Samples:
    """Several measurements of one figure (seconds, or a plain number)."""

    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("a figure needs at least one measurement")

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def runs(self) -> int:
        return len(self.values)


def seconds(value: float) -> str:
    """A duration in the unit that reads best: µs, ms or s."""
    if value < 1e-3:
        return f"{value * 1e6:.1f} µs"
    if value < 1.0:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def spread(samples: Samples, unit: Callable[[float], str] = seconds) -> str:
    """The range of the runs, lowest to highest, e.g. ``20.9 ms - 22.0 ms`` (with an en dash)."""
    return f"{unit(samples.low)} – {unit(samples.high)}"


def times(value: float) -> str:
    """A ratio, e.g. 14.2 shown with a multiplication sign."""
    return f"{value:.1f}×"


@dataclass(frozen=True)
class Table:
    """A markdown table; every cell already formatted."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""

    def markdown(self) -> str:
        lines = [
            "| " + " | ".join(self.headers) + " |",
            "| " + " | ".join("---" for _ in self.headers) + " |",
            *("| " + " | ".join(row) + " |" for row in self.rows),
        ]
        table = "\n".join(lines)
        return f"{self.caption}\n\n{table}" if self.caption else table


@dataclass(frozen=True)
class Target:
    """A figure the project promised, and what was measured against it."""

    name: str
    measured: str
    met: bool

    def row(self) -> tuple[str, str, str]:
        return (self.name, self.measured, "met" if self.met else "**not met**")


@dataclass(frozen=True)
class Section:
    """One benchmark's part of docs/performance.md."""

    title: str
    script: str
    """The module, e.g. ``benchmarks/engine_results.py``."""
    about: str
    """What it measures, how, and why (a paragraph of markdown)."""
    tables: tuple[Table, ...]
    targets: tuple[Target, ...] = ()
    notes: tuple[str, ...] = ()

    def markdown(self, command: str) -> str:
        alone = f".venv/bin/python {self.script}"
        hint = "" if command.startswith(alone) else f" (this section alone: `{alone}`)"
        parts = [
            f"## {self.title}",
            f"Command: `{command}`{hint}.",
            self.about,
            *(table.markdown() for table in self.tables),
        ]
        if self.targets:
            parts.append(
                Table(
                    ("target", "measured", "verdict"),
                    tuple(t.row() for t in self.targets),
                    caption="**Targets**",
                ).markdown()
            )
        parts.extend(self.notes)
        return "\n\n".join(parts)


Benchmark = Callable[[bool], Section]
"""What a benchmark module exposes as ``run``: ``run(quick)`` measures and returns its section."""


def parse_quick(argv: Sequence[str] | None = None, description: str = "") -> bool:
    """The one option every benchmark script takes: ``--quick``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer runs and sizes, a smoke check; prints instead of writing the doc",
    )
    return bool(parser.parse_args(argv).quick)


def main(run: Benchmark, description: str) -> None:
    """Run one benchmark on its own and print its section."""
    quick = parse_quick(description=description)
    section = run(quick)
    command = f".venv/bin/python {section.script}" + (" --quick" if quick else "")
    print(section.markdown(command))
