"""The SQLite repository beyond the contract: the file, the schema, transactions, faults."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest

from proxyreg.adapters import sqlite as sqlite_adapter
from proxyreg.adapters.faults import FaultyRepository, parse_fault_spec
from proxyreg.adapters.sqlite import (
    RepositoryClosedError,
    SchemaError,
    SqliteRepository,
    migrate,
    migrations,
)
from proxyreg.domain import Mentor, Outcome, ProxyRecord, RecordResult, Submission
from proxyreg.flows import (
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkMentorsSelected,
    BulkPhase,
    BulkRetryFailedRequested,
    FlowContext,
    ProxyRegistrationBloc,
    retryable_mentors,
)
from proxyreg.orchestration import BulkRegistrationOrchestrator, RetryPolicy
from proxyreg.ports import TransientError
from support import COORDINATOR, TODAY, VALID_DRAFT, make_mentors

T = TypeVar("T")

TABLES = {
    "chapters",
    "coordinators",
    "mentors",
    "coordinator_mentors",
    "proxy_activities",
    "submissions",
    "submission_records",
    "submission_outcomes",
}
FAST = RetryPolicy(
    attempts=6, base_delay=0.001, max_delay=0.004, attempt_timeout=2.0, total_timeout=10.0
)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def record(mentor: str, submission: str = "s1", **change: Any) -> ProxyRecord:
    built = ProxyRecord.for_mentor(
        submission_id=submission, mentor_id=mentor, coordinator_id=COORDINATOR.id, draft=VALID_DRAFT
    )
    return attrs.evolve(built, **change)


async def seeded(path: Path, mentors: tuple[Mentor, ...], **options: Any) -> SqliteRepository:
    """A repository on ``path`` holding the coordinator with these mentors assigned."""
    repo = await SqliteRepository.open(path, COORDINATOR.id, **options)
    await repo.database.add_world([COORDINATOR], mentors, [(COORDINATOR.id, m.id) for m in mentors])
    return repo


def with_repository(
    path: Path, mentors: tuple[Mentor, ...], scenario: Callable[[SqliteRepository], Awaitable[T]]
) -> T:
    async def main() -> T:
        async with await seeded(path, mentors) as repo:
            return await scenario(repo)

    return run(main())


@contextlib.contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection to the file, to look at it from outside the repository."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        yield connection


def test_records_and_the_ledger_survive_a_restart(tmp_path: Path) -> None:
    """Records and the ledger written before closing are all there after reopening the file."""
    path = tmp_path / "db.sqlite3"
    sent = (record("m01"), record("m02", notes="Tea «æøå» 🙂"))
    answered = RecordResult(sent[0].client_key, Outcome.REGISTERED, "rec-x", message="ok")

    async def before(repo: SqliteRepository) -> tuple[RecordResult, ...]:
        await repo.record_submission(Submission("s1", COORDINATOR.id, sent))
        results = await repo.register(sent)
        await repo.record_outcomes("s1", {"m01": answered})
        return results

    async def after() -> tuple[Any, ...]:
        async with await SqliteRepository.open(path, COORDINATOR.id) as repo:
            found = await repo.find_registered([r.client_key for r in sent])
            return (
                found,
                await repo.ledger_entry("s1"),
                await repo.latest_submission(),
            )

    results = with_repository(path, make_mentors(2), before)
    found, entry, latest = run(after())
    assert found == {
        r.client_key: result.record_id for r, result in zip(sent, results, strict=True)
    }
    assert entry is not None
    assert entry.submission == Submission("s1", COORDINATOR.id, sent)
    assert dict(entry.outcomes) == {"m01": answered}
    assert latest == entry


def test_migrations_are_applied_once(tmp_path: Path) -> None:
    """Opening again applies nothing: user_version is the last migration, every table is there."""
    path = tmp_path / "db.sqlite3"

    async def open_twice() -> None:
        for _ in range(2):
            repo = await SqliteRepository.open(path, COORDINATOR.id)
            await repo.close()

    run(open_twice())
    with raw(path) as connection:
        assert migrate(connection) == ()
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_schema")}
    assert version == len(migrations()) >= 1
    assert tables >= TABLES


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    """A file whose schema version is past the shipped migrations is not opened."""
    path = tmp_path / "db.sqlite3"
    with raw(path) as connection:
        connection.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
    with pytest.raises(SchemaError):
        run(SqliteRepository.open(path, COORDINATOR.id))


def test_a_closed_repository_refuses_calls(tmp_path: Path) -> None:
    """After close (twice is fine) every call raises RepositoryClosedError."""

    async def scenario() -> None:
        repo = await SqliteRepository.open(tmp_path / "db.sqlite3", COORDINATOR.id)
        await repo.close()
        await repo.close()
        with pytest.raises(RepositoryClosedError):
            await repo.ledger_entry("s1")

    run(scenario())


def test_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    """The database file is left in write-ahead-log journal mode."""
    path = tmp_path / "db.sqlite3"
    with_repository(path, make_mentors(1), lambda repo: repo.roster())
    with raw(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    """Assigning a mentor the database does not hold is refused by a foreign key."""

    async def scenario(repo: SqliteRepository) -> None:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            await repo.database.add_world([], [], [(COORDINATOR.id, "nobody")])

    with_repository(tmp_path / "db.sqlite3", make_mentors(1), scenario)


def test_seeding_again_updates_and_adds(tmp_path: Path) -> None:
    """add_world is idempotent: seeding again keeps one row each and takes the new values."""
    mentors = make_mentors(3)
    paused = (*mentors[:2], attrs.evolve(mentors[2], active=False))

    async def scenario(repo: SqliteRepository) -> None:
        await repo.database.add_world(
            [COORDINATOR], paused, [(COORDINATOR.id, m.id) for m in paused]
        )
        roster = await repo.roster()
        assert roster.mentors == paused

    with_repository(tmp_path / "db.sqlite3", mentors, scenario)


def test_a_500_record_batch_is_one_transaction(tmp_path: Path) -> None:
    """All or nothing over 500 records: one bad record at the end leaves none of them stored."""
    mentors = make_mentors(500)
    sent = [record(m.id) for m in mentors[:-1]] + [record(mentors[-1].id, minutes=0)]

    async def scenario(repo: SqliteRepository) -> tuple[tuple[RecordResult, ...], int]:
        results = await repo.register_atomic(sent)
        return results, len(await repo.find_registered([r.client_key for r in sent]))

    results, stored = with_repository(tmp_path / "db.sqlite3", mentors, scenario)
    assert len(results) == 500
    assert {r.code for r in results[:-1]} == {"rolled_back"}
    assert (results[-1].outcome, results[-1].code) == (Outcome.REJECTED, "invalid")
    assert stored == 0


def test_a_busy_database_is_a_transient_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer holding the lock past the busy timeout: TransientError, nothing stored."""
    monkeypatch.setattr(sqlite_adapter, "BUSY_TIMEOUT_SECONDS", 0.05)
    path = tmp_path / "db.sqlite3"

    async def scenario(repo: SqliteRepository) -> dict[str, str]:
        with raw(path) as other:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(TransientError) as refused:
                await repo.register([record("m01")])
            other.execute("ROLLBACK")
        assert refused.value.status == 503
        return dict(await repo.find_registered([record("m01").client_key]))

    assert with_repository(path, make_mentors(1), scenario) == {}


