"""The bulk screens: the mentor picker, the progress bar and the per-mentor result screen."""

from __future__ import annotations

import attrs

from proxyreg.domain import MESSAGES, Roster
from proxyreg.flows import BulkPhase, BulkProxyState, MentorStatus, StatusCounts
from proxyreg.flows.bulk.reducer import matches_filter
from proxyreg.ports import ROLLED_BACK

SYMBOLS = {
    MentorStatus.PENDING: "…",
    MentorStatus.REGISTERED: "✓",
    MentorStatus.ALREADY_REGISTERED: "✓",
    MentorStatus.REJECTED: "✗",
    MentorStatus.FAILED: "✗",
    MentorStatus.UNKNOWN: "?",
}

_DEFAULT_MESSAGES = {status: MESSAGES.text(f"screen.row.{status.value}") for status in MentorStatus}

# What the coordinator can do about each status, said on the row itself.
_ADVICE = {
    status: MESSAGES.text(f"screen.advice.{status.value}")
    for status in (MentorStatus.REJECTED, MentorStatus.FAILED, MentorStatus.UNKNOWN)
}


@attrs.frozen
class MentorChoice:
    """One line of the mentor picker."""

    mentor_id: str
    name: str
    active: bool
    selected: bool


def mentor_choices(state: BulkProxyState, roster: Roster) -> tuple[MentorChoice, ...]:
    """The mentors the filter shows, in roster order, with whether each is ticked."""
    return tuple(
        MentorChoice(m.id, m.name, m.active, m.id in state.selected)
        for m in roster.mentors
        if matches_filter(m.name, state.filter_text)
    )


@attrs.frozen
class Progress:
    """The progress bar: ``done`` of ``total`` records have an answer."""

    done: int
    total: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.total == 0 else self.done / self.total


def progress(state: BulkProxyState) -> Progress:
    return Progress(state.board.counts.done, state.board.counts.total)


@attrs.frozen
class ResultRow:
    """One mentor's line on the result screen."""

    mentor_id: str
    name: str
    status: MentorStatus
    symbol: str
    message: str


@attrs.frozen
class ResultScreen:
    """The per-mentor result screen of the current submission."""

    headline: str
    rows: tuple[ResultRow, ...]
    counts: StatusCounts
    retry_enabled: bool
    error: str | None


_HEADLINES = {phase: MESSAGES[f"screen.bulk.{phase.value}"] for phase in BulkPhase}


def _row(state: BulkProxyState, roster: Roster, mentor_id: str) -> ResultRow:
    entry = state.board.get(mentor_id)
    status = MentorStatus.PENDING if entry is None else entry.status
    said = (entry.message if entry else "") or _DEFAULT_MESSAGES[status]
    advice = _ADVICE.get(status) if state.phase is not BulkPhase.SUBMITTING else None
    mentor = roster.by_id.get(mentor_id)
    return ResultRow(
        mentor_id,
        mentor.name if mentor else mentor_id,
        status,
        SYMBOLS[status],
        f"{said} {advice}" if advice else said,
    )


def _error(state: BulkProxyState, rows: tuple[ResultRow, ...]) -> str | None:
    """The banner: all-or-nothing failures name every mentor who stopped the batch."""
    rolled_back = [r for r in rows if _code(state, r) == ROLLED_BACK]
    if rolled_back:
        stopped = (MentorStatus.REJECTED, MentorStatus.FAILED, MentorStatus.UNKNOWN)
        culprits = [r for r in rows if r.status in stopped and r not in rolled_back]
        named = "; ".join(f"{r.name}: {state.board.entries[r.mentor_id].message}" for r in culprits)
        return MESSAGES.text("screen.banner.rolled_back", named=named)
    return state.last_error


def _code(state: BulkProxyState, row: ResultRow) -> str | None:
    entry = state.board.get(row.mentor_id)
    return None if entry is None else entry.code


def result_screen(state: BulkProxyState, roster: Roster) -> ResultScreen:
    """Rows in submission order; Retry failed is enabled only when it has something to resend."""
    counts = state.board.counts
    headline = _HEADLINES[state.phase].template.format(
        done=counts.done,
        total=counts.total,
        succeeded=counts.succeeded,
        open=counts.total - counts.succeeded,
    )
    if state.cancelling:
        headline = MESSAGES.text("screen.bulk.cancelling", done=counts.done, total=counts.total)
    rows = tuple(_row(state, roster, m) for m in state.submitted)
    return ResultScreen(
        headline=headline,
        rows=rows,
        counts=counts,
        retry_enabled=state.phase in (BulkPhase.PARTIALLY_FAILED, BulkPhase.FAILED)
        and counts.retryable > 0,
        error=_error(state, rows),
    )
