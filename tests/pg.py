"""Throwaway PostgreSQL databases for tests, by default on 127.0.0.1:5432 (user postgres).

Another server: set ``PROXYREG_TEST_DSN`` to an admin DSN to its maintenance database
(default ``host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5``);
the throwaway databases are created on that server, as that user.

`throwaway_database()` creates a uniquely named database, migrates it, yields its DSN
and drops it afterwards, also when the test fails. It skips the test, saying why, only
when the server cannot be reached (in CI a skipped PostgreSQL test fails the run). It
never touches any other database.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from contract.world import World
from proxyreg.adapters.postgres import migrate, seed

DEFAULT_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=5"
ADMIN_DSN = os.environ.get("PROXYREG_TEST_DSN") or DEFAULT_ADMIN_DSN
"""An admin DSN to the server's maintenance database (``PROXYREG_TEST_DSN`` overrides it)."""

_ADMIN = conninfo_to_dict(ADMIN_DSN)
HOST = str(_ADMIN.get("host") or "localhost")
PORT = int(_ADMIN.get("port") or 5432)
USER = str(_ADMIN.get("user") or "postgres")

DATA_TABLES = (
    "submission_outcomes",
    "submission_records",
    "submissions",
    "proxy_activities",
    "coordinator_mentors",
    "mentors",
    "coordinators",
    "chapters",
)


def dsn_of(database: str) -> str:
    """The admin DSN, naming ``database`` instead of the maintenance database."""
    return make_conninfo(ADMIN_DSN, dbname=database)


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(ADMIN_DSN, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable on {HOST}:{PORT} as {USER}: {exc}")


@contextmanager
def throwaway_database(prefix: str = "proxyreg_test", *, migrated: bool = True) -> Iterator[str]:
    """A new database of its own, migrated unless told not to; dropped on the way out,
    whatever happened."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        if migrated:
            asyncio.run(migrate(dsn_of(name)))
        yield dsn_of(name)
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


async def reset(dsn: str, world: World) -> None:
    """Empty every data table of the database, then seed ``world`` into it."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in DATA_TABLES)
            )
        )
    await seed(
        dsn,
        world.coordinators,
        world.mentors,
        {c.id: world.assigned_to(c.id) for c in world.coordinators},
    )
