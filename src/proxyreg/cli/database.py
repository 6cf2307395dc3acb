"""The database a command acts on: SQLite by path or PostgreSQL by DSN, and who acts.

An operator's view, next to the repository port: creating the schema, loading the
demo world, the default coordinator. On PostgreSQL those run as the DSN's own user
(the owner); every registration still runs as the coordinator, under row-level security.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager, nullcontext
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from proxyreg import demo_data
from proxyreg.adapters import DEFAULT_DATABASE, open_repository
from proxyreg.cli.command import BadInputError
from proxyreg.domain import Coordinator, Roster
from proxyreg.ports import ProxyRepository

DATABASE_VARIABLE = "PROXYREG_DB"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def database_url(given: str | None) -> str:
    """``--db`` when given, else ``$PROXYREG_DB``, else ``proxyreg.db`` in the working directory."""
    return given or os.environ.get(DATABASE_VARIABLE) or DEFAULT_DATABASE


def is_postgres(url: str) -> bool:
    return url.startswith(_POSTGRES_SCHEMES)


def shown_url(url: str) -> str:
    """``url`` as it may be printed: a DSN's password is masked."""
    if not is_postgres(url):
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Database(Protocol):
    """What the commands need of a database besides the repository port."""

    async def create_schema(self) -> None: ...

    async def load_demo(self) -> None:
        """Add the demo world and make its coordinator the default (idempotent)."""
        ...

    async def coordinators(self) -> tuple[Coordinator, ...]: ...

    async def default_coordinator(self) -> str | None: ...

    def acting_as(self, coordinator_id: str) -> AbstractAsyncContextManager[ProxyRepository]:
        """The repository port, acting as ``coordinator_id``."""
        ...


class _Sqlite:
    def __init__(self, repository: ProxyRepository) -> None:
        from proxyreg.adapters.sqlite import SqliteRepository  # noqa: PLC0415 - lazy driver

        assert isinstance(repository, SqliteRepository)
        self._repository = repository

    async def create_schema(self) -> None:
        """Opening the file already brought its schema up to date."""

    async def load_demo(self) -> None:
        await self._repository.add_world(
            demo_data.COORDINATORS, demo_data.MENTORS, demo_data.assignment_pairs()
        )
        await self._repository.set_default_coordinator(demo_data.COORDINATOR.id)

    async def coordinators(self) -> tuple[Coordinator, ...]:
        return await self._repository.coordinators()

    async def default_coordinator(self) -> str | None:
        return await self._repository.default_coordinator()

    def acting_as(self, coordinator_id: str) -> AbstractAsyncContextManager[ProxyRepository]:
        # Single-user: one open file serves every coordinator (see adapters.sqlite).
        return nullcontext(self._repository)


class _Postgres:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn

    async def create_schema(self) -> None:
        from proxyreg.adapters.postgres import migrate  # noqa: PLC0415 - an extra

        await migrate(self._dsn)

    async def load_demo(self) -> None:
        from proxyreg.adapters import postgres  # noqa: PLC0415 - an extra

        await postgres.seed(
            self._dsn, demo_data.COORDINATORS, demo_data.MENTORS, demo_data.ASSIGNMENTS
        )
        await postgres.set_default_coordinator(self._dsn, demo_data.COORDINATOR.id)

    async def coordinators(self) -> tuple[Coordinator, ...]:
        from proxyreg.adapters import postgres  # noqa: PLC0415 - an extra

        return await postgres.coordinators(self._dsn)

    async def default_coordinator(self) -> str | None:
        from proxyreg.adapters import postgres  # noqa: PLC0415 - an extra

        return await postgres.default_coordinator(self._dsn)

    def acting_as(self, coordinator_id: str) -> AbstractAsyncContextManager[ProxyRepository]:
        return open_repository(self._dsn, coordinator_id=coordinator_id)


@asynccontextmanager
async def open_database(
    url: str, *, create: bool = False, writes: bool = False
) -> AsyncIterator[Database]:
    """The database ``url`` names. A SQLite file must exist unless ``create`` (``init``).

    A SQLite file that cannot be opened, or that a command which ``writes`` cannot
    write, is bad input naming ``db``: refused before anything is sent, rather than
    every record ending in doubt.
    """
    if is_postgres(url):
        yield _Postgres(url)
        return
    exists = os.path.exists(url)
    if not create and not exists:
        raise BadInputError.one(
            "db", "missing", f"There is no database at {url}: run `proxyreg init --demo` first."
        )
    if (writes or create) and exists and not os.access(url, os.W_OK):
        raise BadInputError.one(
            "db", "read_only", f"The database {url} is read-only: nothing can be registered in it."
        )
    async with AsyncExitStack() as stack:
        try:
            repository = await stack.enter_async_context(open_repository(url))
        except sqlite3.Error as error:
            raise BadInputError.one(
                "db", "unusable", f"{url} cannot be opened as a proxyreg database: {error}."
            ) from None
        yield _Sqlite(repository)


async def resolve_coordinator(database: Database, acting_as: str | None) -> Coordinator:
    """Who acts: ``--as`` when given, else the database's default, else its only coordinator."""
    known = await database.coordinators()
    by_id = {c.id: c for c in known}
    if acting_as is not None:
        if acting_as not in by_id:
            raise BadInputError.one(
                "as", "unknown", f"No coordinator {acting_as!r} here; {_listing(known)}."
            )
        return by_id[acting_as]
    default = await database.default_coordinator()
    if default is not None and default in by_id:
        return by_id[default]
    if len(known) == 1:
        return known[0]
    if not known:
        raise BadInputError.one(
            "as", "none", "This database has no coordinators yet: run `proxyreg init --demo`."
        )
    raise BadInputError.one(
        "as",
        "ambiguous",
        f"This database has {len(known)} coordinators and no default: name one with --as; "
        f"{_listing(known)}.",
    )


def _listing(coordinators: tuple[Coordinator, ...]) -> str:
    if not coordinators:
        return "there are none yet"
    return "the coordinators are " + ", ".join(f"{c.id} ({c.name})" for c in coordinators)


@asynccontextmanager
async def acting_coordinator(
    url: str, acting_as: str | None, *, writes: bool = False
) -> AsyncIterator[tuple[ProxyRepository, Roster]]:
    """The repository acting as the resolved coordinator, and their roster (``writes``: the
    command registers, so the database must take writes)."""
    async with open_database(url, writes=writes) as database:
        coordinator = await resolve_coordinator(database, acting_as)
        async with database.acting_as(coordinator.id) as repository:
            yield repository, await repository.roster(coordinator.id)
