"""BlocBase, Cubit and Bloc: the state holders, their emit path, and the runs of handlers."""

from __future__ import annotations

import asyncio
import inspect
import weakref
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

from ._bus import Subscription
from ._observer import BlocObserver
from ._records import Change, Transition
from ._transformers import EventTransformer, _Policy

S = TypeVar("S")
E = TypeVar("E")
E2 = TypeVar("E2")
S_contra = TypeVar("S_contra", contravariant=True)


class BlocClosedError(RuntimeError):
    """``add`` or ``emit`` was called after ``close``."""


class UnhandledEventError(TypeError):
    """``add(event)`` found no registration whose event type ``event`` is an instance of."""


class EmitAfterDoneError(RuntimeError):
    """A handler's emitter was called after that handler had finished."""


class Emitter(Protocol[S_contra]):
    """What a handler receives to emit states; valid only while that handler runs."""

    def __call__(self, state: S_contra) -> None: ...

    @property
    def is_done(self) -> bool: ...


Handler = Callable[[E, Emitter[S]], Awaitable[None] | None]


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
        self._closed = False
        self._close_done: asyncio.Future[None] | None = None
        # Copy-on-write tuples: a delivery iterates a stable snapshot without copying.
        self._listeners: tuple[tuple[Subscription, Callable[[S], object]], ...] = ()
        self._error_taps: tuple[Callable[[BaseException], object], ...] = ()
        self._streams: set[weakref.ref[_StateStream[S]]] = set()
        self._delivering = False
        self._backlog: deque[S] = deque()
        if observer is not None:
            observer.on_create(self)

    @property
    def state(self) -> S:
        """The current state."""
        return self._state

    @property
    def is_closed(self) -> bool:
        """True from the moment ``close`` starts."""
        return self._closed

    def listen(self, listener: Callable[[S], object]) -> Subscription:
        """Call ``listener(state)`` synchronously for each state emitted after this call.

        Listeners run in subscription order. An ``Exception`` from one is reported through
        ``on_error`` and the others are still called. A state emitted from inside a listener
        is delivered to everyone after the current one, so all see states in emission order.
        On a closed bloc the returned subscription is already cancelled.
        """
        subscription = Subscription(self._unlisten)
        if self._closed:
            subscription.cancel()
        else:
            self._listeners = (*self._listeners, (subscription, listener))
        return subscription

    def stream(self) -> AsyncIterator[S]:
        """An independent subscriber of the states emitted after this call.

        Never drops a state (the buffer is unbounded); ends, after the buffered states, when
        the bloc closes. On a closed bloc it is empty.
        """
        stream: _StateStream[S] = _StateStream()
        if self._closed:
            stream._end()
        else:
            self._streams.add(weakref.ref(stream, self._streams.discard))
        return stream

    def on_change(self, change: Change[S]) -> None:
        """Hook called for every new state before it is set; the observer is called after."""

    def on_error(self, error: BaseException) -> None:
        """Hook called for each reported error; the observer is called after."""

    def add_error(self, error: BaseException) -> None:
        """Report ``error`` through ``on_error`` and the observer, like Dart's ``addError``."""
        self._report_error(error)

    async def close(self) -> None:
        """Stop the bloc; idempotent, and a second call waits for the first to finish.

        From its start, ``is_closed`` is True and ``add``/``emit`` raise ``BlocClosedError``.
        A ``Bloc`` then ends every handler run (see ``Bloc.close``). Then the observer's
        ``on_close`` is called, listeners are cancelled and streams end.
        """
        if self._closed:
            done = self._close_done
            if done is not None and not done.done():
                await asyncio.shield(done)
            return
        self._closed = True
        done = self._close_done = asyncio.get_running_loop().create_future()
        try:
            await self._stop_handlers()
        finally:
            # Even if this close was cancelled midway, the bloc is closed: finish the job.
            try:
                if self._observer is not None:
                    self._observer.on_close(self)
            finally:
                for subscription, _ in self._listeners:
                    subscription.cancel()
                for ref in tuple(self._streams):
                    stream = ref()
                    if stream is not None:
                        stream._end()
                self._streams.clear()
                done.set_result(None)

    def _seed(self, state: S) -> None:
        """Set the state silently (no hooks, listeners or streams). For test set-up only."""
        self._state = state

    def _tap_errors(self, tap: Callable[[BaseException], object]) -> None:
        """Also call ``tap(error)`` for each reported error (used by ``bloc_test``)."""
        self._error_taps = (*self._error_taps, tap)

    async def _stop_handlers(self) -> None:
        return

    def _emit(self, state: S) -> None:
        if self._closed:
            raise BlocClosedError(f"{type(self).__name__} cannot emit after close()")
        current = self._state
        # Identity first: a large state that is the very same object costs no __eq__.
        if state is current or state == current:
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
                    self._report_error(exc)
        if self._streams:
            for ref in tuple(self._streams):
                stream = ref()
                if stream is not None:
                    stream._push(state)

    def _report_error(self, error: BaseException) -> None:
        self.on_error(error)
        if self._observer is not None:
            self._observer.on_error(self, error)
        for tap in self._error_taps:
            tap(error)

    def _unlisten(self, subscription: Subscription) -> None:
        self._listeners = tuple(e for e in self._listeners if e[0] is not subscription)


