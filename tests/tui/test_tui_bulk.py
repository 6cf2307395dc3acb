"""The bulk result screen at 80x24 and 120x40, against a real SQLite file with seeded
faults: every reason read in full, failed rows first, Retry failed, leaving mid-submission
and coming back, a restart."""

from __future__ import annotations

import asyncio
import itertools
import pathlib
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, ProgressBar, Static
from tui_world import (
    KARI,
    TODAY,
    choose_kind,
    keys,
    press,
    result_rows,
    run_story,
    screen_text,
    seed_world,
    settle,
    stored_rows,
    text_of,
    ticked,
    type_into,
)

from proxyreg.adapters.faults import FaultSpec, FaultyRepository
from proxyreg.application import open_backend
from proxyreg.domain import client_key
from proxyreg.flows import INITIAL_BULK_STATE, ActiveFlow, BulkPhase, ProxyRegistrationState
from proxyreg.ports import ProxyRepository
from proxyreg.presentation import result_screen
from proxyreg.tui import ProxyRegApp
from proxyreg.tui.screens import RowDetails

FAULTS = "seed=3,fail_rate=0.3"  # with this seed some records fail and some land
ACTIVE = [f"m{i:02d}" for i in range(1, 13) if i != 8]  # Kari's mentors; m08 is paused
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


async def fill_bulk_form(pilot: Pilot[None]) -> None:
    """Select all, and a valid phone call of 45 minutes (the date box starts at today)."""
    await press(pilot, "select-all")
    await choose_kind(pilot, "Phone call")
    await type_into(pilot, "minutes", "45")


def stored_by_mentor(db: pathlib.Path, submission_id: str) -> dict[str, int]:
    """How many stored records each mentor has under this submission's client keys."""
    keys_ = {client_key(submission_id, m): m for m in ACTIVE}
    counts: dict[str, int] = {}
    for key, mentor, _, _ in stored_rows(db):
        if key in keys_:
            counts[mentor] = counts.get(mentor, 0) + 1
    return counts


def engine_rows(app: ProxyRegApp) -> dict[str, str]:
    """What the engine says of each submitted mentor: id -> the full message."""
    screen = result_screen(app.bloc.state.bulk, app.roster)
    return {row.mentor_id: row.message for row in screen.rows}


@SIZES
def test_a_partly_failed_bulk_shows_every_reason_in_full_failed_first(
    tmp_path: pathlib.Path, size: tuple[int, int]
) -> None:
    """After Submit the results take the screen: failed rows first, each reason on screen
    word for word (rows wrap), and Enter on a row shows it whole in a dialog."""
    db = tmp_path / "proxyreg.db"
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await fill_bulk_form(pilot)
        await keys(pilot, "ctrl+s")
        state = app.bloc.state.bulk
        assert state.phase is BulkPhase.PARTIALLY_FAILED
        counts = state.board.counts
        assert text_of(pilot, "headline") == (
            f"{counts.succeeded} of {len(ACTIVE)} registered; "
            f"{len(ACTIVE) - counts.succeeded} need attention."
        )
        bar = app.query_one("#progress", ProgressBar)
        assert (bar.progress, bar.total) == (len(ACTIVE), len(ACTIVE))
        rows = result_rows(pilot)
        said = engine_rows(app)
        marks = [mark for mark, _, _ in rows.values()]
        assert marks == sorted(marks, key=lambda mark: mark == "✓")  # failed ones on top
        failed = [m for m, (mark, _, _) in rows.items() if mark != "✓"]
        shown = screen_text(pilot)
        for mentor in failed:  # every word of every reason is on the screen at once
            assert f"✗ {rows[mentor][1]} {' '.join(said[mentor].split())}" in shown
        details = []
        for index in range(len(failed)):
            await keys(pilot, *(["down"] * index), "enter")
            dialog = app.screen
            assert isinstance(dialog, RowDetails)
            details.append(str(dialog.query_one("#details-message", Static).content))
            await keys(pilot, "escape", *(["up"] * index))
        assert details == [said[m] for m in failed]
        assert app.focused is app.query_one("#results")
        seen.update(rows=rows, sid=state.submission_id)

    run_story(db, story, size=size, faults=FAULTS)
    rows = seen["rows"]
    assert sorted(rows) == ACTIVE
    good = {m for m, (mark, _, _) in rows.items() if mark == "✓"}
    bad = {m for m, (mark, _, _) in rows.items() if mark == "✗"}
    assert good, "the seeded faults must land some records"
    assert bad, "the seeded faults must fail some records"
    assert good | bad == set(ACTIVE)
    assert all(rows[m][2] == "Registered." for m in good)
    assert all("Retry failed will resend it." in rows[m][2] for m in bad)
    assert stored_by_mentor(db, seen["sid"]) == dict.fromkeys(sorted(good), 1)


