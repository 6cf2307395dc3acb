"""BlocObserver, one object that sees what every bloc it is given does; MultiBlocObserver."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._base import BlocBase
    from ._bloc import Bloc
    from ._records import Change, Transition


class BlocObserver:
    """Receives the lifecycle of the blocs built with it; every hook is a no-op by default.

    Subclass and override what you need. A bloc calls its own overridable hook first, then
    the observer's. An exception raised by ``on_event``, ``on_transition`` or ``on_change``
    propagates to what triggered it (``add`` raises; an ``emit`` raises inside the handler,
    which then fails, as in Dart). One raised by ``on_create``, ``on_error``, ``on_done`` or
    ``on_close`` is sent to the event loop's exception handler (see ``BlocBase.on_error``)
    and the rest of the sequence still runs.
    """

    def on_create(self, bloc: BlocBase[Any]) -> None:
        """Called at the end of ``BlocBase.__init__``, before a subclass finishes its own."""

    def on_event(self, bloc: Bloc[Any, Any], event: object) -> None:
        """Called synchronously by ``Bloc.add`` once the event is known to have a handler."""

    def on_transition(self, bloc: Bloc[Any, Any], transition: Transition[Any, Any]) -> None:
        """Called when a handler emits a new state, before ``on_change`` and the update."""

    def on_change(self, bloc: BlocBase[Any], change: Change[Any]) -> None:
        """Called for every new state, before ``bloc.state`` is updated."""

    def on_error(self, bloc: BlocBase[Any], error: BaseException) -> None:
        """Called for every error the bloc reports; see ``BlocBase.on_error``."""

    def on_done(self, bloc: Bloc[Any, Any], event: object, error: BaseException | None) -> None:
        """Called when a handler that started has finished.

        ``error`` is None on success, the exception it raised, or the ``CancelledError`` of a
        handler cancelled by ``restartable`` or by a cancelled ``close``. Dropped events get
        no ``on_done``.
        """

    def on_close(self, bloc: BlocBase[Any]) -> None:
        """Called once by ``close`` after every added event was handled, before streams end."""


class MultiBlocObserver(BlocObserver):
    """Forwards every hook to each of ``observers``, in the order given.

    An exception from one observer does not keep the later ones from being called; once
    all were called, the first such exception is raised (and the bloc treats it as it
    treats any observer's exception).
    """

    def __init__(self, observers: Iterable[BlocObserver]) -> None:
        self.observers = tuple(observers)

    def _each(self, call: Callable[[BlocObserver], object]) -> None:
        first: Exception | None = None
        for observer in self.observers:
            try:
                call(observer)
            except Exception as exc:
                if first is None:
                    first = exc
        if first is not None:
            raise first

    def on_create(self, bloc: BlocBase[Any]) -> None:
        self._each(lambda o: o.on_create(bloc))

    def on_event(self, bloc: Bloc[Any, Any], event: object) -> None:
        self._each(lambda o: o.on_event(bloc, event))

    def on_transition(self, bloc: Bloc[Any, Any], transition: Transition[Any, Any]) -> None:
        self._each(lambda o: o.on_transition(bloc, transition))

    def on_change(self, bloc: BlocBase[Any], change: Change[Any]) -> None:
        self._each(lambda o: o.on_change(bloc, change))

    def on_error(self, bloc: BlocBase[Any], error: BaseException) -> None:
        self._each(lambda o: o.on_error(bloc, error))

    def on_done(self, bloc: Bloc[Any, Any], event: object, error: BaseException | None) -> None:
        self._each(lambda o: o.on_done(bloc, event, error))

    def on_close(self, bloc: BlocBase[Any]) -> None:
        self._each(lambda o: o.on_close(bloc))
