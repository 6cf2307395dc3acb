"""Load: 20 coordinators submitting 100 mentors each at the same time, on one PostgreSQL.

Why: a coordinator's bulk submission is one batch call, but 20 of them at once share
one server, and every call runs under row-level security with one exception block per
record. On one throwaway database (created, migrated, seeded with 20 coordinators in 4
chapters, 100 mentors each, dropped afterwards), each run starts 20 asyncio tasks at
once; each is a coordinator with its own `PostgresRepository` pool (1 to 2 connections,
acting as that coordinator), its own root bloc and orchestrator (`rpc`), and adds Select
all, the draft and Submit. **Submission time** is one coordinator's, from adding Submit to
the bloc having settled every record (the ledger written, the RPC answered, the outcomes
recorded): what a coordinator waits for. **Run time** is the wall time of all 20. After
each run the table is read as the owner: 2,000 new records, no (mentor, submission)
stored twice, and every record written by the coordinator its mentor is assigned to.
The server is local (loopback) and shares this machine's cores with the 20 clients.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time
from collections.abc import Sequence

import psycopg
from _postgres import dsn_of, skipped, throwaway_database, unreachable
from _report import Samples, Section, Table, Target, main, seconds, spread

from proxyreg.adapters.postgres import PostgresRepository, migrate, seed
from proxyreg.application import ActivityFields, RegistrationSession
from proxyreg.domain import Coordinator, Mentor, Roster
from proxyreg.flows import BulkPhase

SCRIPT = "benchmarks/load_coordinators.py"
TITLE = "Load: 20 coordinators × 100 mentors at once on PostgreSQL"
COORDINATORS, MENTORS_EACH = 20, 100
RUNS, QUICK_RUNS = 6, 2
TODAY = dt.date(2026, 11, 25)

CROSS_WRITES = (
    "SELECT count(*) FROM proxy_activities p LEFT JOIN coordinator_mentors cm"
    " ON cm.mentor_id = p.mentor_id AND cm.coordinator_id = p.registered_by"
    " WHERE cm.mentor_id IS NULL"
)
DUPLICATES = (
    "SELECT count(*) FROM (SELECT 1 FROM proxy_activities"
    " GROUP BY mentor_id, submission_id HAVING count(*) > 1) d"
)


def rosters() -> tuple[Roster, ...]:
    out = []
    for n in range(COORDINATORS):
        chapter = f"chapter-{n % 4}"
        mentors = tuple(
            Mentor(f"m-{n:02d}-{i:03d}", f"Mentor {n:02d}-{i:03d}", chapter)
            for i in range(MENTORS_EACH)
        )
        out.append(Roster(Coordinator(f"coord-{n:02d}", f"Coordinator {n:02d}", chapter), mentors))
    return tuple(out)


async def one_coordinator(dsn: str, coordinator: str, start: asyncio.Event) -> float:
    """Fill in the bulk screen, wait for the start, Submit; the seconds until all settled."""
    async with await PostgresRepository.open(dsn, coordinator, min_size=1, max_size=2) as repo:
        roster = await repo.roster()
        async with RegistrationSession(repo, roster, today=TODAY) as session:
            await session.fill_bulk(None, ActivityFields("phone_call", TODAY, 20))
            await start.wait()
            began = time.perf_counter()
            bulk = await session.submit_filled_bulk()
            took = time.perf_counter() - began
        if bulk.phase is not BulkPhase.COMPLETED:
            raise RuntimeError(f"{coordinator}: ended {bulk.phase.value}")
        return took


async def one_run(dsn: str, coordinators: Sequence[str]) -> tuple[list[float], float]:
    """All coordinators at once; their submission times and the run's wall time."""
    start = asyncio.Event()
    tasks = [asyncio.create_task(one_coordinator(dsn, c, start)) for c in coordinators]
    await asyncio.sleep(0.5)  # every pool open and every form filled in before the start
    began = time.perf_counter()
    start.set()
    times = await asyncio.gather(*tasks)
    return list(times), time.perf_counter() - began


