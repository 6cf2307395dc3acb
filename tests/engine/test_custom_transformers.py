"""Transformers of Dart's shape: user-written ones, the default setting, debounce and throttle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import attrs
import pytest
from _dart import Log, run, tick

from proxyreg.engine import (
    Bloc,
    Emitter,
    EventMapper,
    EventTransformer,
    concurrent,
    debounce,
    droppable,
    restartable,
    sequential,
    throttle,
)


@attrs.frozen
class Job:
    name: str
    turns: int = 3

    def __str__(self) -> str:
        return self.name


class Jobs(Bloc[Job, str]):
    """Emits 'start x', waits ``turns`` loop turns, emits 'end x'; records drops."""

    def __init__(self, transformer: EventTransformer[Job] | None, observer: Log | None = None):
        super().__init__("", observer=observer)
        self.dropped: list[str] = []
        self.on(Job, self._job, transformer=transformer)

    async def _job(self, job: Job, emit: Emitter[str]) -> None:
        emit(f"start {job}")
        for _ in range(job.turns):
            await asyncio.sleep(0)
        emit(f"end {job}")

    def on_dropped(self, event: Job) -> None:
        self.dropped.append(event.name)


def as_expand(events: AsyncIterator[Job], mapper: EventMapper[Job]) -> AsyncIterator[object]:
    """Dart's ``events.asyncExpand(mapper)``, written by hand: one event at a time."""

    async def expand() -> AsyncIterator[object]:
        async for event in events:
            async for item in mapper(event):
                yield item

    return expand()


async def states_of(bloc: Jobs, jobs: list[Job]) -> list[str]:
    states: list[str] = []
    bloc.listen(states.append)
    futures = [bloc.add(job) for job in jobs]
    await asyncio.wait_for(asyncio.gather(*futures), 2)
    await bloc.close()
    return states


def test_a_user_written_transformer_decides_the_order() -> None:
    """A hand-written asyncExpand transformer runs the handlers one after another."""
    jobs = [Job("a"), Job("b")]
    expected = ["start a", "end a", "start b", "end b"]
    actual = run(lambda: states_of(Jobs(as_expand), jobs))
    assert expected == actual


def streamed(transformer: EventTransformer[Any]) -> EventTransformer[Any]:
    """The same transformer behind a plain function, so the bloc runs it on the stream path."""

    def wrapper(events: AsyncIterator[Any], mapper: EventMapper[Any]) -> AsyncIterator[object]:
        return transformer(events, mapper)

    return wrapper


SCENARIOS = [
    [Job("a"), Job("b", turns=1), Job("c")],
    [Job("a", turns=1), Job("b", turns=6), Job("c", turns=2)],
]


def cases() -> Iterator[tuple[EventTransformer[Any], list[Job]]]:
    for transformer in (concurrent(), sequential(), droppable(), restartable()):
        for jobs in SCENARIOS:
            yield transformer, jobs


@pytest.mark.parametrize(("transformer", "jobs"), list(cases()))
def test_builtin_transformers_agree_on_both_paths(
    transformer: EventTransformer[Any], jobs: list[Job]
) -> None:
    """Each built-in gives the same states, drops and hooks natively and as a stream function.

    The hooks are compared as a multiset: a run cancelled by restartable reports on_done
    when its task unwinds, which on the stream path can come before the next start.
    """

    async def outcome(chosen: EventTransformer[Any]) -> tuple[list[str], list[str], list[str]]:
        log = Log()
        bloc = Jobs(chosen, observer=log)
        states = await states_of(bloc, jobs)
        return states, bloc.dropped, sorted(log.calls)

    native = run(lambda: outcome(transformer))
    stream = run(lambda: outcome(streamed(transformer)))
    assert native == stream


def test_default_transformer_applies_to_blocs_built_afterwards() -> None:
    """Setting Bloc.transformer changes the default of every later on() without one."""
    previous = Bloc.transformer
    Bloc.transformer = sequential()
    try:
        actual = run(lambda: states_of(Jobs(None), [Job("a"), Job("b", turns=1)]))
    finally:
        Bloc.transformer = previous
    expected = ["start a", "end a", "start b", "end b"]
    assert expected == actual


