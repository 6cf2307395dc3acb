"""BlocBase and Cubit: a state, its emit path, its listeners and streams, and its close."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from ._bus import Subscription
from ._observer import BlocObserver
from ._records import Change

S = TypeVar("S")

_log = logging.getLogger("proxyreg.engine")


class BlocClosedError(RuntimeError):
    """``add`` or ``emit`` was called after ``close``."""


class _Finished:
    """The awaitable ``close`` returns when nothing was left to wait for."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # a generator that ends at once: awaiting it does not suspend


FINISHED = _Finished()


class _StateStream(Generic[S]):
    """One ``stream()`` subscriber: an unbounded FIFO of states, ended by the bloc's close.

    The bloc holds it weakly, so an iterator abandoned with ``break`` stops buffering as soon
    as it is garbage; ``aclose`` stops it explicitly.
    """

    __slots__ = ("__weakref__", "_buffer", "_ended", "_waiter")

    def __init__(self) -> None:
        self._buffer: deque[S] = deque()
        self._ended = False
        self._waiter: asyncio.Future[None] | None = None

    def __aiter__(self) -> _StateStream[S]:
        return self

    async def __anext__(self) -> S:
        while not self._buffer:
            if self._ended:
                raise StopAsyncIteration
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        return self._buffer.popleft()

    async def aclose(self) -> None:
        """Stop receiving states and drop the ones not read yet."""
        self._buffer.clear()
        self._end()

    def _push(self, state: S) -> None:
        if self._ended:
            return
        self._buffer.append(state)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _end(self) -> None:
        self._ended = True
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class BlocBase(Generic[S]):
    """Holds a state and tells listeners, streams, hooks and the observer when it changes.

    Single-threaded: use a bloc from one thread (and, for ``Bloc``, from its event loop).
    """

    def __init__(self, initial_state: S, *, observer: BlocObserver | None = None) -> None:
        self._state = initial_state
        self._observer = observer
        # The Change record is built only when someone reads it: an overridden hook or
        # the observer (the hot path of a bloc with neither allocates nothing for it).
        self._change_hooked = type(self).on_change is not BlocBase.on_change
        # Dart's rule: the first emit is delivered even if equal to the initial state.
        self._emitted = False
        # _closed: add/emit refused, from the moment close() is called.
        # _ended: on_close called, listeners cancelled, streams ended.
        self._closed = False
        self._ended = False
        self._closing: Awaitable[None] | None = None
        # Copy-on-write tuples: a delivery iterates a stable snapshot without copying.
        self._listeners: tuple[tuple[Subscription, Callable[[S], object]], ...] = ()
        self._error_taps: tuple[Callable[[BaseException], object], ...] = ()
        self._streams: set[weakref.ref[_StateStream[S]]] = set()
        self._delivering = False
        self._backlog: deque[S] = deque()
        if observer is not None:
            try:
                observer.on_create(self)
            except Exception as exc:
                self._uncaught(exc, "BlocObserver.on_create raised")

    @property
    def state(self) -> S:
        """The current state."""
        return self._state

    @property
    def is_closed(self) -> bool:
        """True from the moment ``close`` is called (awaited or not)."""
        return self._closed

    def listen(self, listener: Callable[[S], object]) -> Subscription:
        """Call ``listener(state)`` synchronously for each state emitted after this call.

        Listeners run in subscription order. An ``Exception`` from one is reported like a
        handler's (``on_error``, the observer, then the loop's exception handler) and the
        others are still called. A state emitted from inside a listener is delivered to
        everyone after the current one, so all see states in emission order. On a closed
        bloc whose streams have ended, the returned subscription is already cancelled.
        """
        subscription = Subscription(self._unlisten)
        if self._ended:
            subscription.cancel()
        else:
            self._listeners = (*self._listeners, (subscription, listener))
        return subscription

    def stream(self) -> AsyncIterator[S]:
        """An independent subscriber of the states emitted after this call.

        Never drops a state (the buffer is unbounded); ends, after the buffered states, when
        the bloc's close has finished. On a bloc whose close has finished it is empty.
        """
        stream: _StateStream[S] = _StateStream()
        if self._ended:
            stream._end()
        else:
            self._streams.add(weakref.ref(stream, self._streams.discard))
        return stream

    def on_change(self, change: Change[S]) -> None:
        """Hook called for every new state before it is set; the observer is called after."""

    def on_error(self, error: BaseException) -> None:
        """Hook called for each reported error; the observer is called after.

        Reported: a handler's exception, a listener's, ``add_error``'s argument, and the
        ``BlocClosedError`` of a refused ``add`` or ``emit``. After the hook and the
        observer, a handler's or a listener's exception is also passed to the running
        loop's exception handler (``loop.call_exception_handler``, which by default logs
        it on the ``asyncio`` logger), the asyncio counterpart of Dart's uncaught zone
        error; outside a running loop it is logged on ``proxyreg.engine``. A refused
        ``add``/``emit`` raises to its caller instead. If this hook or the observer raises,
        that exception goes to the loop's exception handler and the sequence goes on.
        """

    def add_error(self, error: BaseException) -> None:
        """Report ``error`` through ``on_error`` and the observer, like Dart's ``addError``."""
        self._report_error(error, uncaught=False)

    def close(self) -> Awaitable[None]:
        """Close the bloc; returns an awaitable of the close's end. Idempotent.

        The call itself closes: from it on ``is_closed`` is True and ``add``/``emit`` are
        refused, whether or not the result is awaited. A ``Bloc`` then handles the events
        already added (see ``Bloc.close``). Then the observer's ``on_close`` is called,
        listeners are cancelled and streams end. A second call returns the first's
        awaitable.
        """
        closing = self._closing
        if closing is None:
            self._closed = True
            closing = self._closing = self._close_after_work()
        return closing

    def _close_after_work(self) -> Awaitable[None]:
        """Finish the close once the bloc's work is done; a Cubit has none."""
        self._end()
        return FINISHED

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        if self._observer is not None:
            try:
                self._observer.on_close(self)
            except Exception as exc:
                self._uncaught(exc, "BlocObserver.on_close raised")
        for subscription, _ in self._listeners:
            subscription.cancel()
        for ref in tuple(self._streams):
            stream = ref()
            if stream is not None:
                stream._end()
        self._streams.clear()

    def _seed(self, state: S) -> None:
        """Set the state silently (no hooks, listeners or streams). For test set-up only.

        Counts as an emit (as ``blocTest``'s seed does), so an equal first emit is dropped.
        """
        self._state = state
        self._emitted = True

    def _tap_errors(self, tap: Callable[[BaseException], object]) -> None:
        """Also call ``tap(error)`` for each reported error (used by ``bloc_test``)."""
        self._error_taps = (*self._error_taps, tap)

    def _refused(self, what: str) -> BlocClosedError:
        error = BlocClosedError(f"{type(self).__name__} cannot {what} after close()")
        self._report_error(error, uncaught=False)
        return error

    def _emit(self, state: S) -> None:
        if self._closed:
            raise self._refused("emit")
        current = self._state
        # Identity first: a large state that is the very same object costs no __eq__.
        if self._emitted and (state is current or state == current):
            return
        self._commit(state)

    def _commit(self, state: S) -> None:
        observer = self._observer
        if self._change_hooked or observer is not None:
            change = Change(self._state, state)
            self.on_change(change)
            if observer is not None:
                observer.on_change(self, change)
        self._state = state
        self._emitted = True
        if self._delivering:
            # Emitted from inside a listener: delivered once the current state reached all.
            self._backlog.append(state)
            return
        self._delivering = True
        try:
            self._deliver(state)
            backlog = self._backlog
            while backlog:
                self._deliver(backlog.popleft())
        finally:
            self._delivering = False

    def _deliver(self, state: S) -> None:
        for subscription, listener in self._listeners:
            if subscription.is_active:
                try:
                    listener(state)
                except Exception as exc:
                    self._report_error(exc, uncaught=True)
        if self._streams:
            for ref in tuple(self._streams):
                stream = ref()
                if stream is not None:
                    stream._push(state)

    def _report_error(self, error: BaseException, *, uncaught: bool) -> None:
        """on_error, the observer, the taps; then, if ``uncaught``, the loop's handler."""
        try:
            self.on_error(error)
        except Exception as exc:
            self._uncaught(exc, f"{type(self).__name__}.on_error raised")
        if self._observer is not None:
            try:
                self._observer.on_error(self, error)
            except Exception as exc:
                self._uncaught(exc, "BlocObserver.on_error raised")
        for tap in self._error_taps:
            tap(error)
        if uncaught:
            self._uncaught(error, f"Unhandled error in {type(self).__name__}")

    def _uncaught(self, error: BaseException, message: str) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            _log.error(message, exc_info=error)
            return
        loop.call_exception_handler({"message": message, "exception": error, "bloc": self})

    def _unlisten(self, subscription: Subscription) -> None:
        self._listeners = tuple(e for e in self._listeners if e[0] is not subscription)


class Cubit(BlocBase[S]):
    """A BlocBase whose state is set directly with ``emit``."""

    def emit(self, state: S) -> None:
        """Set a new state; after the first emit, one identical or equal to the current is
        ignored (the first is delivered even if equal to the initial state, as in Dart).

        Raises ``BlocClosedError`` after ``close`` (reported through ``on_error`` first).
        """
        self._emit(state)
