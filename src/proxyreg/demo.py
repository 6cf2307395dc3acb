"""A scripted, headless walk through both flows that prints every state: `make demo`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import attrs

from proxyreg.adapters.faults import FaultyRepository, parse_fault_spec
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import Coordinator, Mentor, Roster
from proxyreg.engine import EventBus
from proxyreg.flows import (
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkAllMentorsSelected,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkMentorsSelected,
    BulkRetryFailedRequested,
    EventIgnored,
    FlowContext,
    ProxyEvent,
    ProxyRegistrationBloc,
    ProxyRegistrationState,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleFlowEntered,
    SingleMentorPicked,
    SingleNotesChanged,
    SinglePhase,
    retryable_mentors,
)
from proxyreg.orchestration import BulkRegistrationOrchestrator
from proxyreg.presentation import result_screen, single_form

COORDINATOR = Coordinator("coord-demo", "Ingrid Solberg", "chapter-demo")
MENTORS = tuple(
    Mentor(f"m{i:02d}", name, "chapter-demo", active=name != "Jonas Berg")
    for i, name in enumerate(
        [
            "Aisha Rahman",
            "Bjørn Lie",
            "Camila Ortiz",
            "Dawit Tesfaye",
            "Elin Strand",
            "Farah Haddad",
            "Gustav Moe",
            "Hanna Nilsen",
            "Jonas Berg",
        ],
        start=1,
    )
)


def _describe(state: ProxyRegistrationState, roster: Roster) -> list[str]:
    if state.active_flow.value == "single":
        form = single_form(state.single)
        s = state.single
        lines = [
            f"single · {s.phase.value} · mentor={s.mentor_id} · kind={s.draft.kind} "
            f"date={s.draft.date} minutes={s.draft.minutes}"
        ]
        lines += [f"    ⚠ {field}: {'; '.join(msgs)}" for field, msgs in form.field_errors.items()]
        if form.status:
            lines.append(f"    {form.status}")
        return lines
    if state.active_flow.value == "bulk":
        b = state.bulk
        lines = [
            f"bulk · {b.phase.value} · {len(b.selected)} selected · kind={b.draft.kind} "
            f"date={b.draft.date} minutes={b.draft.minutes}"
        ]
        lines += [f"    ⚠ {e.field}: {e.message}" for e in b.errors]
        if b.submitted:
            screen = result_screen(b, roster)
            lines.append(
                f"    {screen.headline}  (Retry failed "
                f"{'enabled' if screen.retry_enabled else 'disabled'})"
            )
            lines += [f"    {r.symbol} {r.name:<15} {r.message}" for r in screen.rows]
        return lines
    return ["no flow active"]


DEMO_FAULTS = "seed=4,fail_rate=0.3,timeout_after_commit=0.3"


async def run_demo(
    say: Callable[[str], None] = print,
    today: dt.date | None = None,
    faults: str = DEMO_FAULTS,
) -> None:
    """Walk both flows against an in-memory backend that misbehaves as ``faults`` says,
    and print what each event did; Retry failed is pressed until nothing is left to retry."""
    today = today or dt.date.today()
    roster = Roster(COORDINATOR, MENTORS)
    # The backend no longer has Hanna assigned to this coordinator: a stale roster,
    # so her record is rejected while the others land.
    backend = InMemoryRepository(
        coordinators=[COORDINATOR],
        mentors=MENTORS,
        assignments={COORDINATOR.id: [m.id for m in MENTORS if m.name != "Hanna Nilsen"]},
    )
    bus = EventBus()
    bus.subscribe(EventIgnored, lambda n: say(f"    (ignored: {n.reason.message})"))
    flaky = FaultyRepository(backend, parse_fault_spec(faults))
    gateway = BulkRegistrationOrchestrator(flaky, seed=1)
    bloc = ProxyRegistrationBloc(context=FlowContext(roster, today), gateway=gateway, bus=bus)

    async def step(event: ProxyEvent) -> None:
        say(f"→ {type(event).__name__}{_fields(event)}")
        await bloc.add(event)
        for line in _describe(bloc.state, roster):
            say("  " + line)

    say(f"proxyreg demo: {COORDINATOR.name} registers for {len(MENTORS)} mentors\n")
    for event in (
        SingleFlowEntered(),
        SingleMentorPicked("m02"),
        SingleActivityKindChanged("home_visit"),
        SingleActivityDateChanged(today),
        SingleDurationChanged(0),
        SingleDurationChanged(45),
        SingleNotesChanged("Walk by the river"),
        SingleActivitySubmitted(),
    ):
        await step(event)
    while bloc.state.single.phase is SinglePhase.FAILED:  # Retry: the same record, same key
        await step(SingleActivitySubmitted())
    single_id = bloc.state.single.submission_id
    for bulk_event in (
        BulkFlowEntered(),
        BulkMentorsSelected(("m01", "m09")),
        BulkAllMentorsSelected(),
        SingleFlowEntered(),
        BulkFlowEntered(),
        BulkAllMentorsSelected(),
        BulkActivityKindChanged("phone_call"),
        BulkActivityDateChanged(today),
        BulkDurationChanged(20),
        BulkActivitySubmitted(),
    ):
        await step(bulk_event)
    say(f"\n(the backend misbehaves on purpose: {faults})")
    while retryable_mentors(bloc.state.bulk):  # press Retry failed until nothing is left
        await step(BulkRetryFailedRequested())
    await step(BulkRetryFailedRequested())  # nothing left: reported, changes nothing
    await bloc.close()
    stored = backend.stored()
    single = sum(1 for r in stored if r.record.submission_id == single_id)
    say(
        f"\nThe backend holds {len(stored)} records: {single} from the single flow, "
        f"{len(stored) - single} from the bulk flow; the rejected mentor has none."
    )


def _fields(event: ProxyEvent) -> str:
    shown = {
        a.name: getattr(event, a.name)
        for a in attrs.fields(type(event))
        if a.name != "submission_id"
    }
    text = ", ".join(
        f"{k}={v.isoformat() if isinstance(v, dt.date) else repr(v)}" for k, v in shown.items()
    )
    return f"({text})" if shown else ""


def main() -> None:
    asyncio.run(run_demo())
