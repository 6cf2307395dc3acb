"""Wall time and backend calls of a bulk submission, per sending strategy, at 20 ms per call.

Why: the point of `rpc` is one round trip for a whole batch instead of one per
mentor; on a phone network each round trip costs tens of milliseconds, so the
number of sequential calls decides how long a coordinator waits. The backend
is the in-memory repository behind `FaultyRepository` with
`FaultSpec(latency_ms=20)` and no other fault: every call that reaches the
fault layer sleeps 20 ms first, and so does every ledger call (`ledger_entry`,
`record_submission`, `record_outcomes`), which on a real backend is a round trip too.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from _fixtures import roster, submission
from _report import Samples, Section, Table, main, seconds, spread, times

from proxyreg.adapters.faults import FaultSpec, FaultyRepository
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import LedgerEntry, Outcome, RecordResult, Submission
from proxyreg.orchestration import (
    BulkRegistrationOrchestrator,
    ChunkedStrategy,
    RetryPolicy,
    RpcStrategy,
    Strategy,
)

SCRIPT = "benchmarks/bulk_strategies.py"
LATENCY_MS = 20.0
MAX_BATCH = 500  # the in-memory adapter's default, kept: rpc sends 3,000 mentors in 6 calls
POLICY = RetryPolicy(attempt_timeout=600.0, total_timeout=600.0)  # never cuts a run short
SIZES = {30: 5, 300: 5, 3_000: 3}  # mentors: runs
QUICK_SIZES = {30: 2, 300: 2}
RATIO_SIZE = 300
ROSTER = roster(max(SIZES))

Answers = dict[str, RecordResult]


class LedgeredFaultyRepository(FaultyRepository):
    """`FaultyRepository` whose ledger calls pay the latency too, and are counted."""

    async def _ledger_call(self, method: str) -> None:
        self.calls[method] += 1
        await asyncio.sleep(self.spec.latency_ms / 1000)

    async def record_submission(self, submission: Submission) -> None:
        await self._ledger_call("record_submission")
        await super().record_submission(submission)

    async def record_outcomes(
        self, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        await self._ledger_call("record_outcomes")
        await super().record_outcomes(submission_id, outcomes)

    async def ledger_entry(self, submission_id: str) -> LedgerEntry | None:
        await self._ledger_call("ledger_entry")
        return await super().ledger_entry(submission_id)


Send = Callable[[FaultyRepository, Submission], Awaitable[Answers]]


@dataclass(frozen=True)
class Method:
    """One way of sending a submission."""

    name: str
    label: str
    send: Send


def orchestrated(strategy: Strategy) -> Send:
    """Send through `BulkRegistrationOrchestrator.submit` with ``strategy``."""

    async def send(repo: FaultyRepository, sub: Submission) -> Answers:
        answers: Answers = {}
        orchestrator = BulkRegistrationOrchestrator(repo, strategy=strategy, policy=POLICY, seed=1)
        await orchestrator.submit(sub, answers.__setitem__, asyncio.Event())
        return answers

    return send


async def naive(repo: FaultyRepository, sub: Submission) -> Answers:
    """The baseline: one ``register_one`` call per mentor, each awaited before the next."""
    answers: Answers = {}
    for record in sub.records:
        answers[record.mentor_id] = await repo.register_one(record)
    return answers


METHODS = (
    Method("rpc", "rpc (`RpcStrategy()`)", orchestrated(RpcStrategy())),
    Method(
        "chunked",
        "chunked (`ChunkedStrategy()`: 5 per call, 4 at a time)",
        orchestrated(ChunkedStrategy()),
    ),
    Method("naive", "naive loop, one call per mentor (**baseline**)", naive),
)


@dataclass(frozen=True)
class Run:
    """One measured submission: its wall time and the calls that reached the backend."""

    seconds: float
    calls: collections.Counter[str]


def verify(sub: Submission, answers: Answers, inner: InMemoryRepository) -> None:
    """Raise unless every record was answered ``registered`` and is stored exactly once."""
    keys = {r.mentor_id: r.client_key for r in sub.records}
    wrong = [
        mentor
        for mentor, key in keys.items()
        if (answer := answers.get(mentor)) is None
        or answer.outcome is not Outcome.REGISTERED
        or answer.client_key != key
    ]
    stored = [s.record.client_key for s in inner.stored()]
    if wrong or len(answers) != len(keys) or sorted(stored) != sorted(keys.values()):
        raise RuntimeError(
            f"{sub.id}: {len(wrong)} of {len(keys)} records not registered, "
            f"{len(answers)} answers, {len(stored)} stored"
        )


async def timed(method: Method, sub: Submission) -> Run:
    """Send ``sub`` to a fresh backend with ``method``; time it, count its calls, check it."""
    inner = InMemoryRepository.of_rosters(ROSTER, max_batch_size=MAX_BATCH)
    repo = LedgeredFaultyRepository(inner, FaultSpec(latency_ms=LATENCY_MS))
    start = time.perf_counter()
    answers = await method.send(repo, sub)
    elapsed = time.perf_counter() - start
    verify(sub, answers, inner)
    return Run(elapsed, collections.Counter(repo.calls))


def measure(size: int, runs: int) -> dict[str, list[Run]]:
    """``runs`` repetitions; in each, every method back to back on the same submission."""
    measured: dict[str, list[Run]] = {m.name: [] for m in METHODS}
    for repetition in range(runs):
        sub = submission(f"bench-{size}-{repetition}", ROSTER, size)
        for method in METHODS:
            measured[method.name].append(asyncio.run(timed(method, sub)))
    return measured


def calls_cell(runs: list[Run]) -> str:
    """The backend calls of one run, by method (the same in every run, else a range)."""
    seen = {tuple(sorted(r.calls.items())) for r in runs}
    if len(seen) == 1:
        return ", ".join(f"{n:,} × `{name}`" for name, n in next(iter(seen)))
    totals = Samples(tuple(float(r.calls.total()) for r in runs))
    return f"{totals.low:,.0f} – {totals.high:,.0f} (varied)"


def figures_table(by_size: dict[int, dict[str, list[Run]]]) -> Table:
    rows = []
    for size, measured in by_size.items():
        for method in METHODS:
            runs = measured[method.name]
            wall = Samples(tuple(r.seconds for r in runs))
            rows.append(
                (
                    f"{size:,}",
                    method.label,
                    str(wall.runs),
                    seconds(wall.median),
                    spread(wall),
                    calls_cell(runs),
                )
            )
    return Table(
        ("mentors", "method", "runs", "wall time (median)", "spread (min – max)", "backend calls"),
        tuple(rows),
    )


def ratio(measured: dict[str, list[Run]], slow: str, fast: str) -> Samples:
    """``slow`` / ``fast`` wall time, per repetition (both measured back to back)."""
    pairs = zip(measured[slow], measured[fast], strict=True)
    return Samples(tuple(s.seconds / f.seconds for s, f in pairs))


def ratio_table(measured: dict[str, list[Run]]) -> Table:
    rows = tuple(
        (f"{slow} / rpc", times(r.median), spread(r, times), str(r.runs))
        for slow in ("naive", "chunked")
        for r in (ratio(measured, slow, "rpc"),)
    )
    return Table(
        ("ratio", "median", "spread (min – max)", "repetitions"),
        rows,
        caption=f"**Ratios at {RATIO_SIZE} mentors** (wall time of each method over rpc's, "
        f"taken per repetition, where the three methods ran back to back in the same "
        f"process; then the median of those ratios)",
    )


ABOUT = (
    __doc__.split("\n\n", 1)[1].strip()
    + f"""

