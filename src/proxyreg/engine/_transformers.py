"""Event transformers: how the events of one ``Bloc.on`` registration become handler runs.

The public shape is Dart's: an ``EventTransformer`` is a function ``(events, mapper) ->
stream``. ``events`` is the async iterator of the registration's events in ``add`` order;
``mapper(event)`` returns an async iterator that runs the event's handler when first
iterated and ends when the handler has finished (it yields nothing; closing it, or
cancelling the task that iterates it, cancels the handler). The bloc iterates the
returned stream to its end and ignores what it yields. Any function of that shape is a
transformer: ``debounce`` and ``throttle`` are written that way in docs/events.md.

Which events count as handled, for ``add``'s future and ``settled()``: an event is done
when its handler run has finished; an event the transformer never maps is dropped
(``on_dropped``, and its future completes) when the run of a later event starts, when
the transformer calls ``mapper.drop(event)`` (a Python addition; the built-in
``droppable`` does), or when the transformer's stream ends (at ``close``).

``concurrent()``, ``sequential()``, ``droppable()`` and ``restartable()`` are written on
that shape (call one on an iterator and a mapper and it behaves as its Dart namesake in
``bloc_concurrency``). A bloc that meets one of them in ``on`` runs it on its native
scheduler instead (``_Policy`` below), which gives the same event and state sequences
without a task per event; tests/engine/test_transformers.py holds the two paths to the
same sequences.

The native protocol, driven by the bloc for each (event, registration) pair, a "run":

* ``admit()`` when ``add`` is called; False drops the event (its ``add`` future completes
  at once and the handler never runs);
* ``begin(run)`` when the run is due to start, in ``add`` order; False parks it and the
  policy later calls ``run.resume()`` (or hands it back from ``drain`` on an aborted close);
* ``end(run)`` once the run has finished, whatever the outcome;
* ``drain()`` when a close is cancelled: the parked runs, which the bloc ends unstarted.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol, TypeAlias, TypeVar

E = TypeVar("E")

EventMapper: TypeAlias = Callable[[E], AsyncIterator[object]]
"""Dart's ``EventMapper``: an event to the stream of its handler's run."""

EventTransformer: TypeAlias = Callable[[AsyncIterator[E], EventMapper[E]], AsyncIterator[object]]
"""Dart's ``EventTransformer``: the registration's events and the mapper, to a stream."""


class _Run(Protocol):
    def resume(self) -> None: ...

    def cancel(self) -> None: ...


class _Policy:
    """Concurrent behaviour; the subclasses override what they restrict."""

    __slots__ = ()

    def admit(self) -> bool:
        return True

    def begin(self, run: _Run) -> bool:
        return True

    def end(self, run: _Run) -> None:
        return

    def drain(self) -> list[_Run]:
        return []


class _Sequential(_Policy):
    """Invariant: at most one run between begin and end; the others wait in FIFO order."""

    __slots__ = ("_active", "_parked")

    def __init__(self) -> None:
        self._active: _Run | None = None
        self._parked: deque[_Run] = deque()

    def begin(self, run: _Run) -> bool:
        if self._active is None:
            self._active = run
            return True
        self._parked.append(run)
        return False

    def end(self, run: _Run) -> None:
        if self._active is not run:
            return
        if self._parked:
            self._active = self._parked.popleft()
            self._active.resume()
        else:
            self._active = None

    def drain(self) -> list[_Run]:
        parked = list(self._parked)
        self._parked.clear()
        return parked


class _Droppable(_Policy):
    """Invariant: at most one admitted run not yet ended; events meanwhile are refused."""

    __slots__ = ("_busy",)

    def __init__(self) -> None:
        # Busy from admission, not from begin: an event added while an earlier one is
        # still waiting for its loop turn is dropped too (as Dart's exhaustMap does).
        self._busy = False

    def admit(self) -> bool:
        if self._busy:
            return False
        self._busy = True
        return True

    def end(self, run: _Run) -> None:
        self._busy = False


class _Restartable(_Policy):
    """Invariant: only the latest begun run may emit; beginning one cancels the one before."""

    __slots__ = ("_active",)

    def __init__(self) -> None:
        self._active: _Run | None = None

    def begin(self, run: _Run) -> bool:
        previous, self._active = self._active, run
        if previous is not None:
            previous.cancel()
        return True

    def end(self, run: _Run) -> None:
        if self._active is run:
            self._active = None


async def _sequential(
    events: AsyncIterator[Any], mapper: EventMapper[Any]
) -> AsyncIterator[object]:
    async for event in events:
        async for item in mapper(event):
            yield item


_MERGE, _EXHAUST, _SWITCH = "merge", "exhaust", "switch"


async def _flatten(
    events: AsyncIterator[Any], mapper: EventMapper[Any], mode: str
) -> AsyncIterator[object]:
    """Map each event and run the mapped streams in tasks; merge, exhaust or switch them."""
    loop = asyncio.get_running_loop()
    out: asyncio.Queue[object] = asyncio.Queue()
    live: set[asyncio.Task[None]] = set()
    end = object()
    drop: Callable[[Any], object] | None = getattr(mapper, "drop", None)

    async def forward(stream: AsyncIterator[object]) -> None:
        async for item in stream:
            out.put_nowait(item)

    async def pump() -> None:
        try:
            async for event in events:
                if mode == _EXHAUST and live:
                    if drop is not None:
                        drop(event)
                    continue
                if mode == _SWITCH:
                    for task in live:
                        task.cancel()
                task = loop.create_task(forward(mapper(event)))
                live.add(task)
                task.add_done_callback(live.discard)
                if mode == _SWITCH:
                    # Let the handler start before the next event may cancel it: Dart's
                    # mapper starts the handler synchronously, so a burst starts each one.
                    await asyncio.sleep(0)
            while live:
                await asyncio.wait(tuple(live))
        finally:
            out.put_nowait(end)

    pumping = loop.create_task(pump())
    try:
        while (item := await out.get()) is not end:
            yield item
        await pumping
    finally:
        pumping.cancel()
        for task in tuple(live):
            task.cancel()


async def _concurrent(
    events: AsyncIterator[Any], mapper: EventMapper[Any]
) -> AsyncIterator[object]:
    async for item in _flatten(events, mapper, _MERGE):
        yield item


async def _droppable(events: AsyncIterator[Any], mapper: EventMapper[Any]) -> AsyncIterator[object]:
    async for item in _flatten(events, mapper, _EXHAUST):
        yield item


async def _restartable(
    events: AsyncIterator[Any], mapper: EventMapper[Any]
) -> AsyncIterator[object]:
    async for item in _flatten(events, mapper, _SWITCH):
        yield item


class _Builtin:
    """A transformer of Dart's shape that the bloc also knows how to run natively."""

    __slots__ = ("_name", "_policy", "_stream")

    def __init__(
        self,
        name: str,
        policy: type[_Policy] | None,
        stream: Callable[[AsyncIterator[Any], EventMapper[Any]], AsyncIterator[object]],
    ) -> None:
        self._name = name
        self._policy = policy
        self._stream = stream

    def __call__(
        self, events: AsyncIterator[Any], mapper: EventMapper[Any]
    ) -> AsyncIterator[object]:
        return self._stream(events, mapper)

    def _bind(self) -> _Policy | None:
        """Fresh per-registration state; None means concurrent (nothing to track)."""
        return None if self._policy is None else self._policy()

    def __repr__(self) -> str:
        return f"{self._name}()"


_CONCURRENT = _Builtin("concurrent", None, _concurrent)
_SEQUENTIAL = _Builtin("sequential", _Sequential, _sequential)
_DROPPABLE = _Builtin("droppable", _Droppable, _droppable)
_RESTARTABLE = _Builtin("restartable", _Restartable, _restartable)


def concurrent() -> EventTransformer[Any]:
    """Start each event's handler as soon as its turn in the loop comes (Dart's default)."""
    return _CONCURRENT


def sequential() -> EventTransformer[Any]:
    """Run one handler at a time per registration, in arrival order."""
    return _SEQUENTIAL


def droppable() -> EventTransformer[Any]:
    """Drop events that arrive while this registration has an admitted, unfinished event.

    A dropped event's ``add`` future completes at once; its handler and ``on_done`` never run.
    """
    return _DROPPABLE


def restartable() -> EventTransformer[Any]:
    """Cancel this registration's running handler when the next event's handler starts.

    The cancelled handler's task gets a ``CancelledError`` and its emitter ignores further
    emits; the new handler starts without waiting for the old one to unwind.
    """
    return _RESTARTABLE
