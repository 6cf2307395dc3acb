"""docs/embedding.md: its example is real code that runs against the engine."""

from __future__ import annotations

import pathlib
import re

import pytest

EMBEDDING = pathlib.Path(__file__).parents[2] / "docs" / "embedding.md"


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_embedding_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The one python block runs to the end: its own asserts hold and it prints the states."""
    (example,) = python_blocks(EMBEDDING.read_text(encoding="utf-8"))
    exec(compile(example, str(EMBEDDING), "exec"), {"__name__": "embedding_example"})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "bulk/selecting 0/0"
    assert lines[-1] == "bulk/completed 2/2"
    assert "bulk/submitting 0/2" in lines
