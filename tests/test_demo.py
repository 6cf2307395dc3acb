"""`make demo`: the scripted walk runs headless and shows both flows' outcomes."""

from __future__ import annotations

import asyncio

from proxyreg.cli import main
from proxyreg.demo import run_demo
from support import TODAY


def test_the_demo_walks_both_flows() -> None:
    """The demo registers one mentor, then a bulk with one rejected mentor, and reports it."""
    lines: list[str] = []
    asyncio.run(run_demo(lines.append, today=TODAY))
    text = "\n".join(lines)
    assert "single · succeeded" in text
    assert "bulk · partially_failed" in text
    assert "✗ Hanna Nilsen" in text
    assert "(ignored: Nothing failed that a retry could fix.)" in text
    assert lines[-1].endswith("the rejected mentor has none.")
    assert "8 records: 1 from the single flow, 7 from the bulk flow" in lines[-1]


def test_the_cli_runs_the_demo(capsys: object) -> None:
    """`proxyreg demo` exits 0 and prints the walk."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "proxyreg demo:" in out
