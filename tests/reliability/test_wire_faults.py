"""Each wire fault on its own, against a private PostgreSQL: nothing lost, nothing duplicated.

The code under test is the real stack (`PostgresRepository` with its own pool, the
orchestrator, the root bloc); the faults are real too: a connection dropped after the
server committed, connections refused, a statement timeout, the server killed with
SIGKILL, a slow network.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

import attrs
import psycopg
import pytest
from coordinator_ui import TODAY, CoordinatorScreen
from db_audit import audit
from fault_world import COORDINATOR, FaultyServer, mentor_ids

from proxyreg.adapters.postgres import PostgresRepository
from proxyreg.domain import ActivityDraft, ProxyRecord
from proxyreg.orchestration import AtomicStrategy, ChunkedStrategy, RetryPolicy, RpcStrategy
from proxyreg.ports import BackendUnavailableError

pytestmark = pytest.mark.postgres

POLICY = RetryPolicy(
    attempts=3, base_delay=0.01, max_delay=0.05, attempt_timeout=3.0, total_timeout=30.0
)
DRAFT = ActivityDraft(kind="phone_call", date=TODAY, minutes=20)


def records(count: int, submission_id: str = "s-direct") -> list[ProxyRecord]:
    return [
        ProxyRecord.for_mentor(
            submission_id=submission_id,
            mentor_id=f"m{i:03d}",
            coordinator_id=COORDINATOR.id,
            draft=DRAFT,
        )
        for i in range(1, count + 1)
    ]


def stored_keys(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        return [str(r[0]) for r in conn.execute("SELECT client_key FROM proxy_activities")]


def on_screen(
    server: FaultyServer,
    scenario: Callable[[CoordinatorScreen], Awaitable[None]],
    *,
    statement_timeout_ms: int = 8000,
    policy: RetryPolicy = POLICY,
) -> CoordinatorScreen:
    """Run ``scenario`` on a coordinator's screen over the proxied repository."""

    async def run() -> CoordinatorScreen:
        async with await PostgresRepository.open(
            server.proxied_dsn, COORDINATOR.id, statement_timeout_ms=statement_timeout_ms
        ) as repository:
            screen = CoordinatorScreen(repository, server.roster, policy, seed=1)
            try:
                await scenario(screen)
            finally:
                await screen.close()
            return screen

    return asyncio.run(run())


def test_the_proxy_cuts_after_the_server_committed(faulty_server: FaultyServer) -> None:
    """A registration call cut after commit raises on the client (the port's
    BackendUnavailableError, not the driver's error), yet the server holds every record:
    the fault is exactly "committed, but the client never heard"."""
    faulty_server.proxy.cut_after_commit(1)

    async def call() -> None:
        async with await PostgresRepository.open(
            faulty_server.proxied_dsn, COORDINATOR.id
        ) as repository:
            with pytest.raises(BackendUnavailableError):
                await repository.register(records(12))

    asyncio.run(call())
    assert sorted(stored_keys(faulty_server.dsn)) == sorted(r.client_key for r in records(12))
    assert faulty_server.proxy.stats.cuts == 1


@pytest.mark.parametrize(
    "strategy", [RpcStrategy(), ChunkedStrategy(), AtomicStrategy()], ids=lambda s: s.name
)
def test_a_call_cut_after_commit_is_shown_registered(
    faulty_server: FaultyServer, strategy: object
) -> None:
    """The server committed, the client never heard: reconciliation finds every record, the
    screen shows each one registered under the stored id, nothing is stored twice."""
    faulty_server.proxy.cut_after_commit(2)

    async def scenario(screen: CoordinatorScreen) -> None:
        await screen.submit(mentor_ids(23), strategy)  # type: ignore[arg-type]

    screen = on_screen(faulty_server, scenario)
    found = audit(faulty_server.dsn, screen.shown)
    assert faulty_server.proxy.stats.cuts >= 1
    assert screen.statuses() == {"registered": 23}
    assert (found.records, found.duplicates, found.lost, found.mismatches) == (23, 0, 0, 0)


def test_refused_connections_leave_records_unknown_then_retry_settles(
    faulty_server: FaultyServer,
) -> None:
    """Connections dropped as the batch goes out and refused for longer than the check may
    wait: no record can be confirmed either way, so all are shown unknown (never failed:
    they may have landed); once connections are accepted, Retry failed settles each one,
    stored once."""
    during: dict[str, int] = {}

    def partition() -> None:
        faulty_server.proxy.refuse_for(2.5, drop=True)

    async def scenario(screen: CoordinatorScreen) -> None:
        faulty_server.proxy.on_registration(partition)
        await screen.submit(mentor_ids(30), RpcStrategy())
        during.update(screen.statuses())
        faulty_server.proxy.clear()
        await screen.retry_until_settled(10)

    impatient = attrs.evolve(POLICY, attempt_timeout=1.0)  # the check gives up before 2.5 s
    screen = on_screen(faulty_server, scenario, policy=impatient)
    found = audit(faulty_server.dsn, screen.shown)
    assert faulty_server.proxy.stats.refusals == 1
    assert during == {"unknown": 30}
    assert set(screen.statuses()) <= {"registered", "already_registered"}
    assert (found.records, found.duplicates, found.lost, found.mismatches) == (30, 0, 0, 0)


