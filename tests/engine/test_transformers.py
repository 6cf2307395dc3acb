"""Event transformers: concurrent, sequential, droppable, restartable."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from proxyreg.engine import (
    Bloc,
    BlocObserver,
    Emitter,
    EventTransformer,
    concurrent,
    droppable,
    restartable,
    sequential,
)

T = TypeVar("T")


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await scenario()

    return asyncio.run(main())


class Job:
    """An event carrying a label; the handler waits for the job's release."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.release = asyncio.Event()


class OtherJob(Job):
    pass


class Tracker:
    """An async handler that logs start/end, waits for release, then emits its label."""

    def __init__(self) -> None:
        self.log: list[str] = []

    async def __call__(self, job: Job, emit: Emitter[str]) -> None:
        self.log.append(f"start {job.label}")
        await job.release.wait()
        self.log.append(f"end {job.label}")
        emit(job.label)


async def spin(turns: int = 5) -> None:
    for _ in range(turns):
        await asyncio.sleep(0)


def make(
    transformer: EventTransformer[Job], observer: BlocObserver | None = None
) -> tuple[Bloc[Job, str], Tracker]:
    tracker = Tracker()
    bloc: Bloc[Job, str] = Bloc("", observer=observer)
    bloc.on(Job, tracker, transformer=transformer)
    return bloc, tracker


def test_concurrent_runs_handlers_side_by_side() -> None:
    """concurrent starts the second handler while the first still runs."""

    async def scenario() -> list[str]:
        bloc, tracker = make(concurrent())
        a, b = Job("a"), Job("b")
        bloc.add(a)
        bloc.add(b)
        await spin()
        b.release.set()
        await spin()
        a.release.set()
        await bloc.settled()
        return tracker.log

    expected = ["start a", "start b", "end b", "end a"]
    actual = run(scenario)
    assert expected == actual


def test_sequential_runs_one_at_a_time_in_order() -> None:
    """sequential starts the next handler only after the previous one finished."""

    async def scenario() -> list[str]:
        bloc, tracker = make(sequential())
        a, b = Job("a"), Job("b")
        bloc.add(a)
        bloc.add(b)
        b.release.set()
        await spin()
        a.release.set()
        await bloc.settled()
        return tracker.log

    expected = ["start a", "end a", "start b", "end b"]
    actual = run(scenario)
    assert expected == actual


def test_sequential_future_of_queued_event_waits_for_its_handler() -> None:
    """The add future of a queued sequential event completes after its own handler."""

    async def scenario() -> tuple[bool, str]:
        bloc, _ = make(sequential())
        a, b = Job("a"), Job("b")
        bloc.add(a)
        second = bloc.add(b)
        a.release.set()
        await spin()
        blocked = second.done()
        b.release.set()
        await second
        return blocked, bloc.state

    expected = (False, "b")
    actual = run(scenario)
    assert expected == actual


def test_droppable_drops_event_added_while_first_in_flight() -> None:
    """droppable ignores an event arriving while its handler runs; its future is done at once."""

    async def scenario() -> tuple[bool, list[str], str]:
        bloc, tracker = make(droppable())
        a, b = Job("a"), Job("b")
        bloc.add(a)
        await spin()
        dropped = bloc.add(b)
        done_at_once = dropped.done()
        b.release.set()
        a.release.set()
        await bloc.settled()
        return done_at_once, tracker.log, bloc.state

    expected = (True, ["start a", "end a"], "a")
    actual = run(scenario)
    assert expected == actual


def test_droppable_accepts_events_again_after_handler_finished() -> None:
    """Once the running handler is done, droppable takes the next event."""

    async def scenario() -> str:
        bloc, _ = make(droppable())
        a, b = Job("a"), Job("b")
        a.release.set()
        b.release.set()
        await bloc.add(a)
        await bloc.add(b)
        return bloc.state

    expected = "b"
    actual = run(scenario)
    assert expected == actual


def test_droppable_drops_same_tick_sync_events() -> None:
    """With a sync handler, an event added before the first one ran is dropped too."""
    handled: list[int] = []

    async def scenario() -> list[int]:
        bloc: Bloc[int, int] = Bloc(0)
        bloc.on(int, lambda n, emit: handled.append(n), transformer=droppable())
        bloc.add(1)
        bloc.add(2)
        await bloc.settled()
        return handled

    expected = [1]
    actual = run(scenario)
    assert expected == actual


def test_restartable_cancels_running_handler() -> None:
    """restartable cancels the running handler when the next one starts."""

    async def scenario() -> tuple[list[str], str]:
        bloc, tracker = make(restartable())
        a, b = Job("a"), Job("b")
        bloc.add(a)
        await spin()
        bloc.add(b)
        await spin()
        a.release.set()
        b.release.set()
        await bloc.settled()
        return tracker.log, bloc.state

    expected = (["start a", "start b", "end b"], "b")
    actual = run(scenario)
    assert expected == actual


