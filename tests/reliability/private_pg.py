"""A private PostgreSQL cluster for one test: its own data directory, port and processes.

Fault tests kill the server with SIGKILL and start it again; they must never touch the
shared server on 5432. `PrivateCluster` runs the installed server binaries (initdb,
postgres, pg_ctl from ``PROXYREG_PG_BIN``, default /usr/lib/postgresql/15/bin) as the
``postgres`` OS user, because PostgreSQL refuses to run as root (what ``runuser -u
postgres`` does, through `subprocess.Popen`'s ``user``, so that the postmaster stays our
child), on a free loopback port, in a temporary directory that user owns. Run as another
user, the tests start the binaries as themselves.

`kill` sends SIGKILL to the postmaster and every backend, as a crashed machine would
leave them; `start` then runs crash recovery from the WAL. fsync is
off: the kernel keeps what was written across a process kill (it would not across a
power cut, which is not what these tests simulate), and it keeps the tests fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import psycopg
import pytest

from proxyreg.adapters.postgres import migrate, seed
from proxyreg.domain import Coordinator, Mentor

BIN = Path(os.environ.get("PROXYREG_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "proxyreg"
OS_USER = "postgres"
START_TIMEOUT = 30.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user() -> dict[str, Any]:
    """Popen options that run a binary as the ``postgres`` OS user when we are root (like
    ``runuser -u postgres``, but the server stays our own child, so we reap it)."""
    if os.geteuid() != 0:
        return {}
    return {"user": OS_USER, "group": OS_USER, "extra_groups": []}


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may hold spaces, so split after its closing paren.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


class PrivateCluster:
    """One throwaway cluster: `create`, `start`, `kill`, `stop`, `destroy`."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.data = root / "data"
        self.log = root / "server.log"
        self._server: subprocess.Popen[bytes] | None = None
        self.kills = 0

    @classmethod
    def create(cls) -> PrivateCluster:
        """A new cluster, initialised but not started; skips the test without the binaries."""
        if not (BIN / "postgres").exists():
            pytest.skip(f"The PostgreSQL server binaries are not in {BIN} (PROXYREG_PG_BIN).")
        root = Path(tempfile.mkdtemp(prefix="proxyreg-pg-"))
        if os.geteuid() == 0:
            shutil.chown(root, OS_USER, OS_USER)
        cluster = cls(root, free_port())
        subprocess.run(
            [
                str(BIN / "initdb"),
                "-D",
                str(cluster.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            cwd=root,
            check=True,
            capture_output=True,
            **_as_server_user(),
        )
        return cluster

    # --- addresses ------------------------------------------------------------------------
    def dsn(self, database: str = DATABASE, *, port: int | None = None) -> str:
        """A libpq DSN to ``database``, on the server's port or another (a proxy's)."""
        return (
            f"host=127.0.0.1 port={port or self.port} user=postgres dbname={database}"
            " sslmode=disable gssencmode=disable connect_timeout=3"
        )

    def url(self, database: str = DATABASE, *, port: int | None = None) -> str:
        """The same as a ``postgresql://`` URL, as the CLI's ``--db`` takes it."""
        return (
            f"postgresql://postgres@127.0.0.1:{port or self.port}/{database}"
            "?sslmode=disable&gssencmode=disable&connect_timeout=3"
        )

    # --- processes ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._server is not None and self._server.poll() is None

    def start(self) -> None:
        """Start the server (after a kill: crash recovery first) and wait until it answers."""
        if self.running:
            return
        with self.log.open("ab") as log:
            self._server = subprocess.Popen(
                [
                    str(BIN / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-h",
                    "127.0.0.1",
                    "-k",
                    str(self.root),
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=60",
                ],
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **_as_server_user(),
            )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._server is not None and self._server.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited while starting:\n{self.server_log()}")
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=1):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the postmaster and every backend at once; nothing shuts down cleanly.

        Each backend is a session of its own (PostgreSQL calls setsid), so a process group
        kill would miss them: the postmaster is stopped first (it cannot fork any more),
        then it and each of its children get SIGKILL.
        """
        server, self._server = self._server, None
        if server is None or server.poll() is not None:
            return
        os.kill(server.pid, signal.SIGSTOP)
        backends = _children(server.pid)
        for pid in (server.pid, *backends):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.wait()
        # A new postmaster refuses to start while an old backend still holds shared memory.
        deadline = time.monotonic() + START_TIMEOUT
        while not all(_gone(pid) for pid in backends) and time.monotonic() < deadline:
            time.sleep(0.01)
        self.kills += 1

    def stop(self) -> None:
        """A fast, clean shutdown."""
        server, self._server = self._server, None
        if server is None or server.poll() is not None:
            return
        subprocess.run(
            [str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
            cwd=self.root,
            check=False,
            capture_output=True,
            **_as_server_user(),
        )
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._server = server
            self.kill()

    def destroy(self) -> None:
        """Stop the server and remove every file of the cluster."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    # --- the schema -----------------------------------------------------------------------
    def create_database(
        self,
        coordinators: Iterable[Coordinator],
        mentors: Iterable[Mentor],
        assignments: Mapping[str, Iterable[str]],
        database: str = DATABASE,
    ) -> str:
        """Create ``database``, apply the project's migrations, seed it; returns its DSN."""
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        dsn = self.dsn(database)

        async def prepare() -> None:
            await migrate(dsn)
            await seed(dsn, coordinators, mentors, assignments)

        asyncio.run(prepare())
        return dsn