def test_a_statement_timeout_stores_nothing_and_says_so(faulty_server: FaultyServer) -> None:
    """The table is locked past the statement timeout: the server cancels the call and rolls
    it back, the screen shows every record failed (not saved), and Retry failed stores each
    one once after the lock is gone."""
    during: dict[str, int] = {}

    async def scenario(screen: CoordinatorScreen) -> None:
        with psycopg.connect(faulty_server.dsn) as locker:
            locker.execute("LOCK TABLE proxy_activities IN EXCLUSIVE MODE")
            await screen.submit(mentor_ids(15), RpcStrategy())
            during.update(screen.statuses())
            assert stored_keys(faulty_server.dsn) == []  # read while the lock is held
        await screen.retry_until_settled(5)

    screen = on_screen(faulty_server, scenario, statement_timeout_ms=300)
    found = audit(faulty_server.dsn, screen.shown)
    assert during == {"failed": 15}
    assert screen.statuses() == {"registered": 15}
    assert (found.records, found.duplicates, found.lost, found.mismatches) == (15, 0, 0, 0)


def test_the_server_killed_mid_call_loses_and_duplicates_nothing(
    faulty_server: FaultyServer,
) -> None:
    """SIGKILL to the server (every process) while a batch is in flight, then a restart with
    crash recovery: after Retry failed every mentor is registered, once."""
    restarted = threading.Event()

    def crash_and_restart() -> None:
        try:
            faulty_server.cluster.kill()
            faulty_server.cluster.start()
        finally:
            restarted.set()

    async def scenario(screen: CoordinatorScreen) -> None:
        faulty_server.proxy.on_registration(crash_and_restart)
        await screen.submit(mentor_ids(120), ChunkedStrategy())
        await asyncio.to_thread(restarted.wait, 30)
        await screen.retry_until_settled(10)

    screen = on_screen(faulty_server, scenario)
    found = audit(faulty_server.dsn, screen.shown)
    assert faulty_server.cluster.kills == 1
    assert screen.statuses() == {"registered": 120}
    assert (found.records, found.duplicates, found.lost, found.mismatches) == (120, 0, 0, 0)


def test_a_slow_network_times_calls_out_without_harm(faulty_server: FaultyServer) -> None:
    """Replies slower than the client waits: calls time out whatever the server did; once the
    network is quick again, Retry failed settles every mentor, stored once."""
    impatient = attrs.evolve(POLICY, attempts=2, attempt_timeout=0.3)
    during: dict[str, int] = {}

    async def scenario(screen: CoordinatorScreen) -> None:
        faulty_server.proxy.delay(0.35)  # a call is one round trip: slower than 0.3 s
        await screen.submit(mentor_ids(16), ChunkedStrategy())
        during.update(screen.statuses())
        faulty_server.proxy.delay(0.0)
        await screen.retry_until_settled(10)

    screen = on_screen(faulty_server, scenario, policy=impatient)
    found = audit(faulty_server.dsn, screen.shown)
    assert set(during) - {"registered"}, during  # the delay did bite
    assert set(screen.statuses()) <= {"registered", "already_registered"}
    assert (found.records, found.duplicates, found.lost, found.mismatches) == (16, 0, 0, 0)


def test_a_ledger_write_cut_off_is_written_again(faulty_server: FaultyServer) -> None:
    """The records land and are shown registered, but the connection drops as their outcomes
    go to the ledger: the outcomes are written again, so the ledger says what the screen
    says. (Chunked: an rpc submission's outcomes go to the ledger in the call itself.)"""

    async def scenario(screen: CoordinatorScreen) -> None:
        faulty_server.proxy.cut_request(b"INSERT INTO submission_outcomes")
        await screen.submit(mentor_ids(10), ChunkedStrategy())

    screen = on_screen(faulty_server, scenario)
    found = audit(faulty_server.dsn, screen.shown)
    assert faulty_server.proxy.stats.cuts == 1
    assert screen.statuses() == {"registered": 10}
    assert (found.records, found.duplicates, found.lost) == (10, 0, 0)
    assert found.mismatches == 0, found.examples
