"""Load: 20 coordinators each submit 100 mentors at the same time against one PostgreSQL.

Each coordinator is an asyncio task with its own `RegistrationSession` (root bloc and
orchestrator) and `PostgresRepository` pool acting as that coordinator under row-level
security, as 20 phones would be. Afterwards the table is read directly, as the owner:
every record is there once, written by the coordinator its mentor is assigned to, and
matches the ledger and what each screen shows. Then every coordinator sends its
submission again (a retry of the whole batch, same client keys) and nothing is added.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import attrs
import psycopg
import pytest

from pg import throwaway_database
from proxyreg.adapters.postgres import PostgresRepository, seed
from proxyreg.application import ActivityFields, RegistrationSession
from proxyreg.domain import Coordinator, Mentor, Outcome, Roster
from proxyreg.flows import BulkPhase
from proxyreg.orchestration import BulkRegistrationOrchestrator

pytestmark = pytest.mark.postgres

COORDINATORS = 20
MENTORS_EACH = 100
TOTAL = COORDINATORS * MENTORS_EACH
TODAY = dt.date(2026, 11, 25)


def coordinator_id(n: int) -> str:
    return f"coord-{n:02d}"


def rosters() -> tuple[Roster, ...]:
    """20 coordinators in 4 chapters, each with 100 mentors of their own."""
    out = []
    for n in range(COORDINATORS):
        chapter = f"chapter-{n % 4}"
        coordinator = Coordinator(coordinator_id(n), f"Coordinator {n:02d}", chapter)
        mentors = tuple(
            Mentor(f"m-{n:02d}-{i:03d}", f"Mentor {n:02d}-{i:03d}", chapter)
            for i in range(MENTORS_EACH)
        )
        out.append(Roster(coordinator, mentors))
    return tuple(out)


@attrs.frozen
class Screen:
    """What one coordinator's bulk screen showed when the submission settled."""

    coordinator_id: str
    submission_id: str
    phase: BulkPhase
    records: dict[str, str | None]  # mentor id -> record id shown


async def coordinator_submits(dsn: str, coordinator: str) -> Screen:
    """One coordinator: its own pool and session; Select all, fill in, Submit."""
    async with await PostgresRepository.open(dsn, coordinator, min_size=1, max_size=2) as repo:
        roster = await repo.roster()
        async with RegistrationSession(repo, roster, today=TODAY) as session:
            bulk = await session.submit_bulk(None, ActivityFields("home_visit", TODAY, 45))
        assert bulk.submission_id is not None
        return Screen(
            coordinator,
            bulk.submission_id,
            bulk.phase,
            {m: r.record_id for m, r in bulk.board.entries.items()},
        )


async def coordinator_resends(dsn: str, coordinator: str, submission_id: str) -> list[Outcome]:
    """The same submission sent again from its ledger entry (same ids, same client keys)."""
    async with await PostgresRepository.open(dsn, coordinator, min_size=1, max_size=1) as repo:
        entry = await repo.ledger_entry(submission_id)
        assert entry is not None
        outcomes: list[Outcome] = []
        await BulkRegistrationOrchestrator(repo).submit(
            entry.submission, lambda mentor, result: outcomes.append(result.outcome)
        )
        return outcomes


def table(dsn: str, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query.encode()).fetchall()


# Rows whose writer is not the coordinator the mentor is assigned to, or whose submission
# (in the ledger) belongs to someone else.
CROSS_WRITES = """
SELECT p.id FROM proxy_activities p
LEFT JOIN coordinator_mentors cm
  ON cm.mentor_id = p.mentor_id AND cm.coordinator_id = p.registered_by
LEFT JOIN submissions s ON s.id = p.submission_id
WHERE cm.mentor_id IS NULL OR s.coordinator_id IS DISTINCT FROM p.registered_by
"""
DUPLICATES = """
SELECT mentor_id, submission_id, count(*) FROM proxy_activities
GROUP BY mentor_id, submission_id HAVING count(*) > 1
UNION ALL
SELECT mentor_id, kind || activity_date, count(*) FROM proxy_activities
GROUP BY mentor_id, kind, activity_date HAVING count(*) > 1
"""
# Ledger outcomes that do not name the very row the table holds for that mentor.
LEDGER_MISMATCHES = """
SELECT o.submission_id, o.mentor_id FROM submission_outcomes o
LEFT JOIN proxy_activities p
  ON p.client_key = o.client_key AND p.id::text = o.record_id AND p.mentor_id = o.mentor_id
WHERE o.outcome NOT IN ('registered', 'already_registered') OR p.id IS NULL
"""


def test_twenty_coordinators_at_once_store_each_record_once_under_its_own_coordinator() -> None:
    """20 by 100 at once: all complete; 0 duplicates, 0 cross-coordinator writes, 0 mismatches;
    a whole resend of every submission adds nothing."""
    all_rosters = rosters()
    with throwaway_database("proxyreg_load") as dsn:

        async def scenario() -> tuple[list[Screen], list[list[Outcome]]]:
            await seed(
                dsn,
                [r.coordinator for r in all_rosters],
                [m for r in all_rosters for m in r.mentors],
                {r.coordinator.id: [m.id for m in r.mentors] for r in all_rosters},
            )
            screens = await asyncio.gather(
                *(coordinator_submits(dsn, r.coordinator.id) for r in all_rosters)
            )
            resent = await asyncio.gather(
                *(coordinator_resends(dsn, s.coordinator_id, s.submission_id) for s in screens)
            )
            return list(screens), list(resent)

        screens, resent = asyncio.run(scenario())

        # Every screen settled with all its mentors registered, and only its own mentors.
        assert {s.coordinator_id for s in screens} == {r.coordinator.id for r in all_rosters}
        for screen, roster in zip(screens, all_rosters, strict=True):
            assert screen.phase is BulkPhase.COMPLETED
            assert set(screen.records) == {m.id for m in roster.mentors}
            assert all(record_id is not None for record_id in screen.records.values())
        assert all(o == [Outcome.ALREADY_REGISTERED] * MENTORS_EACH for o in resent)

        # The table, read as the owner: what each screen shows, once, by the right writer.
        rows = table(dsn, "SELECT id::text, mentor_id, registered_by FROM proxy_activities")
        shown = {
            record_id: (mentor, s.coordinator_id)
            for s in screens
            for mentor, record_id in s.records.items()
        }
        assert len(rows) == TOTAL
        assert {str(r[0]): (r[1], r[2]) for r in rows} == shown
        assert table(dsn, DUPLICATES) == []
        assert table(dsn, CROSS_WRITES) == []
        assert table(dsn, LEDGER_MISMATCHES) == []
        assert table(dsn, "SELECT count(*) FROM submission_outcomes") == [(TOTAL,)]
        assert table(dsn, "SELECT count(*) FROM submissions") == [(COORDINATORS,)]
