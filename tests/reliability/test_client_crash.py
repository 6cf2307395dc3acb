"""The installed ``proxyreg bulk`` killed with SIGKILL mid-submission, then run again.

The command runs as a subprocess against a private cluster (through `WireProxy`, which
slows it down or holds a reply so the kill lands with records in flight); the next run
must settle the killed submission from the ledger and the database, with nothing lost
and nothing stored twice, checked against the table itself.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import psycopg
import pytest
from private_pg import PrivateCluster
from tcp_proxy import WireProxy

from cli.helpers import INSTALLED, Ran, run_installed

pytestmark = pytest.mark.postgres

ACTIVITY = ("--kind", "phone_call", "--date", dt.date.today().isoformat(), "--minutes", "20")
DEMO_MENTORS = 35
"""What ``bulk --all`` selects in the demo world: the demo coordinator's 37 mentors but the
2 paused ones (docs/cli.md)."""

Kill = Callable[[], None]


@attrs.frozen
class CrashSite:
    cluster: PrivateCluster
    proxy: WireProxy
    url: str
    """What the command is given: the proxy, as a ``postgresql://`` URL."""
    dsn: str
    """Straight to the server, as the owner: for reading what it holds."""
    cwd: Path

    def proxyreg(self, *args: str) -> Ran:
        return run_installed("--db", self.url, *args, cwd=self.cwd)

    def bulk_killed_when(self, arm_kill: Callable[[Kill], None], *options: str) -> int:
        """Start ``proxyreg bulk --all`` (with ``options``); ``arm_kill(kill)`` arranges for
        ``kill`` to be called mid-submission. Answers the command's exit status."""
        environment = {k: v for k, v in os.environ.items() if k != "PROXYREG_DB"}
        command = subprocess.Popen(
            [str(INSTALLED), "--db", self.url, "bulk", "--all", *ACTIVITY, *options, "--json"],
            cwd=self.cwd,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def kill() -> None:
            command.send_signal(signal.SIGKILL)
            command.wait()

        arm_kill(kill)
        try:
            return command.wait(timeout=120)
        finally:
            if command.poll() is None:
                command.kill()

    def stored(self) -> dict[str, list[str]]:
        """Per mentor, the id of every record the table holds for them."""
        with psycopg.connect(self.dsn) as conn:
            rows = conn.execute("SELECT mentor_id, id::text FROM proxy_activities").fetchall()
        found: dict[str, list[str]] = {}
        for mentor, record_id in rows:
            found.setdefault(str(mentor), []).append(str(record_id))
        return found

    def submission_ids(self) -> list[str]:
        with psycopg.connect(self.dsn) as conn:
            return [str(r[0]) for r in conn.execute("SELECT id FROM submissions ORDER BY seq")]


@pytest.fixture
def crash_site(private_cluster: PrivateCluster, tmp_path: Path) -> Iterator[CrashSite]:
    """The demo world (``proxyreg init --demo``) on a private cluster, a proxy in front."""
    with psycopg.connect(private_cluster.dsn("postgres"), autocommit=True) as admin:
        admin.execute("CREATE DATABASE proxyreg")
    with WireProxy(private_cluster.port) as proxy:
        site = CrashSite(
            private_cluster,
            proxy,
            private_cluster.url(port=proxy.port),
            private_cluster.dsn(),
            tmp_path,
        )
        assert site.proxyreg("init", "--demo").status == 0
        yield site


def assert_settled_once(site: CrashSite, document: dict[str, object]) -> None:
    """Every mentor of the submission is shown registered under the one record the table
    holds for them."""
    stored = site.stored()
    rows = document["results"]
    assert isinstance(rows, list)
    assert len(rows) == DEMO_MENTORS
    assert {m: len(ids) for m, ids in stored.items()} == {r["mentor_id"]: 1 for r in rows}
    for row in rows:
        assert row["status"] in ("registered", "already_registered"), row
        assert [row["record_id"]] == stored[row["mentor_id"]], row


def test_killed_after_the_server_committed_then_retry_failed_reconciles(
    crash_site: CrashSite,
) -> None:
    """``bulk`` dies after the server committed the batch but before it heard: the ledger
    has the submission (and, kept in the same transaction, its outcomes). ``retry-failed``
    settles it: every record is shown registered, none is sent twice, and ``show`` agrees
    with the table."""
    status = crash_site.bulk_killed_when(
        lambda kill: crash_site.proxy.cut_after_commit(1, then=kill)
    )
    assert status == -signal.SIGKILL
    (submission,) = crash_site.submission_ids()
    assert len(crash_site.stored()) == DEMO_MENTORS  # it had landed

    retried = crash_site.proxyreg("retry-failed", "--json")
    shown = crash_site.proxyreg("show", submission, "--json")

    assert retried.status == 0, retried.err
    assert retried.json()["submission_id"] == submission
    assert_settled_once(crash_site, retried.json())
    assert shown.status == 0, shown.err
    assert shown.json()["results"] == retried.json()["results"]


def test_killed_with_the_request_in_flight_then_retry_failed_sends_it(
    crash_site: CrashSite,
) -> None:
    """``bulk --strategy chunked`` dies as its first batch reaches the server, before the
    commit: the server rolls it back. ``retry-failed`` resends what did not land once, with
    the same keys, and ``show`` agrees with the table. (An rpc submission keeps its ledger in
    the call's own transaction: killed before the commit, neither is kept.)"""
    status = crash_site.bulk_killed_when(crash_site.proxy.on_registration, "--strategy", "chunked")
    assert status == -signal.SIGKILL
    (submission,) = crash_site.submission_ids()

    retried = crash_site.proxyreg("retry-failed", "--json")
    shown = crash_site.proxyreg("show", submission, "--json")

    assert retried.status == 0, retried.err
    assert_settled_once(crash_site, retried.json())
    assert shown.json()["results"] == retried.json()["results"]


def test_killed_mid_chunks_then_retry_failed_settles_the_rest(crash_site: CrashSite) -> None:
    """``bulk --strategy chunked`` on a slow network dies with some chunks committed, some in
    flight and some never sent, the ledger partly written: ``retry-failed`` settles every
    mentor, each stored once."""
    crash_site.proxy.delay(0.05)
    sent = [0]

    def arm(kill: Kill) -> None:
        def count_then_kill() -> None:
            sent[0] += 1
            if sent[0] == 6:  # 4 chunks go at once: by the 6th, 2 have committed
                kill()
            else:
                crash_site.proxy.on_registration(count_then_kill)

        crash_site.proxy.on_registration(count_then_kill)

    status = crash_site.bulk_killed_when(arm, "--strategy", "chunked")
    crash_site.proxy.clear()
    assert status == -signal.SIGKILL
    landed = len(crash_site.stored())
    assert 0 < landed < DEMO_MENTORS  # some chunks had landed, not all

    retried = crash_site.proxyreg("retry-failed", "--json")

    assert retried.status == 0, retried.err
    assert_settled_once(crash_site, retried.json())


def test_the_next_bulk_reconciles_a_killed_submission_first(crash_site: CrashSite) -> None:
    """The rpc call keeps the ledger in the same transaction as the records, so ``show`` of a
    submission killed after its call committed already has each record registered, before
    any reconciliation. The next ``bulk`` changes nothing of it: ``show`` still has every
    record registered under the one stored, and ``retry-failed ID`` has nothing to send."""
    status = crash_site.bulk_killed_when(
        lambda kill: crash_site.proxy.cut_after_commit(1, then=kill)
    )
    assert status == -signal.SIGKILL
    (killed,) = crash_site.submission_ids()
    before = crash_site.proxyreg("show", killed, "--json")

    later = crash_site.proxyreg("bulk", "--mentor", "m01", *ACTIVITY, "--json")
    after = crash_site.proxyreg("show", killed, "--json")
    retried = crash_site.proxyreg("retry-failed", killed, "--json")

    assert before.status == 0, before.err
    assert {row["status"] for row in before.json()["results"]} == {"registered"}
    assert later.status == 0, later.err
    assert after.status == 0, after.err
    assert retried.status == 0, retried.err
    assert retried.json()["results"] == after.json()["results"]
    stored = crash_site.stored()
    assert len(stored["m01"]) == 2  # the killed batch's record and the later one
    for row in after.json()["results"]:
        assert row["status"] == "registered", row
        assert row["record_id"] in stored[row["mentor_id"]], row
    assert all(len(ids) == 1 for mentor, ids in stored.items() if mentor != "m01")
