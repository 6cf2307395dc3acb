"""The PostgreSQL backend beyond the contract: RLS, the RPC's guarantees, timeouts, and a
state machine holding it to the in-memory backend, call for call.

One throwaway database for the module (tests/pg.py); each test starts from the contract's
world, freshly seeded.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import attrs
import psycopg
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from psycopg.types.json import Jsonb

from contract.repository_contract import record
from contract.world import KARI, OLA, PAUSED_ID, WORLD
from pg import reset, throwaway_database
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.adapters.postgres import PostgresRepository, coordinators, migrate, migrations
from proxyreg.domain import Outcome, ProxyRecord, RecordResult, Submission
from proxyreg.ports import (
    BackendUnavailableError,
    BatchTooLargeError,
    NoSchemaError,
    UnknownSubmissionError,
)

pytestmark = pytest.mark.postgres

T = TypeVar("T")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with throwaway_database() as dsn:
        yield dsn


@pytest.fixture
def dsn(database: str) -> str:
    asyncio.run(reset(database, WORLD))
    return database


@asynccontextmanager
async def acting(
    dsn: str, coordinator_id: str = KARI.id, **options: Any
) -> AsyncIterator[PostgresRepository]:
    async with await PostgresRepository.open(dsn, coordinator_id, **options) as repo:
        yield repo


async def owner_rows(dsn: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of a query run as the owner (a superuser: row-level security does not apply)."""
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        cursor = await conn.execute(query.encode(), params)
        return await cursor.fetchall()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


