"""``proxyreg web`` refuses what it cannot serve, by name, before any page is served."""

from __future__ import annotations

import pathlib
import socket
import subprocess

from web_world import demo_database, proxyreg_command


def run_web(db: pathlib.Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [*proxyreg_command(), "--db", str(db), "web", *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_a_bad_fault_spec_is_bad_input(tmp_path: pathlib.Path) -> None:
    """--faults that does not read: exit 2, the faults option named."""
    done = run_web(demo_database(tmp_path), "--faults", "nonsense=1")
    assert (done.returncode, "faults: Unknown fault 'nonsense'" in done.stderr) == (2, True)


def test_a_port_in_use_is_an_error_naming_it(tmp_path: pathlib.Path) -> None:
    """A port another program listens on: exit 1, the address named, no page announced."""
    db = demo_database(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_web(db, "--port", str(port))
    said = (done.returncode, f"cannot serve on 127.0.0.1:{port}" in done.stderr, done.stdout)
    assert said == (1, True, "")
