"""Ctrl+C during ``bulk``: the installed command says what happened and what settles it,
and the ledger it leaves is shown truthfully (nothing is "sending" once it has stopped)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from cli.helpers import INSTALLED, run_installed, stored_mentors

# A shell without job control starts background jobs with SIGINT ignored, and an ignored
# signal is inherited across exec: the command gets SIGINT's default, as in a terminal.
_WITH_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)

SLOW = "latency_ms=1500"
"""Every call to the backend waits 1.5 s: chunks of 5, 4 at a time, so the first 20
answers land well before the last 15."""


def answers_in_ledger(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (n,) = connection.execute("SELECT count(*) FROM submission_outcomes").fetchone()
    return int(n)


def interrupt_once_answers_arrive(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed ``proxyreg`` and send it SIGINT once the ledger holds an answer,
    in the quiet half second after the first chunks' answers (the next land 1.5 s later)."""
    environment = {k: v for k, v in os.environ.items() if k != "PROXYREG_DB"}
    process = subprocess.Popen(
        [sys.executable, "-c", _WITH_SIGINT, str(INSTALLED), *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    deadline = time.monotonic() + 60
    while answers_in_ledger(cwd / "proxyreg.db") == 0 and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    time.sleep(0.5)  # the first chunks' answers all recorded, the next still waiting
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_sigint_mid_bulk_says_what_happened_and_show_tells_the_truth(tmp_path: Path) -> None:
    """SIGINT mid-bulk: exit 130, what was answered and `proxyreg retry-failed` on stderr (and
    as JSON with --json); `show` then says interrupted, not sending, with the same counts;
    retry-failed settles every mentor, each stored once."""
    assert run_installed("init", "--demo", cwd=tmp_path).status == 0
    bulk = ["bulk", "--all", "--kind", "phone_call", "--minutes", "20", "--strategy", "chunked"]

    ran = interrupt_once_answers_arrive([*bulk, "--faults", SLOW, "--json"], tmp_path)

    assert ran.returncode == 130
    said = json.loads(ran.stdout)
    assert (said["interrupted"], said["total"], said["next"]) == (True, 35, "proxyreg retry-failed")
    answered = said["answered"]
    assert 0 < answered < 35
    lines = ran.stderr.splitlines()
    assert lines[0] == (
        f"proxyreg: interrupted while sending submission {said['submission_id']}: "
        f"{answered} of 35 records had an answer, {35 - answered} had none yet "
        "(some of those may have been stored)."
    )
    assert lines[1].startswith("next: `proxyreg retry-failed` settles them")

    shown = run_installed("show", said["submission_id"], "--json", cwd=tmp_path).json()
    text = run_installed("show", said["submission_id"], cwd=tmp_path).out
    assert shown["counts"]["unknown"] == 35 - answered
    assert shown["counts"]["registered"] == answered
    assert f"Interrupted: {answered} of 35 answered, {35 - answered} not." in text
    assert "Sending" not in text
    assert "next: `proxyreg retry-failed` resends the" in text

    settled = run_installed("retry-failed", "--json", cwd=tmp_path)
    assert settled.status == 0, settled.err
    assert settled.json()["counts"]["registered"] == 35
    stored = stored_mentors(tmp_path / "proxyreg.db")
    assert len(stored) == len(set(stored)) == 35
