"""What a registration command answers: one line per mentor, the counts, the exit status.

Built from the states the engine emits (through the presentation selectors), so the
table, the JSON object and the exit status all say what the result screen says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from proxyreg.cli.command import EXIT_INCOMPLETE, EXIT_OK
from proxyreg.domain import DEFAULT_RULES, ActivityDraft, LedgerEntry, Roster
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    BulkPhase,
    BulkProxyState,
    BulkSubmissionRestored,
    FlowContext,
    Ignored,
    MentorStatus,
    SingleProxyState,
    reduce_bulk,
)
from proxyreg.presentation import result_screen, single_form

STATUSES = ("registered", "already_registered", "rejected", "failed", "unknown")
"""The statuses a record ends in, in the order the counts list them."""

NO_ANSWER_YET = "No answer recorded yet: it may still be in flight, or was interrupted."
SETTLE = "proxyreg retry-failed"
"""The command that settles a bulk submission's failed, unknown and unanswered records."""


@attrs.frozen
class Activity:
    """What was registered: the kind, the day and the minutes (the submission's first
    record's, the same for every record of a submission)."""

    kind: str
    date: dt.date
    minutes: int

    @classmethod
    def of(cls, draft: ActivityDraft) -> Activity | None:
        if draft.kind is None or draft.date is None or draft.minutes is None:
            return None
        return cls(draft.kind, draft.date, draft.minutes)

    def __str__(self) -> str:
        kind = DEFAULT_RULES.kinds_by_id.get(self.kind)
        label = kind.label if kind is not None else self.kind
        return f"{label} on {self.date.isoformat()}, {self.minutes} minutes"


@attrs.frozen
class ResultLine:
    """One mentor's record: how it ended and what the coordinator reads beside the name."""

    mentor_id: str
    mentor_name: str
    status: str
    record_id: str | None
    error_code: str | None
    message: str

    @property
    def succeeded(self) -> bool:
        return self.status in ("registered", "already_registered")


@attrs.frozen
class Report:
    """A submission's outcome, one line per mentor in submission order.

    ``strategy`` is how it was sent by this command; None when read back from the
    ledger, which does not keep it. ``flow`` is ``bulk`` or ``single``; ``activity``
    what was registered; ``settle`` the command that resends what is left to settle
    (None when nothing is, or for the single flow).
    """

    submission_id: str | None
    strategy: str | None
    headline: str
    lines: tuple[ResultLine, ...]
    flow: str = "bulk"
    activity: Activity | None = None
    settle: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {status: sum(1 for x in self.lines if x.status == status) for status in STATUSES}

    @property
    def unsettled(self) -> int:
        """How many records Retry failed would resend: failed, unknown or unanswered."""
        return sum(1 for x in self.lines if x.status in ("failed", "unknown"))

    @property
    def exit_status(self) -> int:
        """0 when every record ended registered or already registered, else 3."""
        return EXIT_OK if all(x.succeeded for x in self.lines) else EXIT_INCOMPLETE

    def to_json(self) -> dict[str, Any]:
        """The contract's object (docs/cli.md): these keys, in this order."""
        return {
            "submission_id": self.submission_id,
            "strategy": self.strategy,
            "total": len(self.lines),
            "counts": self.counts,
            "results": [
                {
                    "mentor_id": x.mentor_id,
                    "mentor_name": x.mentor_name,
                    "status": x.status,
                    "record_id": x.record_id,
                    "error_code": x.error_code,
                    "message": x.message,
                }
                for x in self.lines
            ],
            "flow": self.flow,
            "kind": None if self.activity is None else self.activity.kind,
            "date": None if self.activity is None else self.activity.date.isoformat(),
            "minutes": None if self.activity is None else self.activity.minutes,
        }


def bulk_report(state: BulkProxyState, roster: Roster, strategy: str | None) -> Report:
    """The bulk result screen as a report."""
    screen = result_screen(state, roster)
    lines = []
    for row in screen.rows:
        entry = state.board.get(row.mentor_id)
        if row.status is MentorStatus.PENDING:
            lines.append(ResultLine(row.mentor_id, row.name, "unknown", None, None, NO_ANSWER_YET))
            continue
        lines.append(
            ResultLine(
                row.mentor_id,
                row.name,
                row.status.value,
                entry.record_id if entry else None,
                entry.code if entry else None,
                row.message,
            )
        )
    headline = screen.headline if screen.error is None else f"{screen.headline} {screen.error}"
    report = Report(
        state.submission_id, strategy, headline, tuple(lines), activity=Activity.of(state.draft)
    )
    return attrs.evolve(report, settle=SETTLE if report.unsettled else None)


def single_report(state: SingleProxyState, roster: Roster, strategy: str | None) -> Report:
    """The single form's outcome as a report of one line."""
    mentor_id = state.mentor_id or ""
    mentor = roster.by_id.get(mentor_id)
    outcome = state.outcome
    form = single_form(state)
    line = ResultLine(
        mentor_id,
        mentor.name if mentor else mentor_id,
        outcome.outcome.value if outcome else "unknown",
        outcome.record_id if outcome else None,
        outcome.code if outcome else None,
        (outcome.message if outcome else "") or form.status or NO_ANSWER_YET,
    )
    return Report(
        state.submission_id,
        strategy,
        form.status,
        (line,),
        flow="single",
        activity=Activity.of(state.draft),
    )


def ledger_report(entry: LedgerEntry, context: FlowContext, *, latest: bool = False) -> Report:
    """A submission from the ledger, shown as the result screen shows a restored one.

    Nothing is being sent when the ledger is read, so records without an answer are not
    "sending": the headline says the sending was interrupted (or runs elsewhere) and how
    to settle them. ``latest``: it is the latest bulk submission, which `SETTLE` settles
    without naming it.
    """
    restored = reduce_bulk(INITIAL_BULK_STATE, BulkSubmissionRestored(entry), context)
    if isinstance(restored, Ignored):  # not this coordinator's: the caller checked already
        raise ValueError(restored.message)
    report = bulk_report(restored, context.roster, None)
    flow = entry.submission.kind
    settle = None
    if report.unsettled and flow == "bulk":
        settle = SETTLE if latest else f"{SETTLE} {entry.submission.id}"
    headline = report.headline
    unanswered = len(entry.unanswered())
    if restored.phase is BulkPhase.SUBMITTING and unanswered:
        total = len(report.lines)
        headline = f"Interrupted: {total - unanswered} of {total} answered, {unanswered} not."
    return attrs.evolve(report, flow=flow, settle=settle, headline=headline)
