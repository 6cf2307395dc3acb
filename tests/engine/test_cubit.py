"""Cubit and the BlocBase emit path: equality, identity, listeners, streams, close."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from proxyreg.engine import BlocClosedError, BlocObserver, Change, Cubit


class Counter(Cubit[int]):
    def __init__(self) -> None:
        super().__init__(0)
        self.changes: list[Change[int]] = []
        self.errors: list[BaseException] = []

    def increment(self) -> None:
        self.emit(self.state + 1)

    def on_change(self, change: Change[int]) -> None:
        self.changes.append(change)

    def on_error(self, error: BaseException) -> None:
        self.errors.append(error)


class CountingEq:
    """A state whose equality test counts its calls."""

    def __init__(self) -> None:
        self.eq_calls = 0

    def __eq__(self, other: object) -> bool:
        self.eq_calls += 1
        return self is other

    __hash__ = object.__hash__


class RaisingEq:
    """A state that cannot be compared at all."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("__eq__ must not be called")

    __hash__ = object.__hash__


class Boom(Exception):
    pass


def test_emit_sets_state_and_notifies_listener() -> None:
    """emit updates state and calls each listener with the new state."""
    cubit = Counter()
    seen: list[int] = []
    cubit.listen(seen.append)
    cubit.increment()
    cubit.increment()
    expected = (2, [1, 2])
    actual = (cubit.state, seen)
    assert expected == actual


def test_on_change_gets_current_and_next_state() -> None:
    """on_change receives Change(current, next) before the state is set."""
    cubit = Counter()
    cubit.increment()
    expected = [Change(current_state=0, next_state=1)]
    actual = cubit.changes
    assert expected == actual


def test_equal_state_is_not_reemitted() -> None:
    """After the first emit, a state equal to the current one calls no hook and no listener."""
    cubit = Counter()
    cubit.emit(1)
    seen: list[int] = []
    cubit.listen(seen.append)
    cubit.changes.clear()
    cubit.emit(1)
    expected: tuple[list[int], list[Change[int]]] = ([], [])
    actual = (seen, cubit.changes)
    assert expected == actual


def test_identical_state_skips_equality() -> None:
    """Emitting the very same object does not call its __eq__."""
    state = CountingEq()
    cubit: Cubit[CountingEq] = Cubit(state)
    cubit.emit(state)
    expected = 0
    actual = state.eq_calls
    assert expected == actual


def test_identical_state_with_raising_eq_is_ignored() -> None:
    """The identity test comes first, so a state whose __eq__ raises is still a no-op."""
    state = RaisingEq()
    cubit: Cubit[RaisingEq] = Cubit(state)
    cubit.emit(state)
    assert state is cubit.state


def test_emit_after_close_raises() -> None:
    """Cubit.emit after close raises BlocClosedError."""
    cubit = Counter()
    cubit.close()
    with pytest.raises(BlocClosedError):
        cubit.increment()


def test_is_closed_flips_on_close() -> None:
    """is_closed is False before close and True after."""
    cubit = Counter()
    before = cubit.is_closed
    cubit.close()
    expected = (False, True)
    actual = (before, cubit.is_closed)
    assert expected == actual


def test_close_is_idempotent() -> None:
    """A second close does nothing: the observer's on_close runs once."""
    closed: list[object] = []

    class Recorder(BlocObserver):
        def on_close(self, bloc: object) -> None:
            closed.append(bloc)

    async def scenario() -> None:
        cubit: Cubit[int] = Cubit(0, observer=Recorder())
        await cubit.close()
        await cubit.close()

    asyncio.run(scenario())
    expected = 1
    actual = len(closed)
    assert expected == actual


def test_raising_listener_is_reported_and_others_still_called() -> None:
    """A listener's exception goes to on_error and later listeners still get the state."""
    cubit = Counter()
    seen: list[int] = []
    error = Boom()

    def failing(_: int) -> None:
        raise error

    cubit.listen(failing)
    cubit.listen(seen.append)
    cubit.increment()
    expected = ([error], [1], 1)
    actual = (cubit.errors, seen, cubit.state)
    assert expected == actual


