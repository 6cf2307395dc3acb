"""The SQLite repository: the embedded default backend, one file on disk, standard library only.

What it does:

- keeps the people, the proxy records (one per client key) and the submission ledger
  in one SQLite file, in WAL mode with foreign keys on and a busy timeout;
- creates and upgrades the schema from the versioned SQL files shipped in
  ``proxyreg/adapters/sql/sqlite`` (``001_initial.sql``, …), each in its own
  transaction, the version kept in ``PRAGMA user_version``;
- runs every sqlite3 call on one worker thread of its own, so an asyncio loop (a UI)
  is never blocked and the connection is only ever used from the thread that opened it;
- judges every record with the domain's rules (`proxyreg.domain.judge_record`), so it answers
  exactly as the in-memory reference does (`proxyreg.adapters.memory`).

`SqliteDatabase` is the file (its people and settings, an operator's view);
`SqliteDatabase.acting_as` gives the `SqliteRepository` that acts for one coordinator, as
the port asks: it registers only as them and reads and reports only their records and
submissions. There is no row-level security under it: whoever can open the file can read
everything in it with sqlite3, so the binding keeps coordinators apart, not secrets.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
import sqlite3
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any, TypeVar

import attrs

from proxyreg._closable import Closable
from proxyreg.adapters._settings import DEFAULT_COORDINATOR_SETTING
from proxyreg.domain import (
    DEFAULT_RULES,
    Assignment,
    Coordinator,
    LedgerEntry,
    Mentor,
    Outcome,
    ProxyRecord,
    RecordResult,
    Roster,
    Stored,
    Submission,
    ValidationRules,
    judge_record,
    registered,
    rolled_back,
)
from proxyreg.ports import (
    BackendUnavailableError,
    BatchTooLargeError,
    TransientError,
    UnknownCoordinatorError,
    UnknownSubmissionError,
)

T = TypeVar("T")

BUSY_TIMEOUT_SECONDS = 5.0
"""How long a call waits for another connection's write lock before giving up."""

# The answers, word for word as the in-memory reference gives them.
BUSY_MESSAGE = "The database is busy with another writer; try again in a moment."


class RepositoryClosedError(RuntimeError):
    """A call on a repository that was closed."""


class SchemaError(BackendUnavailableError):
    """The database file's schema is not one this version can use (newer, or a broken migration)."""


# --- migrations ----------------------------------------------------------------------------

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@attrs.frozen
class Migration:
    """One schema step: ``version`` is the number its file name starts with."""

    version: int
    name: str
    sql: str


def migrations() -> tuple[Migration, ...]:
    """The shipped migrations in order; their versions must run 1, 2, 3, … without gaps."""
    folder = resources.files("proxyreg.adapters").joinpath("sql", "sqlite")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise SchemaError(f"Migrations must be numbered 1, 2, 3, …: {[m.name for m in found]}")
    return tuple(found)


def split_statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one (``;`` inside strings and comments kept).

    `sqlite3.Connection.executescript` would commit any open transaction first, so a
    migration runs its statements one by one inside a transaction of its own.
    """
    *pieces, rest = script.split(";")
    buffer = ""
    for piece in pieces:
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    leftover = [line for line in (buffer + rest).splitlines() if not _is_comment(line)]
    if "".join(leftover).strip():
        raise SchemaError(f"An SQL statement does not end with ';': {' '.join(leftover)[:60]!r}")


def _is_comment(line: str) -> bool:
    return line.strip().startswith("--")


def _user_version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(connection: sqlite3.Connection) -> tuple[int, ...]:
    """Apply the migrations the database does not have yet, in order; answer their versions.

    Each runs in its own ``BEGIN IMMEDIATE`` transaction, and its last statement sets
    ``PRAGMA user_version`` (checked here). The version is read again inside the
    transaction, so two processes opening a new file at once apply each step once.
    """
    known = migrations()
    current = _user_version(connection)
    if current > len(known):
        raise SchemaError(
            f"The database has schema version {current}; this proxyreg knows up to {len(known)}."
        )
    applied = []
    for migration in known[current:]:
        with _transaction(connection):
            if _user_version(connection) >= migration.version:
                continue  # another connection applied it meanwhile
            for statement in split_statements(migration.sql):
                connection.execute(statement)
            if _user_version(connection) != migration.version:
                raise SchemaError(
                    f"{migration.name} must end with PRAGMA user_version = {migration.version};"
                )
        applied.append(migration.version)
    return tuple(applied)


# --- transactions ---------------------------------------------------------------------------


class _Transaction:
    """An open transaction that its block may roll back on purpose."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def roll_back(self) -> None:
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK")


