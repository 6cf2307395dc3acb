"""Opening a backend by URL, and what a front end does with it besides registering.

One rule names a backend, for every front end, the demo, the benchmarks and the tests:

- a path (the default, ``proxyreg.db`` in the working directory): a SQLite file;
- ``postgresql://…`` or ``postgres://…``: PostgreSQL. The schema and the demo world are
  written as the URL's own user (the owner); every registration runs as the coordinator,
  under row-level security;
- ``supabase+https://<project>.supabase.co`` (``supabase+http://`` for a local stand-in):
  a Supabase project's REST API at the URL after ``supabase+``, with the project's anon
  key in ``$PROXYREG_SUPABASE_KEY`` and the coordinator's access token in
  ``$PROXYREG_SUPABASE_TOKEN``. The token says who acts; the schema is the PostgreSQL one,
  applied to the project's database with a ``postgresql://`` URL.

Any other ``scheme://`` is refused, naming the supported ones.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import (
    AbstractAsyncContextManager,
    AsyncExitStack,
    asynccontextmanager,
    contextmanager,
)
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import attrs

from proxyreg import demo_data
from proxyreg.adapters.sqlite import SqliteDatabase
from proxyreg.application._errors import BadInput
from proxyreg.domain import Coordinator, Roster
from proxyreg.ports import BackendUnavailableError, ProxyRepository

DEFAULT_DATABASE = "proxyreg.db"
DATABASE_VARIABLE = "PROXYREG_DB"
SUPABASE_KEY_VARIABLE = "PROXYREG_SUPABASE_KEY"
SUPABASE_TOKEN_VARIABLE = "PROXYREG_SUPABASE_TOKEN"

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_SUPABASE_PREFIX = "supabase+"
_SUPABASE_SCHEMES = ("supabase+https://", "supabase+http://")
SUPPORTED_URLS = (
    "a SQLite file path (default proxyreg.db)",
    "postgresql://…",
    "postgres://…",
    "supabase+https://…",
)


def backend_url(given: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``given`` when there is one, else ``$PROXYREG_DB``, else ``proxyreg.db``."""
    environ = os.environ if environ is None else environ
    return given or environ.get(DATABASE_VARIABLE) or DEFAULT_DATABASE


def shown_url(url: str) -> str:
    """``url`` as it may be printed: a password in it is masked."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@attrs.frozen
class Acting:
    """One coordinator at work: who they are, their roster, and the repository acting as them."""

    coordinator: Coordinator
    roster: Roster
    repository: ProxyRepository


class Backend(Protocol):
    """A database a front end opened: administering it, and acting as one coordinator."""

    @property
    def url(self) -> str:
        """The URL it was opened with (`shown_url` masks a password)."""
        ...

    async def create_schema(self) -> None:
        """Create or upgrade the schema (idempotent)."""
        ...

    async def load_demo(self) -> None:
        """Add the demo world and make its coordinator the default (idempotent)."""
        ...

    async def coordinators(self) -> tuple[Coordinator, ...]:
        """The coordinators this backend shows, in name order."""
        ...

    async def default_coordinator(self) -> str | None:
        """The id of the coordinator a front end acts as when none is named, or None."""
        ...

    async def resolve_coordinator(self, acting_as: str | None) -> Coordinator:
        """Who acts: ``acting_as`` when given, else the default, else the only coordinator;
        anything else is `BadInput` naming ``as``."""
        ...

    def acting_as(self, acting_as: str | None = None) -> AbstractAsyncContextManager[Acting]:
        """The coordinator `resolve_coordinator` names, with their roster and a repository
        acting as them, until the block is left."""
        ...


def resolve_among(
    known: tuple[Coordinator, ...], default: str | None, acting_as: str | None
) -> Coordinator:
    """Who acts among ``known``: see `Backend.resolve_coordinator`."""
    by_id = {c.id: c for c in known}
    if acting_as is not None:
        if acting_as not in by_id:
            raise BadInput.one(
                "as", "unknown", f"No coordinator {acting_as!r} here; {_listing(known)}."
            )
        return by_id[acting_as]
    if default is not None and default in by_id:
        return by_id[default]
    if len(known) == 1:
        return known[0]
    if not known:
        raise BadInput.one(
            "as", "none", "This database has no coordinators yet: run `proxyreg init --demo`."
        )
    raise BadInput.one(
        "as",
        "ambiguous",
        f"This database has {len(known)} coordinators and no default: name one with --as; "
        f"{_listing(known)}.",
    )


def _listing(coordinators: tuple[Coordinator, ...]) -> str:
    if not coordinators:
        return "there are none yet"
    return "the coordinators are " + ", ".join(f"{c.id} ({c.name})" for c in coordinators)


class _Administered:
    """`resolve_coordinator` and `acting_as` from the backend's own listing and binding."""

    url: str

    async def coordinators(self) -> tuple[Coordinator, ...]:
        raise NotImplementedError

    async def default_coordinator(self) -> str | None:
        raise NotImplementedError

    def _bound(self, coordinator_id: str) -> AbstractAsyncContextManager[ProxyRepository]:
        raise NotImplementedError

    async def resolve_coordinator(self, acting_as: str | None) -> Coordinator:
        known = await self.coordinators()
        default = await self.default_coordinator() if acting_as is None else None
        return resolve_among(known, default, acting_as)

    @asynccontextmanager
    async def acting_as(self, acting_as: str | None = None) -> AsyncIterator[Acting]:
        coordinator = await self.resolve_coordinator(acting_as)
        async with self._bound(coordinator.id) as repository:
            roster = await repository.roster()
            yield Acting(coordinator, roster, repository)