def test_failed_only_shows_just_the_rows_that_need_attention(tmp_path: pathlib.Path) -> None:
    """Ctrl+F narrows the results to the failed rows and back; the footer offers it."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await fill_bulk_form(pilot)
        await keys(pilot, "ctrl+s")
        everyone = result_rows(pilot)
        assert "^f Failed only" in screen_text(pilot)
        await keys(pilot, "ctrl+f")
        seen["only"] = result_rows(pilot)
        seen["label"] = str(app.query_one("#failed-only", Button).label)
        await keys(pilot, "ctrl+f")
        seen["back"] = result_rows(pilot) == everyone
        seen["failed"] = {m for m, (mark, _, _) in everyone.items() if mark != "✓"}

    run_story(tmp_path / "proxyreg.db", story, faults=FAULTS)
    assert set(seen["only"]) == seen["failed"]
    assert seen["label"] == "Show all"
    assert seen["back"]


@SIZES
def test_retry_failed_preselects_only_the_failed_and_ends_with_every_mentor_stored_once(
    tmp_path: pathlib.Path, size: tuple[int, int]
) -> None:
    """Retry failed (Ctrl+R) resends exactly the ✗ mentors, and repeats until all are ✓."""
    db = tmp_path / "proxyreg.db"
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await fill_bulk_form(pilot)
        await keys(pilot, "ctrl+s")
        retried: list[list[str]] = []
        for _ in range(20):  # each round fails a fresh 30 %: it ends well within 20
            if app.query_one("#retry-failed", Button).disabled:
                break
            failed = sorted(m for m, (mark, _, _) in result_rows(pilot).items() if mark != "✓")
            await keys(pilot, "ctrl+r")
            assert ticked(pilot) == failed  # pre-selected: exactly the failed ones
            retried.append(failed)
        assert app.bloc.state.bulk.phase is BulkPhase.COMPLETED
        assert text_of(pilot, "headline") == f"All {len(ACTIVE)} registered."
        assert "Retry failed" not in screen_text(pilot).split("^q Quit")[1]  # not offered
        seen.update(retried=retried, rows=result_rows(pilot), sid=app.bloc.state.bulk.submission_id)

    run_story(db, story, size=size, faults=FAULTS)
    retried = seen["retried"]
    assert retried, "the first submission must have left something to retry"
    # Each round resends only what the round before left failed.
    assert all(set(later) <= set(earlier) for earlier, later in itertools.pairwise(retried))
    assert {mark for mark, _, _ in seen["rows"].values()} == {"✓"}
    assert stored_by_mentor(db, seen["sid"]) == dict.fromkeys(ACTIVE, 1)
    assert len(stored_rows(db)) == len(ACTIVE)  # no duplicates, nothing else stored


def test_new_submission_gives_an_empty_form_dated_today(tmp_path: pathlib.Path) -> None:
    """Ctrl+N on a settled screen: the form is back, nobody ticked, only today's date in it."""
    seen: dict[str, Any] = {}

    async def story(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await fill_bulk_form(pilot)
        await keys(pilot, "ctrl+s")
        await keys(pilot, "ctrl+n")
        seen["boxes"] = {
            box: app.query_one(f"#{box}").value  # type: ignore[attr-defined]
            for box in ("search", "date", "minutes", "participants", "notes")
        }
        seen["ticked"] = ticked(pilot)
        seen["form"] = app.query_one("#form").display
        seen["title"] = str(app.query_one("#mentors-title").content)  # type: ignore[attr-defined]

    run_story(tmp_path / "proxyreg.db", story, faults=FAULTS)
    assert seen["boxes"] == {
        "search": "",
        "date": TODAY.isoformat(),
        "minutes": "",
        "participants": "",
        "notes": "",
    }
    assert seen["ticked"] == []
    assert seen["form"]
    assert seen["title"] == "Mentors: 0 selected"


class HeldRepository(FaultyRepository):
    """Test double around the real backend: its batch call waits until the test releases it,
    so the coordinator can leave while the submission is still in flight."""

    def __init__(self, inner: ProxyRepository) -> None:
        super().__init__(inner, FaultSpec())
        self.reached = asyncio.Event()
        self.release = asyncio.Event()

    async def register(self, *args: Any, **kwargs: Any) -> Any:
        self.reached.set()
        await self.release.wait()
        return await super().register(*args, **kwargs)


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
    """Single and back while the batch is in flight (no question: nothing unsent is lost):
    the screen shows that submission as sending, live, then its results as they land."""
    db = tmp_path / "proxyreg.db"

    async def scenario() -> tuple[str, dict[str, tuple[str, str, str]], str, str]:
        await seed_world(db)
        async with (
            open_backend(str(db), writes=True) as backend,
            backend.acting_as(KARI.id) as acting,
        ):
            held = HeldRepository(acting.repository)
            app = ProxyRegApp(held, acting.roster, today=TODAY)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                await fill_bulk_form(pilot)
                await pilot.press("ctrl+s")
                await held.reached.wait()
                sid = app.bloc.state.bulk.submission_id
                assert sid is not None
                await pilot.pause()
                live = text_of(pilot, "headline")
                assert "^x Cancel sending" in screen_text(pilot)  # the footer offers it now
                await pilot.press("f2")
                await until(pilot, lambda: app.bloc.state.active_flow is ActiveFlow.SINGLE)
                # The one-mentor form is dated today at once, the batch still in flight.
                await until(pilot, lambda: app.bloc.state.single.draft.date == TODAY)
                assert app.query_one("#date", Input).value == TODAY.isoformat()
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
        return sid, rows, headline, live + "|" + sending

    submission_id, rows, headline, sending = asyncio.run(scenario())
    assert sending == f"Sending 0 of {len(ACTIVE)}…|Sending 0 of {len(ACTIVE)}…"
    assert headline == f"All {len(ACTIVE)} registered."
    assert list(rows) == ACTIVE
    assert {mark for mark, _, _ in rows.values()} == {"✓"}
    assert stored_by_mentor(db, submission_id) == dict.fromkeys(ACTIVE, 1)


def test_a_restart_shows_the_last_submission_and_keeps_retry_failed(
    tmp_path: pathlib.Path,
) -> None:
    """Quit after a partial failure, start again: the same marks, and Retry failed still works."""
    db = tmp_path / "proxyreg.db"
    seen: dict[str, dict[str, tuple[str, str, str]]] = {}

    async def first(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        await fill_bulk_form(pilot)
        await keys(pilot, "ctrl+s")
        seen["before"] = result_rows(pilot)

    async def second(app: ProxyRegApp, pilot: Pilot[None]) -> None:
        seen["after"] = result_rows(pilot)
        await press(pilot, "retry-failed")
        seen["retried"] = result_rows(pilot)

    run_story(db, first, faults=FAULTS)
    run_story(db, second, seed=False)
    assert sorted(seen["before"]) == ACTIVE
    assert seen["after"] == seen["before"]
    assert "✗" in {mark for mark, _, _ in seen["after"].values()}
    assert {mark for mark, _, _ in seen["retried"].values()} == {"✓"}
    assert len(stored_rows(db)) == len(ACTIVE)
