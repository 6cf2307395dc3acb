"""A demo database per test, made by ``proxyreg init --demo`` in-process (fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxyreg.cli import main


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "proxyreg.db"
    assert main(["--db", str(path), "init", "--demo"]) == 0
    return path
