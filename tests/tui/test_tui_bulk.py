"""The bulk result screen against a real SQLite file with seeded faults: what it shows is
what the database holds; Retry failed; leaving mid-submission and coming back."""

from __future__ import annotations

import asyncio
import itertools
import pathlib
from collections.abc import Callable, Sequence

from textual.pilot import Pilot
from textual.widgets import Button, ProgressBar
from tui_world import (
    TODAY,
    choose_kind,
    make_app,
    open_world,
    press,
    result_rows,
    settle,
    stored_rows,
    text_of,
    ticked,
    type_into,
)

from proxyreg.adapters.faults import FaultSpec, FaultyRepository
from proxyreg.domain import ProxyRecord, RecordResult, client_key
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    ActiveFlow,
    BulkPhase,
    ProxyRegistrationState,
)
from proxyreg.ports import ProxyRepository
from proxyreg.tui import ProxyRegApp

FAULTS = "seed=3,fail_rate=0.3"  # with this seed some records fail and some land
ACTIVE = [f"m{i:02d}" for i in range(1, 13) if i != 8]  # Kari's mentors; m08 is paused


async def fill_bulk_form(pilot: Pilot[None]) -> None:
    """Select all, and a valid phone call of 45 minutes on TODAY."""
    await press(pilot, "select-all")
    await choose_kind(pilot, "Phone call")
    await type_into(pilot, "date", TODAY.isoformat())
    await type_into(pilot, "minutes", "45")


def app_of(pilot: Pilot[None]) -> ProxyRegApp:
    app = pilot.app
    assert isinstance(app, ProxyRegApp)
    return app


def stored_by_mentor(db: pathlib.Path, submission_id: str) -> dict[str, int]:
    """How many stored records each mentor has under this submission's client keys."""
    keys = {client_key(submission_id, m): m for m in ACTIVE}
    counts: dict[str, int] = {}
    for key, mentor, _, _ in stored_rows(db):
        if key in keys:
            counts[mentor] = counts.get(mentor, 0) + 1
    return counts


def test_submit_with_faults_shows_marks_and_messages_that_match_the_database(
    tmp_path: pathlib.Path,
) -> None:
    """After a partly failed submission, ✓ rows are stored once, ✗ rows are not stored at all."""
    db = tmp_path / "proxyreg.db"
    seen: dict[str, tuple[str, str, str]] = {}

    async def scenario() -> str:
        repository = await open_world(db)
        app = make_app(repository, FAULTS)
        async with app.run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            await fill_bulk_form(pilot)
            await press(pilot, "submit")
            seen.update(result_rows(pilot))
            state = app.bloc.state.bulk
            assert state.phase is BulkPhase.PARTIALLY_FAILED
            bar = app.query_one("#progress", ProgressBar)
            assert (bar.progress, bar.total) == (len(ACTIVE), len(ACTIVE))
            counts = state.board.counts
            assert text_of(pilot, "headline") == (
                f"{counts.succeeded} of {len(ACTIVE)} registered; "
                f"{len(ACTIVE) - counts.succeeded} need attention."
            )
            assert not app.query_one("#retry-failed", Button).disabled
            assert app.query_one("#minutes").disabled  # the form is locked after Submit
            assert state.submission_id is not None
            sid = state.submission_id
        await repository.close()
        return sid

    submission_id = asyncio.run(scenario())
    assert list(seen) == ACTIVE  # one row per submitted mentor, in roster order
    good = {m for m, (mark, _, _) in seen.items() if mark == "✓"}
    bad = {m for m, (mark, _, _) in seen.items() if mark == "✗"}
    assert good, "the seeded faults must land some records"
    assert bad, "the seeded faults must fail some records"
    assert good | bad == set(ACTIVE)
    assert all(seen[m][2] == "Registered." for m in good)
    assert all("Retry failed will resend it." in seen[m][2] for m in bad)
    assert stored_by_mentor(db, submission_id) == dict.fromkeys(sorted(good), 1)


