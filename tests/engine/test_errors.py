"""Errors, written from Dart's bloc suite: reported to on_error and the observer, then uncaught."""

from __future__ import annotations

import asyncio

import attrs
import pytest
from _dart import Log, catch_uncaught, run

from proxyreg.engine import Bloc, BlocBase, Cubit, Emitter, MultiBlocObserver, Transition


@attrs.frozen
class Increment:
    def __str__(self) -> str:
        return "inc"


class Boom(Exception):
    pass


class Abort(BaseException):
    """A BaseException that is not an Exception (neither KeyboardInterrupt nor SystemExit)."""


def raising(error: BaseException) -> object:
    def handler(event: Increment, emit: Emitter[int]) -> None:
        emit(-1)
        raise error

    return handler


def test_handler_error_reaches_on_error_observer_then_the_loop() -> None:
    """A handler's exception: on_error, the observer's on_error, on_done, and the loop handler."""
    order: list[str] = []
    boom = Boom("fatal exception")

    class Reporting(Bloc[Increment, int]):
        def on_error(self, error: BaseException) -> None:
            order.append("bloc on_error")

    class Observer(Log):
        def on_error(self, bloc: BlocBase[object], error: BaseException) -> None:
            order.append("observer on_error")

        def on_done(self, bloc: object, event: object, error: BaseException | None) -> None:
            order.append(f"on_done {type(error).__name__}")

    async def scenario() -> tuple[list[str], list[BaseException], int]:
        caught = catch_uncaught()
        bloc = Reporting(0, observer=Observer())
        bloc.on(Increment, raising(boom))  # type: ignore[arg-type]
        await bloc.add(Increment())
        order.append("add resolved")
        return order, caught, bloc.state

    expected = (
        ["bloc on_error", "observer on_error", "on_done Boom", "add resolved"],
        [boom],
        -1,
    )
    actual = run(scenario)
    assert expected == actual


def test_handler_error_with_no_hook_or_observer_is_not_lost() -> None:
    """With no override and no observer, a handler's exception still reaches the loop handler."""

    async def scenario() -> list[str]:
        caught = catch_uncaught()
        bloc: Bloc[Increment, int] = Bloc(0)
        bloc.on(Increment, raising(Boom("lost?")))  # type: ignore[arg-type]
        await bloc.add(Increment())
        return [str(e) for e in caught]

    expected = ["lost?"]
    actual = run(scenario)
    assert expected == actual


def test_bloc_keeps_working_after_an_error() -> None:
    """An exception does not break the stream: later events still change the state."""

    class Counter(Bloc[object, int]):
        def __init__(self) -> None:
            super().__init__(0)
            self.on(Increment, lambda e, emit: emit(self.state + 1))
            self.on(Boom, self._boom)

        def _boom(self, event: Boom, emit: Emitter[int]) -> None:
            raise event

    async def scenario() -> list[int]:
        catch_uncaught()
        bloc = Counter()
        states: list[int] = []
        bloc.listen(states.append)
        bloc.add(Boom())
        bloc.add(Increment())
        await bloc.close()
        return states

    expected = [1]
    actual = run(scenario)
    assert expected == actual


def test_raising_observer_on_error_does_not_skip_on_done() -> None:
    """An observer whose on_error raises: on_done still runs, and both errors reach the loop."""
    done: list[str] = []

    class Failing(Log):
        def on_error(self, bloc: BlocBase[object], error: BaseException) -> None:
            raise RuntimeError("observer failed")

        def on_done(self, bloc: object, event: object, error: BaseException | None) -> None:
            done.append(type(error).__name__)

    async def scenario() -> tuple[list[str], list[str]]:
        caught = catch_uncaught()
        bloc: Bloc[Increment, int] = Bloc(0, observer=Failing())
        bloc.on(Increment, raising(Boom("handler failed")))  # type: ignore[arg-type]
        await bloc.add(Increment())
        return done, [str(e) for e in caught]

    expected = (["Boom"], ["observer failed", "handler failed"])
    actual = run(scenario)
    assert expected == actual


def test_raising_on_done_does_not_keep_add_pending() -> None:
    """A bloc whose on_done raises: add's future and settled() still complete."""

    class Failing(Bloc[Increment, int]):
        def on_done(self, event: Increment, error: BaseException | None) -> None:
            raise RuntimeError("on_done failed")

    async def scenario() -> tuple[int, list[str]]:
        caught = catch_uncaught()
        bloc = Failing(0)
        bloc.on(Increment, lambda e, emit: emit(1))
        await asyncio.wait_for(bloc.add(Increment()), 1)
        await asyncio.wait_for(bloc.settled(), 1)
        return bloc.state, [str(e) for e in caught]

    expected = (1, ["on_done failed"])
    actual = run(scenario)
    assert expected == actual


