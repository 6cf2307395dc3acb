"""Generic BLoC engine, a Python reference of Dart's ``bloc`` package (felangel/bloc).

Knows nothing of the product's domain. ``Cubit`` holds a state set with ``emit``; ``Bloc``
turns events into states through handlers registered with ``on``; ``BlocObserver`` watches
any bloc it is given; the transformers say how runs of one handler may overlap; ``EventBus``
is a synchronous publish/subscribe queue for wiring blocs together.
"""

from ._bloc import (
    Bloc,
    BlocBase,
    BlocClosedError,
    Cubit,
    EmitAfterDoneError,
    Emitter,
    Handler,
    UnhandledEventError,
)
from ._bus import EventBus, Subscription
from ._observer import BlocObserver
from ._records import Change, Transition
from ._transformers import EventTransformer, concurrent, droppable, restartable, sequential

__all__ = [
    "Bloc",
    "BlocBase",
    "BlocClosedError",
    "BlocObserver",
    "Change",
    "Cubit",
    "EmitAfterDoneError",
    "Emitter",
    "EventBus",
    "EventTransformer",
    "Handler",
    "Subscription",
    "Transition",
    "UnhandledEventError",
    "concurrent",
    "droppable",
    "restartable",
    "sequential",
]
