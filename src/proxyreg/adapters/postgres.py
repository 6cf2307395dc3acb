"""The PostgreSQL backend: the Supabase-shaped schema, its batch RPC and row-level security.

`PostgresRepository` acts for one coordinator, as a signed-in Supabase client does:
every data call runs in its own transaction that first drops to the ``authenticated``
role and sets the JWT claims PostgREST would set (``request.jwt.claims``, ``sub`` being
the coordinator id) and a statement timeout. So every read and write goes through
row-level security, never as the connecting (owner) user.

The schema, the functions and the policies are SQL migrations shipped in this package
(``sql/postgres/NNN_*.sql``), applied by `migrate` as the owner. `seed` loads
coordinators, mentors and assignments (as the owner too: no API role may write them).

PostgreSQL text cannot hold NUL. A record whose text holds one is sent with each NUL as
U+0001 (also a control character): such a record is never stored, and the answer is
the same (``invalid`` for notes, ``not_assigned`` for a mentor id, …).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from importlib import resources

import psycopg
from psycopg import AsyncConnection
from psycopg.errors import InsufficientPrivilege, QueryCanceled
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from proxyreg._closable import Closable
from proxyreg.adapters._pg_errors import understood, understood_calls
from proxyreg.adapters._pg_wire import ledger_entry_of, pg_text, rpc_element
from proxyreg.adapters._screen import screened
from proxyreg.adapters._settings import DEFAULT_COORDINATOR_SETTING
from proxyreg.domain import (
    Coordinator,
    LedgerEntry,
    Mentor,
    Outcome,
    ProxyRecord,
    RecordResult,
    Roster,
    Submission,
)
from proxyreg.ports import BatchTooLargeError, UnknownCoordinatorError, UnknownSubmissionError

__all__ = [
    "API_ROLE",
    "BATCH_TOO_LARGE",
    "MIGRATIONS",
    "PostgresRepository",
    "coordinators",
    "default_coordinator",
    "migrate",
    "migrations",
    "seed",
    "set_default_coordinator",
]

API_ROLE = "authenticated"
"""The role every data call runs as (Supabase's role for signed-in users)."""

BATCH_TOO_LARGE = "PT413"
"""SQLSTATE of a call with more records than the server takes (PostgREST: HTTP 413)."""

MIGRATIONS = "proxyreg.adapters", "sql/postgres"
"""Where the migrations live: a package and a folder inside it."""

_MIGRATION_LOCK = 7_239_411_001  # pg_advisory_lock key: one migrate() per database at a time

Pool = AsyncConnectionPool[AsyncConnection[TupleRow]]


def migrations() -> tuple[tuple[str, str], ...]:
    """The shipped migrations, in order: (version, SQL). The version is the file's stem."""
    package, folder = MIGRATIONS
    directory = resources.files(package).joinpath(folder)
    found = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in directory.iterdir()
        if entry.name.endswith(".sql")
    )
    return tuple((name.removesuffix(".sql"), text) for name, text in found)


@understood_calls
async def migrate(dsn: str) -> tuple[str, ...]:
    """Apply the migrations not applied yet, in order, each in its own transaction.

    Connect as the database's owner (or a superuser). Returns the versions applied now;
    running it again applies nothing. Concurrent runs on one database wait for each other.
    """
    applied_now: list[str] = []
    async with await AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            cursor = await conn.execute("SELECT version FROM schema_migrations")
            done = {str(row[0]) for row in await cursor.fetchall()}
            for version, text in migrations():
                if version in done:
                    continue
                async with conn.transaction():
                    await conn.execute(text.encode("utf-8"))
                    await conn.execute(
                        "INSERT INTO schema_migrations (version) VALUES (%s)", (version,)
                    )
                applied_now.append(version)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
    return tuple(applied_now)


