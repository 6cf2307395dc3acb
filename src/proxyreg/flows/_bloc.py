"""A bloc driven by a pure reducer, whose only side effect is sending submissions.

The single bloc, the bulk bloc and the root bloc are this class with different
reducers: the root composes the two flows' pieces (the planning card's
contingency, two blocs under a parent, is the same parts arranged apart).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypedDict, TypeVar

import attrs

from proxyreg.domain import MESSAGES, RecordResult, Submission
from proxyreg.engine import Bloc, BlocObserver, Emitter, EventBus, debounce, droppable
from proxyreg.flows._common import FlowContext, Ignored, ProxyEvent, SubmitPressed
from proxyreg.flows._effects import SubmissionEffects, SubmissionGateway

S = TypeVar("S")

Reducer = Callable[[S, Any, FlowContext], "S | Ignored"]


@attrs.frozen
class EventIgnored:
    """Published on the bus when an event changes nothing: which event, and why."""

    event: ProxyEvent
    reason: Ignored


@attrs.frozen
class EffectSlot(Generic[S]):
    """Where a flow's subtree sits in a bloc's state, and that flow's effects."""

    subtree: Callable[[S], Any]
    effects: SubmissionEffects[Any]


def _new_submission_id() -> str:
    return uuid.uuid4().hex


class FlowBlocOptions(TypedDict, total=False):
    """What a UI may pass to any flow bloc besides its context and gateway."""

    bus: EventBus
    clock: Callable[[], dt.date]
    filter_debounce: float
    new_submission_id: Callable[[], str]
    observer: BlocObserver


