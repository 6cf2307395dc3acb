"""Bloc: events in, handler runs scheduled by their registration's transformer, states out."""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Generic, TypeVar

from ._base import FINISHED, BlocBase
from ._emitter import Emitter, _Emitter
from ._feed import Sink, _Feed, consume
from ._observer import BlocObserver
from ._records import Transition
from ._transformers import EventTransformer, _Builtin, _Policy, concurrent

S = TypeVar("S")
E = TypeVar("E")
E2 = TypeVar("E2")

Handler = Callable[[E, Emitter[S]], Awaitable[None] | None]


class UnhandledEventError(TypeError):
    """``add(event)`` found no registration whose event type ``event`` is an instance of."""


def _fatal(error: BaseException) -> bool:
    """Errors that must stop the program: re-raised once the run's bookkeeping is done."""
    return isinstance(error, (KeyboardInterrupt, SystemExit))


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
    """One ``on`` call: native (a ``policy``, or none for concurrent) or streamed."""

    __slots__ = ("event_type", "feed", "handler", "is_async", "policy", "transformer")

    def __init__(
        self,
        event_type: type[Any],
        handler: Callable[[Any, Emitter[S]], Awaitable[None] | None],
        transformer: EventTransformer[Any],
    ) -> None:
        self.event_type = event_type
        self.handler = handler
        self.policy: _Policy | None = None
        self.transformer: EventTransformer[Any] | None = None
        if isinstance(transformer, _Builtin):
            self.policy = transformer._bind()
        else:
            self.transformer = transformer
        self.feed: _Feed[Any] | None = None
        # The second test catches objects whose class defines ``async def __call__``.
        self.is_async = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
            type(handler).__call__
        )


# The native scheduler: one path per transformer. A run is one (event, registration) pair.
#
#   concurrent, sync handler   add -> batch (one call_soon per batch) -> _call -> _finish
#   concurrent, async handler  add -> Task(main) -> call -> _await -> _finish
#   sequential                 as above, but begin() may park the run; the policy's
#                              resume() continues it (a callback, or wakes its task)
#   droppable                  admit() at add may refuse it (dropped: no run at all)
#   restartable                begin() cancels the run begun before
#   any other transformer      the stream path (_feed.consume), one task per registration
#
# A sync handler that returns an awaitable moves to a Task for the awaiting (_await).
# Invariants: every run reaches _finish exactly once, which completes add()'s future, ends
# the policy's hold and decrements Bloc._pending; runs begin in add order; a cancelled
# run's emitter is quiet from the moment it is cancelled. The phase says who moves a run
# next:
#   _QUEUED   a loop turn is pending (a callback or a task's next step) and that turn reads
#             the cancel flag itself, so cancel() only flags a queued run (cancelling a
#             task before its first step would skip the bookkeeping in its body);
#   _PARKED   its policy holds it (sequential) and will resume() it, or a cancelled close
#             cancels it;
#   _RUNNING  its handler is executing or being awaited;
#   _FINISHED _finish ran.
_QUEUED, _PARKED, _RUNNING, _FINISHED = range(4)