@understood_calls
async def seed(
    dsn: str,
    coordinators: Iterable[Coordinator],
    mentors: Iterable[Mentor],
    assignments: Mapping[str, Iterable[str]],
) -> None:
    """Load coordinators, mentors (and their chapters) and assignments, as the owner.

    Idempotent: a coordinator or mentor already there takes the given name, chapter and
    active flag; assignments already there stay.
    """
    coordinators = tuple(coordinators)
    mentors = tuple(mentors)
    chapters = sorted({c.chapter_id for c in coordinators} | {m.chapter_id for m in mentors})
    pairs = [(c, m) for c, ms in assignments.items() for m in ms]
    async with await AsyncConnection.connect(dsn) as conn, conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO chapters (id, name) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
            [(chapter, chapter) for chapter in chapters],
        )
        await cur.executemany(
            "INSERT INTO coordinators (id, name, chapter_id) VALUES (%s, %s, %s)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
            " chapter_id = excluded.chapter_id",
            [(c.id, c.name, c.chapter_id) for c in coordinators],
        )
        await cur.executemany(
            "INSERT INTO mentors (id, name, chapter_id, active) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
            " chapter_id = excluded.chapter_id, active = excluded.active",
            [(m.id, m.name, m.chapter_id, m.active) for m in mentors],
        )
        await cur.executemany(
            "INSERT INTO coordinator_mentors (coordinator_id, mentor_id) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING",
            pairs,
        )


@understood_calls
async def coordinators(dsn: str) -> tuple[Coordinator, ...]:
    """Every coordinator in the database, in name order, read as the owner."""
    async with await AsyncConnection.connect(dsn) as conn:
        cursor = await conn.execute(
            'SELECT id, name, chapter_id FROM coordinators ORDER BY name COLLATE "C", id'
        )
        return tuple(Coordinator(r[0], r[1], r[2]) for r in await cursor.fetchall())


@understood_calls
async def default_coordinator(dsn: str) -> str | None:
    """The coordinator a front end acts as when none is named (the owner's setting), or None."""
    async with await AsyncConnection.connect(dsn) as conn:
        cursor = await conn.execute(
            "SELECT value FROM settings WHERE name = %s", (DEFAULT_COORDINATOR_SETTING,)
        )
        row = await cursor.fetchone()
        return None if row is None else str(row[0])


@understood_calls
async def set_default_coordinator(dsn: str, coordinator_id: str) -> None:
    """Make ``coordinator_id`` the default, as the owner; raises `UnknownCoordinatorError`."""
    async with await AsyncConnection.connect(dsn) as conn:
        cursor = await conn.execute("SELECT 1 FROM coordinators WHERE id = %s", (coordinator_id,))
        if await cursor.fetchone() is None:
            raise UnknownCoordinatorError(coordinator_id)
        await conn.execute(
            "INSERT INTO settings (name, value) VALUES (%s, %s)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (DEFAULT_COORDINATOR_SETTING, coordinator_id),
        )


