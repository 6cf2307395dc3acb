"""BlocObserver: which hooks fire, with what, and in which order."""

from __future__ import annotations

import asyncio
from typing import Any

from proxyreg.engine import (
    Bloc,
    BlocBase,
    BlocObserver,
    Change,
    Cubit,
    Emitter,
    Transition,
)


class Recorder(BlocObserver):
    """Logs every observer hook as a (name, detail) pair."""

    def __init__(self) -> None:
        self.log: list[tuple[str, object]] = []

    def on_create(self, bloc: BlocBase[Any]) -> None:
        self.log.append(("create", bloc.state))

    def on_event(self, bloc: Bloc[Any, Any], event: object) -> None:
        self.log.append(("event", event))

    def on_transition(self, bloc: Bloc[Any, Any], transition: Transition[Any, Any]) -> None:
        self.log.append(("transition", transition))

    def on_change(self, bloc: BlocBase[Any], change: Change[Any]) -> None:
        self.log.append(("change", change))

    def on_error(self, bloc: BlocBase[Any], error: BaseException) -> None:
        self.log.append(("error", type(error).__name__))

    def on_done(self, bloc: Bloc[Any, Any], event: object, error: BaseException | None) -> None:
        self.log.append(("done", None if error is None else type(error).__name__))

    def on_close(self, bloc: BlocBase[Any]) -> None:
        self.log.append(("close", bloc.state))


class Boom(Exception):
    pass


class Doubler(Bloc[int, int]):
    """Emits twice the event; 0 raises."""

    def __init__(self, observer: BlocObserver) -> None:
        super().__init__(1, observer=observer)
        self.hooks: list[str] = []
        self.on(int, self._double)

    def _double(self, event: int, emit: Emitter[int]) -> None:
        if event == 0:
            raise Boom
        emit(event * 2)

    def on_event(self, event: int) -> None:
        self.hooks.append("bloc event")

    def on_transition(self, transition: Transition[int, int]) -> None:
        self.hooks.append("bloc transition")

    def on_change(self, change: Change[int]) -> None:
        self.hooks.append("bloc change")

    def on_done(self, event: int, error: BaseException | None) -> None:
        self.hooks.append("bloc done")


def test_hook_order_for_one_event() -> None:
    """One handled event fires on_event, on_transition, on_change, on_done in that order."""
    observer = Recorder()

    async def scenario() -> None:
        bloc = Doubler(observer)
        await bloc.add(5)
        await bloc.close()

    asyncio.run(scenario())
    expected = [
        ("create", 1),
        ("event", 5),
        ("transition", Transition(current_state=1, event=5, next_state=10)),
        ("change", Change(current_state=1, next_state=10)),
        ("done", None),
        ("close", 10),
    ]
    actual = observer.log
    assert expected == actual


def test_bloc_hook_runs_before_observer_hook() -> None:
    """For each step the bloc's own hook is called before the observer's."""
    merged: list[str] = []

    class Merging(Doubler):
        def on_event(self, event: int) -> None:
            merged.append("bloc")

    class MergingRecorder(Recorder):
        def on_event(self, bloc: Bloc[Any, Any], event: object) -> None:
            merged.append("observer")

    async def scenario() -> None:
        await Merging(MergingRecorder()).add(2)

    asyncio.run(scenario())
    expected = ["bloc", "observer"]
    actual = merged
    assert expected == actual


def test_bloc_hooks_fire_in_order() -> None:
    """The bloc's own hooks fire in the order event, transition, change, done."""

    async def scenario() -> list[str]:
        bloc = Doubler(BlocObserver())
        await bloc.add(3)
        return bloc.hooks

    expected = ["bloc event", "bloc transition", "bloc change", "bloc done"]
    actual = asyncio.run(scenario())
    assert expected == actual


def test_failing_handler_reports_error_then_done_with_error() -> None:
    """A raising handler gives on_error, then on_done carrying the same error type."""
    observer = Recorder()

    async def scenario() -> None:
        await Doubler(observer).add(0)

    asyncio.run(scenario())
    expected = [("create", 1), ("event", 0), ("error", "Boom"), ("done", "Boom")]
    actual = observer.log
    assert expected == actual


def test_cubit_reports_change_but_no_transition() -> None:
    """A cubit's emit reaches on_change only (there is no event, hence no transition)."""
    observer = Recorder()
    cubit: Cubit[str] = Cubit("a", observer=observer)
    cubit.emit("b")
    expected = [("create", "a"), ("change", Change(current_state="a", next_state="b"))]
    actual = observer.log
    assert expected == actual


def test_default_observer_hooks_do_nothing() -> None:
    """A bare BlocObserver can watch a full lifecycle without effect."""

    async def scenario() -> int:
        bloc = Doubler(BlocObserver())
        await bloc.add(4)
        await bloc.add(0)
        await bloc.close()
        return bloc.state

    expected = 8
    actual = asyncio.run(scenario())
    assert expected == actual