@contextlib.contextmanager
def _transaction(
    connection: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE"
) -> Iterator[_Transaction]:
    """One transaction: committed when the block ends, rolled back when it raises.

    Writes begin ``IMMEDIATE``: the write lock is taken up front, so what a
    transaction reads cannot change under it before it commits.
    """
    connection.execute(begin)
    transaction = _Transaction(connection)
    try:
        yield transaction
    except BaseException:
        transaction.roll_back()
        raise
    if connection.in_transaction:
        connection.execute("COMMIT")


_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


@contextlib.contextmanager
def _busy_is_transient() -> Iterator[None]:
    """Another writer held the lock past the busy timeout: nothing stored, retry later (503)."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF not in _BUSY_CODES:
            raise
        raise TransientError(503, BUSY_MESSAGE) from error


def payload_hash(record: ProxyRecord) -> str:
    """The sha256 of the record's payload as canonical JSON: equal payloads, equal hashes."""
    canonical = json.dumps(
        list(record.payload()), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def new_record_id() -> str:
    return uuid.uuid4().hex


# --- SQL ---------------------------------------------------------------------------------

_UPSERT_CHAPTER = "INSERT INTO chapters (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING"
_UPSERT_COORDINATOR = """
    INSERT INTO coordinators (id, name, chapter_id) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, chapter_id = excluded.chapter_id
"""
_UPSERT_MENTOR = """
    INSERT INTO mentors (id, name, chapter_id, active) VALUES (?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE
    SET name = excluded.name, chapter_id = excluded.chapter_id, active = excluded.active
"""
_ASSIGN = """
    INSERT INTO coordinator_mentors (coordinator_id, mentor_id) VALUES (?, ?)
    ON CONFLICT (coordinator_id, mentor_id) DO NOTHING
"""

_SELECT_COORDINATOR = "SELECT id, name, chapter_id FROM coordinators WHERE id = ?"
_SELECT_COORDINATORS = "SELECT id, name, chapter_id FROM coordinators ORDER BY name, id"
_SELECT_SETTING = "SELECT value FROM settings WHERE name = ?"
_UPSERT_SETTING = """
    INSERT INTO settings (name, value) VALUES (?, ?)
    ON CONFLICT (name) DO UPDATE SET value = excluded.value
"""
_SELECT_ROSTER = """
    SELECT m.id, m.name, m.chapter_id, m.active
    FROM coordinator_mentors AS cm JOIN mentors AS m ON m.id = cm.mentor_id
    WHERE cm.coordinator_id = ?
    ORDER BY m.name, m.id
"""
_SELECT_ASSIGNED_MENTOR = """
    SELECT m.name, m.active
    FROM coordinator_mentors AS cm JOIN mentors AS m ON m.id = cm.mentor_id
    WHERE cm.coordinator_id = ? AND cm.mentor_id = ?
"""

_SELECT_STORED = """
    SELECT id, payload_hash, registered_by FROM proxy_activities WHERE client_key = ?
"""
_INSERT_ACTIVITY = """
    INSERT INTO proxy_activities (
        id, client_key, payload_hash, mentor_id, registered_by,
        kind, activity_date, minutes, notes, participants
    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_FIND_REGISTERED = """
    SELECT a.client_key, a.id
    FROM json_each(?) AS wanted JOIN proxy_activities AS a ON a.client_key = wanted.value
    WHERE a.registered_by = ?
"""

_INSERT_SUBMISSION = """
    INSERT INTO submissions (id, coordinator_id, kind, created_seq)
    VALUES (?, ?, ?, (SELECT coalesce(max(created_seq), 0) + 1 FROM submissions))
    ON CONFLICT (id) DO NOTHING
"""
_SELECT_SUBMISSION = "SELECT coordinator_id, kind FROM submissions WHERE id = ?"
_SELECT_LATEST_SUBMISSION = """
    SELECT id FROM submissions WHERE coordinator_id = ? AND kind = ?
    ORDER BY created_seq DESC LIMIT 1
"""
_SELECT_SUBMISSIONS = """
    SELECT id FROM submissions WHERE coordinator_id = ? ORDER BY created_seq DESC
"""
_SELECT_RECORD_MENTORS = "SELECT mentor_id FROM submission_records WHERE submission_id = ?"
_INSERT_SUBMISSION_RECORD = """
    INSERT INTO submission_records (
        submission_id, position, mentor_id, client_key, registered_by,
        kind, activity_date, minutes, notes, participants
    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_SELECT_SUBMISSION_RECORDS = """
    SELECT client_key, mentor_id, registered_by, kind, activity_date, minutes, notes, participants
    FROM submission_records WHERE submission_id = ? ORDER BY position
"""
_UPSERT_OUTCOME = """
    INSERT INTO submission_outcomes (
        submission_id, mentor_id, client_key, outcome, record_id, code, message
    ) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (submission_id, mentor_id) DO UPDATE SET
        client_key = excluded.client_key, outcome = excluded.outcome,
        record_id = excluded.record_id, code = excluded.code, message = excluded.message
"""
_SELECT_OUTCOMES = """
    SELECT mentor_id, client_key, outcome, record_id, code, message
    FROM submission_outcomes WHERE submission_id = ? ORDER BY rowid
"""


# --- the database, on its own thread -------------------------------------------------------


def connect(path: str, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, foreign keys on.

    The schema is brought up to date before it is returned. ``read_only`` opens it for
    reading only, writing nothing (not even WAL's index), for a file, folder or file
    system that cannot be written: the schema must then be up to date already.
    """
    if read_only:
        return _connect_read_only(path)
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA foreign_keys = ON")
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_read_only(path: str) -> sqlite3.Connection:
    """``mode=ro``; where WAL's index cannot be made beside the file (a read-only folder),
    ``immutable=1``: no one can be writing it then, since a writer would need that index."""
    uri = "file:" + urllib.request.pathname2url(os.path.abspath(path))
    for options in ("?mode=ro", "?mode=ro&immutable=1"):
        connection = sqlite3.connect(
            uri + options, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
        )
        try:
            current = _user_version(connection)
        except sqlite3.OperationalError:
            connection.close()
            continue
        if current != len(migrations()):
            connection.close()
            raise SchemaError(
                f"The database has schema version {current} and cannot be written to bring it "
                f"to {len(migrations())}."
            )
        return connection
    raise sqlite3.OperationalError("unable to open database file for reading")


class _Database:
    """The synchronous work, all of it on the repository's worker thread."""

    def __init__(self, connection: sqlite3.Connection, rules: ValidationRules) -> None:
        self.connection = connection
        self.rules = rules

    # people
    def add_world(
        self,
        coordinators: Sequence[Coordinator],
        mentors: Sequence[Mentor],
        assignments: Sequence[tuple[str, str]],
    ) -> None:
        db = self.connection
        chapters = dict.fromkeys(
            [c.chapter_id for c in coordinators] + [m.chapter_id for m in mentors]
        )
        with _transaction(db):
            db.executemany(_UPSERT_CHAPTER, [(c, c) for c in chapters])
            db.executemany(
                _UPSERT_COORDINATOR, [(c.id, c.name, c.chapter_id) for c in coordinators]
            )
            db.executemany(
                _UPSERT_MENTOR, [(m.id, m.name, m.chapter_id, int(m.active)) for m in mentors]
            )
            db.executemany(_ASSIGN, assignments)

    def roster(self, coordinator_id: str) -> Roster:
        with _transaction(self.connection, "BEGIN"):
            found = self.connection.execute(_SELECT_COORDINATOR, (coordinator_id,)).fetchone()
            if found is None:
                raise UnknownCoordinatorError(coordinator_id)
            rows = self.connection.execute(_SELECT_ROSTER, (coordinator_id,)).fetchall()
        mentors = tuple(Mentor(i, name, chapter, bool(active)) for i, name, chapter, active in rows)
        return Roster(Coordinator(*found), mentors)

    # records
    def register(
        self, coordinator_id: str, records: Sequence[ProxyRecord], *, atomic: bool
    ) -> tuple[RecordResult, ...]:
        """All records in one transaction, each checked and stored on its own, in order.

        Check-then-insert rather than a savepoint per record: the transaction takes the
        write lock at BEGIN IMMEDIATE, so nothing can store a key between the check and
        the insert, and a refused record never reaches an INSERT, so there is nothing of
        it to undo. A key repeated in the batch finds the first one's row: a replay.
        Any error rolls the whole call back (nothing stored).
        """
        with _busy_is_transient(), _transaction(self.connection) as transaction:
            results = tuple(self._register_one(coordinator_id, r) for r in records)
            if atomic and not all(r.outcome.is_success for r in results):
                transaction.roll_back()
                return rolled_back(results)
            return results

    def _register_one(self, coordinator_id: str, record: ProxyRecord) -> RecordResult:
        answer = judge_record(record, coordinator_id, _Lookup(self, coordinator_id), self.rules)
        if answer is not None:
            return answer
        record_id = new_record_id()
        row = _activity_row(record_id, payload_hash(record), record)
        self.connection.execute(_INSERT_ACTIVITY, row)
        return registered(record, record_id)

    def find_registered(self, coordinator_id: str, client_keys: Sequence[str]) -> dict[str, str]:
        wanted = json.dumps(list(client_keys))
        rows = self.connection.execute(_FIND_REGISTERED, (wanted, coordinator_id)).fetchall()
        found = dict(rows)
        return {key: found[key] for key in client_keys if key in found}

    # ledger
    def record_submission(self, coordinator_id: str, submission: Submission) -> None:
        db = self.connection
        with _transaction(db):
            kept = db.execute(_SELECT_SUBMISSION, (submission.id,)).fetchone()
            owners = {submission.coordinator_id} | (set() if kept is None else {kept[0]})
            if owners != {coordinator_id}:
                raise PermissionError(
                    f"Submission {submission.id!r} is not {coordinator_id}'s to record."
                )
            db.execute(
                _INSERT_SUBMISSION, (submission.id, submission.coordinator_id, submission.kind)
            )
            known = {row[0] for row in db.execute(_SELECT_RECORD_MENTORS, (submission.id,))}
            new = [r for r in submission.records if r.mentor_id not in known]
            rows = [
                _submission_record_row(submission.id, len(known) + i, r) for i, r in enumerate(new)
            ]
            db.executemany(_INSERT_SUBMISSION_RECORD, rows)

    def record_outcomes(
        self, coordinator_id: str, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        db = self.connection
        with _transaction(db):
            kept = db.execute(_SELECT_SUBMISSION, (submission_id,)).fetchone()
            if kept is None or kept[0] != coordinator_id:
                raise UnknownSubmissionError(submission_id)
            db.executemany(
                _UPSERT_OUTCOME,
                [_outcome_row(submission_id, mentor, r) for mentor, r in outcomes.items()],
            )

    def ledger_entry(self, coordinator_id: str, submission_id: str) -> LedgerEntry | None:
        with _transaction(self.connection, "BEGIN"):
            entry = self._read_entry(submission_id)
        if entry is None or entry.submission.coordinator_id != coordinator_id:
            return None
        return entry

    def latest_submission(self, coordinator_id: str, kind: str) -> LedgerEntry | None:
        with _transaction(self.connection, "BEGIN"):
            found = self.connection.execute(
                _SELECT_LATEST_SUBMISSION, (coordinator_id, kind)
            ).fetchone()
            return None if found is None else self._read_entry(found[0])

    def submissions(self, coordinator_id: str) -> list[LedgerEntry]:
        with _transaction(self.connection, "BEGIN"):
            ids = [
                row[0] for row in self.connection.execute(_SELECT_SUBMISSIONS, (coordinator_id,))
            ]
            entries = [self._read_entry(submission_id) for submission_id in ids]
        return [entry for entry in entries if entry is not None]

    # settings
    def coordinators(self) -> list[Coordinator]:
        rows = self.connection.execute(_SELECT_COORDINATORS).fetchall()
        return [Coordinator(*row) for row in rows]

    def setting(self, name: str) -> str | None:
        found = self.connection.execute(_SELECT_SETTING, (name,)).fetchone()
        return None if found is None else str(found[0])

    def set_default_coordinator(self, coordinator_id: str) -> None:
        db = self.connection
        with _transaction(db):
            if db.execute(_SELECT_COORDINATOR, (coordinator_id,)).fetchone() is None:
                raise UnknownCoordinatorError(coordinator_id)
            db.execute(_UPSERT_SETTING, (DEFAULT_COORDINATOR_SETTING, coordinator_id))

    def _read_entry(self, submission_id: str) -> LedgerEntry | None:
        """One submission with its records and outcomes; the caller holds a read transaction."""
        db = self.connection
        found = db.execute(_SELECT_SUBMISSION, (submission_id,)).fetchone()
        if found is None:
            return None
        coordinator_id, kind = found
        rows = db.execute(_SELECT_SUBMISSION_RECORDS, (submission_id,)).fetchall()
        records = tuple(_record_from_row(submission_id, row) for row in rows)
        outcomes = {
            row[0]: _result_from_row(row[1:])
            for row in db.execute(_SELECT_OUTCOMES, (submission_id,))
        }
        return LedgerEntry(Submission(submission_id, coordinator_id, records, kind), outcomes)


def _activity_row(record_id: str, digest: str, record: ProxyRecord) -> tuple[object, ...]:
    return (
        record_id,
        record.client_key,
        digest,
        record.mentor_id,
        record.registered_by,
        record.kind,
        record.date.isoformat(),
        record.minutes,
        record.notes,
        record.participants,
    )


def _submission_record_row(
    submission_id: str, position: int, record: ProxyRecord
) -> tuple[object, ...]:
    return (
        submission_id,
        position,
        record.mentor_id,
        record.client_key,
        record.registered_by,
        record.kind,
        record.date.isoformat(),
        record.minutes,
        record.notes,
        record.participants,
    )


def _record_from_row(submission_id: str, row: Sequence[Any]) -> ProxyRecord:
    client_key, mentor_id, registered_by, kind, date, minutes, notes, participants = row
    return ProxyRecord(
        client_key=client_key,
        submission_id=submission_id,
        mentor_id=mentor_id,
        registered_by=registered_by,
        kind=kind,
        date=dt.date.fromisoformat(date),
        minutes=minutes,
        notes=notes,
        participants=participants,
    )


def _outcome_row(submission_id: str, mentor_id: str, result: RecordResult) -> tuple[object, ...]:
    return (
        submission_id,
        mentor_id,
        result.client_key,
        result.outcome.value,
        result.record_id,
        result.code,
        result.message,
    )


def _result_from_row(row: Sequence[Any]) -> RecordResult:
    client_key, outcome, record_id, code, message = row
    return RecordResult(client_key, Outcome(outcome), record_id, code, message)


# --- the repository ------------------------------------------------------------------------


class SqliteDatabase(Closable):
    """One SQLite file: its people and settings (an operator's view, not the port), and a
    `SqliteRepository` per coordinator (`acting_as`). Open with `SqliteDatabase.open`."""

    def __init__(
        self, database: _Database, executor: ThreadPoolExecutor, max_batch_size: int
    ) -> None:
        self._database = database
        self._executor = executor
        self._max_batch_size = max_batch_size
        self._closed = False

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        *,
        max_batch_size: int = 500,
        rules: ValidationRules = DEFAULT_RULES,
        read_only: bool = False,
    ) -> SqliteDatabase:
        """Open (creating if need be) the database file and bring its schema up to date;
        ``read_only``: open an existing file for reading only (see `connect`)."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="proxyreg-sqlite")
        loop = asyncio.get_running_loop()
        opening = functools.partial(connect, os.fspath(path), read_only=read_only)
        try:
            connection = await loop.run_in_executor(executor, opening)
        except BaseException as error:
            executor.shutdown(wait=False)
            if isinstance(error, sqlite3.Error):
                raise BackendUnavailableError(
                    f"{os.fspath(path)} cannot be opened as a proxyreg database: {error}."
                ) from error
            raise
        return cls(_Database(connection, rules), executor, max_batch_size)

    async def close(self) -> None:
        """Close the connection and stop the worker thread; closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._database.connection.close)
        finally:
            self._executor.shutdown(wait=False)

    async def run(self, work: Callable[[_Database], T]) -> T:
        """Run ``work`` on the worker thread, after every call made before it.

        sqlite3's errors stay here: a file that fails under a call (its disk, its lock
        held past the busy timeout) is `BackendUnavailableError`; a constraint a call
        breaks (`sqlite3.IntegrityError`, a caller's mistake) passes as it is.
        """
        if self._closed:
            raise RepositoryClosedError("This SQLite database is closed.")
        database = self._database
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, lambda: work(database)
            )
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as error:
            raise BackendUnavailableError(f"The SQLite database failed: {error}.") from error

    @property
    def max_batch_size(self) -> int:
        return self._max_batch_size

    def acting_as(self, coordinator_id: str) -> SqliteRepository:
        """The repository on this file acting for ``coordinator_id`` (while the file is open;
        closing it leaves the file open)."""
        return SqliteRepository(self, coordinator_id)

    async def add_world(
        self,
        coordinators: Iterable[Coordinator],
        mentors: Iterable[Mentor],
        assignments: Iterable[tuple[str, str]],
    ) -> None:
        """Seed coordinators, mentors and (coordinator id, mentor id) assignments.

        Chapters are created from the chapter ids (named by their id). Idempotent:
        seeding again updates names, chapters and paused flags and adds what is new.
        """
        people = (tuple(coordinators), tuple(mentors), tuple(assignments))
        await self.run(lambda db: db.add_world(*people))

    async def coordinators(self) -> tuple[Coordinator, ...]:
        """Every coordinator in the database, in name order."""
        return tuple(await self.run(_Database.coordinators))

    async def default_coordinator(self) -> str | None:
        """The id of the coordinator a front end acts as when none is named, or None."""
        return await self.run(lambda db: db.setting(DEFAULT_COORDINATOR_SETTING))

    async def set_default_coordinator(self, coordinator_id: str) -> None:
        """Make ``coordinator_id`` the default; raises `UnknownCoordinatorError` if unknown."""
        await self.run(lambda db: db.set_default_coordinator(coordinator_id))


class SqliteRepository(Closable):
    """The `ProxyRepository` on one SQLite file, acting for one coordinator.

    From `SqliteDatabase.acting_as` (sharing its file), or `SqliteRepository.open` (a file
    of its own, closed with it).
    """

    def __init__(
        self, database: SqliteDatabase, coordinator_id: str, *, owns_database: bool = False
    ) -> None:
        self.database = database
        self._coordinator_id = coordinator_id
        self._owns_database = owns_database

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        coordinator_id: str,
        *,
        max_batch_size: int = 500,
        rules: ValidationRules = DEFAULT_RULES,
    ) -> SqliteRepository:
        """Open the file as `SqliteDatabase.open` does, acting for ``coordinator_id``."""
        database = await SqliteDatabase.open(path, max_batch_size=max_batch_size, rules=rules)
        return cls(database, coordinator_id, owns_database=True)

    async def close(self) -> None:
        """Close the file if this repository opened it."""
        if self._owns_database:
            await self.database.close()

    @property
    def coordinator_id(self) -> str:
        return self._coordinator_id

    @property
    def max_batch_size(self) -> int:
        return self.database.max_batch_size

    async def roster(self) -> Roster:
        return await self.database.run(lambda db: db.roster(self._coordinator_id))

    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        return await self._register(records, atomic=False)

    async def register_one(self, record: ProxyRecord) -> RecordResult:
        (result,) = await self._register([record], atomic=False)
        return result

    async def register_atomic(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        return await self._register(records, atomic=True)

    async def _register(
        self, records: Sequence[ProxyRecord], *, atomic: bool
    ) -> tuple[RecordResult, ...]:
        if len(records) > self.max_batch_size:
            raise BatchTooLargeError(len(records), self.max_batch_size)
        if not records:
            return ()
        sent = tuple(records)
        return await self.database.run(
            lambda db: db.register(self._coordinator_id, sent, atomic=atomic)
        )

    async def find_registered(self, client_keys: Sequence[str]) -> Mapping[str, str]:
        if not client_keys:
            return {}
        keys = tuple(client_keys)
        return await self.database.run(lambda db: db.find_registered(self._coordinator_id, keys))

    async def record_submission(self, submission: Submission) -> None:
        await self.database.run(lambda db: db.record_submission(self._coordinator_id, submission))

    async def record_outcomes(
        self, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        kept = dict(outcomes)
        await self.database.run(
            lambda db: db.record_outcomes(self._coordinator_id, submission_id, kept)
        )

    async def ledger_entry(self, submission_id: str) -> LedgerEntry | None:
        return await self.database.run(
            lambda db: db.ledger_entry(self._coordinator_id, submission_id)
        )

    async def latest_submission(self, kind: str = "bulk") -> LedgerEntry | None:
        return await self.database.run(lambda db: db.latest_submission(self._coordinator_id, kind))

    async def submissions(self) -> Sequence[LedgerEntry]:
        return await self.database.run(lambda db: db.submissions(self._coordinator_id))


class _Lookup:
    """What the record rules ask of the file, for one coordinator (`domain.RecordLookup`)."""

    def __init__(self, database: _Database, coordinator_id: str) -> None:
        self._connection = database.connection
        self._coordinator_id = coordinator_id

    def stored(self, record: ProxyRecord) -> Stored | None:
        found = self._connection.execute(_SELECT_STORED, (record.client_key,)).fetchone()
        if found is None:
            return None
        record_id, stored_digest, registered_by = found
        return Stored(
            record_id, stored_digest == payload_hash(record), registered_by == self._coordinator_id
        )

    def assignment(self, coordinator_id: str, mentor_id: str) -> Assignment | None:
        found = self._connection.execute(
            _SELECT_ASSIGNED_MENTOR, (coordinator_id, mentor_id)
        ).fetchone()
        return None if found is None else Assignment(found[0], bool(found[1]))
