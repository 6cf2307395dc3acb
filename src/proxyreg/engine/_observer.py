"""BlocObserver: one object that sees what every bloc it is given does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._bloc import Bloc, BlocBase
    from ._records import Change, Transition


class BlocObserver:
    """Receives the lifecycle of the blocs built with it; every hook is a no-op by default.

    Subclass and override what you need. A bloc calls its own overridable hook first, then
    the observer's. An exception raised by a hook is not caught by the engine: it propagates
    to whatever triggered the hook (``add``, ``emit``, the handler run, ``close``).
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
        """Called for a handler's exception, a listener's exception, or ``add_error``."""

    def on_done(self, bloc: Bloc[Any, Any], event: object, error: BaseException | None) -> None:
        """Called when a handler that started has finished.

        ``error`` is None on success, the exception it raised, or the ``CancelledError`` of a
        handler cancelled by ``restartable`` or ``close``. Dropped events and events whose
        handler never started (the bloc closed first) get no ``on_done``.
        """

    def on_close(self, bloc: BlocBase[Any]) -> None:
        """Called once by ``close`` after handlers have stopped, before streams end."""