def test_the_orchestrator_over_faults_stores_each_mentor_once(tmp_path: Path) -> None:
    """Bulk submit through the orchestrator over a misbehaving SQLite backend, then Retry failed
    until settled: every mentor is stored exactly once."""
    path = tmp_path / "db.sqlite3"
    mentors = make_mentors(20)
    spec = parse_fault_spec("seed=3,fail_rate=0.3,timeout_after_commit=0.2")

    async def scenario(repo: SqliteRepository) -> tuple[BulkPhase, int]:
        backend = FaultyRepository(repo, spec)
        context = FlowContext(await repo.roster(), TODAY)
        orchestrator = BulkRegistrationOrchestrator(backend, policy=FAST, seed=3)
        bloc = ProxyRegistrationBloc(context=context, gateway=orchestrator)
        await bloc.add(BulkFlowEntered())
        await bloc.add(BulkMentorsSelected(tuple(m.id for m in mentors)))
        await bloc.add(BulkActivityKindChanged("home_visit"))
        await bloc.add(BulkActivityDateChanged(TODAY))
        await bloc.add(BulkDurationChanged(60))
        await bloc.add(BulkActivitySubmitted())
        retries = 0
        while retryable_mentors(bloc.state.bulk):
            retries += 1
            await bloc.add(BulkRetryFailedRequested())
        await bloc.close()
        return bloc.state.bulk.phase, retries

    phase, retries = with_repository(path, mentors, scenario)
    with raw(path) as connection:
        per_mentor = dict(
            connection.execute(
                "SELECT mentor_id, count(*) FROM proxy_activities GROUP BY mentor_id"
            )
        )
    assert retries > 0, "the seed is meant to fail some records"
    assert phase is BulkPhase.COMPLETED
    assert per_mentor == {m.id: 1 for m in mentors}


def test_a_hostile_record_beside_a_valid_one_through_the_orchestrator(tmp_path: Path) -> None:
    """A record with a lone surrogate in its notes, or no date, is answered rejected / invalid
    and kept out of the ledger; the valid record beside it is stored and recorded."""
    path = tmp_path / "db.sqlite3"
    mentors = make_mentors(3)
    sent = (record("m01", notes="bad \ud800"), record("m02", date=None), record("m03"))

    async def scenario(repo: SqliteRepository) -> tuple[list[tuple[str, Outcome, str]], Any]:
        answers: list[tuple[str, Outcome, str]] = []
        orchestrator = BulkRegistrationOrchestrator(repo, policy=FAST)
        await orchestrator.submit(
            Submission("s1", COORDINATOR.id, sent),
            lambda mentor, r: answers.append((mentor, r.outcome, r.code or "")),
        )
        entry = await repo.ledger_entry("s1")
        return sorted(answers), entry

    answers, entry = with_repository(path, mentors, scenario)
    assert answers == [
        ("m01", Outcome.REJECTED, "invalid"),
        ("m02", Outcome.REJECTED, "invalid"),
        ("m03", Outcome.REGISTERED, ""),
    ]
    assert entry is not None
    assert (
        {m: r.outcome for m, r in entry.outcomes.items()},
        entry.submission.mentor_ids,
    ) == ({"m03": Outcome.REGISTERED}, ("m03",))
