"""The repository port's contract, written once: every adapter's test module subclasses it.

A subclass provides ``open_repositories(world, coordinator_ids, max_batch_size)``: an async
context manager yielding, on one fresh backend that holds ``world`` and nothing else, one
repository per coordinator id, each acting for that coordinator (as separate clients
signed in as them would). ``open_repository`` is KARI's alone.
Each test runs in one event loop (``asyncio.run``), so adapters with
connection pools work as they would in an application.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from decimal import Decimal
from typing import Any

import attrs
import pytest

from contract.world import KARI, OLA, PAUSED_ID, WORLD, World
from proxyreg.domain import ActivityDraft, Outcome, ProxyRecord, RecordResult, Submission
from proxyreg.ports import (
    BatchTooLargeError,
    ProxyRepository,
    UnknownCoordinatorError,
    UnknownSubmissionError,
)

DRAFT = ActivityDraft(
    kind="home_visit", date=dt.date(2026, 11, 20), minutes=60, notes="Coffee and a walk"
)


def record(
    mentor: str, submission: str = "s1", coordinator: str = KARI.id, **change: Any
) -> ProxyRecord:
    built = ProxyRecord.for_mentor(
        submission_id=submission, mentor_id=mentor, coordinator_id=coordinator, draft=DRAFT
    )
    return attrs.evolve(built, **change)


def outcomes(results: tuple[RecordResult, ...]) -> list[tuple[Outcome, str | None]]:
    return [(r.outcome, r.code) for r in results]


Scenario = Callable[[ProxyRepository], Awaitable[None]]
ManyScenario = Callable[..., Awaitable[None]]


class RepositoryContract:
    """What every backend must do; see `proxyreg.ports.ProxyRepository`."""

    def open_repositories(
        self, world: World, coordinator_ids: Sequence[str], max_batch_size: int = 500
    ) -> AbstractAsyncContextManager[tuple[ProxyRepository, ...]]:
        raise NotImplementedError

    @asynccontextmanager
    async def open_repository(
        self, world: World, max_batch_size: int = 500
    ) -> AsyncIterator[ProxyRepository]:
        async with self.open_repositories(world, (KARI.id,), max_batch_size) as (repo,):
            yield repo

    def run(self, scenario: Scenario, max_batch_size: int = 500) -> None:
        async def main() -> None:
            async with self.open_repository(WORLD, max_batch_size) as repo:
                await scenario(repo)

        asyncio.run(main())

    def run_as(self, scenario: ManyScenario, *coordinator_ids: str) -> None:
        """Run ``scenario`` with one repository per coordinator id, on one backend."""

        async def main() -> None:
            async with self.open_repositories(WORLD, coordinator_ids) as repos:
                assert [r.coordinator_id for r in repos] == list(coordinator_ids)
                await scenario(*repos)

        asyncio.run(main())

    # --- roster -------------------------------------------------------------------------
    def test_roster_lists_assigned_mentors_by_name(self) -> None:
        """A roster holds the coordinator's mentors, paused too, in name order."""

        async def scenario(repo: ProxyRepository, nobody: ProxyRepository) -> None:
            roster = await repo.roster()
            assert roster.coordinator == KARI
            expected = sorted(
                (m for m in WORLD.mentors if m.chapter_id == KARI.chapter_id),
                key=lambda m: (m.name, m.id),
            )
            assert list(roster.mentors) == expected
            with pytest.raises(UnknownCoordinatorError):
                await nobody.roster()

        self.run_as(scenario, KARI.id, "nobody")

    # --- register ------------------------------------------------------------------------
    def test_each_record_gets_one_result_in_input_order(self) -> None:
        """Results come back one per record, in the order sent, each with a record id."""

        async def scenario(repo: ProxyRepository) -> None:
            sent = [record("m02"), record("m01"), record("m03")]
            results = await repo.register(sent)
            assert [r.client_key for r in results] == [r.client_key for r in sent]
            assert {r.outcome for r in results} == {Outcome.REGISTERED}
            assert len({r.record_id for r in results}) == 3
            assert all(r.record_id for r in results)

        self.run(scenario)

    def test_an_empty_batch_answers_nothing(self) -> None:
        """register([]) answers () and stores nothing."""

        async def scenario(repo: ProxyRepository) -> None:
            assert await repo.register([]) == ()
            assert await repo.find_registered([record("m01").client_key]) == {}

        self.run(scenario)

    def test_a_batch_over_the_limit_is_refused_whole(self) -> None:
        """Too many records raise BatchTooLargeError and store none of them."""

        async def scenario(repo: ProxyRepository) -> None:
            sent = [record("m01"), record("m02"), record("m03")]
            with pytest.raises(BatchTooLargeError):
                await repo.register(sent)
            with pytest.raises(BatchTooLargeError):
                await repo.register_atomic(sent)
            assert await repo.find_registered([r.client_key for r in sent]) == {}

        self.run(scenario, max_batch_size=2)

    def test_a_replay_answers_the_original_record(self) -> None:
        """The same key and payload again, in one batch or later, is already_registered with the
        first record id, and is stored once."""

        async def scenario(repo: ProxyRepository) -> None:
            first = await repo.register([record("m01"), record("m01")])
            again = await repo.register([record("m01")])
            one = await repo.register_one(record("m01"))
            original = first[0].record_id
            assert [(r.outcome, r.record_id) for r in (*first, *again, one)] == [
                (Outcome.REGISTERED, original),
                (Outcome.ALREADY_REGISTERED, original),
                (Outcome.ALREADY_REGISTERED, original),
                (Outcome.ALREADY_REGISTERED, original),
            ]

        self.run(scenario)

    def test_the_same_key_with_another_payload_is_a_conflict(self) -> None:
        """A reused key with different details is rejected as a conflict; the first stays."""

        async def scenario(repo: ProxyRepository) -> None:
            (first,) = await repo.register([record("m01")])
            results = await repo.register([record("m01", minutes=90)])
            assert outcomes(results) == [(Outcome.REJECTED, "conflict")]
            assert results[0].message
            found = await repo.find_registered([record("m01").client_key])
            assert found == {record("m01").client_key: first.record_id}

        self.run(scenario)

    def test_refusals_stand_alone(self) -> None:
        """Unassigned, paused, impersonated and invalid records are each rejected with their
        code and a message, and the valid record beside them is stored."""

        async def scenario(repo: ProxyRepository) -> None:
            sent = [
                record("x01"),
                record(PAUSED_ID),
                record("m02", registered_by=OLA.id),
                record("m03", minutes=0),
                record("m04"),
                record("m05", notes="x" * 2001),
            ]
            results = await repo.register(sent)
            assert outcomes(results) == [
                (Outcome.REJECTED, "not_assigned"),
                (Outcome.REJECTED, "paused"),
                (Outcome.REJECTED, "forbidden"),
                (Outcome.REJECTED, "invalid"),
                (Outcome.REGISTERED, None),
                (Outcome.REJECTED, "invalid"),
            ]
            assert all(r.message for r in results)
            found = await repo.find_registered([r.client_key for r in sent])
            assert list(found) == [record("m04").client_key]

        self.run(scenario)

    # --- hostile records: wrong types, lone surrogates, huge text ------------------------
    def hostile(self) -> list[ProxyRecord]:
        """Records no form would build, each rejected / invalid by every backend."""
        bad_mentor = record("m09")
        return [
            record("m01", notes="bad \ud800"),
            record("m02", date=None),
            record("m03", date="2026-11-20"),
            record("m04", kind=b""),
            record("m05", minutes=Decimal(30)),
            record("m06", kind="k" * 1_500_000),
            record("m07", minutes=30.0),
            record("m10", participants=True),
            attrs.evolve(bad_mentor, mentor_id="m09\ud800"),
            record("m11", notes=None),
            record("m12", minutes=True),
        ]

    def test_hostile_records_are_answered_invalid_beside_a_valid_one(self) -> None:
        """Each hostile record is rejected / invalid with a short message, and the valid
        record beside them is stored; nothing raises."""

        async def scenario(repo: ProxyRepository) -> None:
            sent = [*self.hostile(), record("m03", "s2")]
            results = await repo.register(sent)
            expected = [(Outcome.REJECTED, "invalid")] * (len(sent) - 1)
            assert [*expected, (Outcome.REGISTERED, None)] == outcomes(results)
            assert all(0 < len(r.message) < 300 for r in results)
            found = await repo.find_registered([record("m03", "s2").client_key])
            assert [record("m03", "s2").client_key] == list(found)

        self.run(scenario)

    def test_hostile_records_one_by_one_and_all_or_nothing(self) -> None:
        """register_one answers each hostile record invalid; an all-or-nothing batch with one
        stores nothing: it is invalid, the valid record rolled back."""

        async def scenario(repo: ProxyRepository) -> None:
            for hostile in self.hostile():
                one = await repo.register_one(hostile)
                assert (one.outcome, one.code) == (Outcome.REJECTED, "invalid")
            for hostile in self.hostile()[:5]:
                results = await repo.register_atomic([record("m02", "s3"), hostile])
                assert (outcomes(results)) == [
                    (Outcome.REJECTED, "rolled_back"),
                    (Outcome.REJECTED, "invalid"),
                ]
            assert await repo.find_registered([record("m02", "s3").client_key]) == {}

        self.run(scenario)

    def test_notes_are_stored_verbatim(self) -> None:
        """Quotes, SQL and unicode in notes are kept exactly (no injection, no mangling)."""

        async def scenario(repo: ProxyRepository) -> None:
            notes = "Robert'); DROP TABLE proxy_activities;-- «æøå» \\n 🙂"
            sent = record("m01", notes=notes)
            await repo.record_submission(Submission("s1", KARI.id, (sent,)))
            await repo.register([sent])
            replay = await repo.register([sent])
            assert replay[0].outcome is Outcome.ALREADY_REGISTERED
            entry = await repo.ledger_entry("s1")
            assert entry is not None
            assert entry.submission.records[0] == sent

        self.run(scenario)

    def test_register_one_answers_like_a_batch_of_one(self) -> None:
        """register_one stores and refuses exactly as register does."""

        async def scenario(repo: ProxyRepository) -> None:
            ok = await repo.register_one(record("m01"))
            refused = await repo.register_one(record("x01"))
            assert (ok.outcome, refused.outcome, refused.code) == (
                Outcome.REGISTERED,
                Outcome.REJECTED,
                "not_assigned",
            )

        self.run(scenario)

    # --- atomic --------------------------------------------------------------------------
    def test_atomic_stores_all_when_all_are_fine(self) -> None:
        """An all-or-nothing batch with nothing wrong stores every record."""

        async def scenario(repo: ProxyRepository) -> None:
            sent = [record("m01"), record("m02")]
            results = await repo.register_atomic(sent)
            assert {r.outcome for r in results} == {Outcome.REGISTERED}
            assert len(await repo.find_registered([r.client_key for r in sent])) == 2

        self.run(scenario)

    def test_atomic_stores_nothing_when_one_is_refused(self) -> None:
        """One refused record: nothing stored, it says why, the others say rolled back."""

        async def scenario(repo: ProxyRepository) -> None:
            sent = [record("m01"), record(PAUSED_ID), record("m02")]
            results = await repo.register_atomic(sent)
            assert outcomes(results) == [
                (Outcome.REJECTED, "rolled_back"),
                (Outcome.REJECTED, "paused"),
                (Outcome.REJECTED, "rolled_back"),
            ]
            assert await repo.find_registered([r.client_key for r in sent]) == {}

        self.run(scenario)

    # --- reconciliation -----------------------------------------------------------------
    def test_reconciliation_reports_only_stored_keys_of_the_caller(self) -> None:
        """find_registered maps stored keys to record ids and leaves unknown keys out."""

        async def scenario(repo: ProxyRepository) -> None:
            (stored,) = await repo.register([record("m01")])
            found = await repo.find_registered([record("m01").client_key, record("m02").client_key])
            assert found == {record("m01").client_key: stored.record_id}

        self.run(scenario)

    # --- ledger --------------------------------------------------------------------------
    def test_the_ledger_keeps_submissions_and_latest_outcomes(self) -> None:
        """A recorded submission comes back with the outcomes recorded for it, latest winning."""

        async def scenario(repo: ProxyRepository) -> None:
            sub = Submission("s1", KARI.id, (record("m01"), record("m02")))
            await repo.record_submission(sub)
            failed = RecordResult(record("m01").client_key, Outcome.FAILED, message="busy")
            ok = RecordResult(record("m01").client_key, Outcome.REGISTERED, "rec-9", message="ok")
            await repo.record_outcomes("s1", {"m01": failed})
            await repo.record_outcomes("s1", {"m01": ok})
            entry = await repo.ledger_entry("s1")
            assert entry is not None
            assert entry.submission == sub
            assert dict(entry.outcomes) == {"m01": ok}
            assert entry.unanswered() == ("m02",)
            assert await repo.ledger_entry("nope") is None

        self.run(scenario)

    def test_recording_a_submission_again_adds_only_new_records(self) -> None:
        """A Retry failed records the same id with a subset: nothing changes; new records join."""

        async def scenario(repo: ProxyRepository) -> None:
            sub = Submission("s1", KARI.id, (record("m01"), record("m02")))
            await repo.record_submission(sub)
            await repo.record_submission(attrs.evolve(sub, records=sub.records[1:]))
            await repo.record_submission(attrs.evolve(sub, records=(record("m03"),)))
            entry = await repo.ledger_entry("s1")
            assert entry is not None
            assert entry.submission.mentor_ids == ("m01", "m02", "m03")

        self.run(scenario)

    def test_the_latest_submission_is_per_coordinator_and_kind(self) -> None:
        """latest_submission answers the newest of that coordinator and kind, or None."""

        async def scenario(repo: ProxyRepository) -> None:
            assert await repo.latest_submission() is None
            for sid, kind in (("a", "bulk"), ("b", "single"), ("c", "bulk")):
                await repo.record_submission(Submission(sid, KARI.id, (record("m01", sid),), kind))
            latest = await repo.latest_submission()
            single = await repo.latest_submission("single")
            assert (latest and latest.submission.id, single and single.submission.id) == ("c", "b")

        self.run(scenario)

    def test_submissions_are_the_coordinators_own_newest_first(self) -> None:
        """submissions() lists every kind of this coordinator's submissions, newest first,
        each with its records and outcomes; another coordinator's are left out."""

        async def scenario(repo: ProxyRepository) -> None:
            assert list(await repo.submissions()) == []
            for sid, kind in (("a", "bulk"), ("b", "single"), ("c", "bulk")):
                await repo.record_submission(Submission(sid, KARI.id, (record("m01", sid),), kind))
            ok = RecordResult(
                record("m01", "b").client_key, Outcome.REGISTERED, "r-1", message="ok"
            )
            await repo.record_outcomes("b", {"m01": ok})
            listed = await repo.submissions()
            assert [(e.submission.id, e.submission.kind) for e in listed] == [
                ("c", "bulk"),
                ("b", "single"),
                ("a", "bulk"),
            ]
            assert dict(listed[1].outcomes) == {"m01": ok}
            assert listed[0].submission.records == (record("m01", "c"),)

        self.run(scenario)

    # --- one coordinator per repository: nothing reported or stored across them --------
    def test_another_coordinators_keys_are_not_reported(self) -> None:
        """A key KARI stored is absent for OLA, even asked by that very key."""

        async def scenario(kari: ProxyRepository, ola: ProxyRepository) -> None:
            sent = record("m01")
            (stored,) = await kari.register([sent])
            assert {sent.client_key: stored.record_id} == dict(
                await kari.find_registered([sent.client_key])
            )
            assert dict(await ola.find_registered([sent.client_key])) == {}

        self.run_as(scenario, KARI.id, OLA.id)

    def test_another_coordinators_record_is_not_replayed_or_overwritten(self) -> None:
        """OLA sending KARI's record is forbidden, and OLA's own record under KARI's key is a
        conflict: neither answers KARI's record id, and KARI's record stays as it was."""

        async def scenario(kari: ProxyRepository, ola: ProxyRepository) -> None:
            karis = record("m01")
            (stored,) = await kari.register([karis])
            olas = record("x01", coordinator=OLA.id, client_key=karis.client_key)
            answers = [await ola.register_one(karis), *await ola.register([olas])]
            assert [(a.outcome, a.code, a.record_id) for a in answers] == [
                (Outcome.REJECTED, "forbidden", None),
                (Outcome.REJECTED, "conflict", None),
            ]
            (atomic,) = await ola.register_atomic([olas])
            assert (
                atomic.outcome,
                atomic.code,
                atomic.record_id,
            ) == (Outcome.REJECTED, "conflict", None)
            (replay,) = await kari.register([karis])
            assert (Outcome.ALREADY_REGISTERED, stored.record_id) == (
                replay.outcome,
                replay.record_id,
            )
            assert dict(await ola.find_registered([karis.client_key])) == {}

        self.run_as(scenario, KARI.id, OLA.id)

    def test_another_coordinators_submission_is_out_of_reach(self) -> None:
        """KARI's submission s1 is not OLA's to read, list, add to or record outcomes of,
        even when OLA's own submission carries the same id; KARI's entry stays as it was."""

        async def scenario(kari: ProxyRepository, ola: ProxyRepository) -> None:
            karis = Submission("s1", KARI.id, (record("m01"),))
            await kari.record_submission(karis)
            ok = RecordResult(karis.records[0].client_key, Outcome.REGISTERED, "r-1", message="ok")
            await kari.record_outcomes("s1", {"m01": ok})
            olas = Submission("s1", OLA.id, (record("x01", coordinator=OLA.id),))
            for attempt in (karis, olas):
                with pytest.raises(PermissionError):
                    await ola.record_submission(attempt)
            with pytest.raises(UnknownSubmissionError):
                await ola.record_outcomes("s1", {"x01": ok})
            seen_by_ola = (
                await ola.ledger_entry("s1"),
                await ola.latest_submission(),
                list(await ola.submissions()),
            )
            assert seen_by_ola == (None, None, [])
            entry = await kari.ledger_entry("s1")
            assert entry is not None
            assert (("m01",), {"m01": ok}) == (entry.submission.mentor_ids, dict(entry.outcomes))

        self.run_as(scenario, KARI.id, OLA.id)