def test_base_exception_in_a_handler_neither_hangs_add_nor_close() -> None:
    """A handler raising a BaseException that is not an Exception: add and close complete."""
    abort = Abort()

    async def handler(event: Increment, emit: Emitter[int]) -> None:
        await asyncio.sleep(0)
        raise abort

    async def scenario() -> tuple[list[str], list[BaseException]]:
        caught = catch_uncaught()
        log = Log()
        bloc: Bloc[Increment, int] = Bloc(0, observer=log)
        bloc.on(Increment, handler)
        await asyncio.wait_for(bloc.add(Increment()), 1)
        bloc.add(Increment())
        await asyncio.wait_for(bloc.close(), 1)
        return log.calls, caught

    expected = (
        [
            "create",
            "event inc",
            "error Abort",
            "done inc Abort",
            "event inc",
            "error Abort",
            "done inc Abort",
            "close",
        ],
        [abort, abort],
    )
    actual = run(scenario)
    assert expected == actual


def test_on_transition_error_fails_the_handler_and_keeps_the_state() -> None:
    """An on_transition that raises: the emit fails, on_error hears it, the state stays."""

    class Picky(Bloc[Increment, int]):
        def __init__(self) -> None:
            super().__init__(0)
            self.errors: list[str] = []
            self.on(Increment, lambda e, emit: emit(self.state + 1))

        def on_transition(self, transition: Transition[Increment, int]) -> None:
            raise Boom("on_transition")

        def on_error(self, error: BaseException) -> None:
            self.errors.append(str(error))

    async def scenario() -> tuple[int, list[str]]:
        catch_uncaught()
        bloc = Picky()
        await bloc.add(Increment())
        return bloc.state, bloc.errors

    expected = (0, ["on_transition"])
    actual = run(scenario)
    assert expected == actual


def test_add_error_reaches_on_error_but_not_the_loop() -> None:
    """add_error is Dart's addError: on_error and the observer, nothing uncaught."""

    async def scenario() -> tuple[list[str], list[BaseException]]:
        caught = catch_uncaught()
        log = Log()
        bloc: Bloc[Increment, int] = Bloc(0, observer=log)
        bloc.add_error(Boom())
        return log.calls, caught

    expected: tuple[list[str], list[BaseException]] = (["create", "error Boom"], [])
    actual = run(scenario)
    assert expected == actual


def test_multi_bloc_observer_calls_each_in_order_even_past_a_failure() -> None:
    """MultiBlocObserver forwards each hook to every observer, in order, past one that raises."""

    class Failing(Log):
        def on_change(self, bloc: BlocBase[object], change: object) -> None:
            super().on_change(bloc, change)  # type: ignore[arg-type]
            raise Boom("first observer")

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        caught = catch_uncaught()
        first, second = Failing(), Log()
        bloc: Bloc[Increment, int] = Bloc(0, observer=MultiBlocObserver([first, second]))
        bloc.on(Increment, lambda e, emit: emit(1))
        await bloc.add(Increment())
        await bloc.close()
        return first.calls, second.calls, [str(e) for e in caught]

    calls = [
        "create",
        "event inc",
        "transition 0->1",
        "change 0->1",
        "error Boom",
        "done inc Boom",
        "close",
    ]
    expected = (calls, calls, ["first observer"])
    actual = run(scenario)
    assert expected == actual


def test_a_listener_error_is_reported_and_reaches_the_loop() -> None:
    """A raising listener: on_error and the observer hear it, then the loop's handler."""

    def broken(state: int) -> None:
        raise Boom("listener failed")

    async def scenario() -> tuple[list[str], list[str]]:
        caught = catch_uncaught()
        log = Log()
        bloc: Bloc[Increment, int] = Bloc(0, observer=log)
        bloc.on(Increment, lambda e, emit: emit(1))
        bloc.listen(broken)
        await bloc.add(Increment())
        return [c for c in log.calls if c.startswith("error")], [str(e) for e in caught]

    expected = (["error Boom"], ["listener failed"])
    actual = run(scenario)
    assert expected == actual


def test_outside_a_loop_an_uncaught_error_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """A cubit used without a running loop logs a listener's error on proxyreg.engine."""

    def broken(state: int) -> None:
        raise Boom("listener failed")

    cubit: Cubit[int] = Cubit(0)
    cubit.listen(broken)
    with caplog.at_level("ERROR", logger="proxyreg.engine"):
        cubit.emit(1)
    expected = [("proxyreg.engine", "listener failed")]
    actual = [(r.name, str(r.exc_info[1])) for r in caplog.records if r.exc_info]
    assert expected == actual