class Cubit(BlocBase[S]):
    """A BlocBase whose state is set directly with ``emit``."""

    def emit(self, state: S) -> None:
        """Set a new state; a state identical or equal to the current one is ignored.

        Raises ``BlocClosedError`` after ``close``.
        """
        self._emit(state)


class _Sink(Protocol):
    def done(self) -> bool: ...

    def set_result(self, result: None, /) -> None: ...


class _Join:
    """Completes one ``add`` future once each of the event's registrations has finished."""

    __slots__ = ("_future", "_left")

    def __init__(self, future: asyncio.Future[None], count: int) -> None:
        self._future = future
        self._left = count

    def done(self) -> bool:
        return False

    def set_result(self, result: None, /) -> None:
        self._left -= 1
        if self._left == 0 and not self._future.done():
            self._future.set_result(None)


class _Registration(Generic[S]):
    __slots__ = ("event_type", "handler", "is_async", "policy")

    def __init__(
        self,
        event_type: type[Any],
        handler: Callable[[Any, Emitter[S]], Awaitable[None] | None],
        policy: _Policy | None,
    ) -> None:
        self.event_type = event_type
        self.handler = handler
        self.policy = policy
        # The second test catches objects whose class defines ``async def __call__``.
        self.is_async = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
            type(handler).__call__
        )


# Where a run is. _QUEUED: a loop turn (callback or first task step) is pending and will
# look at the cancel flag itself; cancelling a task before its first step would skip the
# bookkeeping in its body, so such a run is only flagged.
_QUEUED, _PARKED, _RUNNING, _FINISHED = range(4)


