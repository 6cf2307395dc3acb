"""Generic BLoC engine, a Python reference of Dart's ``bloc`` package (felangel/bloc).

Knows nothing of the product's domain. ``Cubit`` holds a state set with ``emit``; ``Bloc``
turns events into states through handlers registered with ``on``; ``BlocObserver`` (and
``MultiBlocObserver``) watches any bloc it is given; an ``EventTransformer`` says how the
events of one registration become handler runs; ``EventBus`` is a synchronous
publish/subscribe queue for wiring blocs together. docs/dart-mapping.md maps every API
of Dart's ``package:bloc`` to its name here.
"""

from ._base import BlocBase, BlocClosedError, Cubit
from ._bloc import Bloc, Handler, UnhandledEventError
from ._bus import EventBus, Subscription
from ._emitter import EmitAfterDoneError, Emitter
from ._observer import BlocObserver, MultiBlocObserver
from ._records import Change, Transition
from ._timing import debounce, throttle
from ._transformers import (
    EventMapper,
    EventTransformer,
    concurrent,
    droppable,
    restartable,
    sequential,
)

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
    "EventMapper",
    "EventTransformer",
    "Handler",
    "MultiBlocObserver",
    "Subscription",
    "Transition",
    "UnhandledEventError",
    "concurrent",
    "debounce",
    "droppable",
    "restartable",
    "sequential",
    "throttle",
]