def test_cancelled_listener_gets_nothing() -> None:
    """After Subscription.cancel the listener is not called."""
    cubit = Counter()
    seen: list[int] = []
    subscription = cubit.listen(seen.append)
    cubit.increment()
    subscription.cancel()
    subscription.cancel()
    cubit.increment()
    expected = [1]
    actual = seen
    assert expected == actual


def test_listener_cancelled_mid_dispatch_is_skipped() -> None:
    """A listener cancelled by an earlier listener of the same delivery is not called."""
    cubit = Counter()
    seen: list[int] = []
    later = None

    def cancel_later(_: int) -> None:
        assert later is not None
        later.cancel()

    cubit.listen(cancel_later)
    later = cubit.listen(seen.append)
    cubit.increment()
    expected: list[int] = []
    actual = seen
    assert expected == actual


def test_state_emitted_by_listener_is_delivered_after_current() -> None:
    """Every listener sees states in emission order even when a listener emits."""
    cubit = Counter()
    first: list[int] = []
    second: list[int] = []

    def bump_once(state: int) -> None:
        first.append(state)
        if state == 1:
            cubit.increment()

    cubit.listen(bump_once)
    cubit.listen(second.append)
    cubit.increment()
    expected = ([1, 2], [1, 2])
    actual = (first, second)
    assert expected == actual


def test_listen_on_closed_cubit_returns_cancelled_subscription() -> None:
    """listen after close returns an inactive subscription."""
    cubit = Counter()
    cubit.close()
    assert False is cubit.listen(print).is_active


def test_stream_sees_later_states_and_ends_on_close() -> None:
    """stream() yields the states emitted after the call, then ends when the cubit closes."""

    async def scenario() -> list[int]:
        cubit = Counter()
        cubit.increment()
        stream = cubit.stream()
        cubit.increment()
        cubit.increment()
        await cubit.close()
        return [state async for state in stream]

    expected = [2, 3]
    actual = asyncio.run(scenario())
    assert expected == actual


def test_stream_wakes_a_waiting_consumer() -> None:
    """A consumer already waiting on the stream gets a state emitted later."""

    async def scenario() -> list[int]:
        cubit = Counter()

        async def collect() -> list[int]:
            return [state async for state in cubit.stream()]

        consumer = asyncio.create_task(collect())
        await asyncio.sleep(0)
        cubit.increment()
        await asyncio.sleep(0)
        cubit.increment()
        await cubit.close()
        return await consumer

    expected = [1, 2]
    actual = asyncio.run(scenario())
    assert expected == actual


def test_streams_are_independent() -> None:
    """Each stream() call is its own subscriber, reading from where it was created."""

    async def scenario() -> tuple[list[int], list[int]]:
        cubit = Counter()
        early = cubit.stream()
        cubit.increment()
        late = cubit.stream()
        cubit.increment()
        await cubit.close()
        return [s async for s in early], [s async for s in late]

    expected = ([1, 2], [2])
    actual = asyncio.run(scenario())
    assert expected == actual


def test_stream_of_closed_cubit_is_empty() -> None:
    """stream() on a closed cubit ends at once."""

    async def scenario() -> list[int]:
        cubit = Counter()
        await cubit.close()
        return [s async for s in cubit.stream()]

    expected: list[int] = []
    actual = asyncio.run(scenario())
    assert expected == actual


def test_abandoned_stream_is_released() -> None:
    """The cubit holds streams weakly, so a dropped one is freed instead of buffering."""
    cubit = Counter()
    stream = cubit.stream()
    ref = weakref.ref(stream)
    del stream
    gc.collect()
    cubit.increment()
    assert None is ref()


def test_add_error_reports_through_on_error() -> None:
    """add_error reaches the on_error hook."""
    cubit = Counter()
    error = Boom()
    cubit.add_error(error)
    expected = [error]
    actual = cubit.errors
    assert expected == actual