def test_a_subclass_may_set_its_own_default_transformer() -> None:
    """A subclass's class attribute ``transformer`` is its blocs' default, not others'."""

    class Dropping(Jobs):
        transformer = droppable()

    async def scenario() -> tuple[list[str], list[str]]:
        dropping = await states_of(Dropping(None), [Job("a"), Job("b")])
        plain = await states_of(Jobs(None), [Job("a"), Job("b", turns=1)])
        return dropping, plain

    expected = (["start a", "end a"], ["start a", "start b", "end b", "end a"])
    actual = run(scenario)
    assert expected == actual


def test_debounce_handles_only_the_last_of_a_burst() -> None:
    """debounce: a, b, c in a burst run only c; a and b are dropped and their adds complete."""

    async def scenario() -> tuple[list[str], list[str], list[bool]]:
        bloc = Jobs(debounce(0.01))
        states: list[str] = []
        bloc.listen(states.append)
        futures = [bloc.add(Job(name, turns=0)) for name in "abc"]
        await asyncio.wait_for(bloc.settled(), 2)
        return states, bloc.dropped, [f.done() for f in futures]

    expected = (["start c", "end c"], ["a", "b"], [True, True, True])
    actual = run(scenario)
    assert expected == actual


def test_debounce_handles_events_a_pause_apart() -> None:
    """debounce: events further apart than its delay are each handled."""

    async def scenario() -> list[str]:
        bloc = Jobs(debounce(0.01))
        states: list[str] = []
        bloc.listen(states.append)
        await bloc.add(Job("a", turns=0))
        await bloc.add(Job("b", turns=0))
        await bloc.close()
        return states

    expected = ["start a", "end a", "start b", "end b"]
    actual = run(scenario)
    assert expected == actual


def test_debounce_handles_the_waiting_event_at_close() -> None:
    """close does not lose a debounced event: the one waiting is handled before streams end."""

    async def scenario() -> list[str]:
        bloc = Jobs(debounce(10.0))
        states: list[str] = []
        bloc.listen(states.append)
        bloc.add(Job("a", turns=0))
        await tick()
        await asyncio.wait_for(bloc.close(), 2)
        return states

    expected = ["start a", "end a"]
    actual = run(scenario)
    assert expected == actual


def test_throttle_drops_events_inside_its_window() -> None:
    """throttle: a passes, b (same instant) is dropped at once, c after the window passes."""

    async def scenario() -> tuple[list[str], list[str]]:
        bloc = Jobs(throttle(0.05))
        states: list[str] = []
        bloc.listen(states.append)
        bloc.add(Job("a", turns=0))
        dropped = bloc.add(Job("b", turns=0))
        await asyncio.wait_for(dropped, 1)
        await asyncio.sleep(0.06)
        await bloc.add(Job("c", turns=0))
        await bloc.close()
        return states, bloc.dropped

    expected = (["start a", "end a", "start c", "end c"], ["b"])
    actual = run(scenario)
    assert expected == actual


def test_a_failing_transformer_is_reported_and_its_events_dropped() -> None:
    """A transformer that raises: the error is reported, its events resolve as dropped."""

    def broken(events: AsyncIterator[Job], mapper: EventMapper[Job]) -> AsyncIterator[object]:
        async def fail() -> AsyncIterator[object]:
            await anext(events)
            raise RuntimeError("transformer failed")
            yield  # an async generator

        return fail()

    async def scenario() -> tuple[list[str], list[str]]:
        log = Log()
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda loop, context: None)
        bloc = Jobs(broken, observer=log)
        await asyncio.wait_for(bloc.add(Job("a")), 1)
        return bloc.dropped, [c for c in log.calls if c.startswith("error")]

    expected = (["a"], ["error RuntimeError"])
    actual = run(scenario)
    assert expected == actual