Each run starts from a fresh backend and sends the same submission three ways,
back to back: `rpc` and `chunked` through
`BulkRegistrationOrchestrator.submit(submission, on_result, asyncio.Event())`
with `RetryPolicy(attempt_timeout=600, total_timeout=600)` (nothing is cut off),
and the baseline, a loop in this script awaiting `repo.register_one(...)` once
per mentor. The backend keeps the in-memory adapter's default batch limit of
{MAX_BATCH} records, so `rpc` needs one call up to {MAX_BATCH} mentors and
⌈N / {MAX_BATCH}⌉ calls, sent one after another, above it. Wall time runs from
the first call to the last answer (records are built beforehand). "Backend
calls" are the calls that paid the latency: the writes, `find_registered` and the
ledger (`ledger_entry` and `record_submission` before sending, `record_outcomes` as
outcomes arrive, written in batches in the background). The naive loop writes no
ledger. The in-memory backend has no call that carries the ledger with the batch
(`register_submission`, PostgreSQL's and Supabase's), so `rpc` here pays the separate
ledger calls; the PostgreSQL section counts that path at the wire. After every run the
benchmark checks that each mentor was answered `registered` and stored exactly once,
and stops if not."""
)


def run(quick: bool) -> Section:
    sizes = QUICK_SIZES if quick else SIZES
    by_size = {size: measure(size, runs) for size, runs in sizes.items()}
    notes = () if quick else ("No target is set for this benchmark; the figures stand alone.",)
    return Section(
        title="Bulk submission: rpc, chunked and one call per mentor, at 20 ms per call",
        script=SCRIPT,
        about=ABOUT,
        tables=(figures_table(by_size), ratio_table(by_size[RATIO_SIZE])),
        notes=notes,
    )


if __name__ == "__main__":
    main(run, "Time rpc, chunked and a naive loop over a backend with 20 ms per call.")
