"""The whole `proxyreg bulk --all` command on 3,000 mentors, SQLite and PostgreSQL.

Why: what a coordinator waits for is the command, not the engine alone: process
start, opening the database, the ledger, every batch, reconciliation, the result
table. Each run starts from a fresh database holding one coordinator (the
default) with 3,000 active mentors, then times the installed command as a
subprocess, wall clock, with ``--json`` (no progress bar):
``proxyreg --db DB bulk --all --kind home_visit --date TODAY --minutes 60
--strategy S --json``, for ``rpc`` (batches of the backend's limit, 500) and
``chunked`` (5 records per call, 4 calls at a time). Every run checks exit status 0
and 3,000 registered records in the JSON. ``atomic`` is left out: one all-or-nothing
call takes at most the backend's 500.

The baseline, one call per mentor, has no CLI switch: it is measured in process on
the same kind of fresh database, a loop awaiting ``register_one`` 3,000 times
(so it pays no process start, which favours it). PostgreSQL runs on the local
server over loopback in a throwaway database; it is skipped with a message when no
server answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import pathlib
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator

import attrs
from _fixtures import COORDINATOR, DRAFT, mentor_ids, roster
from _postgres import throwaway_database, unreachable, url_of
from _report import Samples, Section, Table, Target, main, seconds, spread, times

from proxyreg.adapters.sqlite import SqliteDatabase, SqliteRepository
from proxyreg.domain import Outcome, ProxyRecord
from proxyreg.ports import ProxyRepository

SCRIPT = "benchmarks/cli_end_to_end.py"
MENTORS = 3_000
RUNS, QUICK_RUNS = 3, 1
STRATEGIES = ("rpc", "chunked")
BASELINE = "one call per mentor (in process)"
PROXYREG = pathlib.Path(sys.executable).with_name("proxyreg")
ROSTER = roster(MENTORS)


def command(database: str, strategy: str) -> list[str]:
    return [
        str(PROXYREG),
        "--db",
        database,
        "bulk",
        "--all",
        "--kind",
        DRAFT.kind,
        "--date",
        dt.date.today().isoformat(),
        "--minutes",
        str(DRAFT.minutes),
        "--strategy",
        strategy,
        "--json",
    ]


def time_cli(database: str, strategy: str) -> float:
    """Seconds the command took; raises unless it registered every mentor."""
    start = time.perf_counter()
    done = subprocess.run(command(database, strategy), check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    registered = json.loads(done.stdout)["counts"]["registered"] if done.stdout else 0
    if done.returncode != 0 or registered != MENTORS:
        raise RuntimeError(
            f"{strategy}: exit {done.returncode}, {registered} registered; "
            f"{done.stderr.strip()[-500:]}"
        )
    return elapsed


async def one_call_per_mentor(repository: ProxyRepository) -> float:
    """Seconds for ``register_one`` awaited once per mentor, in roster order."""
    submission_id = uuid.uuid4().hex
    records = [
        ProxyRecord.for_mentor(
            submission_id=submission_id,
            mentor_id=mentor,
            coordinator_id=COORDINATOR.id,
            draft=attrs.evolve(DRAFT, date=dt.date.today()),
        )
        for mentor in mentor_ids(MENTORS)
    ]
    start = time.perf_counter()
    for record in records:
        result = await repository.register_one(record)
        if result.outcome is not Outcome.REGISTERED:
            raise RuntimeError(f"{record.mentor_id}: {result}")
    return time.perf_counter() - start


# --- SQLite -----------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_sqlite() -> Iterator[str]:
    """A new SQLite file with the coordinator (the default) and the 3,000 mentors."""
    with tempfile.TemporaryDirectory(prefix="proxyreg-bench-") as folder:
        path = str(pathlib.Path(folder) / "bench.db")

        async def build() -> None:
            async with await SqliteDatabase.open(path) as repository:
                await repository.add_world(
                    [COORDINATOR],
                    ROSTER.mentors,
                    [(COORDINATOR.id, m) for m in mentor_ids(MENTORS)],
                )
                await repository.set_default_coordinator(COORDINATOR.id)

        asyncio.run(build())
        yield path


async def _sqlite_baseline(path: str) -> float:
    async with await SqliteRepository.open(path, COORDINATOR.id) as repository:
        return await one_call_per_mentor(repository)


# --- PostgreSQL -------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_postgres() -> Iterator[str]:
    """A throwaway database, migrated and seeded; yields its ``postgresql://`` URL."""
    from proxyreg.adapters.postgres import (  # noqa: PLC0415
        migrate,
        seed,
        set_default_coordinator,
    )

    with throwaway_database("proxyreg_bench_cli") as name:
        url = url_of(name)

        async def build() -> None:
            await migrate(url)
            await seed(url, [COORDINATOR], ROSTER.mentors, {COORDINATOR.id: mentor_ids(MENTORS)})
            await set_default_coordinator(url, COORDINATOR.id)

        asyncio.run(build())
        yield url


