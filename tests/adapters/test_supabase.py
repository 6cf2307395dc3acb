"""The Supabase adapter over HTTP: what each kind of answer (or no answer) becomes.

The adapter talks through the official client to the PostgREST stand-in
(tests/postgrest_standin.py) over a throwaway real PostgreSQL. Each test starts from the
contract's world, freshly seeded, with no fault armed; what is stored is read as the owner.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import psycopg
import pytest
from psycopg import sql

from contract.repository_contract import record
from contract.world import KARI, WORLD
from pg import reset, throwaway_database
from postgrest_standin import ANON_KEY, PostgrestStandIn, status_of, token
from proxyreg.adapters.supabase import (
    ServerError,
    SupabaseRepository,
    retry_after_seconds,
    token_subject,
)
from proxyreg.domain import LedgerEntry, Outcome, ProxyRecord, RecordResult, Submission
from proxyreg.orchestration import NO_ANSWER, NOT_SAVED, BulkRegistrationOrchestrator, RetryPolicy
from proxyreg.ports import (
    INVALID,
    BatchTooLargeError,
    BatchUnsupportedError,
    NoSchemaError,
    TransientError,
)

pytestmark = pytest.mark.postgres

T = TypeVar("T")
RPC = "rpc/register_proxy_activities"
LOOKUP = "proxy_activities"
POLICY = RetryPolicy(
    attempts=4, base_delay=0.001, max_delay=0.004, attempt_timeout=5.0, total_timeout=30.0
)
CLIENT_TIMEOUT = 0.3
"""The adapter's read timeout in the delayed-reply tests; the stand-in waits longer."""
LATE = 1.0


@pytest.fixture(scope="module")
def server() -> Iterator[PostgrestStandIn]:
    with throwaway_database() as dsn, PostgrestStandIn(dsn).running() as standin:
        yield standin


@pytest.fixture
def standin(server: PostgrestStandIn) -> PostgrestStandIn:
    server.clear()
    asyncio.run(reset(server.dsn, WORLD))
    return server


@asynccontextmanager
async def opened(
    standin: PostgrestStandIn, access_token: str | None = None, **options: Any
) -> AsyncIterator[SupabaseRepository]:
    async with await SupabaseRepository.open(
        standin.url, ANON_KEY, access_token or token(KARI.id), **options
    ) as repo:
        yield repo


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def stored(standin: PostgrestStandIn) -> list[tuple[str, str]]:
    """(client key, record id) of every stored record, read as the owner."""
    with psycopg.connect(standin.dsn) as conn:
        rows = conn.execute("SELECT client_key, id::text FROM proxy_activities ORDER BY 1")
        return [(str(key), str(rid)) for key, rid in rows.fetchall()]


SENT = (record("m01"), record("m02"), record("m03"))
SUBMISSION = Submission("s1", KARI.id, SENT)


async def submit(
    repo: SupabaseRepository, submission: Submission = SUBMISSION
) -> tuple[dict[str, RecordResult], list[float]]:
    """Send through an orchestrator: each mentor's outcome, and every wait between tries."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    results: dict[str, RecordResult] = {}
    orchestrator = BulkRegistrationOrchestrator(repo, policy=POLICY, seed=1, sleep=sleep)
    await orchestrator.submit(submission, lambda mentor, result: results.update({mentor: result}))
    return results, waits


def statuses(results: dict[str, RecordResult]) -> list[tuple[Outcome, str | None]]:
    return [(results[r.mentor_id].outcome, results[r.mentor_id].code) for r in SENT]


def keys(records: Sequence[ProxyRecord]) -> list[str]:
    return sorted(r.client_key for r in records)


# --- no answer after the commit ------------------------------------------------------------
def test_a_reply_late_past_the_timeout_reconciles_as_registered_once(
    standin: PostgrestStandIn,
) -> None:
    """The server commits, the client times out: reconciliation finds every record landed,
    and each is stored once, from one POST."""
    standin.delay_reply(RPC, LATE)

    async def scenario() -> dict[str, RecordResult]:
        async with opened(standin, timeout=CLIENT_TIMEOUT) as repo:
            results, _ = await submit(repo)
            return results

    results = run(scenario())
    assert statuses(results) == [(Outcome.REGISTERED, None)] * 3
    assert sorted((r.client_key, r.record_id) for r in results.values()) == stored(standin)
    assert [key for key, _ in stored(standin)] == keys(SENT)
    assert standin.count("POST", RPC) == 1


def test_retry_failed_after_a_lost_reply_answers_the_original_records(
    standin: PostgrestStandIn,
) -> None:
    """Reply lost and the check unanswered too: the records stay unknown; Retry failed sends
    them again with the same keys and gets the original ids back; nothing is stored twice."""
    standin.delay_reply(RPC, LATE)
    standin.refuse(LOOKUP)

    async def scenario() -> tuple[dict[str, RecordResult], dict[str, RecordResult], Any]:
        async with opened(standin, timeout=CLIENT_TIMEOUT) as repo:
            first, _ = await submit(repo)
            again, _ = await submit(repo)  # Retry failed: the same submission, same keys
            return first, again, await repo.ledger_entry(SUBMISSION.id)

    first, again, entry = run(scenario())
    assert statuses(first) == [(Outcome.UNKNOWN, NO_ANSWER)] * 3
    assert statuses(again) == [(Outcome.ALREADY_REGISTERED, None)] * 3
    assert sorted((r.client_key, r.record_id) for r in again.values()) == stored(standin)
    assert len(stored(standin)) == 3
    assert entry is not None
    assert dict(entry.outcomes) == again


# --- refused for now -----------------------------------------------------------------------
def test_a_429_raises_transient_with_retry_after_and_is_sent_once(
    standin: PostgrestStandIn,
) -> None:
    """429: TransientError with the server's Retry-After; the client did not resend it."""
    standin.answer_status(RPC, 429, retry_after="7", message="Too many requests")

    async def scenario() -> TransientError:
        async with opened(standin) as repo:
            with pytest.raises(TransientError) as caught:
                await repo.register(SENT)
            return caught.value

    error = run(scenario())
    assert (error.status, error.retry_after, str(error)) == (429, 7.0, "Too many requests")
    assert standin.count("POST", RPC) == 1
    assert stored(standin) == []


