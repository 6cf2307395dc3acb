"""close, written from Dart's bloc suite: it closes at once, handles what was added, then ends."""

from __future__ import annotations

import asyncio

import attrs
import pytest
from _dart import Log, catch_uncaught, run, tick

from proxyreg.engine import (
    Bloc,
    BlocClosedError,
    Cubit,
    Emitter,
    droppable,
    restartable,
    sequential,
)


@attrs.frozen
class Load:
    """An event; its handler emits loading, yields to the loop, then emits done."""

    name: str = "load"

    def __str__(self) -> str:
        return self.name


class AsyncBloc(Bloc[Load, str]):
    """Dart's AsyncBloc: emits loading, awaits a loop turn, then emits the event's name."""

    def __init__(self, observer: Log | None = None, turns: int = 1, **kwargs: object) -> None:
        super().__init__("initial", observer=observer)
        self.turns = turns
        self.errors: list[BaseException] = []
        self.on(Load, self._load, **kwargs)  # type: ignore[arg-type]

    async def _load(self, event: Load, emit: Emitter[str]) -> None:
        emit(f"loading {event}")
        for _ in range(self.turns):
            await asyncio.sleep(0)
        emit(f"done {event}")

    def on_error(self, error: BaseException) -> None:
        self.errors.append(error)


def test_close_while_events_are_pending_finishes_them_without_error() -> None:
    """close right after add still runs the event to completion, with on_done and no on_error."""

    async def scenario() -> tuple[list[str], list[str]]:
        log = Log()
        bloc = AsyncBloc(log)
        states: list[str] = []
        bloc.listen(states.append)
        bloc.add(Load())
        await bloc.close()
        return states, log.calls

    expected = (
        ["loading load", "done load"],
        [
            "create",
            "event load",
            "transition initial->loading load",
            "change initial->loading load",
            "transition loading load->done load",
            "change loading load->done load",
            "done load",
            "close",
        ],
    )
    actual = run(scenario)
    assert expected == actual


def test_close_not_awaited_takes_effect_at_once() -> None:
    """bloc.close() without await: is_closed is True and add is refused right after."""

    async def scenario() -> tuple[bool, bool, list[str], list[str]]:
        bloc = AsyncBloc()
        states: list[str] = []
        bloc.listen(states.append)
        bloc.add(Load("a"))
        bloc.close()
        refused = False
        try:
            bloc.add(Load("b"))
        except BlocClosedError:
            refused = True
        await bloc.settled()
        await tick()
        return bloc.is_closed, refused, states, [type(e).__name__ for e in bloc.errors]

    expected = (True, True, ["loading a", "done a"], ["BlocClosedError"])
    actual = run(scenario)
    assert expected == actual


def test_add_after_close_is_reported_to_on_error_and_the_observer() -> None:
    """A refused add reaches on_error and the observer before it raises to the caller."""

    async def scenario() -> list[str]:
        log = Log()
        bloc = AsyncBloc(log)
        bloc.close()
        with pytest.raises(BlocClosedError):
            bloc.add(Load())
        return log.calls

    expected = ["create", "close", "error BlocClosedError"]
    actual = run(scenario)
    assert expected == actual


def test_cubit_emit_after_close_is_reported_and_leaves_state() -> None:
    """Cubit.emit after close raises BlocClosedError, reported first; no state, no listener."""
    log = Log()
    cubit: Cubit[int] = Cubit(0, observer=log)
    states: list[int] = []
    cubit.listen(states.append)
    cubit.close()
    with pytest.raises(BlocClosedError):
        cubit.emit(1)
    expected = (0, [], ["create", "close", "error BlocClosedError"])
    actual = (cubit.state, states, log.calls)
    assert expected == actual


def test_close_ends_the_state_stream_even_when_not_awaited() -> None:
    """A stream of a cubit ends once close() was called ("emits done (sync)")."""

    async def scenario() -> list[int]:
        cubit: Cubit[int] = Cubit(0)
        stream = cubit.stream()
        cubit.emit(1)
        cubit.close()
        return [state async for state in stream]

    expected = [1]
    actual = run(scenario)
    assert expected == actual