def test_restartable_silences_cancelled_emitter() -> None:
    """A handler cancelled by restartable has a done emitter whose emits are ignored."""
    seen: list[tuple[str, bool]] = []

    async def handler(job: Job, emit: Emitter[str]) -> None:
        try:
            await job.release.wait()
        finally:
            seen.append((job.label, emit.is_done))
            emit(job.label)

    async def scenario() -> tuple[list[tuple[str, bool]], str]:
        bloc: Bloc[Job, str] = Bloc("")
        bloc.on(Job, handler, transformer=restartable())
        a, b = Job("a"), Job("b")
        bloc.add(a)
        await spin()
        bloc.add(b)
        await spin()
        b.release.set()
        await bloc.settled()
        return seen, bloc.state

    expected = ([("a", True), ("b", False)], "b")
    actual = run(scenario)
    assert expected == actual


def test_restartable_reports_cancellation_to_on_done() -> None:
    """on_done gets a CancelledError for the restarted handler and None for the new one."""
    done: list[tuple[str, str]] = []

    class Recorder(BlocObserver):
        def on_done(self, bloc: object, event: object, error: BaseException | None) -> None:
            assert isinstance(event, Job)
            done.append((event.label, type(error).__name__))

    async def scenario() -> dict[str, str]:
        bloc, _ = make(restartable(), Recorder())
        a, b = Job("a"), Job("b")
        bloc.add(a)
        await spin()
        bloc.add(b)
        b.release.set()
        await bloc.settled()
        return dict(done)

    # The new handler does not wait for the old one to unwind, so only the pairing counts.
    expected = {"a": "CancelledError", "b": "NoneType"}
    actual = run(scenario)
    assert expected == actual


def test_restartable_with_sync_handlers_handles_every_event() -> None:
    """Sync handlers finish before the next starts, so restartable cancels nothing."""
    handled: list[int] = []

    async def scenario() -> list[int]:
        bloc: Bloc[int, int] = Bloc(0)
        bloc.on(int, lambda n, emit: handled.append(n), transformer=restartable())
        for n in (1, 2, 3):
            bloc.add(n)
        await bloc.settled()
        return handled

    expected = [1, 2, 3]
    actual = run(scenario)
    assert expected == actual


def test_one_transformer_value_gives_each_registration_its_own_state() -> None:
    """A droppable value shared by two registrations drops per registration only."""

    async def scenario() -> list[str]:
        shared = droppable()
        tracker = Tracker()
        bloc: Bloc[Job, str] = Bloc("")
        bloc.on(OtherJob, tracker, transformer=shared)
        bloc.on(Job, lambda job, emit: None, transformer=shared)
        first, second = OtherJob("a"), OtherJob("b")
        first.release.set()
        second.release.set()
        bloc.add(Job("plain"))
        await bloc.add(first)
        await bloc.add(second)
        return tracker.log

    expected = ["start a", "end a", "start b", "end b"]
    actual = run(scenario)
    assert expected == actual


def test_transformer_repr_names_it() -> None:
    """Each transformer's repr names the factory that made it."""
    names = [repr(t) for t in (concurrent(), sequential(), droppable(), restartable())]
    expected = ["concurrent()", "sequential()", "droppable()", "restartable()"]
    actual = names
    assert expected == actual


def plain(tracker: Tracker) -> Callable[[Job, Emitter[str]], Awaitable[None]]:
    """Wrap the tracker in a plain (non-async) function that returns its coroutine."""

    def handler(job: Job, emit: Emitter[str]) -> Awaitable[None]:
        return tracker(job, emit)

    return handler


def test_sequential_waits_for_sync_callable_returning_awaitable() -> None:
    """sequential also serialises a plain callable whose result is an awaitable."""
    tracker = Tracker()

    async def scenario() -> list[str]:
        bloc: Bloc[Job, str] = Bloc("")
        bloc.on(Job, plain(tracker), transformer=sequential())
        a, b = Job("a"), Job("b")
        bloc.add(a)
        bloc.add(b)
        b.release.set()
        await spin()
        a.release.set()
        await bloc.settled()
        return tracker.log

    expected = ["start a", "end a", "start b", "end b"]
    actual = run(scenario)
    assert expected == actual


def test_cancelled_close_ends_parked_sync_run_without_starting_it() -> None:
    """A cancelled close ends a plain-callable run parked behind a running one, unstarted."""
    tracker = Tracker()

    async def scenario() -> tuple[list[str], bool]:
        bloc: Bloc[Job, str] = Bloc("")
        bloc.on(Job, plain(tracker), transformer=sequential())
        bloc.add(Job("a"))
        parked = bloc.add(Job("b"))
        await spin()
        closing = asyncio.ensure_future(bloc.close())
        await spin()
        closing.cancel()
        await asyncio.gather(closing, return_exceptions=True)
        return tracker.log, parked.done()

    expected = (["start a"], True)
    actual = run(scenario)
    assert expected == actual


def test_a_dropped_event_is_reported_to_on_dropped() -> None:
    """Unlike Dart's silent drop, on_dropped hears about each event droppable discards."""

    class Reporting(Bloc[Job, str]):
        def __init__(self) -> None:
            super().__init__("")
            self.dropped: list[str] = []
            self.on(Job, Tracker(), transformer=droppable())

        def on_dropped(self, event: Job) -> None:
            self.dropped.append(event.label)

    async def scenario() -> list[str]:
        bloc = Reporting()
        a, b = Job("a"), Job("b")
        bloc.add(a)
        await spin()
        bloc.add(b)
        a.release.set()
        await bloc.settled()
        return bloc.dropped

    expected = ["b"]
    actual = run(scenario)
    assert expected == actual
