"""Malformed forms added to the real root bloc over a real SQLite file: named, never stored.

One SQLite database per test (opened once: nothing is ever stored, so every example
starts from the same database), a fresh `ProxyRegistrationBloc` per example. After
the malformed events and a Submit, the state's errors must name each bad field, the
database must hold no record and no submission, no handler may have failed, and the
same bloc must then accept the corrected form.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxyreg.adapters.sqlite import SqliteRepository
from proxyreg.domain import Mentor, Outcome
from proxyreg.engine import BlocObserver
from proxyreg.flows import (
    ActiveFlow,
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkMentorsSelected,
    BulkNotesChanged,
    BulkParticipantsChanged,
    BulkPhase,
    FlowContext,
    ProxyEvent,
    ProxyRegistrationBloc,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleFlowEntered,
    SingleMentorPicked,
    SingleNotesChanged,
    SingleParticipantsChanged,
    SinglePhase,
)
from proxyreg.orchestration import BulkRegistrationOrchestrator
from reliability.corpus import BadForm, People, bad_forms, valid_draft
from support import OTHER_COORDINATOR, OTHER_ROSTER, PAUSED_ID, ROSTER, TODAY

PEOPLE = People(
    active=tuple(m.id for m in ROSTER.mentors if m.active),
    paused=(PAUSED_ID,),
    foreign=tuple(m.id for m in OTHER_ROSTER.mentors),
    today=TODAY,
)
CONTEXT = FlowContext(ROSTER, TODAY)
STORED_TABLES = ("proxy_activities", "submissions", "submission_records", "submission_outcomes")
FIELDS = frozenset({"mentor", "mentors", "kind", "date", "minutes", "notes", "participants"})

# The database is made once per test on purpose: the property is that it never changes.
ONE_DATABASE_PER_TEST = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@attrs.define
class Backend:
    """A seeded SQLite file, its repository (opened once) and a direct view of its tables."""

    path: Path
    repository: SqliteRepository

    def stored(self) -> dict[str, int]:
        with sqlite3.connect(self.path) as db:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in STORED_TABLES}


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    path = tmp_path / "engine.db"

    async def open_seeded() -> SqliteRepository:
        repository = await SqliteRepository.open(path, ROSTER.coordinator.id)
        mentors: tuple[Mentor, ...] = ROSTER.mentors + OTHER_ROSTER.mentors
        pairs = [(ROSTER.coordinator.id, m.id) for m in ROSTER.mentors]
        pairs += [(OTHER_COORDINATOR.id, m.id) for m in OTHER_ROSTER.mentors]
        await repository.database.add_world((ROSTER.coordinator, OTHER_COORDINATOR), mentors, pairs)
        return repository

    repository = asyncio.run(open_seeded())
    try:
        yield Backend(path, repository)
    finally:
        asyncio.run(repository.close())


class ErrorLog(BlocObserver):
    """Every exception a handler or listener of the bloc raised."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def on_error(self, bloc: Any, error: BaseException) -> None:
        self.errors.append(error)


def bulk_events(form: BadForm) -> list[ProxyEvent]:
    bad: Any = form  # ill-typed on purpose: the values break the events' field types
    return [
        BulkMentorsSelected(bad.mentors),
        BulkActivityKindChanged(bad.kind),
        BulkActivityDateChanged(bad.date),
        BulkDurationChanged(bad.minutes),
        BulkNotesChanged(bad.notes),
        BulkParticipantsChanged(bad.participants),
    ]


def single_events(form: BadForm) -> list[ProxyEvent]:
    bad: Any = form  # ill-typed on purpose: the values break the events' field types
    return [
        SingleMentorPicked(bad.mentors),
        SingleActivityKindChanged(bad.kind),
        SingleActivityDateChanged(bad.date),
        SingleDurationChanged(bad.minutes),
        SingleNotesChanged(bad.notes),
        SingleParticipantsChanged(bad.participants),
    ]


def corrected(single: bool, draft: dict[str, Any], mentor: str) -> list[ProxyEvent]:
    if single:
        return [
            SingleMentorPicked(mentor),
            SingleActivityKindChanged(draft["kind"]),
            SingleActivityDateChanged(draft["date"]),
            SingleDurationChanged(draft["minutes"]),
            SingleNotesChanged(draft["notes"]),
            SingleParticipantsChanged(draft["participants"]),
        ]
    return [
        BulkMentorsSelected((mentor,)),
        BulkActivityKindChanged(draft["kind"]),
        BulkActivityDateChanged(draft["date"]),
        BulkDurationChanged(draft["minutes"]),
        BulkNotesChanged(draft["notes"]),
        BulkParticipantsChanged(draft["participants"]),
    ]


