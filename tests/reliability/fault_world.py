"""Who registers for whom in the fault tests (one coordinator, 300 mentors, all theirs), and
the server they register on."""

from __future__ import annotations

import attrs
from private_pg import PrivateCluster
from tcp_proxy import WireProxy

from proxyreg.domain import Coordinator, Mentor, Roster

COORDINATOR = Coordinator("coord-1", "Kari Nordmann", "chapter-oslo")
MENTORS = tuple(Mentor(f"m{i:03d}", f"Mentor {i:03d}", "chapter-oslo") for i in range(1, 301))
ROSTER = Roster(COORDINATOR, MENTORS)
ASSIGNMENTS = {COORDINATOR.id: [m.id for m in MENTORS]}


def mentor_ids(count: int) -> list[str]:
    """The first ``count`` mentors' ids."""
    return [m.id for m in MENTORS[:count]]


@attrs.frozen
class FaultyServer:
    """A private cluster holding ``ROSTER``, and a proxy in front of it."""

    cluster: PrivateCluster
    proxy: WireProxy
    dsn: str
    """Straight to the server, as the owner: for reading what it holds."""
    proxied_dsn: str
    """Through the proxy: what the code under test connects to."""
    roster: Roster = ROSTER
