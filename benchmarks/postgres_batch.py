"""The batch RPC on PostgreSQL against one INSERT per record and a set-based INSERT.

Why: `register_proxy_activities` exists so that a bulk submission costs one round
trip per batch, yet it judges every record on its own (one exception block, i.e. a
subtransaction, per element), so it cannot be as cheap as one set-based INSERT. On one
throwaway database (created, migrated, seeded with 3,000 mentors assigned to one
coordinator, dropped afterwards), with row-level security on and acting as the
coordinator (role `authenticated` plus JWT claims, as `PostgresRepository.session()`
does), one pooled connection, each run sends fresh records (a new submission id) by:
**rpc**, `PostgresRepository.register` in batches of at most 500 (the default
`max_batch_size`, server and client alike: 3,000 records are 6 sequential calls);
**replay**, the same records through the same calls again; **one INSERT per record**, a
loop of single-row INSERTs into `proxy_activities` inside one session (one transaction),
as a client inserting row by row would; **set-based**, one
`INSERT … SELECT … FROM jsonb_to_recordset(…) ON CONFLICT (client_key) DO NOTHING` for
the whole array (no per-record isolation, no per-record answer). The server is local
(loopback), so a round trip costs far less here than over a network.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence

import psycopg
from _fixtures import COORDINATOR, mentor_ids, roster, submission
from _postgres import dsn_of, skipped, throwaway_database, unreachable
from _report import Samples, Section, Table, Target, main, seconds, spread, times
from psycopg.types.json import Jsonb

from proxyreg.adapters.postgres import PostgresRepository, migrate, seed
from proxyreg.domain import Outcome, ProxyRecord

SCRIPT = "benchmarks/postgres_batch.py"
TITLE = "PostgreSQL: the batch RPC, one INSERT per record, and a set-based INSERT"
SIZES = (30, 300, 3_000)
RUNS, QUICK_RUNS = 5, 2
BATCH = 500
ROSTER = roster(max(SIZES))
SPEEDUP_SIZE, MIN_SPEEDUP = 300, 10.0
LIMIT_SIZE, MAX_OVER_LIMIT = 3_000, 1.5
ROUND_TRIPS = 200

INSERT_ONE = (
    "INSERT INTO proxy_activities (client_key, submission_id, mentor_id, registered_by,"
    " kind, activity_date, minutes, notes, participants)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
INSERT_SET = (
    "INSERT INTO proxy_activities (client_key, submission_id, mentor_id, registered_by,"
    " kind, activity_date, minutes, notes, participants)"
    " SELECT r.client_key, r.submission_id, r.mentor_id, r.registered_by, r.kind,"
    " r.activity_date, r.minutes, coalesce(r.notes, ''), r.participants"
    " FROM jsonb_to_recordset(%s) AS r (client_key text, submission_id text, mentor_id text,"
    " registered_by text, kind text, activity_date date, minutes integer, notes text,"
    " participants integer)"
    " ON CONFLICT (client_key) DO NOTHING"
)
SUBTRANSACTIONS = (
    "DO $$ BEGIN FOR i IN 1..{n} LOOP"
    " BEGIN PERFORM 1; EXCEPTION WHEN others THEN NULL; END;"
    " END LOOP; END $$"
)
PLAIN_LOOP = "DO $$ BEGIN FOR i IN 1..{n} LOOP PERFORM 1; END LOOP; END $$"

METHODS = ("rpc", "replay", "one INSERT per record", "set-based")


def records(size: int) -> tuple[ProxyRecord, ...]:
    """``size`` records under a submission id never used before (fresh client keys)."""
    return submission(f"bench-{uuid.uuid4().hex[:12]}", ROSTER, size).records


def element(r: ProxyRecord) -> dict[str, object]:
    """One record as an element of a JSON array (the RPC's element shape)."""
    return {
        "client_key": r.client_key,
        "submission_id": r.submission_id,
        "mentor_id": r.mentor_id,
        "registered_by": r.registered_by,
        "kind": r.kind,
        "activity_date": r.date.isoformat(),
        "minutes": r.minutes,
        "notes": r.notes,
        "participants": r.participants,
    }


async def via_rpc(repo: PostgresRepository, batch: Sequence[ProxyRecord], want: Outcome) -> None:
    """Send ``batch`` through `register`, in calls of at most BATCH; every answer ``want``."""
    for start in range(0, len(batch), BATCH):
        answers = await repo.register(batch[start : start + BATCH])
        if any(a.outcome is not want for a in answers):
            wrong = next(a for a in answers if a.outcome is not want)
            raise RuntimeError(f"expected {want.value}, got {wrong}")


async def one_by_one(repo: PostgresRepository, batch: Sequence[ProxyRecord]) -> None:
    async with repo.session() as conn:
        for r in batch:
            await conn.execute(
                INSERT_ONE,
                (
                    r.client_key,
                    r.submission_id,
                    r.mentor_id,
                    r.registered_by,
                    r.kind,
                    r.date,
                    r.minutes,
                    r.notes,
                    r.participants,
                ),
            )


async def set_based(repo: PostgresRepository, batch: Sequence[ProxyRecord]) -> None:
    async with repo.session() as conn:
        cursor = await conn.execute(INSERT_SET, (Jsonb([element(r) for r in batch]),))
        if cursor.rowcount != len(batch):
            raise RuntimeError(f"set-based INSERT stored {cursor.rowcount} of {len(batch)}")


async def timed(action: Callable[[], Awaitable[None]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


async def stored(repo: PostgresRepository, batch: Sequence[ProxyRecord]) -> int:
    found = await repo.find_registered([r.client_key for r in batch])
    return len(found)


async def one_run(repo: PostgresRepository, size: int) -> dict[str, float]:
    """Each method once on fresh records of ``size``; every record checked stored."""
    figures: dict[str, float] = {}
    sent = records(size)
    figures["rpc"] = await timed(lambda: via_rpc(repo, sent, Outcome.REGISTERED))
    figures["replay"] = await timed(lambda: via_rpc(repo, sent, Outcome.ALREADY_REGISTERED))
    looped = records(size)
    figures["one INSERT per record"] = await timed(lambda: one_by_one(repo, looped))
    whole = records(size)
    figures["set-based"] = await timed(lambda: set_based(repo, whole))
    for batch in (sent, looped, whole):
        if await stored(repo, batch) != size:
            raise RuntimeError(f"not every one of {size} records was stored")
    return figures


async def server_costs(dsn: str, count: int, runs: int) -> tuple[Samples, Samples, Samples]:
    """A round trip (``SELECT 1``), and ``count`` exception blocks vs a plain loop (owner)."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        trips = []
        for _ in range(ROUND_TRIPS):
            start = time.perf_counter()
            await conn.execute("SELECT 1")
            trips.append(time.perf_counter() - start)
        blocks, plain = [], []
        for _ in range(runs):
            for query, into in ((SUBTRANSACTIONS, blocks), (PLAIN_LOOP, plain)):
                start = time.perf_counter()
                await conn.execute(query.format(n=count).encode())
                into.append(time.perf_counter() - start)
    return Samples((statistics.median(trips),)), Samples(tuple(blocks)), Samples(tuple(plain))


Measured = dict[int, dict[str, Samples]]

STALE_PLANS = (
    "**Noticed:** the database is ANALYZEd (as the owner) before each size. Without it, "
    "the RPC's plpgsql statements keep the plans cached while `proxy_activities` was "
    "nearly empty (sequential scans) for the whole connection: in a trial run the RPC "
    "then took 1.3 ms a record at 3,000 (2.1 s – 5.6 s, growing with the table) instead of "
    "about 0.25 ms. In production autovacuum's ANALYZE replans them, but a new or freshly "
    "bulk-loaded table can meet the same until it runs."
)


async def analyze(dsn: str) -> None:
    """As the owner, refresh the planner's statistics (what autovacuum would do, sooner)."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute("ANALYZE")


async def measure(dsn: str, runs: int) -> tuple[Measured, tuple[Samples, Samples, Samples]]:
    async with await PostgresRepository.open(
        dsn, COORDINATOR.id, max_batch_size=BATCH, min_size=1, max_size=1
    ) as repo:
        await one_run(repo, 30)  # warm up: plans, caches, the connection
        by_size: Measured = {}
        for size in SIZES:
            await analyze(dsn)  # cached plans are replanned with the table's current size
            values: dict[str, list[float]] = {m: [] for m in METHODS}
            for _ in range(runs):
                for name, value in (await one_run(repo, size)).items():
                    values[name].append(value)
            by_size[size] = {m: Samples(tuple(v)) for m, v in values.items()}
    return by_size, await server_costs(dsn, max(SIZES), runs)


def with_database(runs: int) -> tuple[Measured, tuple[Samples, Samples, Samples]]:
    with throwaway_database("proxyreg_bench") as name:
        dsn = dsn_of(name)
        asyncio.run(migrate(dsn))
        asyncio.run(
            seed(dsn, [COORDINATOR], ROSTER.mentors, {COORDINATOR.id: mentor_ids(max(SIZES))})
        )
        return asyncio.run(measure(dsn, runs))


def figures_table(by_size: Measured) -> Table:
    rows = tuple(
        (
            f"{size:,}",
            method,
            str(s.runs),
            seconds(s.median),
            spread(s),
            seconds(s.median / size),
        )
        for size, methods in by_size.items()
        for method, s in methods.items()
    )
    return Table(
        ("records", "method", "runs", "median", "spread (min – max)", "per record (median)"),
        rows,
    )


def ratio_table(by_size: Measured) -> Table:
    rows = []
    for size, m in by_size.items():
        rpc = m["rpc"].median
        rows.append(
            (
                f"{size:,}",
                str(-(-size // BATCH)),
                times(m["one INSERT per record"].median / rpc),
                times(rpc / m["set-based"].median),
                times(m["replay"].median / rpc),
            )
        )
    return Table(
        (
            "records",
            "RPC calls",
            "one INSERT per record / rpc",
            "rpc / set-based",
            "replay / rpc",
        ),
        tuple(rows),
        caption="**Ratios** (of medians)",
    )


def targets(by_size: Measured) -> tuple[Target, ...]:
    at = by_size[SPEEDUP_SIZE]
    speedup = at["one INSERT per record"].median / at["rpc"].median
    top = by_size[LIMIT_SIZE]
    over = top["rpc"].median / top["set-based"].median
    replays = {size: m["replay"].median / m["rpc"].median for size, m in by_size.items()}
    worst = max(replays, key=replays.__getitem__)
    return (
        Target(
            f"{SPEEDUP_SIZE:,} records: rpc ≥ {MIN_SPEEDUP:g}× faster than one INSERT per record",
            f"{times(speedup)} ({seconds(at['rpc'].median)} vs "
            f"{seconds(at['one INSERT per record'].median)})",
            speedup >= MIN_SPEEDUP,
        ),
        Target(
            f"{LIMIT_SIZE:,} records: rpc within {MAX_OVER_LIMIT:g}× of the set-based INSERT",
            f"{times(over)} ({seconds(top['rpc'].median)} vs {seconds(top['set-based'].median)})",
            over <= MAX_OVER_LIMIT,
        ),
        Target(
            "replaying a whole batch costs no more than the first submission (every size)",
            f"worst {replays[worst]:.2f}× at {worst:,} records",
            all(r <= 1.0 for r in replays.values()),
        ),
    )


def server_table(costs: tuple[Samples, Samples, Samples]) -> Table:
    trip, blocks, plain = costs
    n = max(SIZES)
    return Table(
        ("what", "median", "per unit"),
        (
            ("one round trip (`SELECT 1`, median of 200)", seconds(trip.median), "–"),
            (
                f"plpgsql loop of {n:,} exception blocks (`BEGIN … EXCEPTION … END`)",
                seconds(blocks.median),
                seconds(blocks.median / n),
            ),
            ("the same loop without the blocks", seconds(plain.median), seconds(plain.median / n)),
        ),
        caption="**Server costs, alone** (owner connection, no row-level security)",
    )


def diagnosis(
    by_size: Measured, costs: tuple[Samples, Samples, Samples], goals: Sequence[Target]
) -> tuple[str, ...]:
    """What the figures say about the targets not met (only what they show)."""
    trip, blocks, plain = costs
    n = max(SIZES)
    notes = []
    at = by_size[SPEEDUP_SIZE]
    rpc_each = at["rpc"].median / SPEEDUP_SIZE
    loop_each = at["one INSERT per record"].median / SPEEDUP_SIZE
    set_each = at["set-based"].median / SPEEDUP_SIZE
    if not goals[0].met:
        notes.append(
            f"**Why the speed-up target is missed:** on this loopback server a round trip "
            f"costs only {seconds(trip.median)}, so one INSERT per record costs "
            f"{seconds(loop_each)} a record, while the RPC spends {seconds(rpc_each)} a "
            f"record inside the server (the set-based INSERT: {seconds(set_each)}). The RPC's "
            f"saving is round trips; it grows with the network's latency (at 20 ms a round "
            f"trip, one INSERT per record would take {SPEEDUP_SIZE} × 20 ms = "
            f"{seconds(SPEEDUP_SIZE * 0.02)} against a handful of calls), not with this machine."
        )
    if not goals[1].met:
        top = by_size[LIMIT_SIZE]
        extra = (top["rpc"].median - top["set-based"].median) / LIMIT_SIZE
        block = (blocks.median - plain.median) / n
        notes.append(
            f"**Why the set-based target is missed:** at {LIMIT_SIZE:,} records the RPC costs "
            f"{seconds(extra)} a record more than the set-based INSERT. An empty exception "
            f"block costs {seconds(block)} alone (measured above), but that understates one "
            f"that writes (a subtransaction with its own XID; past 64 per transaction "
            f"PostgreSQL's subtransaction cache overflows), so it is part of the cost, not "
            f"measured apart here. Also dominant are the per-element statements run from plpgsql: "
            f"each element is validated field by field, hashed, looked up by key, checked "
            f"against the assignments and inserted by a single-row INSERT (its own executor "
            f"start-up, RLS check and payload-hash trigger), where the set-based statement "
            f"runs one executor over all rows. Per-record answers are what the RPC promises; "
            f"getting near the limit would mean inserting set-based first and judging per "
            f"element only the rows that fail (a change in src/, not made here)."
        )
    if not goals[2].met:
        notes.append(
            "**Why the replay target is missed:** see the replay / rpc ratios; a replay skips "
            "the assignment check and the INSERT but still validates, hashes and looks up "
            "each key in its own exception block."
        )
    notes.append(STALE_PLANS)
    return tuple(notes)


def run(quick: bool) -> Section:
    why = unreachable()
    if why is not None:
        return skipped(TITLE, SCRIPT, __doc__.split("\n\n", 1)[1].strip() if __doc__ else "", why)
    by_size, costs = with_database(QUICK_RUNS if quick else RUNS)
    goals = targets(by_size)
    return Section(
        title=TITLE,
        script=SCRIPT,
        about=__doc__.split("\n\n", 1)[1].strip() if __doc__ else "",
        tables=(figures_table(by_size), ratio_table(by_size), server_table(costs)),
        targets=goals,
        notes=diagnosis(by_size, costs, goals),
    )


if __name__ == "__main__":
    main(run, "Time the PostgreSQL batch RPC against row-by-row and set-based INSERTs.")
