"""The web tests' set-up: a demo SQLite file, `proxyreg web` on a free loopback port in a
subprocess (stopped when the test ends), and real headless Chromium through Playwright.

Nothing is mocked: the server is the real command, the browser is Debian's Chromium, the
database is a SQLite file the tests read directly.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
HOW_TO_RUN = (
    "the browser tests need Debian's Chromium at /usr/bin/chromium "
    "(apt-get install -y chromium), then: .venv/bin/pytest -m browser tests/web"
)
DEMO = "Ingrid Solberg"
"""The demo coordinator: 37 mentors, 2 of them paused, so Select all ticks 35."""
COLLEAGUE = "Magnus Eide"
"""The other demo coordinator: Lars Ruud, Mina Sørensen and Noor Hassan."""
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def chromium_or_skip() -> None:
    """Skip, saying how to run it, where there is no Chromium."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(HOW_TO_RUN)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo_database(directory: pathlib.Path) -> pathlib.Path:
    """A SQLite file with the demo world, made by ``proxyreg init --demo``."""
    path = directory / "proxyreg.db"
    subprocess.run([*proxyreg_command(), "--db", str(path), "init", "--demo"], check=True)
    return path


def proxyreg_command() -> list[str]:
    """The ``proxyreg`` console script, run by this interpreter."""
    return [
        sys.executable,
        "-c",
        "import sys; from proxyreg._console import main; sys.exit(main())",
    ]


@contextlib.contextmanager
def web_server(db: pathlib.Path, *options: str) -> Iterator[str]:
    """``proxyreg web`` on 127.0.0.1 and a free port, until the block ends: its URL."""
    port = free_port()
    command = [*proxyreg_command(), "--db", str(db), "web", "--port", str(port), *options]
    log = (db.parent / f"web-{port}.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, server)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"proxyreg web exited with {server.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise RuntimeError("proxyreg web did not start within 60 s")


def stored_per_mentor(db: pathlib.Path, date: str | None = None) -> dict[str, int]:
    """How many records the file holds per mentor (on ``date``, when given)."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT mentor_id, activity_date FROM proxy_activities"
        ).fetchall()
    counts: dict[str, int] = {}
    for mentor, day in rows:
        if date is None or day == date:
            counts[mentor] = counts.get(mentor, 0) + 1
    return counts


def mentor_ids(db: pathlib.Path, names: list[str]) -> set[str]:
    with contextlib.closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT id, name FROM mentors").fetchall()
    by_name = {name: id_ for id_, name in rows}
    return {by_name[n] for n in names}