# PostgreSQL and Supabase are optional extras (psycopg, supabase): their adapter modules
# are imported only when such a URL is opened, inside the classes and opener below.


class _SqliteBackend(_Administered):
    def __init__(self, url: str, database: SqliteDatabase) -> None:
        self.url = url
        self._database = database

    async def create_schema(self) -> None:
        """Opening the file already brought its schema up to date."""

    async def load_demo(self) -> None:
        await self._database.add_world(
            demo_data.COORDINATORS, demo_data.MENTORS, demo_data.assignment_pairs()
        )
        await self._database.set_default_coordinator(demo_data.COORDINATOR.id)

    async def coordinators(self) -> tuple[Coordinator, ...]:
        return await self._database.coordinators()

    async def default_coordinator(self) -> str | None:
        return await self._database.default_coordinator()

    @asynccontextmanager
    async def _bound(self, coordinator_id: str) -> AsyncIterator[ProxyRepository]:
        yield self._database.acting_as(coordinator_id)


class _PostgresBackend(_Administered):
    def __init__(self, url: str) -> None:
        with _extra("postgres", "PostgreSQL"):
            from proxyreg.adapters import postgres  # noqa: PLC0415 - an extra, see above

        self.url = url
        self._postgres = postgres

    async def create_schema(self) -> None:
        await self._postgres.migrate(self.url)

    async def load_demo(self) -> None:
        await self._postgres.seed(
            self.url, demo_data.COORDINATORS, demo_data.MENTORS, demo_data.ASSIGNMENTS
        )
        await self._postgres.set_default_coordinator(self.url, demo_data.COORDINATOR.id)

    async def coordinators(self) -> tuple[Coordinator, ...]:
        return await self._postgres.coordinators(self.url)

    async def default_coordinator(self) -> str | None:
        return await self._postgres.default_coordinator(self.url)

    @asynccontextmanager
    async def _bound(self, coordinator_id: str) -> AsyncIterator[ProxyRepository]:
        async with await self._postgres.PostgresRepository.open(
            self.url, coordinator_id
        ) as repository:
            yield repository


class _SupabaseBackend(_Administered):
    """Signed in as the token's coordinator: the only one it can see or act as."""

    def __init__(self, url: str, repository: ProxyRepository, coordinator_id: str) -> None:
        self.url = url
        self._repository = repository
        self._coordinator_id = coordinator_id

    async def create_schema(self) -> None:
        raise _owners_step("create the schema", "proxyreg init")

    async def load_demo(self) -> None:
        raise _owners_step("load the demo world", "proxyreg init --demo")

    async def coordinators(self) -> tuple[Coordinator, ...]:
        return ((await self._repository.roster()).coordinator,)

    async def default_coordinator(self) -> str | None:
        return self._coordinator_id

    @asynccontextmanager
    async def _bound(self, coordinator_id: str) -> AsyncIterator[ProxyRepository]:
        yield self._repository


@contextmanager
def _extra(extra: str, backend: str) -> Iterator[None]:
    """An optional driver that is not installed, said as what to install."""
    try:
        yield
    except ModuleNotFoundError as missing:
        raise BackendUnavailableError(
            f"{backend} needs the proxyreg[{extra}] extra: pip install 'proxyreg[{extra}]' "
            f"({missing.name} is not installed)."
        ) from missing


def _owners_step(what: str, command: str) -> BadInput:
    return BadInput.one(
        "db",
        "unsupported",
        f"A coordinator's Supabase token cannot {what}: run `{command}` with the project "
        "database's postgresql:// URL (its owner).",
    )


