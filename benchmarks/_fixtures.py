"""The data the benchmarks share: one coordinator, a roster of N mentors, a valid draft."""

from __future__ import annotations

import datetime as dt
import pathlib
import resource

from proxyreg.domain import ActivityDraft, Coordinator, Mentor, ProxyRecord, Roster, Submission

TODAY = dt.date(2026, 11, 25)
COORDINATOR = Coordinator("coord-bench", "Kari Nordmann", "chapter-oslo")
DRAFT = ActivityDraft(kind="home_visit", date=TODAY, minutes=60, notes="Coffee and a walk")


def mentor_ids(count: int) -> tuple[str, ...]:
    """``count`` distinct mentor ids, m00000, m00001, …"""
    return tuple(f"m{i:05d}" for i in range(count))


def roster(count: int) -> Roster:
    """The coordinator with ``count`` active mentors."""
    return Roster(
        COORDINATOR,
        tuple(Mentor(m, f"Mentor {m}", COORDINATOR.chapter_id) for m in mentor_ids(count)),
    )


def submission(submission_id: str, mentors: Roster, count: int) -> Submission:
    """A bulk submission of ``DRAFT`` for the first ``count`` mentors of ``mentors``."""
    records = tuple(
        ProxyRecord.for_mentor(
            submission_id=submission_id,
            mentor_id=mentor.id,
            coordinator_id=COORDINATOR.id,
            draft=DRAFT,
        )
        for mentor in mentors.mentors[:count]
    )
    return Submission(submission_id, COORDINATOR.id, records)


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far, in MB (10⁶ bytes).

    Read from /proc (``VmHWM``) where there is one: ``ru_maxrss`` keeps the peak of the
    process image before ``exec``, so a child started from a large parent would report
    the parent's size.
    """
    try:
        for line in pathlib.Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux
