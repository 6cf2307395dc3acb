"""The batch RPC on PostgreSQL against one INSERT per record and a set-based INSERT, and the
round trips of a whole submission counted at the wire.

Why: `register_proxy_activities` exists so that a bulk submission costs one round trip per
batch and little server time; the set-based INSERT is the floor of that server time, and
one INSERT per record is what a client without the RPC would do. On one throwaway database
(created, migrated, seeded with 3,000 mentors assigned to one coordinator, dropped
afterwards) whose tables are **never analyzed** (autovacuum is off for them, no ANALYZE is
run: plans must be good on a freshly loaded table), with row-level security on and acting
as the coordinator (role `authenticated` plus JWT claims), each run sends fresh records (a
new submission id), the methods interleaved within each run:
**rpc**, `PostgresRepository.register` in batches of at most 500 (the default
`max_batch_size`: 3,000 records are 6 sequential calls), each call one round trip;
**replay**, the same records through the same calls again;
**one INSERT per record (autocommit)**, a loop of single-row INSERTs, each its own
transaction; **one INSERT per record (one transaction)**, the same loop inside
BEGIN … COMMIT; **set-based**, one `INSERT … SELECT … FROM jsonb_to_recordset(…) ON CONFLICT
(client_key) DO NOTHING` for the whole array (no per-record answer). The INSERT loops and
the set-based INSERT run on one connection that switched role and claims once. The server
is local (loopback), so a round trip costs far less here than over a network; the same
comparison then runs through a loopback proxy that adds 20 ms to every round trip
(`benchmarks/_wire.py`), as a phone's network would, and the same proxy counts the round
trips of whole submissions sent by the orchestrator with the ledger.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence

import psycopg
from _fixtures import COORDINATOR, mentor_ids, roster, submission
from _postgres import ADMIN_DSN, dsn_of, skipped, throwaway_database, unreachable
from _report import Samples, Section, Table, Target, main, seconds, spread, times
from _wire import LatencyProxy
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import Jsonb

from proxyreg.adapters.postgres import PostgresRepository, migrate, seed
from proxyreg.domain import Outcome, ProxyRecord, RecordResult, Submission
from proxyreg.orchestration import (
    BulkRegistrationOrchestrator,
    ChunkedStrategy,
    RetryPolicy,
    RpcStrategy,
    Strategy,
)

SCRIPT = "benchmarks/postgres_batch.py"
TITLE = "PostgreSQL: the batch RPC, one INSERT per record, and a set-based INSERT"
SIZES = (30, 300, 3_000)
RUNS, QUICK_RUNS = 5, 2
PROXY_RUNS, QUICK_PROXY_RUNS = 3, 1
BATCH = 500
ROSTER = roster(max(SIZES))
LIMIT_SIZES, MAX_OVER_LIMIT = (300, 3_000), 1.5
PROXY_SIZE, MIN_PROXY_SPEEDUP = 300, 100.0
LATENCY = 0.020
COUNT_SIZES = (30, 300)
POLICY = RetryPolicy(attempt_timeout=600.0, total_timeout=600.0)

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
RPC, REPLAY, AUTOCOMMIT, ONE_TX, SET_BASED = (
    "rpc",
    "replay",
    "one INSERT per record (autocommit)",
    "one INSERT per record (one transaction)",
    "set-based",
)
METHODS = (RPC, REPLAY, AUTOCOMMIT, ONE_TX, SET_BASED)
PROXY_METHODS = (RPC, AUTOCOMMIT, SET_BASED)

Conn = psycopg.AsyncConnection[tuple[object, ...]]


def records(size: int) -> tuple[ProxyRecord, ...]:
    """``size`` records under a submission id never used before (fresh client keys)."""
    return submission(f"bench-{uuid.uuid4().hex[:12]}", ROSTER, size).records


def row(r: ProxyRecord) -> tuple[object, ...]:
    return (
        r.client_key,
        r.submission_id,
        r.mentor_id,
        r.registered_by,
        r.kind,
        r.date,
        r.minutes,
        r.notes,
        r.participants,
    )


def element(r: ProxyRecord) -> dict[str, object]:
    """One record as an element of a JSON array (the RPC's element shape)."""
    names = (
        "client_key",
        "submission_id",
        "mentor_id",
        "registered_by",
        "kind",
        "activity_date",
        "minutes",
        "notes",
        "participants",
    )
    values = list(row(r))
    values[5] = r.date.isoformat()
    return dict(zip(names, values, strict=True))


async def as_coordinator(dsn: str) -> Conn:
    """An autocommit connection acting as the coordinator for the whole session."""
    conn: Conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
    claims = json.dumps({"sub": COORDINATOR.id, "role": "authenticated"})
    await conn.execute("SET ROLE authenticated")
    await conn.execute("SELECT set_config('request.jwt.claims', %s, false)", (claims,))
    return conn


async def via_rpc(repo: PostgresRepository, batch: Sequence[ProxyRecord], want: Outcome) -> None:
    """Send ``batch`` through `register`, in calls of at most BATCH; every answer ``want``."""
    for start in range(0, len(batch), BATCH):
        answers = await repo.register(batch[start : start + BATCH])
        wrong = [a for a in answers if a.outcome is not want]
        if wrong:
            raise RuntimeError(f"expected {want.value}, got {wrong[0]}")


async def autocommit(conn: Conn, batch: Sequence[ProxyRecord]) -> None:
    for r in batch:
        await conn.execute(INSERT_ONE, row(r))


async def one_transaction(conn: Conn, batch: Sequence[ProxyRecord]) -> None:
    async with conn.transaction():
        for r in batch:
            await conn.execute(INSERT_ONE, row(r))


async def set_based(conn: Conn, batch: Sequence[ProxyRecord]) -> None:
    cursor = await conn.execute(INSERT_SET, (Jsonb([element(r) for r in batch]),))
    if cursor.rowcount != len(batch):
        raise RuntimeError(f"set-based INSERT stored {cursor.rowcount} of {len(batch)}")


async def timed(action: Callable[[], Awaitable[None]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


async def one_run(
    repo: PostgresRepository, conn: Conn, size: int, methods: Sequence[str]
) -> dict[str, float]:
    """Each method once on fresh records of ``size``; every record checked stored."""
    figures: dict[str, float] = {}
    sent = records(size)
    checks = [sent]
    for method in methods:
        if method == RPC:
            figures[RPC] = await timed(lambda: via_rpc(repo, sent, Outcome.REGISTERED))
        elif method == REPLAY:
            figures[REPLAY] = await timed(lambda: via_rpc(repo, sent, Outcome.ALREADY_REGISTERED))
        else:
            batch = records(size)
            checks.append(batch)
            send = {AUTOCOMMIT: autocommit, ONE_TX: one_transaction, SET_BASED: set_based}[method]
            figures[method] = await timed(lambda: send(conn, batch))  # noqa: B023
    for batch in checks:
        found = await repo.find_registered([r.client_key for r in batch])
        if len(found) != size:
            raise RuntimeError(f"{len(found)} of {size} records stored")
    return figures


Measured = dict[int, dict[str, Samples]]


async def measure(dsn: str, sizes: Sequence[int], methods: Sequence[str], runs: int) -> Measured:
    async with await PostgresRepository.open(
        dsn, COORDINATOR.id, max_batch_size=BATCH, min_size=1, max_size=1
    ) as repo:
        conn = await as_coordinator(dsn)
        try:
            await one_run(repo, conn, 30, methods)  # warm up: the connections, the caches
            by_size: Measured = {}
            for size in sizes:
                values: dict[str, list[float]] = {m: [] for m in methods}
                for _ in range(runs):
                    for name, value in (await one_run(repo, conn, size, methods)).items():
                        values[name].append(value)
                by_size[size] = {m: Samples(tuple(v)) for m, v in values.items()}
        finally:
            await conn.close()
    return by_size


# --- the server's own account -------------------------------------------------------------
async def breakdown(dsn: str, admin: Conn) -> list[tuple[str, int, float, float]]:
    """pg_stat_user_functions for 3,000 records sent by rpc (6 calls), track_functions=all:
    (function, calls, total ms, self ms), costliest first."""
    name = dsn_of_name(dsn)
    await admin.execute(f"ALTER DATABASE \"{name}\" SET track_functions = 'all'")
    async with await PostgresRepository.open(dsn, COORDINATOR.id, min_size=1, max_size=1) as repo:
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as owner:
            await owner.execute("SELECT pg_stat_reset()")
        await via_rpc(repo, records(max(SIZES)), Outcome.REGISTERED)
    await asyncio.sleep(1.5)  # the backends flush their counters when idle or gone
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as owner:
        cursor = await owner.execute(
            "SELECT schemaname || '.' || funcname, calls, total_time, self_time"
            " FROM pg_stat_user_functions ORDER BY self_time DESC"
        )
        found = [(str(f), int(c), float(t), float(s)) for f, c, t, s in await cursor.fetchall()]
    await admin.execute(f'ALTER DATABASE "{name}" RESET track_functions')
    return found


def dsn_of_name(dsn: str) -> str:
    return str(conninfo_to_dict(dsn)["dbname"])


async def never_analyzed(dsn: str) -> bool:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as owner:
        cursor = await owner.execute(
            "SELECT analyze_count + autoanalyze_count FROM pg_stat_user_tables"
            " WHERE relname = 'proxy_activities'"
        )
        found = await cursor.fetchone()
    return found is not None and found[0] == 0


# --- whole submissions at the wire --------------------------------------------------------
Counted = dict[tuple[int, str], tuple[int, float]]
SUBMITTERS: tuple[tuple[str, Strategy], ...] = (
    ("rpc", RpcStrategy()),
    ("chunked (5 per call, 4 at a time)", ChunkedStrategy()),
    ("one call per mentor (chunked, 1 per call, 1 at a time)", ChunkedStrategy(1, 1)),
)


async def count_submissions(proxied: str, sizes: Sequence[int]) -> tuple[Counted, int]:
    """Round trips and wall time of one submission per (size, strategy) through the proxy,
    with the ledger, and of the restore read (`latest`) before the last one."""
    counted: Counted = {}
    restore = 0
    async with await PostgresRepository.open(
        proxied, COORDINATOR.id, min_size=4, max_size=4
    ) as repo:
        for size in sizes:
            for label, strategy in SUBMITTERS:
                sub = submission(f"count-{uuid.uuid4().hex[:12]}", ROSTER, size)
                orchestrator = BulkRegistrationOrchestrator(repo, strategy=strategy, policy=POLICY)
                answers: dict[str, RecordResult] = {}
                before = PROXY.exchanges
                start = time.perf_counter()
                await orchestrator.submit(sub, answers.__setitem__, asyncio.Event())
                elapsed = time.perf_counter() - start
                check(sub, answers)
                counted[(size, label)] = (PROXY.exchanges - before, elapsed)
        before = PROXY.exchanges
        await BulkRegistrationOrchestrator(repo, policy=POLICY).latest(COORDINATOR.id)
        restore = PROXY.exchanges - before
    return counted, restore


def check(sub: Submission, answers: dict[str, RecordResult]) -> None:
    if len(answers) != len(sub.records) or any(
        a.outcome is not Outcome.REGISTERED for a in answers.values()
    ):
        raise RuntimeError(f"{sub.id}: not every record was registered")


PROXY = LatencyProxy("127.0.0.1", 5432, LATENCY)


def proxied_dsn(dsn: str) -> str:
    return make_conninfo(dsn, host="127.0.0.1", port=str(PROXY.port))


Results = tuple[Measured, Measured, list[tuple[str, int, float, float]], Counted, int, bool]


async def everything(dsn: str, quick: bool) -> Results:
    runs = QUICK_RUNS if quick else RUNS
    loopback = await measure(dsn, SIZES, METHODS, runs)
    analyzed_not = await never_analyzed(dsn)
    upstream = conninfo_to_dict(ADMIN_DSN)
    PROXY.host = str(upstream.get("host") or "127.0.0.1")
    PROXY.upstream_port = int(upstream.get("port") or 5432)
    async with PROXY.running():
        slow = await measure(
            proxied_dsn(dsn),
            (PROXY_SIZE,),
            PROXY_METHODS,
            QUICK_PROXY_RUNS if quick else PROXY_RUNS,
        )
        counted, restore = await count_submissions(proxied_dsn(dsn), COUNT_SIZES)
    async with await psycopg.AsyncConnection.connect(ADMIN_DSN, autocommit=True) as admin:
        functions = await breakdown(dsn, admin)
    return loopback, slow, functions, counted, restore, analyzed_not


def with_database(quick: bool) -> Results:
    with throwaway_database("proxyreg_bench") as name:
        dsn = dsn_of(name)
        asyncio.run(migrate(dsn))
        with psycopg.connect(dsn, autocommit=True) as owner:
            for (table,) in owner.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall():
                owner.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = off)')
        asyncio.run(
            seed(dsn, [COORDINATOR], ROSTER.mentors, {COORDINATOR.id: mentor_ids(max(SIZES))})
        )
        return asyncio.run(everything(dsn, quick))


# --- the report ---------------------------------------------------------------------------
def figures_table(by_size: Measured, caption: str = "") -> Table:
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
        caption=caption,
    )


def ratio_table(by_size: Measured) -> Table:
    rows = []
    for size, m in by_size.items():
        rpc = m[RPC].median
        rows.append(
            (
                f"{size:,}",
                str(-(-size // BATCH)),
                times(rpc / m[SET_BASED].median),
                times(m[AUTOCOMMIT].median / rpc),
                times(m[ONE_TX].median / rpc),
                times(m[REPLAY].median / rpc),
            )
        )
    return Table(
        (
            "records",
            "RPC calls",
            "rpc / set-based",
            "one INSERT per record (autocommit) / rpc",
            "one INSERT per record (one transaction) / rpc",
            "replay / rpc",
        ),
        tuple(rows),
        caption="**Ratios, loopback** (of medians)",
    )


def functions_table(functions: list[tuple[str, int, float, float]]) -> Table:
    n = max(SIZES)
    return Table(
        ("function", "calls", "calls per record", "total", "self", "self per record"),
        tuple(
            (
                f"`{name}`",
                f"{calls:,}",
                f"{calls / n:.3g}",
                seconds(total / 1e3),
                seconds(own / 1e3),
                seconds(own / 1e3 / n),
            )
            for name, calls, total, own in functions
        ),
        caption=f"**The server's own account** of {n:,} records sent by rpc (6 calls of 500), "
        "`pg_stat_user_functions` with `track_functions = all` (which adds its own overhead; "
        "SQL functions the planner inlines are not counted; the set-based statements "
        "themselves are part of their function's self time)",
    )


def counted_table(counted: Counted, restore: int) -> Table:
    rows = [
        (f"{size:,}", label, f"{trips:,}", seconds(wall))
        for (size, label), (trips, wall) in counted.items()
    ]
    rows.append(("–", "the restore read on entering the bulk flow (`latest`)", f"{restore}", "–"))
    return Table(
        ("mentors", "submission (orchestrator, with the ledger)", "round trips", "wall time"),
        tuple(rows),
        caption=f"**Round trips per submission, counted at the wire** through the proxy "
        f"({LATENCY * 1e3:.0f} ms each), PostgresRepository with a warm pool of 4 connections, "
        "one run each",
    )


def targets(loopback: Measured, slow: Measured, counted: Counted, restore: int) -> list[Target]:
    goals = []
    for size in LIMIT_SIZES:
        at = loopback[size]
        over = at[RPC].median / at[SET_BASED].median
        goals.append(
            Target(
                f"{size:,} records: rpc within {MAX_OVER_LIMIT:g}× of the set-based INSERT",
                f"{times(over)} ({seconds(at[RPC].median)} vs {seconds(at[SET_BASED].median)})",
                over <= MAX_OVER_LIMIT,
            )
        )
    at = slow[PROXY_SIZE]
    speedup = at[AUTOCOMMIT].median / at[RPC].median
    goals.append(
        Target(
            f"{PROXY_SIZE} records at {LATENCY * 1e3:.0f} ms a round trip: rpc ≥ "
            f"{MIN_PROXY_SPEEDUP:g}× faster than one INSERT per record",
            f"{times(speedup)} ({seconds(at[RPC].median)} vs {seconds(at[AUTOCOMMIT].median)})",
            speedup >= MIN_PROXY_SPEEDUP,
        )
    )
    rpc_trips = {size: trips for (size, label), (trips, _) in counted.items() if label == "rpc"}
    goals.append(
        Target(
            f"an rpc submission of ≤ {BATCH} mentors with the ledger: 1 round trip "
            "(2 with the restore read)",
            ", ".join(f"{trips} at {size:,}" for size, trips in rpc_trips.items())
            + f"; restore read {restore}",
            all(t == 1 for t in rpc_trips.values()) and restore == 1,
        )
    )
    replays = {size: m[REPLAY].median / m[RPC].median for size, m in loopback.items()}
    worst = max(replays, key=replays.__getitem__)
    goals.append(
        Target(
            "replaying a whole batch costs no more than the first submission (every size)",
            f"worst {replays[worst]:.2f}× at {worst:,} records",
            all(r <= 1.0 for r in replays.values()),
        )
    )
    return goals


WHAT_CHANGED = (
    "**What changed.** The first runs of this benchmark (2026-11-26, same machine, tables "
    "ANALYZEd first) measured the RPC at 1.2× one INSERT per record at 300 and 8.2× the "
    "set-based INSERT at 3,000: it judged every element on its own, one statement after "
    "another in a subtransaction each, calling `private.caller_id()` (a function with "
    "`SET search_path`, so never inlined) several times per element. Migration 007 rewrote "
    "`register_proxy_activities` (and the atomic twin) set-based: the caller's id is read "
    "once per call, the payload hash taken once per record (`private.payload_hash` lost its "
    "`SET search_path`; every name in it is schema-qualified), and each call is three "
    "statements whatever its size: classify (stored keys and assignments read once and "
    "joined), one `INSERT … ON CONFLICT DO NOTHING RETURNING` in key order, and the answer. "
    "The per-element subtransaction is only the fallback when that insert raises. The "
    "statements on tables are planned at each call (a plan cached while the table was "
    "nearly empty made 3,000 records take 3.6 – 15.5 s in a trial run of this version), and "
    "an index on (registered_by, client_key) replaces the one on registered_by, so the key "
    "probe under row-level security stays an index probe on a never-analyzed table. "
    "`register_submission` keeps the ledger in the same call and transaction, and "
    "`PostgresRepository` sends a call as one simple query (BEGIN, role, claims, the "
    "statement, COMMIT), where each was an exchange of its own: the round trips above."
)


def diagnosis(
    loopback: Measured,
    slow: Measured,
    functions: list[tuple[str, int, float, float]],
    goals: Sequence[Target],
) -> tuple[str, ...]:
    """What the figures say about the targets not met (only what they show)."""
    found = []
    own = {name: self_ms for name, _, _, self_ms in functions}
    n = max(SIZES)
    if not all(goal.met for goal in goals[: len(LIMIT_SIZES)]):
        extra = ", ".join(
            f"{seconds((m[RPC].median - m[SET_BASED].median) / size)} at {size:,}"
            for size, m in loopback.items()
            if size in LIMIT_SIZES
        )
        found.append(
            f"**Why rpc is not within {MAX_OVER_LIMIT:g}× of the set-based INSERT:** it costs "
            f"{extra} a record more (medians). The server's account above puts classify at "
            f"{seconds(own.get('private.classify', 0.0) / 1e3 / n)} a record and "
            f"register_batch's own time at "
            f"{seconds(own.get('private.register_batch', 0.0) / 1e3 / n)} a record (the insert, "
            "with the row-level security check, the trigger and the foreign keys the set-based "
            "INSERT pays too, and the answer), both with `track_functions`' overhead. What "
            "the set-based INSERT does not do is validate each element, look its key and its "
            "mentor up, and answer per record; the rest is PL/pgSQL handing the judged batch "
            f"from one statement to the next as an array. Above {BATCH:,} records the RPC is "
            f"several calls of {BATCH} (the per-call limit), each with its own round trip, "
            "planning and start-up, against one statement for the whole array."
        )
    at = slow[PROXY_SIZE]
    speedup = at[AUTOCOMMIT].median / at[RPC].median
    if speedup < MIN_PROXY_SPEEDUP:
        budget = at[AUTOCOMMIT].median / MIN_PROXY_SPEEDUP
        found.append(
            f"**Why rpc is not {MIN_PROXY_SPEEDUP:g}× faster through the proxy:** one INSERT "
            f"per record took {seconds(at[AUTOCOMMIT].median)} ({PROXY_SIZE} round trips of "
            f"{LATENCY * 1e3:.0f} ms and their server time), so {MIN_PROXY_SPEEDUP:g}× asks rpc "
            f"for at most {seconds(budget)}: one round trip ({LATENCY * 1e3:.0f} ms) and "
            f"{seconds(budget - LATENCY)} of server work. It took {seconds(at[RPC].median)} "
            f"(the same call took {seconds(loopback[PROXY_SIZE][RPC].median)} on loopback): "
            "the miss is server time, on a machine whose load the spreads show."
        )
    return tuple(found)


def notes(analyzed_not: bool) -> tuple[str, ...]:
    return (
        WHAT_CHANGED,
        "**Never analyzed:** "
        + (
            "`proxy_activities` had no ANALYZE (manual or automatic) during the whole run."
            if analyzed_not
            else "`proxy_activities` WAS analyzed during the run: the figures do not show "
            "the fresh-table case."
        ),
    )


def run(quick: bool) -> Section:
    about = __doc__.split("\n\n", 1)[1].strip() if __doc__ else ""
    why = unreachable()
    if why is not None:
        return skipped(TITLE, SCRIPT, about, why)
    loopback, slow, functions, counted, restore, analyzed_not = with_database(quick)
    goals = targets(loopback, slow, counted, restore)
    return Section(
        title=TITLE,
        script=SCRIPT,
        about=about,
        tables=(
            figures_table(loopback),
            ratio_table(loopback),
            figures_table(
                slow,
                caption=f"**Through the proxy, {LATENCY * 1e3:.0f} ms a round trip** "
                "(the same methods, the same server)",
            ),
            functions_table(functions),
            counted_table(counted, restore),
        ),
        targets=tuple(goals),
        notes=(*notes(analyzed_not), *diagnosis(loopback, slow, functions, goals)),
    )


if __name__ == "__main__":
    main(run, "Time the PostgreSQL batch RPC against row-by-row and set-based INSERTs.")