class _Run(_Emitter[E, S]):
    """One event handled by one native registration; also the Emitter its handler receives."""

    __slots__ = ("_phase", "_registration", "_sink", "_started", "_task", "_wake")

    def __init__(
        self, bloc: Bloc[E, S], registration: _Registration[S], event: E, sink: Sink
    ) -> None:
        super().__init__(bloc, event)
        self._registration = registration
        self._sink = sink
        self._phase = _QUEUED
        self._started = False
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Future[None] | None = None

    # -- the policy's side -------------------------------------------------------------

    def resume(self) -> None:
        """Continue a run its policy parked (in a later loop turn)."""
        wake = self._wake
        if wake is not None:  # a parked task: wake it
            if not wake.done():
                wake.set_result(None)
            return
        self._phase = _QUEUED
        asyncio.get_running_loop().call_soon(self._call_if_live)

    def cancel(self) -> None:
        """Quiet the emitter and stop the run; a running task gets a CancelledError.

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
            self._finish(None)  # a parked synchronous run has no pending turn to end it

    # -- synchronous handlers: one loop callback ----------------------------------------

    def start(self) -> None:
        """The callback ``add`` queued for a synchronous handler."""
        if self._cancelled:
            self._finish(None)
            return
        policy = self._registration.policy
        if policy is not None and not policy.begin(self):
            self._phase = _PARKED
            return
        self._call()

    def _call_if_live(self) -> None:
        if self._cancelled:
            self._finish(None)
            return
        self._call()

    def _call(self) -> None:
        self._phase = _RUNNING
        self._started = True
        try:
            result = self._registration.handler(self.event, self)
        except GeneratorExit:
            raise  # the coroutine is being closed (its task was destroyed): no bookkeeping
        except BaseException as exc:
            self._finish(exc)
            if _fatal(exc):
                raise
            return
        if result is not None and inspect.isawaitable(result):
            # A plain callable returned an awaitable: await it in a task.
            self._phase = _QUEUED
            bloc = self._bloc
            bloc._live.add(self)
            self._task = asyncio.get_running_loop().create_task(self._await(result))
            return
        self._finish(None)

    # -- asynchronous handlers: one task ------------------------------------------------

    async def main(self) -> None:
        """The task ``add`` created for an asynchronous handler."""
        if self._cancelled:
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
            if self._cancelled:
                self._finish(None)
                return
        self._phase = _RUNNING
        self._started = True
        try:
            result = self._registration.handler(self.event, self)
        except GeneratorExit:
            raise  # the coroutine is being closed (its task was destroyed): no bookkeeping
        except BaseException as exc:
            self._finish(exc)
            if _fatal(exc):
                raise
            return
        await self._await(result)

    async def _await(self, result: Awaitable[None] | None) -> None:
        if self._cancelled:  # cancelled while its task waited for the first step
            if inspect.iscoroutine(result):
                result.close()
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
        except GeneratorExit:
            raise  # the coroutine is being closed (its task was destroyed): no bookkeeping
        except BaseException as exc:
            self._finish(exc)
            if _fatal(exc):
                raise
            return
        self._finish(None)

    def _finish(self, error: BaseException | None) -> None:
        self._phase = _FINISHED
        self._done = True
        bloc = self._bloc
        try:
            if self._started:
                bloc._handled(self.event, error)
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

    transformer: ClassVar[EventTransformer[Any]] = concurrent()
    """The transformer of every ``on`` given none (Dart's ``Bloc.transformer``).

    Read once per bloc, when it is constructed: set ``Bloc.transformer = sequential()`` for
    every bloc built afterwards, or ``transformer = sequential()`` in a subclass's body for
    that class alone. A registration's own ``transformer=`` takes precedence.
    """

    def __init__(self, initial_state: S, *, observer: BlocObserver | None = None) -> None:
        self._registrations: list[_Registration[S]] = []
        self._routes: dict[type[Any], tuple[_Registration[S], ...]] = {}
        self._default_transformer: EventTransformer[Any] = type(self).transformer
        # Invariant: _pending counts the (event, registration) pairs added and not yet
        # finished or dropped; settled() and close() wait for it to reach zero.
        self._pending = 0
        self._live: set[_Run[E, S]] = set()  # native runs that have a task
        self._consumers: set[asyncio.Task[None]] = set()  # stream-path transformer tasks
        self._subscribed: set[_Emitter[E, S]] = set()  # runs inside on_each/for_each
        self._idle_waiters: list[asyncio.Future[None]] = []
        # Synchronous concurrent runs waiting for their loop turn, run by one callback: a
        # backlog of N results holds 3N deque slots, not N runs and N loop handles (fewer
        # live objects for the collector to walk). Any other dispatch seals the batch, so
        # runs still start in add order across registrations.
        # Flat (registration, event, sink, registration, ...): no tuple per run either.
        self._batch: deque[Any] | None = None
        self._transition_hooked = type(self).on_transition is not Bloc.on_transition
        super().__init__(initial_state, observer=observer)

    def on(
        self,
        event_type: type[E2],
        handler: Callable[[E2, Emitter[S]], Awaitable[None] | None],
        *,
        transformer: EventTransformer[E2] | None = None,
    ) -> None:
        """Handle events that are instances of ``event_type`` with ``handler``.

        ``handler(event, emit)`` may be synchronous or return an awaitable. ``transformer``
        (default: the class's ``Bloc.transformer``, ``concurrent()`` unless set) decides how
        the registration's events become runs; any function of Dart's shape will do (see
        ``proxyreg.engine.EventTransformer``). An event matching several registrations goes
        to each. Raises ``TypeError`` if ``event_type`` already has a registration here.
        """
        if any(r.event_type is event_type for r in self._registrations):
            raise TypeError(
                f"on({event_type.__name__}) was called more than once; "
                "a bloc takes a single handler per event type"
            )
        chosen = self._default_transformer if transformer is None else transformer
        self._registrations.append(_Registration(event_type, handler, chosen))
        self._routes.clear()

    def add(self, event: E) -> asyncio.Future[None]:
        """Queue ``event`` for its handlers; return a future of their completion.

        Raises ``BlocClosedError`` after ``close`` (reported through ``on_error`` first),
        ``UnhandledEventError`` if no registration matches, ``RuntimeError`` outside a
        running loop. Calls ``on_event`` and the observer synchronously. The future
        completes with None (never with an exception or a cancellation) once every handler
        that took the event has finished, failed, been dropped or been cancelled;
        cancelling it does not affect the handlers. Handlers start in later loop turns, in
        ``add`` order.
        """
        if self._closed:
            raise self._refused("add events")
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
            self._report_error(exc, uncaught=False)
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
        """Hook called when a transformer drops ``event`` unhandled.

        Not in Dart, which drops silently: a bloc that must report every event it
        does not apply overrides this.
        """

    async def settled(self) -> None:
        """Return once no handler is running, parked, held by a transformer or queued.

        Awaiting it from a handler of this bloc never returns: it would wait for itself.
        """
        while self._pending:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._idle_waiters.append(waiter)
            await waiter

    def close(self) -> Awaitable[None]:
        """Close the bloc: ``add`` is refused from this call on; see ``BlocBase.close``.

        Every event added before is still handled, in its transformer's order (a
        sequential queue drains, restartable and droppable keep their rules), and its
        handler's emits are delivered. ``on_each``/``for_each`` subscriptions end at once,
        running or started later. Then ``on_close``, and listeners and streams end. The
        returned awaitable completes then (at once if nothing was in flight). Cancelling
        it (``asyncio.wait_for(bloc.close(), 5)``) cancels the handlers still running and
        ends the bloc without the events not started.
        """
        return super().close()

    def _close_after_work(self) -> Awaitable[None]:
        for registration in self._registrations:
            if registration.feed is not None:
                registration.feed.end()
        for emitter in tuple(self._subscribed):
            emitter._stop_streams()
        if not self._pending:
            self._end()
            return FINISHED
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            # Called outside the loop (``loop.run_until_complete(bloc.close())``): the
            # caller runs the drain itself.
            return self._drain()
        return loop.create_task(self._drain())

    async def _drain(self) -> None:
        try:
            await self.settled()
        except asyncio.CancelledError:
            self._abort()
            try:
                await self.settled()
            finally:
                self._end()
            raise
        self._end()

    def _abort(self) -> None:
        """A cancelled close: end every run now, parked ones unstarted."""
        for registration in self._registrations:
            if registration.policy is not None:
                for parked in registration.policy.drain():
                    parked.cancel()
        for run in tuple(self._live):
            run.cancel()
        for consumer in tuple(self._consumers):
            consumer.cancel()

    def _route(self, kind: type[Any]) -> tuple[_Registration[S], ...]:
        route = tuple(r for r in self._registrations if issubclass(kind, r.event_type))
        self._routes[kind] = route
        return route

    def _dispatch(
        self,
        registration: _Registration[S],
        event: E,
        sink: Sink,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        if registration.transformer is not None:
            self._batch = None
            feed = registration.feed
            if feed is None:
                feed = registration.feed = _Feed()
                consumer = loop.create_task(consume(self, registration, feed))
                self._consumers.add(consumer)
                consumer.add_done_callback(self._consumers.discard)
            self._pending += 1
            feed.put(event, sink)
            return
        policy = registration.policy
        if policy is None and not registration.is_async:
            batch = self._batch
            if batch is None:
                batch = self._batch = deque()
                loop.call_soon(self._run_batch, batch)
            batch.append(registration)
            batch.append(event)
            batch.append(sink)
            self._pending += 1
            return
        self._batch = None
        if policy is not None and not policy.admit():
            if not sink.done():
                sink.set_result(None)
            self._call_on_dropped(event)
            return
        run = _Run(self, registration, event, sink)
        self._pending += 1
        if registration.is_async:
            self._live.add(run)
            run._task = loop.create_task(run.main())
        else:
            # No Task for a synchronous handler: one loop callback keeps add order too.
            loop.call_soon(run.start)

    def _run_batch(self, batch: deque[Any]) -> None:
        """The loop turn of a batch of synchronous concurrent runs, in add order."""
        if self._batch is batch:
            self._batch = None  # events added from these handlers start in a later turn
        try:
            while batch:
                pop = batch.popleft
                registration, event, sink = pop(), pop(), pop()
                _Run(self, registration, event, sink)._call()
        finally:
            if batch:  # a fatal error stopped the batch: the rest keep their turn
                asyncio.get_running_loop().call_soon(self._run_batch, batch)

    async def _run_inline(
        self, registration: _Registration[S], event: E, sink: Sink | None
    ) -> None:
        """A stream-path run, in the task that iterates its mapped stream."""
        emitter: _Emitter[E, S] = _Emitter(self, event)
        error: BaseException | None = None
        try:
            result = registration.handler(event, emitter)
            if result is not None and inspect.isawaitable(result):
                await result
        except asyncio.CancelledError as exc:
            emitter._cancelled = True
            error = exc
            raise
        except GeneratorExit:
            emitter._done = True
            raise  # the coroutine is being closed (its task was destroyed): no bookkeeping
        except BaseException as exc:
            error = exc
            if _fatal(exc):
                raise
        finally:
            if not emitter._done:
                self._end_inline(emitter, event, error, sink)

    def _end_inline(
        self, emitter: _Emitter[E, S], event: E, error: BaseException | None, sink: Sink | None
    ) -> None:
        emitter._done = True
        try:
            self._handled(event, error)
        finally:
            if sink is not None and not sink.done():
                sink.set_result(None)
            self._settle_one()

    def _resolve_dropped(self, event: E, sink: Sink | None) -> None:
        if sink is not None and not sink.done():
            sink.set_result(None)
        try:
            self._call_on_dropped(event)
        finally:
            self._settle_one()

    def _call_on_dropped(self, event: E) -> None:
        try:
            self.on_dropped(event)
        except Exception as exc:
            self._report_error(exc, uncaught=True)

    def _settle_one(self) -> None:
        self._pending -= 1
        if not self._pending and self._idle_waiters:
            self._wake_idle()

    def _emit_for(self, event: E, state: S) -> None:
        if self._ended:
            return  # only a cancelled close leaves a handler running this late: quiet
        current = self._state
        if self._emitted and (state is current or state == current):
            return
        observer = self._observer
        if self._transition_hooked or observer is not None:
            transition = Transition(current, event, state)
            self.on_transition(transition)
            if observer is not None:
                observer.on_transition(self, transition)
        self._commit(state)

    def _handled(self, event: E, error: BaseException | None) -> None:
        """A started run ended: report its error, then on_done; neither can skip the other."""
        if error is not None and not isinstance(error, asyncio.CancelledError):
            self._report_error(error, uncaught=not _fatal(error))
        try:
            self.on_done(event, error)
        except Exception as exc:
            self._uncaught(exc, f"{type(self).__name__}.on_done raised")
        if self._observer is not None:
            try:
                self._observer.on_done(self, event, error)
            except Exception as exc:
                self._uncaught(exc, "BlocObserver.on_done raised")

    def _wake_idle(self) -> None:
        waiters, self._idle_waiters = self._idle_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