class FlowBloc(Bloc[ProxyEvent, S]):
    """Reduces each event to the next state; sends what a Submit started through the gateway.

    The bloc subscribes itself to ``bus`` for its events, so a UI may either
    ``add`` events or publish them on the bus. Per-record answers travel back
    through the bus as events. Events that change nothing are published as
    `EventIgnored`, never applied silently. With ``filter_debounce`` (seconds, default 0:
    none) the ``debounced_types`` (the bulk mentor filter) are debounced: within a burst
    only the last is applied, the others are published as `EventIgnored` ("superseded"),
    and awaiting ``add`` still returns once that event was applied or superseded.
    """

    def __init__(
        self,
        initial_state: S,
        *,
        reducer: Reducer[S],
        event_types: Sequence[type[ProxyEvent]],
        submit_types: Sequence[type[ProxyEvent]],
        effects: Sequence[EffectSlot[S]],
        debounced_types: Sequence[type[ProxyEvent]] = (),
        context: FlowContext,
        gateway: SubmissionGateway,
        bus: EventBus | None = None,
        clock: Callable[[], dt.date] | None = None,
        new_submission_id: Callable[[], str] = _new_submission_id,
        observer: BlocObserver | None = None,
        filter_debounce: float = 0.0,
    ) -> None:
        super().__init__(initial_state, observer=observer)
        self.bus = bus if bus is not None else EventBus()
        self._reducer = reducer
        self._effects = tuple(effects)
        self._context = context
        self._clock = clock
        self._gateway = gateway
        self._new_submission_id = new_submission_id
        self._event_types = frozenset(event_types)
        self._submit_types = frozenset(submit_types)
        self._latest_answer: asyncio.Future[None] | None = None
        self._cancels: dict[str, asyncio.Event] = {}
        restoring = {slot.effects.restore_after for slot in self._effects}
        for event_type in event_types:
            if event_type in submit_types:
                # A second Submit while one is in flight is dropped, not queued.
                self.on(event_type, self._on_submit, transformer=droppable())
            elif event_type in restoring:
                self.on(event_type, self._on_enter)
            elif filter_debounce > 0 and event_type in debounced_types:
                # Search as you type: a keystroke superseded within the delay is dropped.
                self.on(event_type, self._on_event, transformer=debounce(filter_debounce))
            else:
                self.on(event_type, self._on_event)
        self._bus_subscription = self.bus.subscribe(ProxyEvent, self._from_bus)

    @property
    def context(self) -> FlowContext:
        """The context reducers see: today's date is read from the clock, if one was given."""
        if self._clock is not None:
            today = self._clock()
            if today != self._context.today:
                self._context = attrs.evolve(self._context, today=today)
        return self._context

    def _from_bus(self, event: ProxyEvent) -> None:
        if self.is_closed or type(event) not in self._event_types:
            return
        answer = self.add(event)
        if type(event) not in self._submit_types:
            # Answers are handled in the order they were added, so once the latest has
            # been handled every earlier one has too: a Submit waits for it (see _send).
            self._latest_answer = answer

    def _step(self, event: ProxyEvent) -> S | None:
        step = self._reducer(self.state, event, self.context)
        if isinstance(step, Ignored):
            self.bus.publish(EventIgnored(event, step))
            return None
        return step

    def on_dropped(self, event: ProxyEvent) -> None:
        if type(event) in self._submit_types:
            reason = Ignored("dropped", "A submission is already being sent; this one was dropped.")
        else:
            reason = Ignored("superseded", "A newer event replaced this one before it was applied.")
        self.bus.publish(EventIgnored(event, reason))

    def _on_event(self, event: ProxyEvent, emit: Emitter[S]) -> None:
        before = self.state
        step = self._step(event)
        if step is None:
            return
        emit(step)
        for slot in self._effects:
            old, new = slot.subtree(before), slot.subtree(step)
            if old is new:
                continue  # a subtree the step left alone asks for nothing
            cancelled = slot.effects.cancel_requested(old, new)
            if cancelled is not None and cancelled in self._cancels:
                self._cancels[cancelled].set()

    async def _on_enter(self, event: ProxyEvent, emit: Emitter[S]) -> None:
        """Enter the flow, then offer its last submission from the ledger as an event."""
        self._on_event(event, emit)
        for slot in self._effects:
            effects = slot.effects
            if effects.restore_after is not type(event) or effects.restored_event is None:
                continue
            entry = await self._gateway.latest(self.context.roster.coordinator.id, effects.kind)
            if entry is None or self.is_closed:
                continue
            # Answers that landed while the ledger was read are merged in the same step as
            # the restore is queued, so none is lost between the two.
            live = self._gateway.live_outcomes(entry.submission.id)
            if live:
                entry = attrs.evolve(entry, outcomes={**entry.outcomes, **live})
            self.add(effects.restored_event(entry))

    async def _on_submit(self, event: ProxyEvent, emit: Emitter[S]) -> None:
        if isinstance(event, SubmitPressed) and event.submission_id is None:
            event = event.stamped(self._new_submission_id())
        before = self.state
        step = self._step(event)
        if step is None:
            return
        emit(step)
        for slot in self._effects:
            started = slot.effects.started
            submission = started(slot.subtree(before), slot.subtree(step), self.context)
            if submission is not None:
                await self._send(submission, slot.effects)

    async def _send(self, submission: Submission, effects: SubmissionEffects[Any]) -> None:
        answered: set[str] = set()

        def on_result(mentor_id: str, result: RecordResult) -> None:
            answered.add(mentor_id)
            self.bus.publish(effects.result_event(submission, mentor_id, result))

        cancelled = self._cancels.setdefault(submission.id, asyncio.Event())
        try:
            await self._gateway.submit(submission, on_result, cancelled)
        except Exception as error:  # any failure leaves the rest unknown, never lost
            self.bus.publish(
                effects.failure_event(submission, MESSAGES.text("flow.no_answer", error=error))
            )
        else:
            if len(answered) < len(submission.records):
                self.bus.publish(
                    effects.failure_event(submission, MESSAGES.text("flow.no_answer_for_some"))
                )
        finally:
            self._cancels.pop(submission.id, None)
        # Await the answers' own handling, so awaiting a Submit means its results are shown.
        if self._latest_answer is not None:
            await self._latest_answer

    def close(self) -> Awaitable[None]:
        self._bus_subscription.cancel()
        return super().close()
