"""The Emitter a handler receives: emit a state, and subscribe to a stream with on_each/for_each."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from ._bloc import Bloc

S = TypeVar("S")
E = TypeVar("E")
T = TypeVar("T")
S_contra = TypeVar("S_contra", contravariant=True)


class EmitAfterDoneError(RuntimeError):
    """A handler's emitter was called after that handler had finished."""


class Emitter(Protocol[S_contra]):
    """What a handler receives to emit states; valid only while that handler runs."""

    def __call__(self, state: S_contra) -> None:
        """Emit ``state`` (ignored once the handler was cancelled)."""

    @property
    def is_done(self) -> bool:
        """True once the handler has finished or was cancelled."""

    async def on_each(
        self,
        stream: AsyncIterable[T],
        on_data: Callable[[T], object],
        *,
        on_error: Callable[[Exception], object] | None = None,
    ) -> None:
        """Call ``on_data(item)`` for each item of ``stream``; see ``Emitter.for_each``."""

    async def for_each(
        self,
        stream: AsyncIterable[T],
        on_data: Callable[[T], S_contra],
        *,
        on_error: Callable[[Exception], S_contra] | None = None,
    ) -> None:
        """Emit ``on_data(item)`` for each item of ``stream``.

        Returns when the stream ends, when the bloc closes (close ends every subscription,
        as Dart's close cancels the emitters), or raises ``CancelledError`` when the handler
        is cancelled (``restartable``). An exception from the stream is raised here (and the
        subscription ends) unless ``on_error`` is given, in which case ``on_error(error)`` is
        emitted and the next item is awaited (a Python async generator that raised has
        ended, so for one of those the subscription ends there).
        """


async def _next(iterator: AsyncIterator[T]) -> T:
    return await iterator.__anext__()


class _Emitter(Generic[E, S]):
    """One handler run's emitter; the scheduler's runs extend it."""

    __slots__ = ("_bloc", "_cancelled", "_done", "_stop", "event")

    def __init__(self, bloc: Bloc[E, S], event: E) -> None:
        self._bloc = bloc
        self.event = event
        self._done = False
        self._cancelled = False
        self._stop: asyncio.Future[None] | None = None

    def __call__(self, state: S) -> None:
        if self._done:
            if self._cancelled:
                return
            raise EmitAfterDoneError(
                "emit was called after the event handler had finished; await every "
                "asynchronous call in the handler and check emit.is_done"
            )
        self._bloc._emit_for(self.event, state)

    @property
    def is_done(self) -> bool:
        return self._done

    def _stop_streams(self) -> None:
        """End this run's on_each/for_each subscription (the bloc is closing)."""
        stop = self._stop
        if stop is not None and not stop.done():
            stop.set_result(None)

    async def on_each(
        self,
        stream: AsyncIterable[T],
        on_data: Callable[[T], object],
        *,
        on_error: Callable[[Exception], object] | None = None,
    ) -> None:
        bloc = self._bloc
        if self._done or bloc._closed:
            return
        loop = asyncio.get_running_loop()
        iterator = aiter(stream)
        stop = self._stop = loop.create_future()
        bloc._subscribed.add(self)
        step: asyncio.Task[T] | None = None
        try:
            while True:
                step = loop.create_task(_next(iterator))
                await asyncio.wait((step, stop), return_when=asyncio.FIRST_COMPLETED)
                if not step.done():
                    return  # the bloc closed: the subscription ends here
                try:
                    item = step.result()
                except StopAsyncIteration:
                    return
                except Exception as exc:
                    if on_error is None:
                        raise
                    on_error(exc)
                    continue
                finally:
                    step = None
                on_data(item)
        finally:
            bloc._subscribed.discard(self)
            self._stop = None
            if step is not None and not step.done():
                step.cancel()
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                # The subscription is over; a failing clean-up cannot undo that.
                with contextlib.suppress(Exception):
                    await aclose()

    async def for_each(
        self,
        stream: AsyncIterable[T],
        on_data: Callable[[T], S],
        *,
        on_error: Callable[[Exception], S] | None = None,
    ) -> None:
        def data(item: T) -> None:
            self(on_data(item))

        error: Callable[[Exception], None] | None = None
        if on_error is not None:
            recover = on_error

            def error(exc: Exception) -> None:
                self(recover(exc))

        await self.on_each(stream, data, on_error=error)
