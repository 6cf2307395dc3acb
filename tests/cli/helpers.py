"""Running ``proxyreg`` in tests: the installed command as a subprocess, or `main` in-process,
and reading what a SQLite database holds, directly."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

from proxyreg.cli import main

INSTALLED = Path(sys.executable).parent / "proxyreg"
"""The console script pyproject installs: what a user (or a script) runs."""


@attrs.frozen
class Ran:
    status: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_installed(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Ran:
    """The installed ``proxyreg`` with ``args``, in ``cwd``; ``PROXYREG_DB`` only if given."""
    environment = {k: v for k, v in os.environ.items() if k != "PROXYREG_DB"}
    environment.update(env or {})
    done = subprocess.run(
        [str(INSTALLED), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def run_main(capsys: Any, *args: str) -> Ran:
    """`proxyreg.cli.main` in this process, with its output captured."""
    capsys.readouterr()
    status = main(list(args))
    captured = capsys.readouterr()
    return Ran(status, captured.out, captured.err)


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        (n,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(n)


def stored_mentors(database: Path) -> list[str]:
    """The mentor of every stored proxy record, one entry per record, sorted."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT mentor_id FROM proxy_activities ORDER BY mentor_id")
        return [row[0] for row in rows]


RESULT_KEYS = ["submission_id", "strategy", "total", "counts", "results"]
COUNT_KEYS = ["registered", "already_registered", "rejected", "failed", "unknown"]
ROW_KEYS = ["mentor_id", "mentor_name", "status", "record_id", "error_code", "message"]


def assert_contract_shape(document: dict[str, Any]) -> None:
    """The JSON object of docs/cli.md: its keys in order, counts adding up to the total."""
    assert list(document)[:5] == RESULT_KEYS
    assert list(document["counts"]) == COUNT_KEYS
    assert sum(document["counts"].values()) == document["total"] == len(document["results"])
    for row in document["results"]:
        assert list(row) == ROW_KEYS
        assert row["status"] in COUNT_KEYS
