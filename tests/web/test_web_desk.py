"""The server's side of the page: one bloc per page, each coordinator's own, and a page
that is gone lets its submission finish before its bloc is closed."""

from __future__ import annotations

import asyncio
import datetime as dt
import pathlib
from typing import Any

from web_world import demo_database, stored_per_mentor

from proxyreg.flows import (
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkAllMentorsSelected,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkPhase,
)
from proxyreg.web import Desk, SignIn, WebOptions


def test_two_pages_get_two_blocs_each_of_its_own_coordinator(tmp_path: pathlib.Path) -> None:
    """Two sign-ins, two sessions: different blocs, and rosters without a mentor in common."""
    db = demo_database(tmp_path)

    async def scenario() -> tuple[bool, set[str], set[str]]:
        desk = Desk(WebOptions(str(db)))
        try:
            ingrid = await desk.start(SignIn("coord-demo"))
            magnus = await desk.start(SignIn("coord-other"))
            return (
                ingrid.bloc is not magnus.bloc,
                {m.id for m in ingrid.acting.roster.mentors},
                {m.id for m in magnus.acting.roster.mentors},
            )
        finally:
            await desk.close()

    distinct, ingrids, magnuses = asyncio.run(scenario())
    assert distinct
    assert ingrids.isdisjoint(magnuses)
    assert magnuses == {"m38", "m39", "m40"}


def test_a_page_gone_mid_submission_lets_it_finish_then_closes_its_bloc(
    tmp_path: pathlib.Path,
) -> None:
    """Ending a session while 35 are being sent: it is left behind until the submission has
    settled, every mentor is stored once, and then the bloc is closed."""
    db = demo_database(tmp_path)
    seen: dict[str, object] = {}

    async def scenario() -> None:
        desk = Desk(WebOptions(str(db), strategy="chunked", faults="latency_ms=200"))
        try:
            session = await desk.start(SignIn("coord-demo"))
            bloc = session.bloc
            for event in (
                BulkFlowEntered(),
                BulkAllMentorsSelected(),
                BulkActivityKindChanged("phone_call"),
                BulkActivityDateChanged(dt.date.today()),
                BulkDurationChanged(45),
            ):
                await bloc.add(event)
            submitting = bloc.add(BulkActivitySubmitted())
            while bloc.state.bulk.phase is not BulkPhase.SUBMITTING:
                await asyncio.sleep(0.01)
            session.connected = False
            seen["left behind"] = desk.left_behind("coord-demo") == (session,)
            await desk.end(session)
            await submitting
            seen["phase"] = bloc.state.bulk.phase
            seen["closed"] = bloc.is_closed
            seen["after"] = desk.left_behind("coord-demo")
        finally:
            await desk.close()

    asyncio.run(scenario())
    assert seen == {
        "left behind": True,
        "phase": BulkPhase.COMPLETED,
        "closed": True,
        "after": (),
    }
    stored = stored_per_mentor(db)
    assert len(stored) == 35
    assert set(stored.values()) == {1}


def test_the_embedding_sketch_in_docs_web_runs_as_written(tmp_path: pathlib.Path) -> None:
    """docs/web.md's one-page session, run on the demo file: it pushes the mentor list with
    every active mentor ticked."""
    db = demo_database(tmp_path)
    doc = (pathlib.Path(__file__).parents[2] / "docs" / "web.md").read_text()
    sketch = doc.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(sketch, "docs/web.md", "exec"), namespace)
    pushed: list[tuple[Any, ...]] = []
    asyncio.run(namespace["one_page"](str(db), "coord-demo", pushed.append))
    ticked = [c.mentor_id for c in pushed[-1] if c.selected]
    assert len(ticked) == 35