class _Run(Generic[E, S]):
    """One event handled by one registration; also the Emitter its handler receives."""

    __slots__ = (
        "_bloc",
        "_cancelled",
        "_done",
        "_phase",
        "_registration",
        "_sink",
        "_started",
        "_task",
        "_wake",
        "event",
    )

    def __init__(
        self, bloc: Bloc[E, S], registration: _Registration[S], event: E, sink: _Sink
    ) -> None:
        self._bloc = bloc
        self._registration = registration
        self.event = event
        self._sink = sink
        self._phase = _QUEUED
        self._started = False
        self._done = False
        self._cancelled = False
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Future[None] | None = None

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

    def resume(self) -> None:
        """Continue a run its policy parked."""
        wake = self._wake
        if wake is not None:
            if not wake.done():
                wake.set_result(None)
            return
        self._phase = _QUEUED
        asyncio.get_running_loop().call_soon(self._execute)

    def cancel(self) -> None:
        """Quiet the emitter and stop the run; the handler's task gets a CancelledError.

        Calling it again re-cancels the task, for a handler that swallowed the first one.
        """
        if self._phase == _FINISHED:
            return
        self._done = self._cancelled = True
        if self._phase == _QUEUED:
            return
        if self._task is not None:
            self._task.cancel()
        else:
            # A parked synchronous run has no pending turn that would end it.
            self._finish(None)

    def _start_sync(self) -> None:
        if self._cancelled or self._bloc._closed:
            self._finish(None)
            return
        policy = self._registration.policy
        if policy is not None and not policy.begin(self):
            self._phase = _PARKED
            return
        self._execute()

    def _execute(self) -> None:
        if self._cancelled or self._bloc._closed:
            self._finish(None)
            return
        self._phase = _RUNNING
        self._started = True
        try:
            result = self._registration.handler(self.event, self)
        except Exception as exc:
            self._finish(exc)
            return
        if result is not None and inspect.isawaitable(result):
            # A plain callable returned an awaitable: finish it in a task.
            self._phase = _QUEUED
            self._bloc._live.add(self)
            self._task = asyncio.get_running_loop().create_task(self._complete(result))
            return
        self._finish(None)

    async def _start_async(self) -> None:
        if self._cancelled or self._bloc._closed:
            self._finish(None)
            return
        policy = self._registration.policy
        if policy is not None and not policy.begin(self):
            self._phase = _PARKED
            wake = self._wake = asyncio.get_running_loop().create_future()
            try:
                await wake
            except asyncio.CancelledError:
                self._done = self._cancelled = True
                self._finish(None)
                return
            if self._cancelled or self._bloc._closed:
                self._finish(None)
                return
        self._started = True
        try:
            result = self._registration.handler(self.event, self)
        except Exception as exc:
            self._finish(exc)
            return
        await self._complete(result)

    async def _complete(self, result: Awaitable[None] | None) -> None:
        if self._cancelled or self._bloc._closed:
            if inspect.iscoroutine(result):
                result.close()
            self._done = self._cancelled = True
            self._finish(asyncio.CancelledError())
            return
        self._phase = _RUNNING
        try:
            if result is not None:
                await result
        except asyncio.CancelledError as exc:
            self._done = self._cancelled = True
            self._finish(exc)
            return
        except Exception as exc:
            self._finish(exc)
            return
        self._finish(None)

    def _finish(self, error: BaseException | None) -> None:
        self._phase = _FINISHED
        self._done = True
        bloc = self._bloc
        try:
            if self._started:
                if error is not None and not isinstance(error, asyncio.CancelledError):
                    bloc._report_error(error)
                bloc._handler_done(self.event, error)
        finally:
            policy = self._registration.policy
            if policy is not None:
                policy.end(self)
            if self._task is not None:
                bloc._live.discard(self)
            if not self._sink.done():
                self._sink.set_result(None)
            bloc._pending -= 1
            if not bloc._pending and bloc._idle_waiters:
                bloc._wake_idle()


