"""emit.for_each and emit.on_each, from Dart's RestartableStreamBloc and StreamBloc tests."""

from __future__ import annotations

import asyncio

import attrs
from _dart import Broadcast, catch_uncaught, run, tick

from proxyreg.engine import Bloc, Emitter, restartable


@attrs.frozen
class ForEach:
    pass


@attrs.frozen
class ForEachOnError:
    pass


@attrs.frozen
class ForEachTryExcept:
    pass


@attrs.frozen
class OnEach:
    pass


class StreamBloc(Bloc[object, int]):
    """Each event subscribes to the broadcast stream; restartable, as Dart's switchMap."""

    def __init__(self, source: Broadcast[int]) -> None:
        super().__init__(0)
        self.source = source
        self.errors: list[str] = []
        self.on(ForEach, self._for_each, transformer=restartable())
        self.on(ForEachOnError, self._for_each_on_error, transformer=restartable())
        self.on(ForEachTryExcept, self._for_each_try_except, transformer=restartable())
        self.on(OnEach, self._on_each, transformer=restartable())

    async def _for_each(self, event: ForEach, emit: Emitter[int]) -> None:
        await emit.for_each(self.source.subscribe(), lambda i: i)

    async def _for_each_on_error(self, event: ForEachOnError, emit: Emitter[int]) -> None:
        await emit.for_each(self.source.subscribe(), lambda i: i, on_error=lambda e: -1)

    async def _for_each_try_except(self, event: ForEachTryExcept, emit: Emitter[int]) -> None:
        try:
            await emit.for_each(self.source.subscribe(), lambda i: i)
        except ValueError:
            emit(-1)

    async def _on_each(self, event: OnEach, emit: Emitter[int]) -> None:
        await emit.on_each(self.source.subscribe(), lambda i: emit(i * 10))

    def on_error(self, error: BaseException) -> None:
        self.errors.append(str(error))


def test_for_each_cancels_the_subscription_of_a_restarted_handler() -> None:
    """A second ForEach cancels the first one's subscription: each item is emitted once."""

    async def scenario() -> list[int]:
        source: Broadcast[int] = Broadcast()
        bloc = StreamBloc(source)
        states: list[int] = []
        bloc.listen(states.append)
        bloc.add(ForEach())
        await tick()
        for i in (1, 2, 3):
            source.add(i)
        await tick(20)
        bloc.add(ForEach())
        await tick(20)
        for i in (4, 5):
            source.add(i)
        await tick(20)
        await bloc.close()
        return states

    expected = [1, 2, 3, 4, 5]
    actual = run(scenario)
    assert expected == actual


def test_for_each_with_on_error_keeps_the_subscription() -> None:
    """An error from the stream becomes on_error's state and the following items still come."""

    async def scenario() -> list[int]:
        source: Broadcast[int] = Broadcast()
        bloc = StreamBloc(source)
        states: list[int] = []
        bloc.listen(states.append)
        bloc.add(ForEachOnError())
        await tick()
        for i in (1, 2, 3):
            source.add(i)
        source.add_error(ValueError("oops"))
        for i in (4, 5, 6):
            source.add(i)
        await tick(20)
        await bloc.close()
        return states

    expected = [1, 2, 3, -1, 4, 5, 6]
    actual = run(scenario)
    assert expected == actual


def test_for_each_raises_a_stream_error_into_the_handler() -> None:
    """Without on_error, the stream's error is raised by for_each and ends the subscription."""

    async def scenario() -> list[int]:
        source: Broadcast[int] = Broadcast()
        bloc = StreamBloc(source)
        states: list[int] = []
        bloc.listen(states.append)
        bloc.add(ForEachTryExcept())
        await tick()
        for i in (1, 2, 3):
            source.add(i)
        source.add_error(ValueError("oops"))
        source.add(4)
        await tick(20)
        await bloc.close()
        return states

    expected = [1, 2, 3, -1]
    actual = run(scenario)
    assert expected == actual


def test_an_unhandled_stream_error_fails_the_handler() -> None:
    """A for_each error the handler does not catch is its error: on_error, then the loop."""

    async def scenario() -> tuple[list[int], list[str], list[str]]:
        caught = catch_uncaught()
        source: Broadcast[int] = Broadcast()
        bloc = StreamBloc(source)
        states: list[int] = []
        bloc.listen(states.append)
        bloc.add(ForEach())
        await tick()
        for i in (1, 2, 3):
            source.add(i)
        source.add_error(ValueError("oops"))
        source.add(4)
        await tick(20)
        await bloc.close()
        return states, bloc.errors, [str(e) for e in caught]

    expected = ([1, 2, 3], ["oops"], ["oops"])
    actual = run(scenario)
    assert expected == actual


def test_on_each_calls_on_data_for_each_item() -> None:
    """on_each hands each item to on_data, which emits what it wants."""

    async def scenario() -> list[int]:
        source: Broadcast[int] = Broadcast()
        bloc = StreamBloc(source)
        states: list[int] = []
        bloc.listen(states.append)
        bloc.add(OnEach())
        await tick()
        for i in (1, 2):
            source.add(i)
        await tick()
        await bloc.close()
        return states

    expected = [10, 20]
    actual = run(scenario)
    assert expected == actual


def test_close_ends_a_running_for_each() -> None:
    """close ends a for_each on a stream that never ends; close returns and streams end."""

    async def scenario() -> tuple[list[int], bool]:
        source: Broadcast[int] = Broadcast()
        bloc = StreamBloc(source)
        states: list[int] = []
        bloc.listen(states.append)
        added = bloc.add(ForEach())
        await tick()
        source.add(1)
        await tick()
        await asyncio.wait_for(bloc.close(), 1)
        return states, added.done()

    expected = ([1], True)
    actual = run(scenario)
    assert expected == actual


def test_for_each_ends_with_its_stream() -> None:
    """for_each returns when the stream ends, and the handler goes on after it."""

    async def numbers() -> object:
        for i in (1, 2):
            yield i

    async def handler(event: ForEach, emit: Emitter[int]) -> None:
        await emit.for_each(numbers(), lambda i: i)  # type: ignore[arg-type]
        emit(99)

    async def scenario() -> list[int]:
        bloc: Bloc[ForEach, int] = Bloc(0)
        bloc.on(ForEach, handler)
        states: list[int] = []
        bloc.listen(states.append)
        await bloc.add(ForEach())
        return states

    expected = [1, 2, 99]
    actual = run(scenario)
    assert expected == actual
