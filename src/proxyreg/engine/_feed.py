"""The stream path: runs a registration whose transformer is a user's function of Dart's shape.

One ``_Feed`` per such registration is the ``events`` iterator its transformer reads, and
one consumer task iterates the transformer's stream until it ends. ``_Mapper`` is the
``mapper`` it receives. Invariant: every event put in the feed is resolved exactly once,
as handled (its run finished) or dropped (see the rules in ``_transformers``), so
``add``'s future and ``settled()`` always complete.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from ._bloc import Bloc, _Registration

E = TypeVar("E")


class Sink(Protocol):
    """Where a run reports its end: an ``add`` future, or its share of one."""

    def done(self) -> bool: ...

    def set_result(self, result: None, /) -> None: ...


class _Held:
    """One event handed to the transformer, not yet resolved."""

    __slots__ = ("event", "sink")

    def __init__(self, event: object, sink: Sink | None) -> None:
        self.event = event
        self.sink = sink


class _Feed(Generic[E]):
    """The registration's events in ``add`` order; ends once ``end`` was called and it is empty."""

    __slots__ = ("_ended", "_queue", "_waiter", "held")

    def __init__(self) -> None:
        self._queue: deque[_Held] = deque()
        self.held: deque[_Held] = deque()  # pulled by the transformer, not yet resolved
        self._waiter: asyncio.Future[None] | None = None
        self._ended = False

    def __aiter__(self) -> _Feed[E]:
        return self

    async def __anext__(self) -> E:
        # Cancellation-safe: a cancelled wait (a transformer's timeout) loses no event.
        while not self._queue:
            if self._ended:
                raise StopAsyncIteration
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        entry = self._queue.popleft()
        self.held.append(entry)
        event: E = entry.event  # type: ignore[assignment]  # put() takes only E
        return event

    def put(self, event: E, sink: Sink) -> None:
        self._queue.append(_Held(event, sink))
        self._wake()

    def end(self) -> None:
        self._ended = True
        self._wake()

    def take_all(self) -> list[_Held]:
        """Every entry not resolved yet, held ones first; the feed is left empty."""
        entries = [*self.held, *self._queue]
        self.held.clear()
        self._queue.clear()
        return entries

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class _Mapper:
    """The ``mapper`` a transformer receives; ``drop(event)`` gives up an event explicitly."""

    __slots__ = ("_bloc", "_feed", "_registration")

    def __init__(self, bloc: Bloc[Any, Any], registration: _Registration[Any], feed: _Feed[Any]):
        self._bloc = bloc
        self._registration = registration
        self._feed = feed

    def __call__(self, event: object) -> _Mapped:
        for entry in self._feed.held:
            if entry.event is event:
                return _Mapped(self, entry)
        # An event the transformer made itself: handled (counted once it starts), but no
        # add() future waits for it.
        return _Mapped(self, _Held(event, None))

    def drop(self, event: object) -> None:
        """Count ``event`` (one the transformer pulled and will not map) as dropped."""
        held = self._feed.held
        for entry in held:
            if entry.event is event:
                held.remove(entry)
                self._bloc._resolve_dropped(entry.event, entry.sink)
                return

    def _start(self, entry: _Held) -> None:
        """``entry``'s run starts: every event held before it was passed over."""
        held = self._feed.held
        if entry in held:
            while True:
                first = held.popleft()
                if first is entry:
                    break
                self._bloc._resolve_dropped(first.event, first.sink)


class _Mapped:
    """The stream ``mapper(event)`` returns: runs the handler when first iterated, then ends."""

    __slots__ = ("_entry", "_mapper", "_started")

    def __init__(self, mapper: _Mapper, entry: _Held) -> None:
        self._mapper = mapper
        self._entry = entry
        self._started = False

    def __aiter__(self) -> _Mapped:
        return self

    async def __anext__(self) -> object:
        if not self._started:
            self._started = True
            mapper, entry = self._mapper, self._entry
            if entry.sink is None:
                mapper._bloc._pending += 1
            else:
                mapper._start(entry)
            await mapper._bloc._run_inline(mapper._registration, entry.event, entry.sink)
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Nothing to do: an unstarted run is dropped by the rules, a started one is awaited."""


async def consume(bloc: Bloc[Any, Any], registration: _Registration[Any], feed: _Feed[Any]) -> None:
    """Iterate the registration's transformer to its end; then resolve what it left."""
    transformer = registration.transformer
    assert transformer is not None  # only stream-path registrations have a feed
    try:
        async for _ in transformer(feed, _Mapper(bloc, registration, feed)):
            pass
    except Exception as exc:
        bloc._report_error(exc, uncaught=True)
    finally:
        for entry in feed.take_all():
            bloc._resolve_dropped(entry.event, entry.sink)
