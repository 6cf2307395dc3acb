"""debounce and throttle: two transformers written on the public API, as a user would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from ._transformers import EventMapper, EventTransformer, concurrent, restartable

E = TypeVar("E")

_NOTHING: Any = object()


async def _debounced(events: AsyncIterator[E], seconds: float) -> AsyncIterator[E]:
    """Each event once ``seconds`` passed with no later one; the last one also at the end."""
    pending: E = _NOTHING
    while True:
        try:
            if pending is _NOTHING:
                pending = await anext(events)
                continue
            pending = await asyncio.wait_for(anext(events), seconds)
        except TimeoutError:
            event, pending = pending, _NOTHING
            yield event
        except StopAsyncIteration:
            if pending is not _NOTHING:
                yield pending
            return


def debounce(seconds: float, then: EventTransformer[Any] | None = None) -> EventTransformer[Any]:
    """Handle an event only once ``seconds`` passed without a newer one (search as you type).

    Each event replaced by a newer one within ``seconds`` is dropped (``on_dropped``, and its
    ``add`` future completes when the newer one's handler starts). At ``close`` the last
    event waiting is handled at once. ``then`` (default ``restartable()``) runs the events
    that pass. It waits on ``events`` with a timeout, so ``events`` must survive a
    cancelled wait: the bloc's own events iterator does; an async generator does not, so
    put ``debounce`` first when composing.
    """
    chain = restartable() if then is None else then

    def transformer(events: AsyncIterator[Any], mapper: EventMapper[Any]) -> AsyncIterator[object]:
        return chain(_debounced(events, seconds), mapper)

    return transformer


async def _throttled(
    events: AsyncIterator[E], seconds: float, drop: Callable[[E], object] | None
) -> AsyncIterator[E]:
    """The first event, then the first of those at least ``seconds`` after the last passed."""
    loop = asyncio.get_running_loop()
    last: float | None = None
    async for event in events:
        now = loop.time()
        if last is None or now - last >= seconds:
            last = now
            yield event
        elif drop is not None:
            drop(event)


def throttle(seconds: float, then: EventTransformer[Any] | None = None) -> EventTransformer[Any]:
    """Handle an event, then drop the ones that arrive within ``seconds`` of it.

    Dropped events are reported at once (``on_dropped``; their ``add`` futures complete)
    through the mapper's ``drop``. ``then`` (default ``concurrent()``) runs the events
    that pass.
    """
    chain = concurrent() if then is None else then

    def transformer(events: AsyncIterator[Any], mapper: EventMapper[Any]) -> AsyncIterator[object]:
        return chain(_throttled(events, seconds, getattr(mapper, "drop", None)), mapper)

    return transformer
