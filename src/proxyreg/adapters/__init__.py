"""Backends behind the repository port, one module each; `open_repository` picks one by URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from proxyreg.ports import ProxyRepository

DEFAULT_DATABASE = "proxyreg.db"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@asynccontextmanager
async def open_repository(
    url: str | None = None, *, coordinator_id: str | None = None
) -> AsyncIterator[ProxyRepository]:
    """Open the backend ``url`` names, and close it afterwards.

    - None (no database named): SQLite at ``proxyreg.db`` in the working directory,
      the embedded default;
    - ``postgresql://…`` or ``postgres://…``: PostgreSQL, acting as ``coordinator_id``
      (required: every call runs as that coordinator under row-level security);
    - anything else: the path of a SQLite file, created with its schema if missing.

    PostgreSQL needs the ``proxyreg[postgres]`` extra; it is imported only when named.
    """
    if url is not None and url.startswith(_POSTGRES_SCHEMES):
        if coordinator_id is None:
            raise ValueError("PostgreSQL acts as one coordinator: name the coordinator.")
        from proxyreg.adapters.postgres import PostgresRepository  # noqa: PLC0415 - an extra

        async with await PostgresRepository.open(url, coordinator_id) as postgres:
            yield postgres
        return
    from proxyreg.adapters.sqlite import SqliteRepository  # noqa: PLC0415 - keep imports lazy

    async with await SqliteRepository.open(url or DEFAULT_DATABASE) as sqlite:
        yield sqlite
