"""Bloc: registration, add, handler runs, errors, emitter lifetime, ordering, close."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from proxyreg.engine import (
    Bloc,
    BlocClosedError,
    BlocObserver,
    EmitAfterDoneError,
    Emitter,
    UnhandledEventError,
    sequential,
)

T = TypeVar("T")


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await scenario()

    return asyncio.run(main())


class Event:
    pass


class Increment(Event):
    pass


class Decrement(Event):
    pass


class Fail(Event):
    pass


class Unknown(Event):
    pass


class Boom(Exception):
    pass


class Counter(Bloc[Event, int]):
    """Increments, decrements, and on Fail emits 100 then raises."""

    def __init__(self, observer: BlocObserver | None = None) -> None:
        super().__init__(0, observer=observer)
        self.errors: list[BaseException] = []
        self.on(Increment, lambda _, emit: emit(self.state + 1))
        self.on(Decrement, lambda _, emit: emit(self.state - 1))
        self.on(Fail, self._fail)

    def _fail(self, event: Fail, emit: Emitter[int]) -> None:
        emit(100)
        raise Boom

    def on_error(self, error: BaseException) -> None:
        self.errors.append(error)


class Gate:
    """An async handler that emits its value once released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started = 0

    async def __call__(self, event: Increment, emit: Emitter[int]) -> None:
        self.started += 1
        await self.release.wait()
        emit(self.started)


def test_add_runs_handler_and_emits() -> None:
    """Awaiting add's future sees the handler's state."""

    async def scenario() -> int:
        bloc = Counter()
        await bloc.add(Increment())
        return bloc.state

    expected = 1
    actual = run(scenario)
    assert expected == actual


def test_handler_starts_in_a_later_loop_turn() -> None:
    """add does not run the handler synchronously."""

    async def scenario() -> tuple[int, int]:
        bloc = Counter()
        bloc.add(Increment())
        before = bloc.state
        await bloc.settled()
        return before, bloc.state

    expected = (0, 1)
    actual = run(scenario)
    assert expected == actual


def test_add_future_waits_for_async_handler() -> None:
    """add's future completes only when the async handler has finished."""

    async def scenario() -> tuple[bool, bool, int]:
        gate = Gate()
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, gate)
        future = bloc.add(Increment())
        await asyncio.sleep(0)
        done_while_blocked = future.done()
        gate.release.set()
        await future
        return done_while_blocked, future.done(), bloc.state

    expected = (False, True, 1)
    actual = run(scenario)
    assert expected == actual


def test_sync_function_returning_awaitable_is_awaited() -> None:
    """A plain callable returning a coroutine is treated as an async handler."""

    async def emit_later(emit: Emitter[int]) -> None:
        await asyncio.sleep(0)
        emit(7)

    async def scenario() -> int:
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, lambda _, emit: emit_later(emit))
        await bloc.add(Increment())
        return bloc.state

    expected = 7
    actual = run(scenario)
    assert expected == actual


def test_unhandled_event_raises() -> None:
    """add of an event with no matching registration raises UnhandledEventError."""

    async def scenario() -> None:
        Counter().add(Unknown())

    with pytest.raises(UnhandledEventError):
        run(scenario)


def test_add_after_close_raises() -> None:
    """add after close raises BlocClosedError."""

    async def scenario() -> None:
        bloc = Counter()
        await bloc.close()
        bloc.add(Increment())

    with pytest.raises(BlocClosedError):
        run(scenario)


def test_duplicate_registration_raises() -> None:
    """Registering the same event type twice raises TypeError."""
    bloc = Counter()
    with pytest.raises(TypeError, match="more than once"):
        bloc.on(Increment, lambda _, emit: None)


def test_subclass_event_matches_base_registration() -> None:
    """An event is handled by a registration for one of its base classes."""

    class Special(Increment):
        pass

    async def scenario() -> int:
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, lambda _, emit: emit(5))
        await bloc.add(Special())
        return bloc.state

    expected = 5
    actual = run(scenario)
    assert expected == actual


def test_event_matching_two_registrations_goes_to_both() -> None:
    """An event matching a base and a subclass registration runs both handlers."""
    calls: list[str] = []

    async def scenario() -> list[str]:
        bloc: Bloc[Event, int] = Bloc(0)
        bloc.on(Event, lambda _, emit: calls.append("event"))
        bloc.on(Increment, lambda _, emit: calls.append("increment"))
        await bloc.add(Increment())
        return calls

    expected = ["event", "increment"]
    actual = run(scenario)
    assert expected == actual


