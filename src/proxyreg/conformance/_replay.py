"""Replaying events on the engine's own flow bloc, and recording what it shows.

The bloc is the real `FlowBloc` with the real reducers, built without
submission effects: a scenario is the whole conversation, so the backend's
answers are events in it (as the orchestrator publishes them), and nothing is
sent anywhere.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from proxyreg import flows
from proxyreg.conformance._scenario import Step
from proxyreg.domain import LedgerEntry, RecordResult, Submission
from proxyreg.engine import BlocBase, BlocObserver
from proxyreg.flows.bulk.bloc import BULK_SUBMIT_TYPES

EventTypes = tuple[type[flows.ProxyEvent], ...]


@attrs.frozen
class _BlocKind:
    reducer: Callable[[Any, Any, flows.FlowContext], Any]
    event_types: EventTypes
    submit_types: EventTypes


_KINDS = {
    "root": _BlocKind(
        flows.reduce_registration,
        flows.SINGLE_EVENT_TYPES + flows.BULK_EVENT_TYPES,
        (flows.SingleActivitySubmitted, *BULK_SUBMIT_TYPES),
    ),
    "single": _BlocKind(
        flows.reduce_single, flows.SINGLE_EVENT_TYPES, (flows.SingleActivitySubmitted,)
    ),
    "bulk": _BlocKind(flows.reduce_bulk, flows.BULK_EVENT_TYPES, BULK_SUBMIT_TYPES),
}


class ReplayError(RuntimeError):
    """The bloc reported an error while handling a scenario's event."""


class _NoBackend:
    """The gateway of a replay: the bloc has no effects, so nothing ever reaches it."""

    async def submit(
        self,
        submission: Submission,
        on_result: Callable[[str, RecordResult], None],
        cancelled: asyncio.Event,
    ) -> None:
        raise ReplayError("a replay sends nothing: answers are events of the scenario")

    async def latest(self, coordinator_id: str, kind: str) -> LedgerEntry | None:
        return None

    def live_outcomes(self, submission_id: str) -> Mapping[str, RecordResult]:
        return {}


class _Errors(BlocObserver):
    def __init__(self) -> None:
        self.reported: list[BaseException] = []

    def on_error(self, bloc: BlocBase[Any], error: BaseException) -> None:
        self.reported.append(error)


def replay(
    bloc: str,
    context: flows.FlowContext,
    initial_state: object,
    events: Sequence[flows.ProxyEvent],
) -> tuple[Step, ...]:
    """Add ``events`` one by one to a fresh ``bloc`` and record the state after each.

    Raises `ReplayError` if the bloc reports an error. A Submit without a
    submission id is stamped ``stamped-1``, ``stamped-2``, … (scenarios carry theirs).
    """
    return asyncio.run(_replay(_KINDS[bloc], context, initial_state, events))


async def _replay(
    kind: _BlocKind,
    context: flows.FlowContext,
    initial_state: object,
    events: Sequence[flows.ProxyEvent],
) -> tuple[Step, ...]:
    counter = itertools.count(1)
    errors = _Errors()
    bloc: flows.FlowBloc[object] = flows.FlowBloc(
        initial_state,
        reducer=kind.reducer,
        event_types=kind.event_types,
        submit_types=kind.submit_types,
        effects=(),
        context=context,
        gateway=_NoBackend(),
        new_submission_id=lambda: f"stamped-{next(counter)}",
        observer=errors,
    )
    ignored: list[flows.EventIgnored] = []
    bloc.bus.subscribe(flows.EventIgnored, ignored.append)
    steps: list[Step] = []
    try:
        for event in events:
            ignored.clear()
            await bloc.add(event)
            if errors.reported:
                raise ReplayError(f"{type(event).__name__}: {errors.reported[0]!r}")
            reason = ignored[-1].reason.code if ignored else None
            steps.append(Step(event, bloc.state, reason))
    finally:
        await bloc.close()
    return tuple(steps)