def check_refused(
    backend: Backend,
    form: BadForm,
    order: list[int],
    fix: dict[str, object],
    *,
    single: bool,
    submit_after_fix: bool = False,
) -> None:
    """Add the malformed form in ``order`` and Submit: refused field by field, nothing stored;
    then the corrected form is accepted by the same bloc (and sent, if asked)."""
    before = backend.stored()
    log = ErrorLog()

    async def scenario() -> None:
        gateway = BulkRegistrationOrchestrator(backend.repository)
        bloc = ProxyRegistrationBloc(context=CONTEXT, gateway=gateway, observer=log)
        try:
            events = single_events(form) if single else bulk_events(form)
            await bloc.add(SingleFlowEntered() if single else BulkFlowEntered())
            for index in order:
                await bloc.add(events[index])
            await bloc.add(SingleActivitySubmitted() if single else BulkActivitySubmitted())
            await bloc.settled()
            state = bloc.state
            flow = state.single if single else state.bulk
            named = {e.field for e in flow.errors}
            assert form.must <= named <= form.may, (flow.errors, form)
            assert named <= FIELDS
            assert all(isinstance(e.message, str) and e.message.strip() for e in flow.errors)
            assert flow.submission_id is None
            if single:
                assert (state.active_flow, state.single.phase) == (
                    ActiveFlow.SINGLE,
                    SinglePhase.EDITING,
                )
            else:
                assert (state.active_flow, state.bulk.phase) == (
                    ActiveFlow.BULK,
                    BulkPhase.SELECTING,
                )
            # The bloc keeps working: the corrected form has no errors left.
            for event in corrected(single, fix, PEOPLE.active[0]):
                await bloc.add(event)
            flow = bloc.state.single if single else bloc.state.bulk
            assert not flow.errors, flow.errors
            if submit_after_fix:
                await bloc.add(SingleActivitySubmitted() if single else BulkActivitySubmitted())
                await bloc.settled()
                if single:
                    assert bloc.state.single.outcome is not None
                    assert bloc.state.single.outcome.outcome is Outcome.REGISTERED
                else:
                    assert bloc.state.bulk.phase is BulkPhase.COMPLETED
        finally:
            await bloc.close()

    asyncio.run(scenario())
    assert not log.errors, log.errors
    if not submit_after_fix:
        assert backend.stored() == before


order_of_six = st.permutations(range(6))


@ONE_DATABASE_PER_TEST
@given(form=bad_forms(PEOPLE), order=order_of_six, fix=valid_draft(PEOPLE))
def test_a_malformed_bulk_form_is_named_field_by_field_and_never_stored(
    backend: Backend, form: BadForm, order: list[int], fix: dict[str, object]
) -> None:
    """Bad selections and drafts in any order: each bad field named, nothing stored, bloc alive."""
    check_refused(backend, form, order, fix, single=False)


@ONE_DATABASE_PER_TEST
@given(form=bad_forms(PEOPLE, single=True), order=order_of_six, fix=valid_draft(PEOPLE))
def test_a_malformed_single_form_is_named_field_by_field_and_never_stored(
    backend: Backend, form: BadForm, order: list[int], fix: dict[str, object]
) -> None:
    """A bad mentor or draft in the single flow: each bad field named, nothing stored."""
    check_refused(backend, form, order, fix, single=True)


@pytest.mark.parametrize("single", [False, True], ids=["bulk", "single"])
def test_after_malformed_input_the_corrected_form_is_stored_once(
    backend: Backend, single: bool
) -> None:
    """The check can fail: once corrected, the same bloc sends and the database holds it."""
    form = BadForm(
        mentors="nobody" if single else ("nobody", PEOPLE.foreign[0]),
        kind=["home_visit"],
        date="2026-11-25",
        minutes=True,
        notes="bell\x07",
        participants=3,
        corrupted=frozenset({"mentors", "kind", "date", "minutes", "notes", "participants"}),
        mentor_field="mentor" if single else "mentors",
    )
    fix: dict[str, object] = {
        "kind": "phone_call",
        "date": TODAY,
        "minutes": 15,
        "notes": "",
        "participants": None,
    }
    check_refused(backend, form, list(range(6)), fix, single=single, submit_after_fix=True)
    assert backend.stored()["proxy_activities"] == 1


def test_notes_with_a_lone_surrogate_are_a_notes_error(backend: Backend) -> None:
    """Notes holding U+D800 (no UTF-8 for it: no backend can store it) are a notes error.

    Found by this corpus and fixed; kept so it stays fixed.
    """
    form = BadForm(
        mentors=(PEOPLE.active[0],),
        kind="phone_call",
        date=TODAY,
        minutes=10,
        notes="note \ud800",
        participants=None,
        corrupted=frozenset({"notes"}),
    )
    fix = {"kind": "phone_call", "date": TODAY, "minutes": 10, "notes": "", "participants": None}
    check_refused(backend, form, list(range(6)), fix, single=False)
