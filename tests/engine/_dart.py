"""Helpers shared by the tests written from Dart's bloc suite: a loop runner and error catcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar

from proxyreg.engine import BlocBase, BlocObserver, Change, Transition

T = TypeVar("T")


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    """Run ``scenario`` in a fresh loop whose exception handler records what reaches it."""

    async def main() -> T:
        return await scenario()

    return asyncio.run(main())


def catch_uncaught() -> list[BaseException]:
    """Record every exception passed to the running loop's exception handler."""
    caught: list[BaseException] = []

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        caught.append(context["exception"])

    asyncio.get_running_loop().set_exception_handler(handler)
    return caught


async def tick(turns: int = 5) -> None:
    """Let the loop run a few turns (Dart's ``await tick()``)."""
    for _ in range(turns):
        await asyncio.sleep(0)


class Log(BlocObserver):
    """Records each hook as a short string, in the order the hooks were called."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def on_create(self, bloc: BlocBase[Any]) -> None:
        self.calls.append("create")

    def on_event(self, bloc: Any, event: object) -> None:
        self.calls.append(f"event {event}")

    def on_transition(self, bloc: Any, transition: Transition[Any, Any]) -> None:
        self.calls.append(f"transition {transition.current_state}->{transition.next_state}")

    def on_change(self, bloc: BlocBase[Any], change: Change[Any]) -> None:
        self.calls.append(f"change {change.current_state}->{change.next_state}")

    def on_error(self, bloc: BlocBase[Any], error: BaseException) -> None:
        self.calls.append(f"error {type(error).__name__}")

    def on_done(self, bloc: Any, event: object, error: BaseException | None) -> None:
        self.calls.append(f"done {event}" + ("" if error is None else f" {type(error).__name__}"))

    def on_close(self, bloc: BlocBase[Any]) -> None:
        self.calls.append("close")


class Broadcast(Generic[T]):
    """Dart's broadcast StreamController, enough for the tests: ``add``/``add_error``.

    Each ``subscribe()`` is an iterator of what is added after it; an error item is raised
    by ``__anext__`` and the iterator goes on (as a Dart stream does after an error).
    """

    def __init__(self) -> None:
        self._queues: list[asyncio.Queue[tuple[bool, Any]]] = []

    def add(self, item: T) -> None:
        for queue in self._queues:
            queue.put_nowait((True, item))

    def add_error(self, error: Exception) -> None:
        for queue in self._queues:
            queue.put_nowait((False, error))

    def subscribe(self) -> AsyncIterator[T]:
        queue: asyncio.Queue[tuple[bool, Any]] = asyncio.Queue()
        self._queues.append(queue)
        return _Subscriber(queue, self._queues)


class _Subscriber(Generic[T]):
    def __init__(
        self, queue: asyncio.Queue[tuple[bool, Any]], queues: list[asyncio.Queue[tuple[bool, Any]]]
    ) -> None:
        self._queue = queue
        self._queues = queues

    def __aiter__(self) -> _Subscriber[T]:
        return self

    async def __anext__(self) -> T:
        ok, item = await self._queue.get()
        if not ok:
            raise item
        value: T = item
        return value

    async def aclose(self) -> None:
        if self._queue in self._queues:
            self._queues.remove(self._queue)
