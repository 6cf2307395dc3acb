"""Event transformers: how the runs of one ``Bloc.on`` registration may overlap.

A transformer is an immutable value (``concurrent()``, ``sequential()``, ``droppable()``,
``restartable()``, named after Dart's ``bloc_concurrency``). ``Bloc.on`` asks it for a fresh
``_Policy`` so one value can be shared by many registrations and many blocs.

The internal protocol, driven by the bloc for each (event, registration) pair, a "run":

* ``admit()`` when ``add`` is called; False drops the event (its ``add`` future completes
  at once and the handler never runs);
* ``begin(run)`` when the run is due to start, in ``add`` order; False parks it and the
  policy later calls ``run.resume()`` (or hands it back from ``drain`` on close);
* ``end(run)`` once the run has finished, whatever the outcome (also for parked runs
  that ``close`` ended);
* ``drain()`` on close: the parked runs, which the bloc then ends without starting.

Deciding at ``begin`` time rather than at ``add`` time is what keeps synchronous handlers in
``add`` order across registrations: a synchronous run finishes inside the loop callback
that began it, so a sequential registration never has to queue behind one.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol


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


class EventTransformer:
    """An immutable policy for overlapping runs of one registration; see the module doc.

    Obtain one from ``concurrent()``, ``sequential()``, ``droppable()`` or ``restartable()``;
    the constructor is internal.
    """

    __slots__ = ("_factory", "_name")

    def __init__(self, name: str, factory: type[_Policy] | None) -> None:
        self._name = name
        self._factory = factory

    def _bind(self) -> _Policy | None:
        """Fresh per-registration state; None means concurrent (nothing to track)."""
        return None if self._factory is None else self._factory()

    def __repr__(self) -> str:
        return f"{self._name}()"


_CONCURRENT = EventTransformer("concurrent", None)
_SEQUENTIAL = EventTransformer("sequential", _Sequential)
_DROPPABLE = EventTransformer("droppable", _Droppable)
_RESTARTABLE = EventTransformer("restartable", _Restartable)


def concurrent() -> EventTransformer:
    """Start each event's handler as soon as its turn in the loop comes (the default)."""
    return _CONCURRENT


def sequential() -> EventTransformer:
    """Run one handler at a time per registration, in arrival order."""
    return _SEQUENTIAL


def droppable() -> EventTransformer:
    """Drop events that arrive while this registration has an admitted, unfinished event.

    A dropped event's ``add`` future completes at once; its handler and ``on_done`` never run.
    """
    return _DROPPABLE


def restartable() -> EventTransformer:
    """Cancel this registration's running handler when the next event's handler starts.

    The cancelled handler's emitter is done and ignores further emits; the new handler starts
    without waiting for the old one to unwind.
    """
    return _RESTARTABLE