def test_retry_failed_preselects_only_the_failed_and_ends_with_every_mentor_stored_once(
    tmp_path: pathlib.Path,
) -> None:
    """Retry failed ticks exactly the ✗ mentors, resends them, and repeats until all are ✓."""
    db = tmp_path / "proxyreg.db"

    async def scenario() -> tuple[str, list[list[str]], dict[str, tuple[str, str, str]]]:
        repository = await open_world(db)
        app = make_app(repository, FAULTS)
        retried: list[list[str]] = []
        async with app.run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            await fill_bulk_form(pilot)
            await press(pilot, "submit")
            for _ in range(20):  # each round fails a fresh 30 %: it ends well within 20
                button = app.query_one("#retry-failed", Button)
                if button.disabled:
                    break
                failed = sorted(m for m, (mark, _, _) in result_rows(pilot).items() if mark != "✓")
                await pilot.press("ctrl+r")
                await settle(pilot)
                assert ticked(pilot) == failed  # pre-selected: exactly the failed ones
                retried.append(failed)
            assert app.bloc.state.bulk.phase is BulkPhase.COMPLETED
            assert text_of(pilot, "headline") == f"All {len(ACTIVE)} registered."
            sid = app.bloc.state.bulk.submission_id
            assert sid is not None
            rows = result_rows(pilot)
        await repository.close()
        return sid, retried, rows

    submission_id, retried, rows = asyncio.run(scenario())
    assert retried, "the first submission must have left something to retry"
    # Each round resends only what the round before left failed.
    assert all(set(later) <= set(earlier) for earlier, later in itertools.pairwise(retried))
    assert {mark for mark, _, _ in rows.values()} == {"✓"}
    assert stored_by_mentor(db, submission_id) == dict.fromkeys(ACTIVE, 1)
    assert len(stored_rows(db)) == len(ACTIVE)  # no duplicates, nothing else stored


class HeldRepository(FaultyRepository):
    """Test double around the real backend: its batch call waits until the test releases it,
    so the coordinator can leave while the submission is still in flight."""

    def __init__(self, inner: ProxyRepository) -> None:
        super().__init__(inner, FaultSpec())
        self.reached = asyncio.Event()
        self.release = asyncio.Event()

    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        self.reached.set()
        await self.release.wait()
        return await super().register(records)


async def until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Let the app run until ``condition`` holds (bounded by turns, not by time)."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("the app never got there")


def test_leaving_bulk_mid_submission_and_coming_back_shows_its_results(
    tmp_path: pathlib.Path,
) -> None:
    """Single and back while the batch is in flight: the screen shows that submission as
    sending, then its results as they land; the database holds each record once."""
    db = tmp_path / "proxyreg.db"

    async def scenario() -> tuple[str, dict[str, tuple[str, str, str]], str]:
        repository = await open_world(db)
        held = HeldRepository(repository.acting_as("coord-1"))
        app = ProxyRegApp(held, today=TODAY)
        async with app.run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            await fill_bulk_form(pilot)
            await pilot.click("#submit")
            await held.reached.wait()
            sid = app.bloc.state.bulk.submission_id
            assert sid is not None
            await pilot.press("f2")
            await until(pilot, lambda: app.bloc.state.active_flow is ActiveFlow.SINGLE)
            states: list[ProxyRegistrationState] = []
            app.bloc.listen(states.append)
            await pilot.press("f3")
            # Entering resets the bulk screen; the engine then restores the submission.
            await until(pilot, lambda: INITIAL_BULK_STATE in [s.bulk for s in states])
            await until(pilot, lambda: app.bloc.state.bulk.submission_id == sid)
            await pilot.pause()
            sending = text_of(pilot, "headline")
            assert {mark for mark, _, _ in result_rows(pilot).values()} == {"…"}
            held.release.set()
            await settle(pilot)
            rows = result_rows(pilot)
            headline = text_of(pilot, "headline")
        await repository.close()
        assert sending == f"Sending 0 of {len(ACTIVE)}…"
        return sid, rows, headline

    submission_id, rows, headline = asyncio.run(scenario())
    assert headline == f"All {len(ACTIVE)} registered."
    assert list(rows) == ACTIVE
    assert {mark for mark, _, _ in rows.values()} == {"✓"}
    assert stored_by_mentor(db, submission_id) == dict.fromkeys(ACTIVE, 1)


def test_a_restart_shows_the_last_submission_and_keeps_retry_failed(
    tmp_path: pathlib.Path,
) -> None:
    """Quit after a partial failure, start again: the same marks, and Retry failed still works."""
    db = tmp_path / "proxyreg.db"

    async def scenario() -> tuple[dict[str, tuple[str, str, str]], ...]:
        repository = await open_world(db)
        async with make_app(repository, FAULTS).run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            await fill_bulk_form(pilot)
            await press(pilot, "submit")
            before = result_rows(pilot)
        async with make_app(repository, "").run_test(size=(150, 44)) as pilot:
            await settle(pilot)
            after = result_rows(pilot)
            await press(pilot, "retry-failed")
            retried = result_rows(pilot)
        await repository.close()
        return before, after, retried

    before, after, retried = asyncio.run(scenario())
    assert [m for m, (mark, _, _) in before.items()] == ACTIVE
    assert {m: mark for m, (mark, _, _) in after.items()} == {
        m: mark for m, (mark, _, _) in before.items()
    }
    assert "✗" in {mark for mark, _, _ in after.values()}
    assert {mark for mark, _, _ in retried.values()} == {"✓"}
    assert len(stored_rows(db)) == len(ACTIVE)