def test_add_future_waits_for_every_registration() -> None:
    """With two registrations, add's future waits for the slower handler too."""

    async def scenario() -> tuple[bool, bool]:
        gate = Gate()
        bloc: Bloc[Event, int] = Bloc(0)
        bloc.on(Event, lambda _, emit: None)
        bloc.on(Increment, gate)
        future = bloc.add(Increment())
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        blocked = future.done()
        gate.release.set()
        await future
        return blocked, future.done()

    expected = (False, True)
    actual = run(scenario)
    assert expected == actual


def test_handler_exception_goes_to_on_error_and_keeps_earlier_emits() -> None:
    """A raising handler is reported to on_error; what it emitted before the raise stays."""

    async def scenario() -> tuple[list[type[BaseException]], int, None]:
        bloc = Counter()
        future = bloc.add(Fail())
        await future
        return [type(e) for e in bloc.errors], bloc.state, future.result()

    expected = ([Boom], 100, None)
    actual = run(scenario)
    assert expected == actual


def test_handler_exception_reaches_observer() -> None:
    """A raising handler is reported to the observer's on_error."""
    seen: list[type[BaseException]] = []

    class Recorder(BlocObserver):
        def on_error(self, bloc: object, error: BaseException) -> None:
            seen.append(type(error))

    async def scenario() -> None:
        await Counter(observer=Recorder()).add(Fail())

    run(scenario)
    expected = [Boom]
    actual = seen
    assert expected == actual


def test_bloc_keeps_working_after_handler_exception() -> None:
    """The event after a failing one is still handled."""

    async def scenario() -> int:
        bloc = Counter()
        bloc.add(Fail())
        await bloc.add(Increment())
        return bloc.state

    expected = 101
    actual = run(scenario)
    assert expected == actual


def test_failing_handler_with_no_emit_leaves_state_unchanged() -> None:
    """A handler that raises before emitting leaves the state as it was."""

    def fail(_: Increment, emit: Emitter[int]) -> None:
        raise Boom

    async def scenario() -> int:
        bloc: Bloc[Increment, int] = Bloc(3)
        bloc.on(Increment, fail)
        await bloc.add(Increment())
        return bloc.state

    expected = 3
    actual = run(scenario)
    assert expected == actual


def test_emit_after_handler_done_raises() -> None:
    """Calling a finished handler's emitter raises EmitAfterDoneError."""
    kept: list[Emitter[int]] = []

    async def scenario() -> None:
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, lambda _, emit: kept.append(emit))
        await bloc.add(Increment())
        kept[0](1)

    with pytest.raises(EmitAfterDoneError):
        run(scenario)


def test_emitter_is_done_after_handler() -> None:
    """emit.is_done is False while the handler runs and True afterwards."""
    during: list[bool] = []
    kept: list[Emitter[int]] = []

    def handler(_: Increment, emit: Emitter[int]) -> None:
        during.append(emit.is_done)
        kept.append(emit)

    async def scenario() -> tuple[list[bool], bool]:
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, handler)
        await bloc.add(Increment())
        return during, kept[0].is_done

    expected = ([False], True)
    actual = run(scenario)
    assert expected == actual


def test_equal_emit_in_handler_makes_no_transition() -> None:
    """After a first emit, a handler emitting the current state triggers no on_transition."""
    transitions: list[object] = []

    class Recorder(BlocObserver):
        def on_transition(self, bloc: object, transition: object) -> None:
            transitions.append(transition)

    async def scenario() -> None:
        bloc: Bloc[Increment, int] = Bloc(0, observer=Recorder())
        bloc.on(Increment, lambda _, emit: emit(0))
        await bloc.add(Increment())
        transitions.clear()  # the first emit is delivered even if equal (Dart's rule)
        await bloc.add(Increment())

    run(scenario)
    expected: list[object] = []
    actual = transitions
    assert expected == actual


def test_sync_events_are_handled_in_add_order_across_registrations() -> None:
    """Synchronous handlers run in add order whatever their registrations and transformers."""
    order: list[str] = []

    async def scenario() -> list[str]:
        bloc: Bloc[Event, int] = Bloc(0)
        bloc.on(Increment, lambda _, emit: order.append("inc"), transformer=sequential())
        bloc.on(Decrement, lambda _, emit: order.append("dec"))
        for event in (Increment(), Decrement(), Increment(), Decrement(), Increment()):
            bloc.add(event)
        await bloc.settled()
        return order

    expected = ["inc", "dec", "inc", "dec", "inc"]
    actual = run(scenario)
    assert expected == actual