async def _postgres_baseline(url: str) -> float:
    from proxyreg.adapters.postgres import PostgresRepository  # noqa: PLC0415 - an extra

    async with await PostgresRepository.open(url, COORDINATOR.id) as repository:
        return await one_call_per_mentor(repository)


# --- measuring ----------------------------------------------------------------------------

Backend = tuple[
    Callable[[], contextlib.AbstractContextManager[str]], Callable[[str], Awaitable[float]]
]
Figures = dict[str, Samples]


def measure(backend: Backend, runs: int) -> Figures:
    fresh, baseline = backend
    values: dict[str, list[float]] = {name: [] for name in (*STRATEGIES, BASELINE)}
    for _ in range(runs):
        for strategy in STRATEGIES:
            with fresh() as database:
                values[strategy].append(time_cli(database, strategy))
        with fresh() as database:
            values[BASELINE].append(asyncio.run(baseline(database)))
    return {name: Samples(tuple(v)) for name, v in values.items()}


def table(backend: str, figures: Figures) -> Table:
    rpc = figures["rpc"].median
    return Table(
        ("backend", "how", "runs", "median", "spread", "vs rpc"),
        tuple(
            (backend, name, str(s.runs), seconds(s.median), spread(s), times(s.median / rpc))
            for name, s in figures.items()
        ),
    )


def targets(backend: str, figures: Figures) -> tuple[Target, ...]:
    rpc, chunked, single = (figures[n].median for n in (*STRATEGIES, BASELINE))
    return (
        Target(
            f"{backend}: `bulk --all` with rpc faster than chunked and than one call per mentor",
            f"rpc {seconds(rpc)}, chunked {seconds(chunked)}, one per mentor {seconds(single)}",
            rpc < chunked and rpc < single,
        ),
    )


def run(quick: bool) -> Section:
    runs = QUICK_RUNS if quick else RUNS
    sqlite = measure((fresh_sqlite, _sqlite_baseline), runs)
    tables = [table("SQLite", sqlite)]
    goals = list(targets("SQLite", sqlite))
    notes: list[str] = []
    why = unreachable()
    if why is None:
        postgres = measure((fresh_postgres, _postgres_baseline), runs)
        tables.append(table("PostgreSQL", postgres))
        goals.extend(targets("PostgreSQL", postgres))
    else:
        notes.append(f"**PostgreSQL skipped:** no server answered ({why}).")
    return Section(
        title=f"End to end: `proxyreg bulk --all` on {MENTORS:,} mentors",
        script=SCRIPT,
        about=__doc__.split("\n\n", 1)[1].strip() if __doc__ else "",
        tables=tuple(tables),
        targets=tuple(goals),
        notes=tuple(notes),
    )


if __name__ == "__main__":
    main(run, "Time `proxyreg bulk --all` on 3,000 mentors against SQLite and PostgreSQL.")