def check(dsn: str, expected: int) -> tuple[int, int, int]:
    """(records, duplicated (mentor, submission) pairs, cross-coordinator writes), as owner."""
    with psycopg.connect(dsn) as conn:
        counts = [
            conn.execute(query.encode()).fetchone()
            for query in ("SELECT count(*) FROM proxy_activities", DUPLICATES, CROSS_WRITES)
        ]
    records, duplicates, cross = (int(c[0]) if c else -1 for c in counts)
    if records != expected:
        raise RuntimeError(f"expected {expected} records, the table holds {records}")
    return records, duplicates, cross


def percentile(values: Sequence[float], p: int) -> float:
    """The p-th percentile (inclusive method: between the smallest and largest value)."""
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


Measured = tuple[list[float], list[float], list[tuple[int, int, int]]]


def with_database(runs: int) -> Measured:
    with throwaway_database("proxyreg_bench_load") as name:
        return asyncio.run(measure(dsn_of(name), runs))


async def measure(dsn: str, runs: int) -> Measured:
    await migrate(dsn)
    everyone = rosters()
    await seed(
        dsn,
        [r.coordinator for r in everyone],
        [m for r in everyone for m in r.mentors],
        {r.coordinator.id: [m.id for m in r.mentors] for r in everyone},
    )
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute("ANALYZE")  # plans for the seeded tables (see postgres_batch.py)
    ids = [r.coordinator.id for r in everyone]
    await one_run(dsn, ids)  # warm up: connections, plans, caches
    submissions: list[float] = []
    walls: list[float] = []
    checks = []
    for run in range(1, runs + 1):
        times, wall = await one_run(dsn, ids)
        submissions.extend(times)
        walls.append(wall)
        checks.append(check(dsn, (run + 1) * COORDINATORS * MENTORS_EACH))
    return submissions, walls, checks


def run(quick: bool) -> Section:
    why = unreachable()
    if why is not None:
        return skipped(TITLE, SCRIPT, __doc__.split("\n\n", 1)[1].strip() if __doc__ else "", why)
    runs = QUICK_RUNS if quick else RUNS
    submissions, walls, checks = with_database(runs)
    each, wall = Samples(tuple(submissions)), Samples(tuple(walls))
    p50, p95 = percentile(submissions, 50), percentile(submissions, 95)
    per_run = COORDINATORS * MENTORS_EACH
    figures = Table(
        ("figure", "samples", "value"),
        (
            ("submission time, p50", str(each.runs), seconds(p50)),
            ("submission time, p95", str(each.runs), seconds(p95)),
            ("submission time, fastest – slowest", str(each.runs), spread(each)),
            ("run time (all 20), median", str(wall.runs), seconds(wall.median)),
            ("run time (all 20), fastest – slowest", str(wall.runs), spread(wall)),
            ("records a second (median run)", str(wall.runs), f"{per_run / wall.median:,.0f}"),
        ),
        caption=f"**{runs} runs** of {COORDINATORS} coordinators × {MENTORS_EACH} mentors "
        f"(after one warm-up run); a submission time is one coordinator's.",
    )
    duplicates = sum(c[1] for c in checks)
    cross = sum(c[2] for c in checks)
    return Section(
        title=TITLE,
        script=SCRIPT,
        about=__doc__.split("\n\n", 1)[1].strip() if __doc__ else "",
        tables=(figures,),
        targets=(
            Target(
                "every run: all 20 submissions completed, 0 duplicates, 0 cross-coordinator writes",
                f"{runs} × {per_run:,} records; {duplicates} duplicates, {cross} cross writes",
                duplicates == 0 and cross == 0,
            ),
        ),
    )


if __name__ == "__main__":
    main(run, "Time 20 coordinators submitting 100 mentors each at once on PostgreSQL.")