def test_settled_waits_for_async_handlers() -> None:
    """settled returns only after the running async handler has finished."""

    async def slow(_: Increment, emit: Emitter[int]) -> None:
        for _turn in range(3):
            await asyncio.sleep(0)
        emit(9)

    async def scenario() -> int:
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, slow)
        bloc.add(Increment())
        await bloc.settled()
        return bloc.state

    expected = 9
    actual = run(scenario)
    assert expected == actual


def test_settled_waits_for_events_added_by_handlers() -> None:
    """settled also covers an event a handler adds while running."""

    async def scenario() -> int:
        bloc: Bloc[Event, int] = Bloc(0)
        bloc.on(Increment, lambda _, emit: bloc.add(Decrement()))
        bloc.on(Decrement, lambda _, emit: emit(-1))
        bloc.add(Increment())
        await bloc.settled()
        return bloc.state

    expected = -1
    actual = run(scenario)
    assert expected == actual


def test_cancelled_close_cancels_running_handler_and_silences_its_emitter() -> None:
    """Cancelling close's awaitable cancels an in-flight handler; its emitter goes quiet."""
    outcome: list[object] = []

    async def stubborn(_: Increment, emit: Emitter[int]) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            outcome.append(emit.is_done)
            emit(42)

    async def scenario() -> tuple[list[object], int, bool, bool]:
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, stubborn)
        future = bloc.add(Increment())
        await asyncio.sleep(0)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(bloc.close(), 0.01)
        return outcome, bloc.state, future.done(), bloc.is_closed

    expected = ([True], 0, True, True)
    actual = run(scenario)
    assert expected == actual


def test_close_handles_events_not_started() -> None:
    """Events added but not started when close is called still run to completion."""

    async def scenario() -> tuple[int, bool]:
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, lambda event, emit: emit(bloc.state + 1))
        future = bloc.add(Increment())
        await bloc.close()
        return bloc.state, future.done()

    expected = (1, True)
    actual = run(scenario)
    assert expected == actual


def test_close_drains_events_parked_by_sequential() -> None:
    """close lets a sequential registration handle its whole queue, in order."""
    started: list[int] = []

    async def handler(event: Increment, emit: Emitter[int]) -> None:
        started.append(len(started))
        await asyncio.sleep(0)
        emit(len(started))

    async def scenario() -> tuple[list[int], int, bool]:
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, handler, transformer=sequential())
        bloc.add(Increment())
        queued = bloc.add(Increment())
        await asyncio.sleep(0)
        await bloc.close()
        return started, bloc.state, queued.done()

    expected = ([0, 1], 2, True)
    actual = run(scenario)
    assert expected == actual


def test_cancelling_add_future_does_not_stop_handler() -> None:
    """Cancelling the future returned by add leaves the handler running to completion."""

    async def scenario() -> int:
        gate = Gate()
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, gate)
        bloc.add(Increment()).cancel()
        await asyncio.sleep(0)
        gate.release.set()
        await bloc.settled()
        return bloc.state

    expected = 1
    actual = run(scenario)
    assert expected == actual


def test_raising_on_event_is_reported_and_propagates() -> None:
    """An on_event exception goes to on_error and out of add, and no handler runs."""

    class Picky(Counter):
        def on_event(self, event: Event) -> None:
            raise Boom

    async def scenario() -> tuple[list[type[BaseException]], int, int]:
        bloc = Picky()
        raised = 0
        try:
            bloc.add(Increment())
        except Boom:
            raised += 1
        await bloc.settled()
        return [type(e) for e in bloc.errors], raised, bloc.state

    expected = ([Boom], 1, 0)
    actual = run(scenario)
    assert expected == actual


def test_add_needs_a_running_loop() -> None:
    """add outside a running event loop raises RuntimeError."""
    with pytest.raises(RuntimeError):
        Counter().add(Increment())


def test_sync_and_async_handlers_start_in_add_order() -> None:
    """Synchronous and asynchronous registrations interleaved still start in add order."""
    started: list[str] = []

    async def slow(event: Decrement, emit: Emitter[int]) -> None:
        started.append("async")

    async def scenario() -> list[str]:
        bloc: Bloc[Event, int] = Bloc(0)
        bloc.on(Increment, lambda event, emit: started.append("sync"))
        bloc.on(Decrement, slow)
        for event in (Increment(), Decrement(), Increment(), Increment(), Decrement()):
            bloc.add(event)
        await bloc.settled()
        return started

    expected = ["sync", "async", "sync", "sync", "async"]
    actual = run(scenario)
    assert expected == actual
