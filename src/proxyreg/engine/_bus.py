"""EventBus: synchronous, FIFO, run-to-completion publish/subscribe; and Subscription."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_log = logging.getLogger("proxyreg.bus")


class Subscription:
    """A handle on one registered callback.

    ``cancel`` is idempotent and takes effect at once: a callback cancelled while a delivery
    is in progress (even by an earlier callback of the same delivery) is not called again.
    """

    __slots__ = ("_active", "_detach")

    def __init__(self, detach: Callable[[Subscription], object] | None = None) -> None:
        self._active = True
        self._detach = detach

    @property
    def is_active(self) -> bool:
        """False once ``cancel`` has been called."""
        return self._active

    def cancel(self) -> None:
        """Stop deliveries to this subscription; later calls do nothing."""
        if not self._active:
            return
        self._active = False
        detach, self._detach = self._detach, None
        if detach is not None:
            detach(self)

    def __repr__(self) -> str:
        return f"<Subscription {'active' if self._active else 'cancelled'}>"


def _log_error(event: object, error: BaseException) -> None:
    _log.error("subscriber failed on %r", event, exc_info=error)


_Entry = tuple[Subscription, type[Any], Callable[[Any], object]]


class EventBus:
    """Delivers published events to the subscribers whose type they are an instance of.

    Single-threaded and loop-free. ``publish`` is run-to-completion: an event published while
    another is being delivered (for instance by a subscriber) is queued and delivered once the
    current one has reached all its subscribers, never nested. Subscribers are called in
    subscription order; one subscribed during a delivery first sees the next event. A
    subscriber's ``Exception`` goes to ``on_error(event, exc)`` and delivery goes on. If
    ``on_error`` itself raises, the exception reaches the outermost ``publish`` caller and the
    events still queued are delivered by the next ``publish``.
    """

    __slots__ = ("_delivering", "_entries", "_on_error", "_queue", "_routes")

    def __init__(self, *, on_error: Callable[[object, BaseException], None] | None = None) -> None:
        self._on_error = _log_error if on_error is None else on_error
        # Copy-on-write so a delivery iterates a stable snapshot without copying.
        self._entries: tuple[_Entry, ...] = ()
        self._routes: dict[type[Any], tuple[_Entry, ...]] = {}
        self._queue: deque[object] = deque()
        self._delivering = False

    def subscribe(self, event_type: type[T], callback: Callable[[T], object]) -> Subscription:
        """Call ``callback(event)`` for each later event that is an instance of ``event_type``."""
        subscription = Subscription(self._detach)
        self._entries = (*self._entries, (subscription, event_type, callback))
        self._routes.clear()
        return subscription

    def publish(self, event: object) -> None:
        """Deliver ``event`` now, or after the delivery in progress if called from inside one."""
        self._queue.append(event)
        if self._delivering:
            return
        self._delivering = True
        try:
            self._drain()
        finally:
            self._delivering = False

    def _drain(self) -> None:
        queue = self._queue
        while queue:
            event = queue.popleft()
            kind = type(event)
            route = self._routes.get(kind)
            if route is None:
                route = tuple(e for e in self._entries if issubclass(kind, e[1]))
                self._routes[kind] = route
            for subscription, _, callback in route:
                if not subscription.is_active:
                    continue
                try:
                    callback(event)
                except Exception as exc:
                    self._on_error(event, exc)

    def _detach(self, subscription: Subscription) -> None:
        self._entries = tuple(e for e in self._entries if e[0] is not subscription)
        self._routes.clear()