class Bloc(BlocBase[S], Generic[E, S]):
    """A BlocBase driven by events: ``add`` an event and its registered handlers emit states.

    Register handlers in ``__init__`` with ``on``. The calls of ``add`` and ``close`` need a
    running event loop and must be made from its thread.
    """

    def __init__(self, initial_state: S, *, observer: BlocObserver | None = None) -> None:
        self._registrations: list[_Registration[S]] = []
        self._routes: dict[type[Any], tuple[_Registration[S], ...]] = {}
        self._pending = 0
        self._live: set[_Run[E, S]] = set()
        self._idle_waiters: list[asyncio.Future[None]] = []
        self._transition_hooked = type(self).on_transition is not Bloc.on_transition
        super().__init__(initial_state, observer=observer)

    def on(
        self,
        event_type: type[E2],
        handler: Callable[[E2, Emitter[S]], Awaitable[None] | None],
        *,
        transformer: EventTransformer | None = None,
    ) -> None:
        """Handle events that are instances of ``event_type`` with ``handler``.

        ``handler(event, emit)`` may be synchronous or return an awaitable. ``transformer``
        (default ``concurrent()``) decides how runs of this registration overlap. An event
        matching several registrations goes to each. Raises ``TypeError`` if
        ``event_type`` already has a registration on this bloc.
        """
        if any(r.event_type is event_type for r in self._registrations):
            raise TypeError(
                f"on({event_type.__name__}) was called more than once; "
                "a bloc takes a single handler per event type"
            )
        policy = None if transformer is None else transformer._bind()
        self._registrations.append(_Registration(event_type, handler, policy))
        self._routes.clear()

    def add(self, event: E) -> asyncio.Future[None]:
        """Queue ``event`` for its handlers; return a future of their completion.

        Raises ``BlocClosedError`` after ``close``, ``UnhandledEventError`` if no
        registration matches, ``RuntimeError`` outside a running loop. Calls ``on_event``
        and the observer synchronously. The future completes with None (never with an
        exception or a cancellation) once every handler that took the event has finished,
        failed, been dropped or been cancelled; cancelling it does not affect the handlers.
        Handlers start in later loop turns, in ``add`` order.
        """
        if self._closed:
            raise BlocClosedError(f"{type(self).__name__} cannot add events after close()")
        kind = type(event)
        registrations = self._routes.get(kind)
        if registrations is None:
            registrations = self._route(kind)
        if not registrations:
            raise UnhandledEventError(
                f"add({kind.__name__}) was called without a registered handler; "
                f"register one with on({kind.__name__}, handler)"
            )
        loop = asyncio.get_running_loop()
        try:
            self.on_event(event)
            if self._observer is not None:
                self._observer.on_event(self, event)
        except Exception as exc:
            self._report_error(exc)
            raise
        future: asyncio.Future[None] = loop.create_future()
        if len(registrations) == 1:
            self._dispatch(registrations[0], event, future, loop)
        else:
            join = _Join(future, len(registrations))
            for registration in registrations:
                self._dispatch(registration, event, join, loop)
        return future

    def on_event(self, event: E) -> None:
        """Hook called by ``add`` before the event is queued; the observer is called after."""

    def on_transition(self, transition: Transition[E, S]) -> None:
        """Hook called when a handler emits a new state, before ``on_change``."""

    def on_done(self, event: E, error: BaseException | None) -> None:
        """Hook called when a started handler finished; see ``BlocObserver.on_done``."""

    def on_dropped(self, event: E) -> None:
        """Hook called when a transformer (``droppable``) drops ``event`` unhandled.

        Not in Dart, which drops silently: a bloc that must report every event it
        does not apply overrides this.
        """

    async def settled(self) -> None:
        """Return once no handler is running, parked or waiting for its loop turn.

        Awaiting it from a handler of this bloc never returns: it would wait for itself.
        """
        while self._pending:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(waiter)
            await waiter

    async def close(self) -> None:
        """Close the bloc: see ``BlocBase.close``.

        Running handlers are cancelled (their emitters go quiet) and awaited; events added
        but not started yet are discarded without running. To let them finish first,
        ``await bloc.settled()`` before closing.
        """
        await super().close()

    def _route(self, kind: type[Any]) -> tuple[_Registration[S], ...]:
        route = tuple(r for r in self._registrations if issubclass(kind, r.event_type))
        self._routes[kind] = route
        return route

    def _dispatch(
        self,
        registration: _Registration[S],
        event: E,
        sink: _Sink,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        policy = registration.policy
        if policy is not None and not policy.admit():
            if not sink.done():
                sink.set_result(None)
            self.on_dropped(event)
            return
        run = _Run(self, registration, event, sink)
        self._pending += 1
        if registration.is_async:
            self._live.add(run)
            run._task = loop.create_task(run._start_async())
        else:
            # No Task for a synchronous handler: one loop callback keeps add order too.
            loop.call_soon(run._start_sync)

    def _emit_for(self, event: E, state: S) -> None:
        if self._closed:
            raise BlocClosedError(f"{type(self).__name__} cannot emit after close()")
        current = self._state
        if state is current or state == current:
            return
        observer = self._observer
        if self._transition_hooked or observer is not None:
            transition = Transition(current, event, state)
            self.on_transition(transition)
            if observer is not None:
                observer.on_transition(self, transition)
        self._commit(state)

    def _handler_done(self, event: E, error: BaseException | None) -> None:
        self.on_done(event, error)
        if self._observer is not None:
            self._observer.on_done(self, event, error)

    def _wake_idle(self) -> None:
        waiters, self._idle_waiters = self._idle_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def _stop_handlers(self) -> None:
        for registration in self._registrations:
            if registration.policy is not None:
                for parked in registration.policy.drain():
                    parked.cancel()
        for run in tuple(self._live):
            run.cancel()
        await self.settled()