class PostgresRepository(Closable):
    """The repository port on PostgreSQL, acting as one coordinator under row-level security.

    Like a Supabase client signed in as ``coordinator_id``: it acts as this one only
    (records registered by anyone else answer ``forbidden``; another coordinator's
    records and submissions cannot be seen).
    """

    def __init__(
        self,
        pool: Pool,
        coordinator_id: str,
        *,
        max_batch_size: int = 500,
        statement_timeout_ms: int = 8000,
        owns_pool: bool = False,
    ) -> None:
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, got {max_batch_size}.")
        if statement_timeout_ms < 0:
            raise ValueError(f"statement_timeout_ms cannot be negative: {statement_timeout_ms}.")
        self._pool = pool
        self._coordinator_id = coordinator_id
        self._max_batch_size = max_batch_size
        self._statement_timeout_ms = statement_timeout_ms
        self._owns_pool = owns_pool
        self._claims = json.dumps({"sub": coordinator_id, "role": API_ROLE})

    @classmethod
    async def open(
        cls,
        dsn: str,
        coordinator_id: str,
        *,
        max_batch_size: int = 500,
        statement_timeout_ms: int = 8000,
        min_size: int = 1,
        max_size: int = 4,
    ) -> PostgresRepository:
        """A repository with a pool of its own on ``dsn`` (closed by `close`)."""
        pool: Pool = AsyncConnectionPool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            kwargs={"autocommit": True},
            open=False,
        )
        with understood():
            await pool.open(wait=True)
        return cls(
            pool,
            coordinator_id,
            max_batch_size=max_batch_size,
            statement_timeout_ms=statement_timeout_ms,
            owns_pool=True,
        )

    async def close(self) -> None:
        """Close the pool if this repository opened it."""
        if self._owns_pool:
            await self._pool.close()

    @property
    def coordinator_id(self) -> str:
        """The coordinator this repository acts as."""
        return self._coordinator_id

    @property
    def max_batch_size(self) -> int:
        return self._max_batch_size

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncConnection[TupleRow]]:
        """A transaction acting as the coordinator: role ``authenticated``, their JWT claims.

        Every data call runs in one; tests and diagnostics may open one too. A statement
        cancelled (the statement timeout) raises `TimeoutError`: the transaction is rolled
        back, so nothing of it was stored.
        """
        try:
            async with self._pool.connection() as conn:
                # BEGIN, the role and the claims in one exchange (one simple query).
                await psycopg.AsyncClientCursor(conn).execute(
                    b"BEGIN; SET LOCAL ROLE authenticated;"
                    b" SELECT set_config('request.jwt.claims', %s, true),"
                    b" set_config('statement_timeout', %s, true)",
                    (self._claims, str(self._statement_timeout_ms)),
                )
                try:
                    yield conn
                except BaseException:
                    if not conn.closed:
                        with contextlib.suppress(psycopg.Error):
                            await conn.execute("ROLLBACK")
                    raise
                await conn.execute("COMMIT")
        except QueryCanceled as exc:
            raise TimeoutError(f"PostgreSQL cancelled the statement: {exc}") from exc
        except psycopg.Error:
            with understood():  # no schema, no connection: the port's errors
                raise

    async def _exchange(self, statement: str, *params: object) -> list[TupleRow]:
        """``statement`` in its own transaction acting as the coordinator, in one round trip:
        BEGIN, the role, the claims, the statement and COMMIT as one simple query, its
        parameters bound client-side. The statement timeout raises `TimeoutError`."""
        query = (
            "BEGIN; SET LOCAL ROLE authenticated;"
            " SELECT set_config('request.jwt.claims', %s, true),"
            f" set_config('statement_timeout', %s, true); {statement}; COMMIT"
        )
        try:
            async with self._pool.connection() as conn:
                return await _one_exchange(
                    conn, query, (self._claims, str(self._statement_timeout_ms), *params)
                )
        except QueryCanceled as exc:
            raise TimeoutError(f"PostgreSQL cancelled the statement: {exc}") from exc
        except psycopg.Error:
            with understood():  # no schema, no connection: the port's errors
                raise

    # --- roster ----------------------------------------------------------------------
    async def roster(self) -> Roster:
        coordinator_id = self._coordinator_id
        async with self.session() as conn:
            cursor = await conn.execute(
                "SELECT id, name, chapter_id FROM coordinators WHERE id = %s", (coordinator_id,)
            )
            row = await cursor.fetchone()
            if row is None:
                raise UnknownCoordinatorError(coordinator_id)
            coordinator = Coordinator(row[0], row[1], row[2])
            cursor = await conn.execute(
                "SELECT m.id, m.name, m.chapter_id, m.active"
                " FROM coordinator_mentors cm JOIN mentors m ON m.id = cm.mentor_id"
                " WHERE cm.coordinator_id = %s"
                ' ORDER BY m.name COLLATE "C", m.id COLLATE "C"',
                (coordinator_id,),
            )
            mentors = tuple(Mentor(r[0], r[1], r[2], r[3]) for r in await cursor.fetchall())
        return Roster(coordinator, mentors)

    # --- register --------------------------------------------------------------------
    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        self._check_size(records)
        if not records:
            return ()
        return await screened(records, lambda rs: self._call("register_proxy_activities", rs))

    async def register_one(self, record: ProxyRecord) -> RecordResult:
        (result,) = await screened([record], lambda rs: self._call("register_proxy_activities", rs))
        return result

    async def register_atomic(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        self._check_size(records)
        if not records:
            return ()
        return await screened(
            records,
            lambda rs: self._call("register_proxy_activities_atomic", rs),
            atomic=True,
        )

    def _check_size(self, records: Sequence[ProxyRecord]) -> None:
        if len(records) > self._max_batch_size:
            raise BatchTooLargeError(len(records), self._max_batch_size)

    async def register_submission(self, submission: Submission) -> tuple[RecordResult, ...]:
        self._check_size(submission.records)
        entry = {
            "id": submission.id,
            "coordinator_id": submission.coordinator_id,
            "kind": submission.kind,
            "records": [rpc_element(r) for r in submission.records],
        }
        try:
            return await self._call("register_submission", submission.records, entry)
        except InsufficientPrivilege as exc:
            raise PermissionError(
                f"Submission {submission.id!r} is not {self._coordinator_id}'s to record."
            ) from exc

    async def _call(
        self, function: str, records: Sequence[ProxyRecord], argument: object | None = None
    ) -> tuple[RecordResult, ...]:
        """One call in one exchange: role, claims, timeout, the call and its transaction are
        one simple-query string (one round trip), bound client-side."""
        name = "submission" if function == "register_submission" else "records"
        call = (
            "SELECT idx, status, record_id, error_code, error_message"
            f" FROM {function}({name} => %s) ORDER BY idx"
        )
        payload = Jsonb([rpc_element(r) for r in records] if argument is None else argument)
        try:
            rows = await self._exchange(call, payload)
        except psycopg.Error as exc:
            if exc.sqlstate == BATCH_TOO_LARGE:
                raise BatchTooLargeError(len(records), _server_limit(exc, len(records))) from exc
            raise
        if [row[0] for row in rows] != list(range(len(records))):
            raise RuntimeError(
                f"{function} answered {len(rows)} rows for {len(records)} records, out of order"
            )
        return tuple(
            RecordResult(
                record.client_key,
                Outcome(status),
                record_id,
                code=code,
                message=message or "",
            )
            for record, (_, status, record_id, code, message) in zip(records, rows, strict=True)
        )

    # --- reconciliation --------------------------------------------------------------
    async def find_registered(self, client_keys: Sequence[str]) -> Mapping[str, str]:
        if not client_keys:
            return {}
        rows = await self._exchange(
            "SELECT client_key, id::text FROM proxy_activities WHERE client_key = ANY(%s)",
            [pg_text(k) for k in client_keys],
        )
        stored = {str(key): str(record_id) for key, record_id in rows}
        return {key: stored[pg_text(key)] for key in client_keys if pg_text(key) in stored}

    # --- ledger ----------------------------------------------------------------------
    async def record_submission(self, submission: Submission) -> None:
        try:
            async with self.session() as conn:
                await conn.execute(
                    "INSERT INTO submissions (id, coordinator_id, kind) VALUES (%s, %s, %s)"
                    " ON CONFLICT (id) DO NOTHING",
                    (submission.id, submission.coordinator_id, submission.kind),
                )
                # One recorder per submission at a time: positions stay dense and unique.
                await conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                    (f"proxyreg.submission:{submission.id}",),
                )
                cursor = await conn.execute(
                    "SELECT count(*) FROM submissions WHERE id = %s", (submission.id,)
                )
                visible = await cursor.fetchone()
                if visible is None or visible[0] == 0:
                    raise PermissionError(
                        f"Submission {submission.id!r} belongs to another coordinator."
                    )
                cursor = await conn.execute(
                    "SELECT mentor_id, position FROM submission_records WHERE submission_id = %s",
                    (submission.id,),
                )
                kept = await cursor.fetchall()
                known = {str(row[0]) for row in kept}
                position = max((int(row[1]) for row in kept), default=-1)
                new = [r for r in submission.records if r.mentor_id not in known]
                async with conn.cursor() as cur:
                    await cur.executemany(
                        "INSERT INTO submission_records (submission_id, position, client_key,"
                        " record_submission_id, mentor_id, registered_by, kind, activity_date,"
                        " minutes, notes, participants)"
                        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [
                            (
                                submission.id,
                                position + n,
                                pg_text(r.client_key),
                                pg_text(r.submission_id),
                                pg_text(r.mentor_id),
                                pg_text(r.registered_by),
                                pg_text(r.kind),
                                r.date,
                                r.minutes,
                                pg_text(r.notes),
                                r.participants,
                            )
                            for n, r in enumerate(new, start=1)
                        ],
                    )
        except InsufficientPrivilege as exc:
            raise PermissionError(
                f"Submission {submission.id!r} is not {self._coordinator_id}'s to record."
            ) from exc

    async def record_outcomes(
        self, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        async with self.session() as conn:
            cursor = await conn.execute(
                "SELECT count(*) FROM submissions WHERE id = %s", (submission_id,)
            )
            visible = await cursor.fetchone()
            if visible is None or visible[0] == 0:
                raise UnknownSubmissionError(submission_id)
            async with conn.cursor() as cur:
                await cur.executemany(
                    "INSERT INTO submission_outcomes (submission_id, mentor_id, client_key,"
                    " outcome, record_id, code, message) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (submission_id, mentor_id) DO UPDATE SET"
                    " client_key = excluded.client_key, outcome = excluded.outcome,"
                    " record_id = excluded.record_id, code = excluded.code,"
                    " message = excluded.message, updated_at = now()",
                    [
                        (
                            submission_id,
                            mentor_id,
                            result.client_key,
                            result.outcome.value,
                            result.record_id,
                            result.code,
                            result.message,
                        )
                        for mentor_id, result in outcomes.items()
                    ],
                )

    async def ledger_entry(self, submission_id: str) -> LedgerEntry | None:
        entries = await self._entries(submission_id=submission_id)
        return entries[0] if entries else None

    async def latest_submission(self, kind: str = "bulk") -> LedgerEntry | None:
        entries = await self._entries(coordinator_id=self._coordinator_id, kind=kind, newest=1)
        return entries[0] if entries else None

    async def submissions(self) -> Sequence[LedgerEntry]:
        return await self._entries(coordinator_id=self._coordinator_id)

    async def _entries(
        self,
        *,
        submission_id: str | None = None,
        coordinator_id: str | None = None,
        kind: str | None = None,
        newest: int | None = None,
    ) -> list[LedgerEntry]:
        """Ledger entries, newest first, in one round trip (005's ledger_entries)."""
        rows = await self._exchange(
            "SELECT ledger_entries(submission => %s, coordinator => %s, of_kind => %s,"
            " newest => %s::integer)",
            submission_id,
            coordinator_id,
            kind,
            newest,
        )
        return [ledger_entry_of(item) for item in rows[0][0]]


async def _one_exchange(
    conn: AsyncConnection[TupleRow], query: str, params: Sequence[object]
) -> list[TupleRow]:
    """Run a string of statements as one simple query (one round trip); the rows of the
    fourth (``BEGIN; SET …; SELECT set_config(…); <the statement>; COMMIT``). On an error the
    transaction the string opened is rolled back."""
    cursor = psycopg.AsyncClientCursor(conn)
    try:
        await cursor.execute(query.encode(), params)
        rows: list[TupleRow] = []
        position = 0
        while True:
            if position == 3 and cursor.description is not None:
                rows = await cursor.fetchall()
            position += 1
            if not cursor.nextset():
                return rows
    except psycopg.Error:
        if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            with contextlib.suppress(psycopg.Error):  # a broken connection is the pool's to drop
                await conn.execute("ROLLBACK")
        raise


def _server_limit(exc: psycopg.Error, fallback: int) -> int:
    """The server's batch limit, from the DETAIL of its PT413 error (``limit=N size=M``)."""
    detail = exc.diag.message_detail or ""
    for part in detail.split():
        name, _, value = part.partition("=")
        if name == "limit" and value.isdigit():
            return int(value)
    return fallback
