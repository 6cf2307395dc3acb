"""Which values are serializable, and the type tag each one carries.

Every frozen attrs value the flows and the domain export is in the catalog:
events, states, the values inside them, and the context a scenario replays
with. A class is tagged with its own name, the same name the Dart port uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

import attrs

from proxyreg import domain, flows

# Not values: an Edge holds its guard functions (docs/diagrams shows the edges); the
# message catalogue is exported as its own file (messages.json), not as tagged values.
EXCLUDED: frozenset[type] = frozenset({flows.Edge, domain.Message, domain.MessageCatalogue})


def _attrs_classes(modules: Iterable[ModuleType]) -> list[type]:
    found: list[type] = []
    for module in modules:
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and attrs.has(obj) and obj not in EXCLUDED:
                found.append(obj)
    return found


CATALOG: tuple[type, ...] = tuple(
    sorted(set(_attrs_classes((flows, domain))), key=lambda cls: cls.__name__)
)
"""Every serializable class, by name."""

BY_TAG: dict[str, type] = {cls.__name__: cls for cls in CATALOG}
if len(BY_TAG) != len(CATALOG):  # pragma: no cover - a guard for future classes
    raise RuntimeError("two serializable classes share a name; tags must be unique")


def is_base(cls: type) -> bool:
    """Whether ``cls`` is a base other catalog classes derive from (``ProxyEvent``, …).

    A base is never serialized itself: a value typed with it is one of its subclasses.
    """
    return any(other is not cls and issubclass(other, cls) for other in CATALOG)


CONCRETE: tuple[type, ...] = tuple(cls for cls in CATALOG if not is_base(cls))
"""The classes whose values are serialized, each with its own tag."""


def concrete_subclasses(cls: type) -> tuple[type, ...]:
    """The concrete catalog classes a value typed ``cls`` may be, by name."""
    return tuple(other for other in CONCRETE if issubclass(other, cls))


def events() -> tuple[type, ...]:
    """The concrete events of both flows."""
    return concrete_subclasses(flows.ProxyEvent)


STATES: tuple[type, ...] = (
    flows.ProxyRegistrationState,
    flows.SingleProxyState,
    flows.BulkProxyState,
)
"""The state of each bloc: the root, the single flow and the bulk flow."""
