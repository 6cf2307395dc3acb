"""The set-based batch RPC and register_submission on PostgreSQL: what 007 adds beyond the
contract (a full batch at once from two sessions, the per-element fallback, the ledger in
the same call and transaction, one exchange per call through the orchestrator).

One throwaway database for the module (tests/pg.py); each test starts from the contract's
world, freshly seeded, plus a coordinator-sized roster for KARI.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import psycopg
import pytest

from contract.repository_contract import record
from contract.world import KARI, OLA, OSLO, WORLD
from pg import reset, throwaway_database
from proxyreg.adapters.postgres import PostgresRepository, seed
from proxyreg.domain import Mentor, Outcome, RecordResult, Submission
from proxyreg.orchestration import BulkRegistrationOrchestrator, RetryPolicy
from proxyreg.ports import SubmissionBatchRepository

pytestmark = pytest.mark.postgres

T = TypeVar("T")
FULL = 500
"""A full batch: the default per-call limit."""
MANY = tuple(Mentor(f"b{i:03d}", f"Batch mentor {i:03d}", OSLO) for i in range(FULL))
POLICY = RetryPolicy(
    attempts=3, base_delay=0.001, max_delay=0.004, attempt_timeout=5.0, total_timeout=30.0
)


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with throwaway_database() as dsn:
        yield dsn


@pytest.fixture
def dsn(database: str) -> str:
    asyncio.run(reset(database, WORLD))
    asyncio.run(seed(database, [KARI], MANY, {KARI.id: [m.id for m in MANY]}))
    return database


@asynccontextmanager
async def acting(
    dsn: str, coordinator_id: str = KARI.id, **options: Any
) -> AsyncIterator[PostgresRepository]:
    async with await PostgresRepository.open(dsn, coordinator_id, **options) as repo:
        yield repo


def owner_rows(dsn: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query.encode(), params).fetchall()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def test_two_sessions_sending_the_same_full_batch_store_each_key_once(dsn: str) -> None:
    """The same 500 records from two sessions at once: each stored once, each answered
    registered by one session and a replay of the same id by the other."""
    sent = [record(m.id) for m in MANY]

    async def scenario() -> list[tuple[RecordResult, ...]]:
        async with acting(dsn) as first, acting(dsn) as second:
            return list(await asyncio.gather(first.register(sent), second.register(sent)))

    one, other = run(scenario())
    pairs = [sorted((a.outcome.value, b.outcome.value)) for a, b in zip(one, other, strict=True)]
    assert pairs == [["already_registered", "registered"]] * FULL
    assert [a.record_id for a in one] == [b.record_id for b in other]
    assert owner_rows(dsn, "SELECT count(*) FROM proxy_activities") == [(FULL,)]


def test_a_batch_whose_insert_raises_is_judged_element_by_element(dsn: str) -> None:
    """A constraint the function does not know (added here as the owner) makes the set-based
    insert raise: the batch is judged again element by element, so only that record fails,
    with the server's reason, and the others are stored."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "ALTER TABLE proxy_activities ADD CONSTRAINT no_77 CHECK (minutes <> 77) NOT VALID"
        )
    sent = [record("m01"), record("m02", minutes=77), record("m03")]
    try:

        async def scenario() -> tuple[RecordResult, ...]:
            async with acting(dsn) as repo:
                return await repo.register(sent)

        answers = run(scenario())
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("ALTER TABLE proxy_activities DROP CONSTRAINT no_77")
    assert [(a.outcome, a.code) for a in answers] == [
        (Outcome.REGISTERED, None),
        (Outcome.REJECTED, "invalid"),
        (Outcome.REGISTERED, None),
    ]
    assert "no_77" in answers[1].message
    assert sorted(r[0] for r in owner_rows(dsn, "SELECT mentor_id FROM proxy_activities")) == [
        "m01",
        "m03",
    ]


def test_register_submission_keeps_the_ledger_with_the_records(dsn: str) -> None:
    """One call: the submission, its records and their outcomes are in the ledger, the
    records in the table, each outcome the call's answer."""
    submission = Submission("s1", KARI.id, (record("m01"), record("m02"), record("nobody")))

    async def scenario() -> tuple[tuple[RecordResult, ...], Any]:
        async with acting(dsn) as repo:
            assert isinstance(repo, SubmissionBatchRepository)
            answers = await repo.register_submission(submission)
            return answers, await repo.ledger_entry("s1")

    answers, entry = run(scenario())
    assert [(a.outcome, a.code) for a in answers] == [
        (Outcome.REGISTERED, None),
        (Outcome.REGISTERED, None),
        (Outcome.REJECTED, "not_assigned"),
    ]
    assert entry.submission.records == submission.records
    assert {m: (r.outcome, r.record_id) for m, r in entry.outcomes.items()} == {
        r.mentor_id: (a.outcome, a.record_id)
        for r, a in zip(submission.records, answers, strict=True)
    }


def test_register_submission_of_anothers_submission_stores_nothing(dsn: str) -> None:
    """A submission id another coordinator holds: PermissionError, and neither the records
    nor any ledger row are kept."""

    async def scenario() -> None:
        async with acting(dsn, OLA.id) as ola:
            await ola.record_submission(Submission("theirs", OLA.id, (record("m09"),)))
        async with acting(dsn) as repo:
            with pytest.raises(PermissionError):
                await repo.register_submission(Submission("theirs", KARI.id, (record("m01"),)))

    run(scenario())
    assert owner_rows(dsn, "SELECT count(*) FROM proxy_activities") == [(0,)]
    assert owner_rows(dsn, "SELECT submission_id, mentor_id FROM submission_records") == [
        ("theirs", "m09")
    ]


def test_a_failed_record_once_in_doubt_answers_unknown(dsn: str) -> None:
    """A record the server could not store now (its key locked past lock_timeout) answers
    failed; if its kept outcome was unknown (an earlier send may have landed), it answers
    unknown and the ledger keeps unknown for the client to settle."""
    sent = (record("m01"), record("m02"))
    with psycopg.connect(dsn, autocommit=True) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
        assert name is not None
        conn.execute(f"ALTER DATABASE \"{name[0]}\" SET lock_timeout = '200ms'")
    try:

        async def scenario() -> tuple[RecordResult, ...]:
            async with acting(dsn) as repo:
                await repo.record_submission(Submission("s1", KARI.id, sent))
                earlier = RecordResult(sent[1].client_key, Outcome.UNKNOWN, message="No answer.")
                await repo.record_outcomes("s1", {"m02": earlier})
                async with await psycopg.AsyncConnection.connect(dsn) as holder:
                    await holder.execute(
                        "INSERT INTO proxy_activities (client_key, mentor_id, registered_by,"
                        " kind, activity_date, minutes) VALUES (%s, 'm02', %s, 'home_visit',"
                        " %s, 60)",
                        (sent[1].client_key, KARI.id, sent[1].date),
                    )  # not committed: the key is held
                    answers = await repo.register_submission(Submission("s1", KARI.id, sent))
                    await holder.rollback()
                return answers

        answers = run(scenario())
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name[0]}" RESET lock_timeout')
    assert [(a.outcome, a.code) for a in answers] == [
        (Outcome.REGISTERED, None),
        (Outcome.UNKNOWN, "no_answer"),
    ]
    assert owner_rows(
        dsn, "SELECT mentor_id, outcome FROM submission_outcomes ORDER BY mentor_id"
    ) == [("m01", "registered"), ("m02", "unknown")]


def test_an_rpc_submission_is_one_call_with_its_ledger(dsn: str) -> None:
    """Through the orchestrator, an rpc submission within the limit is one server call (the
    server's function counters say so: no per-record function), and the ledger holds every
    outcome."""
    submission = Submission("s1", KARI.id, tuple(record(m.id) for m in MANY[:30]))
    with psycopg.connect(dsn, autocommit=True) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
        assert name is not None
        conn.execute(f"ALTER DATABASE \"{name[0]}\" SET track_functions = 'pl'")
    calls_before = function_calls(dsn)

    async def scenario() -> dict[str, RecordResult]:
        results: dict[str, RecordResult] = {}
        async with acting(dsn) as repo:
            orchestrator = BulkRegistrationOrchestrator(repo, policy=POLICY, seed=1)
            await orchestrator.submit(submission, lambda m, r: results.update({m: r}))
        return results

    try:
        results = run(scenario())
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name[0]}" RESET track_functions')
    assert {r.outcome for r in results.values()} == {Outcome.REGISTERED}
    calls = {f: n - calls_before.get(f, 0) for f, n in function_calls(dsn).items()}
    assert {f: n for f, n in calls.items() if n} == {
        "register_submission": 1,
        "ledger_record_submission": 1,
        "register_batch": 1,
        "batch_items": 1,
        "set_payload_hash": 30,  # the table's trigger: one hash per stored record
    }
    assert owner_rows(dsn, "SELECT count(*), count(DISTINCT outcome) FROM submission_outcomes") == [
        (30, 1)
    ]


def function_calls(dsn: str) -> dict[str, int]:
    """Calls per PL/pgSQL function so far (pg_stat_user_functions, flushed at each commit)."""
    rows = owner_rows(dsn, "SELECT funcname, calls FROM pg_stat_user_functions")
    return {str(name): int(calls) for name, calls in rows}