@asynccontextmanager
async def open_backend(
    url: str | None = None,
    *,
    create: bool = False,
    writes: bool = False,
    environ: Mapping[str, str] | None = None,
) -> AsyncIterator[Backend]:
    """The backend ``url`` names (None: ``proxyreg.db``), closed when the block is left.

    A SQLite file must exist unless ``create`` (``proxyreg init``); one that cannot be
    opened, or that a front end which ``writes`` cannot write, is `BadInput` naming ``db``:
    refused before anything is sent, rather than every record ending in doubt. A URL of
    any other scheme is `BadInput` too, listing the supported ones. ``environ`` (default
    the process's) holds the Supabase key and token.
    """
    url = url or DEFAULT_DATABASE
    if url.startswith(_POSTGRES_SCHEMES):
        yield _PostgresBackend(url)
        return
    if url.startswith(_SUPABASE_SCHEMES):
        async with _open_supabase(url, os.environ if environ is None else environ) as backend:
            yield backend
        return
    if "://" in url:
        raise BadInput.one(
            "db",
            "unsupported",
            f"{shown_url(url)} is not a backend proxyreg can open; it opens "
            f"{', '.join(SUPPORTED_URLS)}.",
        )
    async with _open_sqlite(url, create=create, writes=writes) as backend:
        yield backend


@asynccontextmanager
async def _open_sqlite(url: str, *, create: bool, writes: bool) -> AsyncIterator[Backend]:
    exists = os.path.exists(url)
    if not create and not exists:
        raise BadInput.one(
            "db", "missing", f"There is no database at {url}: run `proxyreg init --demo` first."
        )
    if (writes or create) and exists and not os.access(url, os.W_OK):
        raise BadInput.one(
            "db", "read_only", f"The database {url} is read-only: nothing can be registered in it."
        )
    folder = os.path.dirname(os.path.abspath(url))
    if writes and exists and not os.access(folder, os.W_OK):
        raise BadInput.one(
            "db",
            "read_only",
            f"The folder of {url} is read-only, and SQLite writes its journal beside the file: "
            "nothing can be registered in it.",
        )
    if create and not exists:
        _refuse_unmakeable(url)
    # Reading needs no writing: a read-only file, folder or file system is opened read-only.
    read_only = not (writes or create) and not (
        os.access(url, os.W_OK) and os.access(folder, os.W_OK)
    )
    async with AsyncExitStack() as stack:
        try:
            database = await stack.enter_async_context(
                await SqliteDatabase.open(url, read_only=read_only)
            )
        except BackendUnavailableError as error:
            raise BadInput.one("db", "unusable", str(error)) from None
        yield _SqliteBackend(url, database)


def _refuse_unmakeable(url: str) -> None:
    """A new SQLite file that cannot be made there, said plainly (`BadInput` naming ``db``)."""
    folder = os.path.dirname(os.path.abspath(url))
    if not os.path.isdir(folder):
        raise BadInput.one(
            "db",
            "no_folder",
            f"Cannot create {url}: there is no folder {folder}. Create it first, or name a "
            "file in a folder that exists.",
        )
    if not os.access(folder, os.W_OK):
        raise BadInput.one(
            "db",
            "read_only",
            f"Cannot create {url}: the folder {folder} is read-only.",
        )


@asynccontextmanager
async def _open_supabase(url: str, environ: Mapping[str, str]) -> AsyncIterator[Backend]:
    with _extra("supabase", "Supabase"):
        from proxyreg.adapters.supabase import (  # noqa: PLC0415 - an extra, see above
            SupabaseRepository,
            token_subject,
        )

    missing = [v for v in (SUPABASE_KEY_VARIABLE, SUPABASE_TOKEN_VARIABLE) if not environ.get(v)]
    if missing:
        raise BadInput.one(
            "db",
            "unconfigured",
            f"A Supabase URL needs the project's anon key in ${SUPABASE_KEY_VARIABLE} and the "
            f"coordinator's access token in ${SUPABASE_TOKEN_VARIABLE}; "
            f"{' and '.join('$' + v for v in missing)} not set.",
        )
    token = environ[SUPABASE_TOKEN_VARIABLE]
    try:
        coordinator_id = token_subject(token)
    except ValueError as error:
        raise BadInput.one("db", "bad_token", f"${SUPABASE_TOKEN_VARIABLE}: {error}") from None
    api = url[len(_SUPABASE_PREFIX) :]
    async with await SupabaseRepository.open(
        api, environ[SUPABASE_KEY_VARIABLE], token
    ) as repository:
        yield _SupabaseBackend(url, repository, coordinator_id)
