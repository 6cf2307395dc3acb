"""The demo world, in one place: a chapter, its coordinator and 40 mentors.

`proxyreg init --demo` seeds it into a database and makes the demo coordinator the
default; `proxyreg demo` seeds it into a fresh file of its own. Two mentors are
paused and three are assigned to another coordinator of the same chapter, so the
demo coordinator's own roster holds 37 mentors, 35 of them active.
"""

from __future__ import annotations

from collections.abc import Mapping

from proxyreg.domain import Coordinator, Mentor

CHAPTER_ID = "chapter-demo"

COORDINATOR = Coordinator("coord-demo", "Ingrid Solberg", CHAPTER_ID)
"""The demo coordinator: the database's default after ``init --demo``."""

OTHER_COORDINATOR = Coordinator("coord-other", "Magnus Eide", CHAPTER_ID)
"""A colleague in the same chapter, with three mentors of their own."""

_NAMES = (
    "Aisha Rahman",
    "Bjørn Lie",
    "Camila Ortiz",
    "Dawit Tesfaye",
    "Elin Strand",
    "Farah Haddad",
    "Gustav Moe",
    "Hanna Nilsen",
    "Ibrahim Yusuf",
    "Julie Bakken",
    "Kristoffer Dahl",
    "Leila Karimi",
    "Marte Haugen",
    "Nils Aasen",
    "Oda Lund",
    "Per Sandvik",
    "Querida Alves",
    "Ragnhild Berg",
    "Samir Benali",
    "Tuva Ødegård",
    "Ulrik Foss",
    "Vilde Myhre",
    "William Ekeberg",
    "Xenia Popova",
    "Yasmin Ali",
    "Zofia Nowak",
    "Amund Brekke",
    "Birgitte Solheim",
    "Chen Wei",
    "Dagny Fjeld",
    "Emil Rønning",
    "Fatima Osman",
    "Geir Hovland",
    "Hedda Vik",
    "Ivar Tangen",
    "Jonas Berg",
    "Kaja Holm",
    "Lars Ruud",
    "Mina Sørensen",
    "Noor Hassan",
)

PAUSED_IDS = ("m08", "m36")
"""Hanna Nilsen and Jonas Berg are on a break: nothing can be registered for them."""

OTHER_COORDINATORS_IDS = ("m38", "m39", "m40")
"""Lars Ruud, Mina Sørensen and Noor Hassan are Magnus Eide's, not the demo coordinator's."""

MENTORS = tuple(
    Mentor(f"m{i:02d}", name, CHAPTER_ID, active=f"m{i:02d}" not in PAUSED_IDS)
    for i, name in enumerate(_NAMES, start=1)
)

COORDINATORS = (COORDINATOR, OTHER_COORDINATOR)

ASSIGNMENTS: Mapping[str, tuple[str, ...]] = {
    COORDINATOR.id: tuple(m.id for m in MENTORS if m.id not in OTHER_COORDINATORS_IDS),
    OTHER_COORDINATOR.id: OTHER_COORDINATORS_IDS,
}
"""Who may register for whom: coordinator id to mentor ids."""


def assignment_pairs() -> tuple[tuple[str, str], ...]:
    """The assignments as (coordinator id, mentor id) pairs, as `SqliteRepository` takes them."""
    return tuple((c, m) for c, mentors in ASSIGNMENTS.items() for m in mentors)
