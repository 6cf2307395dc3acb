"""The security tests are not vacuous: without row-level security their checks would fail.

Each test starts from a fresh throwaway database (tests/pg.py) seeded with the contract's
world. The "with RLS" tests make the very checks of tests/adapters/test_postgres.py; the
"without RLS" tests first disable row-level security as the owner on ``proxy_activities``
or ``coordinator_mentors`` and show that the same checks then see another coordinator's
rows, or store a record for an unassigned mentor.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import psycopg
import pytest
from psycopg import sql

from contract.repository_contract import record
from contract.world import KARI, OLA, WORLD
from pg import reset, throwaway_database
from proxyreg.adapters.postgres import PostgresRepository
from proxyreg.domain import Outcome, ProxyRecord

pytestmark = pytest.mark.postgres

T = TypeVar("T")

DIRECT_INSERT = (
    "INSERT INTO proxy_activities (client_key, mentor_id, registered_by,"
    " kind, activity_date, minutes) VALUES"
    " ('k', 'x01', %s, 'home_visit', '2026-11-20', 60)"
)


@pytest.fixture
def dsn() -> Iterator[str]:
    """A fresh database of its own, seeded with the contract's world, RLS on everywhere."""
    with throwaway_database("proxyreg_policies") as dsn:
        asyncio.run(reset(dsn, WORLD))
        yield dsn


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@asynccontextmanager
async def acting(dsn: str, coordinator_id: str = KARI.id) -> AsyncIterator[PostgresRepository]:
    async with await PostgresRepository.open(dsn, coordinator_id) as repo:
        yield repo


async def disable_rls(dsn: str, *tables: str) -> None:
    """As the owner, switch row-level security off on ``tables`` (policies stay, unused)."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as owner:
        for table in tables:
            await owner.execute(
                sql.SQL("ALTER TABLE {} DISABLE ROW LEVEL SECURITY").format(sql.Identifier(table))
            )


async def owner_rows(dsn: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        cursor = await conn.execute(query.encode(), params)
        return await cursor.fetchall()


async def olas_record(dsn: str) -> tuple[ProxyRecord, str]:
    """OLA registers a record for their own mentor x01; the record and its id."""
    olas = record("x01", coordinator=OLA.id)
    async with acting(dsn, OLA.id) as ola:
        (stored,) = await ola.register([olas])
    assert stored.outcome is Outcome.REGISTERED
    assert stored.record_id is not None
    return olas, stored.record_id


async def visible_records(dsn: str) -> int:
    """How many proxy_activities rows KARI's session sees."""
    async with acting(dsn) as kari, kari.session() as conn:
        cursor = await conn.execute("SELECT count(*) FROM proxy_activities")
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def visible_assignments(dsn: str) -> list[str]:
    """The coordinator ids of the coordinator_mentors rows KARI's session sees."""
    async with acting(dsn) as kari, kari.session() as conn:
        cursor = await conn.execute("SELECT DISTINCT coordinator_id FROM coordinator_mentors")
        return sorted(str(row[0]) for row in await cursor.fetchall())


async def direct_insert(dsn: str) -> None:
    """KARI inserts a row for x01 (OLA's mentor) straight into proxy_activities."""
    async with acting(dsn) as kari, kari.session() as conn:
        await conn.execute(DIRECT_INSERT, (KARI.id,))


# --- reading another coordinator's records --------------------------------------------
def test_with_rls_a_coordinator_sees_none_of_anothers_records(dsn: str) -> None:
    """With RLS on, KARI's session counts none of OLA's records and cannot reconcile them."""

    async def scenario() -> None:
        olas, _ = await olas_record(dsn)
        assert await visible_records(dsn) == 0
        async with acting(dsn) as kari:
            assert await kari.find_registered([olas.client_key]) == {}

    run(scenario())


def test_without_rls_a_coordinator_sees_anothers_records(dsn: str) -> None:
    """With RLS off on proxy_activities, KARI's session counts and reconciles OLA's record."""

    async def scenario() -> None:
        olas, record_id = await olas_record(dsn)
        await disable_rls(dsn, "proxy_activities")
        assert await visible_records(dsn) == 1
        async with acting(dsn) as kari:
            assert await kari.find_registered([olas.client_key]) == {olas.client_key: record_id}

    run(scenario())


def test_with_rls_sending_anothers_record_is_forbidden(dsn: str) -> None:
    """With RLS on, KARI sending OLA's stored record is refused as forbidden, with no id."""

    async def scenario() -> None:
        olas, _ = await olas_record(dsn)
        async with acting(dsn) as kari:
            (answer,) = await kari.register([olas])
        assert (answer.outcome, answer.code, answer.record_id) == (
            Outcome.REJECTED,
            "forbidden",
            None,
        )

    run(scenario())


def test_without_rls_sending_anothers_record_reveals_its_id(dsn: str) -> None:
    """With RLS off on proxy_activities, the RPC answers OLA's record as KARI's replay."""

    async def scenario() -> None:
        olas, record_id = await olas_record(dsn)
        await disable_rls(dsn, "proxy_activities")
        async with acting(dsn) as kari:
            (answer,) = await kari.register([olas])
        assert (answer.outcome, answer.record_id) == (Outcome.ALREADY_REGISTERED, record_id)

    run(scenario())


# --- another coordinator's assignments --------------------------------------------------
def test_with_rls_a_coordinator_sees_only_their_own_assignments(dsn: str) -> None:
    """With RLS on, KARI's session sees only KARI's rows of coordinator_mentors."""
    assert run(visible_assignments(dsn)) == [KARI.id]


def test_without_rls_a_coordinator_sees_anothers_assignments(dsn: str) -> None:
    """With RLS off on coordinator_mentors, KARI's session sees OLA's assignments too."""

    async def scenario() -> list[str]:
        await disable_rls(dsn, "coordinator_mentors")
        return await visible_assignments(dsn)

    assert run(scenario()) == sorted([KARI.id, OLA.id])


# --- registering for an unassigned mentor -----------------------------------------------
def test_with_rls_a_direct_insert_for_an_unassigned_mentor_is_refused(dsn: str) -> None:
    """With RLS on, KARI's plain INSERT for OLA's mentor x01 raises and stores nothing."""

    async def scenario() -> None:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await direct_insert(dsn)
        assert await owner_rows(dsn, "SELECT count(*) FROM proxy_activities") == [(0,)]

    run(scenario())


def test_without_rls_a_direct_insert_for_an_unassigned_mentor_is_stored(dsn: str) -> None:
    """With RLS off on both tables, KARI's plain INSERT for x01 is stored."""

    async def scenario() -> None:
        await disable_rls(dsn, "proxy_activities", "coordinator_mentors")
        await direct_insert(dsn)
        stored = await owner_rows(dsn, "SELECT mentor_id, registered_by FROM proxy_activities")
        assert stored == [("x01", KARI.id)]

    run(scenario())


def test_the_rpc_refuses_an_unassigned_mentor_even_without_rls(dsn: str) -> None:
    """The RPC's not_assigned answer is its own check: it stands with RLS off on both tables."""

    async def scenario() -> None:
        await disable_rls(dsn, "proxy_activities", "coordinator_mentors")
        async with acting(dsn) as kari:
            (answer,) = await kari.register([record("x01")])
        assert (answer.outcome, answer.code) == (Outcome.REJECTED, "not_assigned")
        assert await owner_rows(dsn, "SELECT count(*) FROM proxy_activities") == [(0,)]

    run(scenario())
