"""The data every repository under contract starts from: two chapters, two coordinators."""

from __future__ import annotations

import attrs

from proxyreg.domain import Coordinator, Mentor

OSLO = "chapter-oslo"
BERGEN = "chapter-bergen"


@attrs.frozen
class World:
    """Coordinators, mentors and who is assigned to whom."""

    coordinators: tuple[Coordinator, ...]
    mentors: tuple[Mentor, ...]
    assignments: tuple[tuple[str, str], ...]  # (coordinator id, mentor id)

    def assigned_to(self, coordinator_id: str) -> list[str]:
        return [m for c, m in self.assignments if c == coordinator_id]


KARI = Coordinator("coord-1", "Kari Nordmann", OSLO)
OLA = Coordinator("coord-2", "Ola Hansen", BERGEN)

_OSLO_MENTORS = tuple(
    Mentor(f"m{i:02d}", f"Mentor {i:02d}", OSLO, active=i != 8) for i in range(1, 13)
)
_BERGEN_MENTORS = (Mentor("x01", "Someone Else", BERGEN), Mentor("x02", "Another One", BERGEN))

WORLD = World(
    coordinators=(KARI, OLA),
    mentors=_OSLO_MENTORS + _BERGEN_MENTORS,
    assignments=tuple((KARI.id, m.id) for m in _OSLO_MENTORS)
    + tuple((OLA.id, m.id) for m in _BERGEN_MENTORS),
)
PAUSED_ID = "m08"