def test_close_drains_a_sequential_queue_in_order() -> None:
    """Events queued behind a sequential handler all run, in add order, before close ends."""

    async def scenario() -> list[str]:
        bloc = AsyncBloc(transformer=sequential())
        states: list[str] = []
        bloc.listen(states.append)
        for name in "abc":
            bloc.add(Load(name))
        await bloc.close()
        return states

    expected = ["loading a", "done a", "loading b", "done b", "loading c", "done c"]
    actual = run(scenario)
    assert expected == actual


def test_close_keeps_restartable_semantics() -> None:
    """With restartable, b added before close cancels a, and b completes."""

    async def scenario() -> tuple[list[str], list[str]]:
        log = Log()
        bloc = AsyncBloc(log, turns=5, transformer=restartable())
        states: list[str] = []
        bloc.listen(states.append)
        bloc.add(Load("a"))
        await asyncio.sleep(0)
        bloc.add(Load("b"))
        await bloc.close()
        return states, [c for c in log.calls if c.startswith("done")]

    expected = (["loading a", "loading b", "done b"], ["done a CancelledError", "done b"])
    actual = run(scenario)
    assert expected == actual


def test_close_keeps_droppable_semantics() -> None:
    """With droppable, b added while a runs is dropped; a completes before close ends."""

    async def scenario() -> list[str]:
        bloc = AsyncBloc(transformer=droppable())
        states: list[str] = []
        bloc.listen(states.append)
        bloc.add(Load("a"))
        bloc.add(Load("b"))
        await bloc.close()
        return states

    expected = ["loading a", "done a"]
    actual = run(scenario)
    assert expected == actual


def test_second_close_returns_the_first_ones_awaitable() -> None:
    """close is idempotent: on_close runs once and both calls end together."""

    async def scenario() -> list[str]:
        log = Log()
        bloc = AsyncBloc(log)
        bloc.add(Load())
        first, second = bloc.close(), bloc.close()
        await first
        await second
        return [c for c in log.calls if c == "close"]

    expected = ["close"]
    actual = run(scenario)
    assert expected == actual


def test_raising_on_close_still_ends_streams() -> None:
    """An observer whose on_close raises: streams still end, the error reaches the loop."""

    class Failing(Log):
        def on_close(self, bloc: object) -> None:
            raise RuntimeError("on_close")

    async def scenario() -> tuple[list[str], list[str]]:
        caught = catch_uncaught()
        cubit: Cubit[str] = Cubit("a", observer=Failing())
        stream = cubit.stream()
        cubit.emit("b")
        await cubit.close()
        return [s async for s in stream], [str(e) for e in caught]

    expected = (["b"], ["on_close"])
    actual = run(scenario)
    assert expected == actual


def test_cancelling_close_cancels_a_handler_that_never_ends() -> None:
    """asyncio.wait_for(bloc.close(), t) bounds the wait: the stuck handler is cancelled."""

    async def forever(event: Load, emit: Emitter[str]) -> None:
        await asyncio.Event().wait()

    async def scenario() -> tuple[bool, list[str]]:
        log = Log()
        bloc: Bloc[Load, str] = Bloc("initial", observer=log)
        bloc.on(Load, forever)
        added = bloc.add(Load())
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(bloc.close(), 0.01)
        return added.done(), log.calls[-2:]

    expected = (True, ["done load CancelledError", "close"])
    actual = run(scenario)
    assert expected == actual


def test_close_can_be_run_by_run_until_complete() -> None:
    """loop.run_until_complete(bloc.close()) from outside the loop drains and ends the bloc."""
    loop = asyncio.new_event_loop()
    try:
        bloc = loop.run_until_complete(_started_bloc())
        states: list[str] = []
        bloc.listen(states.append)
        loop.run_until_complete(bloc.close())  # type: ignore[arg-type]
    finally:
        loop.close()
    expected = (True, ["done load"])
    actual = (bloc.is_closed, states)
    assert expected == actual


async def _started_bloc() -> AsyncBloc:
    bloc = AsyncBloc(turns=3)
    bloc.add(Load())
    await asyncio.sleep(0)
    return bloc