# --- migrations -------------------------------------------------------------------------
def test_migrations_apply_once(dsn: str) -> None:
    """The shipped migrations are tracked; running migrate again applies nothing."""

    async def scenario() -> None:
        assert await migrate(dsn) == ()
        rows = await owner_rows(dsn, "SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in rows] == [version for version, _ in migrations()]
        assert len(rows) >= 4

    run(scenario())


def test_every_table_has_row_level_security(dsn: str) -> None:
    async def scenario() -> None:
        rows = await owner_rows(
            dsn,
            "SELECT relname, relrowsecurity FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
        )
        assert {name for name, _ in rows} == {
            "chapters",
            "coordinators",
            "mentors",
            "coordinator_mentors",
            "proxy_activities",
            "submissions",
            "submission_records",
            "submission_outcomes",
            "settings",
            "schema_migrations",
        }
        assert all(secured for _, secured in rows), rows

    run(scenario())


# --- authorization ------------------------------------------------------------------------
def test_another_chapters_mentor_is_rejected_alone(dsn: str) -> None:
    """Registering for another chapter's mentor: that record alone is refused, not stored."""

    async def scenario() -> None:
        async with acting(dsn) as repo:
            results = await repo.register([record("m01"), record("x01"), record("m02")])
        assert [(r.outcome, r.code) for r in results] == [
            (Outcome.REGISTERED, None),
            (Outcome.REJECTED, "not_assigned"),
            (Outcome.REGISTERED, None),
        ]
        stored = await owner_rows(dsn, "SELECT mentor_id FROM proxy_activities ORDER BY 1")
        assert stored == [("m01",), ("m02",)]

    run(scenario())


def test_a_coordinator_cannot_read_anothers_records(dsn: str) -> None:
    """OLA's record is invisible to KARI: not reconciled, not selectable, not overwritable."""

    async def scenario() -> None:
        olas = record("x01", coordinator=OLA.id)
        async with acting(dsn, OLA.id) as ola:
            (stored,) = await ola.register([olas])
            assert stored.outcome is Outcome.REGISTERED
        async with acting(dsn) as kari:
            assert await kari.find_registered([olas.client_key]) == {}
            async with kari.session() as conn:
                cursor = await conn.execute("SELECT count(*) FROM proxy_activities")
                assert await cursor.fetchone() == (0,)
                cursor = await conn.execute("SELECT count(*) FROM coordinators")
                assert await cursor.fetchone() == (1,)
                cursor = await conn.execute("SELECT count(*) FROM mentors")
                assert await cursor.fetchone() == (12,)
                cursor = await conn.execute("SELECT id FROM chapters")
                assert await cursor.fetchall() == [(KARI.chapter_id,)]
            # Sending OLA's record, or taking its key for one of KARI's own, reveals nothing.
            (as_ola,) = await kari.register([olas])
            taken = attrs.evolve(record("m01"), client_key=olas.client_key)
            (took,) = await kari.register([taken])
        assert (as_ola.outcome, as_ola.code, as_ola.record_id) == (
            Outcome.REJECTED,
            "forbidden",
            None,
        )
        assert (took.outcome, took.code, took.record_id) == (Outcome.REJECTED, "conflict", None)
        rows = await owner_rows(dsn, "SELECT id::text, registered_by FROM proxy_activities")
        assert rows == [(stored.record_id, OLA.id)]

    run(scenario())


def test_the_anon_role_gets_nothing(dsn: str) -> None:
    async def scenario() -> None:
        async with await psycopg.AsyncConnection.connect(dsn) as conn:
            await conn.execute("SET ROLE anon")
            for query in (
                "SELECT * FROM public.proxy_activities",
                "SELECT * FROM public.mentors",
                "SELECT * FROM public.register_proxy_activities('[]')",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    await conn.execute(query.encode())
                await conn.rollback()
                await conn.execute("SET ROLE anon")

    run(scenario())


def test_row_level_security_refuses_a_direct_insert_for_an_unassigned_mentor(dsn: str) -> None:
    """Around the function, a plain INSERT as the coordinator meets the same policies."""

    async def scenario() -> None:
        async with acting(dsn) as repo:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                async with repo.session() as conn:
                    await conn.execute(
                        "INSERT INTO proxy_activities (client_key, mentor_id, registered_by,"
                        " kind, activity_date, minutes) VALUES"
                        " ('k', 'x01', %s, 'home_visit', '2026-11-20', 60)",
                        (KARI.id,),
                    )
        assert await owner_rows(dsn, "SELECT count(*) FROM proxy_activities") == [(0,)]

    run(scenario())


def test_the_ledger_of_another_coordinator_is_out_of_reach(dsn: str) -> None:
    async def scenario() -> None:
        olas = Submission("s-ola", OLA.id, (record("x01", "s-ola", OLA.id),))
        async with acting(dsn, OLA.id) as ola:
            await ola.record_submission(olas)
        async with acting(dsn) as kari:
            assert await kari.ledger_entry("s-ola") is None
            assert await kari.latest_submission() is None
            with pytest.raises(UnknownSubmissionError):
                await kari.record_outcomes("s-ola", {})
            with pytest.raises(PermissionError):
                await kari.record_submission(olas)
            with pytest.raises(PermissionError):
                await kari.record_submission(Submission("s-new", OLA.id, ()))
        async with acting(dsn, OLA.id) as ola:
            entry = await ola.ledger_entry("s-ola")
        assert entry is not None
        assert entry.submission == olas

    run(scenario())


# --- what is stored ---------------------------------------------------------------------
def test_sql_in_notes_is_stored_verbatim(dsn: str) -> None:
    """Injection text is data: stored exactly, as the owner reads it back."""
    notes = 'x\'); DELETE FROM proxy_activities; --\n\t"quoted" $$ \\ ; DROP TABLE mentors; 🙂'

    async def scenario() -> None:
        async with acting(dsn) as repo:
            (result,) = await repo.register([record("m01", notes=notes)])
            (replay,) = await repo.register([record("m01", notes=notes)])
        assert result.outcome is Outcome.REGISTERED
        assert (replay.outcome, replay.record_id) == (Outcome.ALREADY_REGISTERED, result.record_id)
        rows = await owner_rows(
            dsn, "SELECT notes FROM proxy_activities WHERE id = %s", result.record_id
        )
        assert rows == [(notes,)]
        assert await owner_rows(dsn, "SELECT count(*) FROM mentors") == [(14,)]

    run(scenario())


def test_field_limits_answer_in_memorys_words(dsn: str) -> None:
    """Invalid fields are refused with the in-memory backend's messages, problem by problem."""
    sent = [
        record("m01", kind="it's"),
        record("m02", kind="group_meeting"),
        record("m03", kind="training", participants=0, minutes=1441),
        record("m04", notes="bell\x07"),
        record("m05", notes="null\x00byte"),
        record("m06", participants=3),
        record("m07", kind=""),
    ]

    async def scenario() -> None:
        memory = InMemoryRepository(
            coordinators=WORLD.coordinators,
            mentors=WORLD.mentors,
            assignments={c.id: WORLD.assigned_to(c.id) for c in WORLD.coordinators},
        )
        expected = await memory.register(sent)
        async with acting(dsn) as repo:
            results = await repo.register(sent)
        assert [(r.outcome, r.code, r.message) for r in results] == [
            (r.outcome, r.code, r.message) for r in expected
        ]
        assert {r.code for r in results} == {"invalid"}

    run(scenario())


def test_a_malformed_element_fails_alone(dsn: str) -> None:
    """Called directly (as PostgREST would), a missing field or a wrong type refuses only
    that element; everything comes back in input order."""
    good = {
        "client_key": "k-good",
        "mentor_id": "m01",
        "registered_by": KARI.id,
        "kind": "home_visit",
        "activity_date": "2026-11-20",
        "minutes": 60,
    }
    elements: list[object] = [
        {key: value for key, value in good.items() if key != "minutes"} | {"client_key": "k1"},
        good | {"client_key": "k2", "minutes": "sixty"},
        good | {"client_key": "k3", "activity_date": "2026-02-30"},
        good | {"client_key": "k4", "notes": None},
        good | {"client_key": "k5", "mentor_id": 7},
        42,
        good,
        good | {"client_key": "k6", "minutes": 60.5},
    ]

    async def scenario() -> None:
        async with acting(dsn) as repo, repo.session() as conn:
            cursor = await conn.execute(
                "SELECT idx, client_key, status, error_code, error_message"
                " FROM register_proxy_activities(%s)",
                (Jsonb({"records": elements}),),
            )
            rows = await cursor.fetchall()
        assert [r[:4] for r in rows] == [
            (0, "k1", "rejected", "invalid"),
            (1, "k2", "rejected", "invalid"),
            (2, "k3", "rejected", "invalid"),
            (3, "k4", "rejected", "invalid"),
            (4, "k5", "rejected", "invalid"),
            (5, None, "rejected", "invalid"),
            (6, "k-good", "registered", None),
            (7, "k6", "rejected", "invalid"),
        ]
        assert [r[4] for r in rows][:4] == [
            "Enter the duration in minutes.",
            "The duration must be a whole number.",
            "Enter the date as a calendar date.",
            "Notes must be text.",
        ]
        assert await owner_rows(dsn, "SELECT client_key FROM proxy_activities") == [("k-good",)]

    run(scenario())


def test_the_server_refuses_a_batch_over_its_limit_whole(dsn: str) -> None:
    """Past proxyreg.max_batch_size the call raises PT413 and stores nothing; the adapter
    answers it with BatchTooLargeError carrying the server's limit."""

    async def scenario() -> None:
        async with acting(dsn, max_batch_size=10) as repo:
            async with repo.session() as conn:
                await conn.execute("SELECT set_config('proxyreg.max_batch_size', '2', true)")
                with pytest.raises(psycopg.Error) as raised:
                    await conn.execute(
                        "SELECT * FROM register_proxy_activities(%s)",
                        (Jsonb([{"client_key": f"k{i}"} for i in range(3)]),),
                    )
            assert raised.value.sqlstate == "PT413"
            assert "at most 2 records" in str(raised.value)
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as owner:
            database = owner.info.dbname
            await owner.execute(
                psycopg.sql.SQL("ALTER DATABASE {} SET proxyreg.max_batch_size = 2").format(
                    psycopg.sql.Identifier(database)
                )
            )
        try:
            async with acting(dsn, max_batch_size=10) as repo:
                sent = [record("m01"), record("m02"), record("m03")]
                with pytest.raises(BatchTooLargeError) as too_large:
                    await repo.register(sent)
                assert (too_large.value.size, too_large.value.limit) == (3, 2)
                assert await repo.find_registered([r.client_key for r in sent]) == {}
        finally:
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as owner:
                await owner.execute(
                    psycopg.sql.SQL("ALTER DATABASE {} RESET proxyreg.max_batch_size").format(
                        psycopg.sql.Identifier(database)
                    )
                )

    run(scenario())


def test_check_constraints_back_the_function(dsn: str) -> None:
    """Even the owner cannot store a record outside the limits."""
    bad_values = ("'visit', 60, ''", "'home_visit', 0, ''", "'home_visit', 60, repeat('x', 2001)")

    async def scenario() -> None:
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as owner:
            for values in bad_values:
                with pytest.raises(psycopg.errors.CheckViolation):
                    await owner.execute(
                        "INSERT INTO proxy_activities (client_key, mentor_id, registered_by,"
                        " kind, minutes, notes, activity_date) VALUES ('k', 'm01', 'coord-1', "
                        f"{values}, '2026-11-20')".encode()
                    )

    run(scenario())


# --- the function's definition and the adapter's role --------------------------------------
def test_the_functions_are_security_invoker_with_a_fixed_search_path(dsn: str) -> None:
    async def scenario() -> None:
        rows = await owner_rows(
            dsn,
            "SELECT proname, prosecdef, proconfig, pg_get_function_identity_arguments(oid)"
            " FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
            " AND proname LIKE 'register_proxy_activities%%' ORDER BY proname",
        )
        assert [r[0] for r in rows] == [
            "register_proxy_activities",
            "register_proxy_activities_atomic",
        ]
        for _, definer, config, arguments in rows:
            assert definer is False
            assert config == ["search_path=public, pg_temp"]
            assert arguments == "records jsonb"
        definers = await owner_rows(
            dsn,
            "SELECT oid::regprocedure::text FROM pg_proc WHERE prosecdef AND pronamespace IN"
            " ('public'::regnamespace, 'private'::regnamespace, 'auth'::regnamespace)",
        )
        assert definers == []

    run(scenario())


def test_the_adapter_never_runs_as_a_superuser(dsn: str) -> None:
    async def scenario() -> None:
        async with acting(dsn, statement_timeout_ms=1234) as repo, repo.session() as conn:
            cursor = await conn.execute(
                "SELECT current_user, current_setting('is_superuser'), auth.uid(),"
                " auth.jwt() ->> 'role', current_setting('statement_timeout')"
            )
            assert await cursor.fetchone() == (
                "authenticated",
                "off",
                KARI.id,
                "authenticated",
                "1234ms",
            )

    run(scenario())


# --- timeouts and concurrency ------------------------------------------------------------
def test_a_statement_timeout_leaves_nothing_half_done(dsn: str) -> None:
    """A call that outlives its statement timeout (blocked on a key another transaction is
    inserting) raises TimeoutError; the records stored before it are rolled back too, so
    reconciliation finds none of them and a retry stores each once."""
    sent = [record("m01"), record("m02"), record("m03")]

    async def scenario() -> None:
        async with (
            acting(dsn, statement_timeout_ms=300) as repo,
            await psycopg.AsyncConnection.connect(dsn) as blocker,
        ):
            await blocker.execute(
                "INSERT INTO proxy_activities (client_key, mentor_id, registered_by, kind,"
                " activity_date, minutes) VALUES (%s, 'm02', %s, 'home_visit', %s, 60)",
                (sent[1].client_key, KARI.id, sent[1].date),
            )  # not committed: the unique key is held
            with pytest.raises(TimeoutError):
                await repo.register(sent)
            with pytest.raises(TimeoutError):
                await repo.register_atomic(sent)
            await blocker.rollback()
            assert await repo.find_registered([r.client_key for r in sent]) == {}
            first = await repo.register(sent)
            again = await repo.register(sent)
        assert {r.outcome for r in first} == {Outcome.REGISTERED}
        assert [r.record_id for r in again] == [r.record_id for r in first]
        assert {r.outcome for r in again} == {Outcome.ALREADY_REGISTERED}
        assert await owner_rows(dsn, "SELECT count(*) FROM proxy_activities") == [(3,)]

    run(scenario())


def test_concurrent_calls_store_a_key_once(dsn: str) -> None:
    """The same records sent by two calls at once: stored once, the other call a replay."""
    sent = [record(f"m{i:02d}") for i in range(1, 8) if i != 8]

    async def scenario() -> None:
        async with acting(dsn, max_size=4) as repo:
            answers = await asyncio.gather(*(repo.register(sent) for _ in range(4)))
        for position in range(len(sent)):
            column = [answer[position] for answer in answers]
            assert sorted(r.outcome.value for r in column) == [
                "already_registered",
                "already_registered",
                "already_registered",
                "registered",
            ]
            assert len({r.record_id for r in column}) == 1
        assert await owner_rows(dsn, "SELECT count(*) FROM proxy_activities") == [(len(sent),)]

    run(scenario())


# --- the state machine ---------------------------------------------------------------------
BATCH_LIMIT = 5
SUBMISSIONS = ("s1", "s2", "s3")
MENTOR_IDS = ("m01", "m02", "m03", "m04", PAUSED_ID, "x01", "nobody")


@st.composite
def records(draw: st.DrawFn) -> ProxyRecord:
    """Mostly valid records over few (submission, mentor) pairs, so keys repeat; sometimes
    refused for each reason the port names."""
    kind = draw(st.sampled_from(["home_visit", "phone_call", "group_meeting", "bogus", ""]))
    participants = 6 if kind == "group_meeting" else None
    return record(
        draw(st.sampled_from(MENTOR_IDS)),
        draw(st.sampled_from(SUBMISSIONS)),
        draw(st.sampled_from([KARI.id, KARI.id, KARI.id, OLA.id])),
        kind=kind,
        date=draw(st.sampled_from([dt.date(2026, 11, 20), dt.date(2026, 11, 21)])),
        minutes=draw(st.sampled_from([60, 60, 45, 0, 1441])),
        notes=draw(st.sampled_from(["", "Coffee", "It's fine; DROP TABLE x", "bell\x07", "é🙂"])),
        participants=draw(st.sampled_from([participants, participants, participants, 0, 3])),
    )


Answer = list[tuple[str, Outcome, str | None, str]]


def answers(results: Sequence[RecordResult]) -> Answer:
    return [(r.client_key, r.outcome, r.code, r.message) for r in results]


class SideBySide(RuleBasedStateMachine):
    """The same calls on the in-memory and the PostgreSQL backend: the same answers."""

    sent = Bundle("sent")

    def __init__(self, loop: asyncio.AbstractEventLoop, repo: PostgresRepository, dsn: str) -> None:
        super().__init__()
        self.loop = loop
        self.postgres = repo
        self.memory = InMemoryRepository(
            coordinators=WORLD.coordinators,
            mentors=WORLD.mentors,
            assignments={c.id: WORLD.assigned_to(c.id) for c in WORLD.coordinators},
            max_batch_size=BATCH_LIMIT,
        )
        self.keys: dict[str, None] = {}
        self.ids: tuple[dict[str, str], dict[str, str]] = ({}, {})
        self.wait(owner_rows(dsn, "DELETE FROM proxy_activities RETURNING 1"))

    def wait(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def both(self, method: str, *args: Any) -> Any:
        """Call ``method`` on both backends; they must answer (or raise) alike."""
        outcomes = []
        for backend in (self.memory, self.postgres):
            try:
                outcomes.append(("ok", self.wait(getattr(backend, method)(*args))))
            except BatchTooLargeError as exc:
                outcomes.append(("too large", (exc.size, exc.limit)))
        (memory_kind, memory), (postgres_kind, postgres) = outcomes
        assert memory_kind == postgres_kind, outcomes
        if memory_kind != "ok":
            assert memory == postgres
            return None
        pairs = (
            [(memory, postgres)]
            if isinstance(memory, RecordResult)
            else [*zip(memory, postgres, strict=True)]
        )
        for mem, pg in pairs:
            assert answers([mem]) == answers([pg]), (method, mem, pg)
            for ids, result in zip(self.ids, (mem, pg), strict=True):
                if result.outcome.is_success:
                    assert result.record_id
                    assert ids.setdefault(result.client_key, result.record_id) == result.record_id
                else:
                    assert result.record_id is None
        return memory

    def send(self, method: str, batch: Sequence[ProxyRecord]) -> Any:
        for r in batch:
            self.keys[r.client_key] = None
        if method == "register_one":
            return [self.both(method, r) for r in batch]
        return self.both(method, list(batch))

    @rule(target=sent, batch=st.lists(records(), max_size=BATCH_LIMIT + 1))
    def register(self, batch: list[ProxyRecord]) -> Any:
        self.send("register", batch)
        return multiple(*batch)

    @rule(target=sent, one=records())
    def register_one(self, one: ProxyRecord) -> ProxyRecord:
        self.send("register_one", [one])
        return one

    @rule(target=sent, batch=st.lists(records(), max_size=BATCH_LIMIT + 1))
    def register_atomic(self, batch: list[ProxyRecord]) -> Any:
        self.send("register_atomic", batch)
        return multiple(*batch)

    @rule(
        again=st.lists(sent, min_size=1, max_size=BATCH_LIMIT),
        method=st.sampled_from(["register", "register_one", "register_atomic"]),
    )
    def replay(self, again: list[ProxyRecord], method: str) -> None:
        self.send(method, again)

    @rule(
        earlier=sent,
        change=st.sampled_from(
            [{"minutes": 90}, {"notes": "changed"}, {"date": dt.date(2026, 1, 2)}]
        ),
        method=st.sampled_from(["register", "register_one", "register_atomic"]),
    )
    def conflict(self, earlier: ProxyRecord, change: dict[str, Any], method: str) -> None:
        self.send(method, [attrs.evolve(earlier, **change)])

    @invariant()
    def the_same_keys_are_stored(self) -> None:
        keys = list(self.keys)
        in_memory = {s.record.client_key for s in self.memory.stored()}
        in_postgres = self.wait(self.postgres.find_registered(keys))
        assert set(in_postgres) == in_memory
        assert dict(in_postgres) == {k: self.ids[1][k] for k in in_postgres}


def test_postgres_answers_as_the_in_memory_backend(database: str) -> None:
    """Random register / register_one / register_atomic / replay / conflict calls get the
    same outcomes, codes and messages from both backends, and leave the same keys stored."""
    run(reset(database, WORLD))
    loop = asyncio.new_event_loop()

    class Bound(SideBySide):
        def __init__(self) -> None:
            super().__init__(loop, repo, database)

    try:
        repo = loop.run_until_complete(
            PostgresRepository.open(database, KARI.id, max_batch_size=BATCH_LIMIT)
        )
        try:
            run_state_machine_as_test(
                Bound, settings=settings(max_examples=120, stateful_step_count=15, deadline=None)
            )
        finally:
            loop.run_until_complete(repo.close())
    finally:
        loop.close()


def test_a_database_without_the_schema_is_named_as_such() -> None:
    """Before `migrate`, the owner's reads and a coordinator's calls raise NoSchemaError
    (the port's words), not psycopg's UndefinedTable."""

    async def scenario(dsn: str) -> list[str]:
        raised = []
        async with await PostgresRepository.open(dsn, KARI.id) as repo:
            for call in (coordinators(dsn), repo.roster(), repo.submissions()):
                try:
                    await call
                except NoSchemaError as error:
                    raised.append(str(error))
        return raised

    with throwaway_database("proxyreg_bare", migrated=False) as bare:
        said = "This database has no proxyreg schema: run `proxyreg init`."
        assert [said] * 3 == run(scenario(bare))


def test_a_server_that_cannot_be_reached_is_named_with_its_address() -> None:
    """Nothing listens: BackendUnavailableError naming the server, not psycopg's error."""
    with pytest.raises(
        BackendUnavailableError, match=r"cannot be reached or went away: .*127\.0\.0\.1"
    ):
        run(coordinators("postgresql://postgres@127.0.0.1:1/none"))
