"""The submission ledger's view of one submission: its records and each one's latest outcome."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from proxyreg.domain._model import Submission
from proxyreg.domain._outcome import Outcome, RecordResult


@attrs.frozen
class LedgerEntry:
    """A submission as the ledger keeps it.

    ``submission`` holds every record ever sent under its id, in the original
    order; ``outcomes`` the latest answer per mentor. A mentor without an
    outcome had no answer recorded: in flight, or lost to a crash (reconcile).
    """

    submission: Submission
    outcomes: Mapping[str, RecordResult] = attrs.field(factory=dict)

    def unanswered(self) -> tuple[str, ...]:
        """Mentors with no recorded outcome, in submission order."""
        return tuple(m for m in self.submission.mentor_ids if m not in self.outcomes)

    def in_doubt(self) -> tuple[str, ...]:
        """Mentors whose fate the ledger does not know: no outcome, or ``unknown``."""
        return tuple(
            m
            for m in self.submission.mentor_ids
            if m not in self.outcomes or self.outcomes[m].outcome is Outcome.UNKNOWN
        )