def test_the_orchestrator_waits_out_retry_after_then_registers(
    standin: PostgrestStandIn,
) -> None:
    """Through the orchestrator, a 429 is retried no sooner than Retry-After; all land once."""
    standin.answer_status(RPC, 429, retry_after="7")

    async def scenario() -> tuple[dict[str, RecordResult], list[float]]:
        async with opened(standin) as repo:
            return await submit(repo)

    results, waits = run(scenario())
    assert statuses(results) == [(Outcome.REGISTERED, None)] * 3
    assert waits == [7.0]
    assert standin.count("POST", RPC) == 2
    assert len(stored(standin)) == 3


def test_a_503_is_transient_and_not_retried_by_the_client(standin: PostgrestStandIn) -> None:
    """503 (a date in Retry-After): TransientError, one POST, nothing stored."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)
    standin.answer_status(RPC, 503, retry_after=later.strftime("%a, %d %b %Y %H:%M:%S GMT"))

    async def scenario() -> TransientError:
        async with opened(standin) as repo:
            with pytest.raises(TransientError) as caught:
                await repo.register(SENT)
            return caught.value

    error = run(scenario())
    assert error.status == 503
    assert error.retry_after is not None
    assert 60 < error.retry_after <= 120
    assert standin.count("POST", RPC) == 1
    assert stored(standin) == []


def test_a_read_refused_for_now_is_transient_and_sent_once(standin: PostgrestStandIn) -> None:
    """A 503 to the reconciliation read: TransientError, for the orchestrator to retry."""
    standin.answer_status(LOOKUP, 503, retry_after="2")

    async def scenario() -> TransientError:
        async with opened(standin) as repo:
            with pytest.raises(TransientError) as caught:
                await repo.find_registered(keys(SENT))
            return caught.value

    error = run(scenario())
    assert (error.status, error.retry_after) == (503, 2.0)
    assert standin.count("GET", LOOKUP) == 1


def test_the_client_does_not_resend_a_read_on_a_dropped_connection(
    standin: PostgrestStandIn,
) -> None:
    """postgrest-py would resend a GET after a dropped connection; that is off: one GET."""
    standin.refuse(LOOKUP)

    async def scenario() -> None:
        async with opened(standin) as repo:
            with pytest.raises(ConnectionError):
                await repo.find_registered(keys(SENT))

    run(scenario())
    assert standin.count("GET", LOOKUP) == 1


# --- refused for good ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("access_token", "message"),
    [
        (token(KARI.id, expires_in=-60), "JWT expired"),
        (token(KARI.id, secret="not-the-projects-secret-but-as-long"), "JWSError"),
    ],
    ids=["expired", "forged"],
)
def test_a_bad_token_is_rejected_and_stores_nothing(
    standin: PostgrestStandIn, access_token: str, message: str
) -> None:
    """An expired or forged token: every record rejected with the server's message; reads
    are refused; nothing stored."""

    async def scenario() -> tuple[RecordResult, ...]:
        async with opened(standin, access_token) as repo:
            with pytest.raises(PermissionError):
                await repo.roster()
            return await repo.register(SENT)

    results = run(scenario())
    assert [(r.outcome, r.code) for r in results] == [(Outcome.REJECTED, "forbidden")] * 3
    assert all(message in r.message for r in results)
    assert stored(standin) == []


@pytest.mark.parametrize(
    ("status", "code", "message", "expected"),
    [
        (400, "22023", "register_proxy_activities takes a list of records.", "invalid"),
        (409, "23505", 'duplicate key value violates unique constraint "x"', "conflict"),
    ],
)
def test_a_whole_call_refusal_is_rejected_with_the_servers_message(
    standin: PostgrestStandIn, status: int, code: str, message: str, expected: str
) -> None:
    """400 and 409 for the whole call: each record rejected, saying what the server said."""
    standin.answer_status(RPC, status, code=code, message=message)

    async def scenario() -> tuple[RecordResult, ...]:
        async with opened(standin) as repo:
            return await repo.register(SENT)

    results = run(scenario())
    assert [(r.outcome, r.code, r.message) for r in results] == [
        (Outcome.REJECTED, expected, message)
    ] * 3
    assert standin.count("POST", RPC) == 1
    assert stored(standin) == []


def test_a_403_from_the_database_is_rejected_with_its_message(
    standin: PostgrestStandIn,
) -> None:
    """The role may not run the function (42501, HTTP 403): every record rejected."""
    with psycopg.connect(standin.dsn, autocommit=True) as conn:
        conn.execute(
            "REVOKE EXECUTE ON FUNCTION register_proxy_activities(jsonb) FROM authenticated"
        )
    try:

        async def scenario() -> tuple[RecordResult, ...]:
            async with opened(standin) as repo:
                return await repo.register(SENT)

        results = run(scenario())
    finally:
        with psycopg.connect(standin.dsn, autocommit=True) as conn:
            conn.execute(
                "GRANT EXECUTE ON FUNCTION register_proxy_activities(jsonb) TO authenticated"
            )
    assert [(r.outcome, r.code) for r in results] == [(Outcome.REJECTED, "forbidden")] * 3
    assert all("permission denied" in r.message for r in results)
    assert stored(standin) == []


def test_a_batch_over_the_servers_limit_raises_batch_too_large(
    standin: PostgrestStandIn,
) -> None:
    """The server's own limit (PT413, HTTP 413) below the client's: BatchTooLargeError."""
    with psycopg.connect(standin.dsn, autocommit=True) as conn:
        database = sql.Identifier(conn.info.dbname)
        conn.execute(sql.SQL("ALTER DATABASE {} SET proxyreg.max_batch_size = 2").format(database))
    try:

        async def scenario() -> BatchTooLargeError:
            async with opened(standin) as repo:
                with pytest.raises(BatchTooLargeError) as caught:
                    await repo.register(SENT)
                return caught.value

        error = run(scenario())
    finally:
        with psycopg.connect(standin.dsn, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} RESET proxyreg.max_batch_size").format(database)
            )
    assert (error.size, error.limit) == (3, 2)
    assert stored(standin) == []


def test_a_missing_batch_function_is_batch_unsupported(standin: PostgrestStandIn) -> None:
    """404 PGRST202 (no such function in the database): BatchUnsupportedError for a batch, so
    the orchestrator sends one by one; those are refused with the server's message, and
    nothing is stored."""
    hidden = "register_proxy_activities_hidden"
    with psycopg.connect(standin.dsn, autocommit=True) as conn:
        conn.execute(f"ALTER FUNCTION register_proxy_activities(jsonb) RENAME TO {hidden}")
    try:

        async def scenario() -> tuple[BatchUnsupportedError, dict[str, RecordResult]]:
            async with opened(standin) as repo:
                with pytest.raises(BatchUnsupportedError) as caught:
                    await repo.register(SENT)
                results, _ = await submit(repo)
                return caught.value, results

        error, results = run(scenario())
    finally:
        with psycopg.connect(standin.dsn, autocommit=True) as conn:
            conn.execute(f"ALTER FUNCTION {hidden}(jsonb) RENAME TO register_proxy_activities")
    assert "Could not find the function public.register_proxy_activities(records)" in str(error)
    assert statuses(results) == [(Outcome.REJECTED, INVALID)] * 3
    assert all("Could not find the function" in r.message for r in results.values())
    # Ours, the rpc strategy's and its chunked fallback's batch, then one per record: none resent.
    assert standin.count("POST", RPC) == 3 + len(SENT)
    assert stored(standin) == []


# --- no answer -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("after_commit", "expected"),
    [(True, (Outcome.REGISTERED, None)), (False, (Outcome.FAILED, NOT_SAVED))],
    ids=["after-commit", "before-running"],
)
def test_a_dropped_connection_is_unknown_then_reconciled(
    standin: PostgrestStandIn, after_commit: bool, expected: tuple[Outcome, str | None]
) -> None:
    """The connection closes without an answer: reconciliation says whether it landed."""
    standin.refuse(RPC, after_commit=after_commit)  # the adapter's own call
    standin.refuse(RPC, after_commit=after_commit)  # the orchestrator's

    async def scenario() -> dict[str, RecordResult]:
        async with opened(standin) as repo:
            with pytest.raises(ConnectionError):
                await repo.register([record("m09")])
            results, _ = await submit(repo)
            return results

    results = run(scenario())
    assert statuses(results) == [expected] * 3
    assert len(stored(standin)) == (4 if after_commit else 0)
    assert standin.count("POST", RPC) == 2  # neither the client nor the orchestrator resent
    assert standin.count("GET", LOOKUP) >= 1


def test_another_5xx_is_in_doubt_then_reconciled(standin: PostgrestStandIn) -> None:
    """A 502 is no answer: ServerError from the adapter; the orchestrator reconciles."""
    standin.answer_status(RPC, 502, message="Bad gateway")
    standin.answer_status(RPC, 502, message="Bad gateway")

    async def scenario() -> dict[str, RecordResult]:
        async with opened(standin) as repo:
            with pytest.raises(ServerError):
                await repo.register(SENT)
            results, _ = await submit(repo)
            return results

    results = run(scenario())
    assert statuses(results) == [(Outcome.FAILED, NOT_SAVED)] * 3
    assert standin.count("POST", RPC) == 2
    assert stored(standin) == []


def test_a_refused_connection_leaves_the_records_in_doubt() -> None:
    """Nothing listening: the call and the check both raise ConnectionError (no answer)."""

    async def scenario() -> None:
        async with await SupabaseRepository.open(
            "http://127.0.0.1:9", ANON_KEY, token(KARI.id)
        ) as repo:
            with pytest.raises(ConnectionError):
                await repo.register(SENT)
            with pytest.raises(ConnectionError):
                await repo.find_registered(keys(SENT))

    run(scenario())


# --- small parts ---------------------------------------------------------------------------
def test_retry_after_reads_seconds_and_dates() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("7", now) == 7.0
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert [retry_after_seconds(v, now) for v in (None, "", "soon", "nan", "inf")] == [None] * 5


def test_the_coordinator_is_the_tokens_subject() -> None:
    assert token_subject(token(KARI.id)) == KARI.id
    for bad in ("not-a-jwt", "a.b.c", token("")):
        with pytest.raises(ValueError, match="token"):
            token_subject(bad)


def test_sqlstates_map_to_postgrests_statuses() -> None:
    assert [
        status_of(state, authenticated=True)
        for state in (
            "23505", "42501", "P0001", "PT413", "57014", "08006", "22023", "42883", "42P17",
            "53400", "53100", "P0002",
        )
    ] == [409, 403, 400, 413, 500, 503, 400, 404, 500, 500, 503, 500]  # fmt: skip
    assert status_of("42501", authenticated=False) == 401


def test_a_project_without_the_schema_is_named_as_such() -> None:
    """Over a database nobody migrated, reading the roster and the ledger raises the port's
    NoSchemaError, not the API's error for a missing table or function."""
    with (
        throwaway_database("proxyreg_bare", migrated=False) as bare,
        PostgrestStandIn(bare).running() as server,
    ):

        async def scenario() -> list[str]:
            said = []
            async with await SupabaseRepository.open(server.url, ANON_KEY, token(KARI.id)) as repo:
                for call in (repo.roster(), repo.submissions()):
                    try:
                        await call
                    except NoSchemaError as error:
                        said.append(str(error))
            return said

        expected = "This database has no proxyreg schema: run `proxyreg init`."
        assert [expected] * 2 == run(scenario())


# --- the ledger in the same request -------------------------------------------------------
def test_with_the_ledger_in_the_call_an_rpc_submission_is_one_request(
    standin: PostgrestStandIn,
) -> None:
    """``ledger_in_call``: through the orchestrator, an rpc submission within the limit is one
    POST to register_submission, and nothing else: the records stored, the ledger holding the
    submission and each outcome."""

    async def scenario() -> tuple[dict[str, RecordResult], object]:
        async with opened(standin, ledger_in_call=True) as repo:
            results, _ = await submit(repo)
            return results, await repo.ledger_entry(SUBMISSION.id)

    standin.clear()
    results, entry = run(scenario())
    assert statuses(results) == [(Outcome.REGISTERED, None)] * 3
    assert standin.requests[0] == ("POST", "rpc/register_submission")
    assert standin.requests[1:] == [("POST", "rpc/ledger_entries")]  # the read above
    assert sorted((r.client_key, r.record_id) for r in results.values()) == stored(standin)
    assert isinstance(entry, LedgerEntry)
    assert {m: r.outcome for m, r in entry.outcomes.items()} == {
        r.mentor_id: Outcome.REGISTERED for r in SENT
    }
