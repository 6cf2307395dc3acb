"""The scripted event sequences the shipped scenarios are generated from.

Each script is what a coordinator and the backend do; the expected states are
not written here: `generate` replays each script on the engine and records
them. Between them the scripts pull every trigger along every declared edge
of both lifecycles, use every event type, and walk the isolation promises
(switching flows mid-submission, late results, Retry failed) and the edge
cases of validation.
"""

from __future__ import annotations

import datetime as dt

import attrs

from proxyreg import flows
from proxyreg.domain import (
    MESSAGES,
    ActivityDraft,
    Coordinator,
    LedgerEntry,
    Mentor,
    Outcome,
    ProxyRecord,
    RecordResult,
    Roster,
    Submission,
    ValidationRules,
    client_key,
)
from proxyreg.flows import ProxyEvent

TODAY = dt.date(2026, 11, 25)
COORDINATOR = Coordinator("coord-1", "Kari Nordmann", "chapter-oslo")
ROSTER = Roster(
    COORDINATOR,
    (
        Mentor("m01", "Anna Berg", "chapter-oslo"),
        Mentor("m02", "Bjørn Dahl", "chapter-oslo"),
        Mentor("m03", "Cecilie Ek", "chapter-oslo"),
        Mentor("m04", "David Fjell", "chapter-oslo", active=False),
    ),
)
CONTEXT = flows.FlowContext(ROSTER, TODAY)
HOME_VISIT = ActivityDraft("home_visit", TODAY, 60, "Coffee and a walk")


@attrs.frozen
class Script:
    """One scenario before replay: its name, what it shows, the bloc, and the events."""

    name: str
    description: str
    events: tuple[ProxyEvent, ...]
    bloc: str = "root"
    context: flows.FlowContext = CONTEXT
    initial_state: object = flows.INITIAL_REGISTRATION_STATE


def answer(
    submission_id: str, mentor_id: str, outcome: Outcome, *, code: str | None = None
) -> RecordResult:
    """The backend's answer for one mentor's record, keyed as the backend keys it."""
    key = client_key(submission_id, mentor_id)
    record_id = f"rec-{submission_id}-{mentor_id}" if outcome.is_success else None
    # The codes and texts the real backends and orchestrator give, from the catalogue.
    said = {
        Outcome.REGISTERED: "record.registered",
        Outcome.ALREADY_REGISTERED: "record.replay",
        Outcome.REJECTED: "record.not_assigned",
        Outcome.FAILED: "record.not_saved",
        Outcome.UNKNOWN: "record.in_doubt",
    }[outcome]
    if code == "cancelled":
        said = "record.cancelled"
    message = MESSAGES[said]
    return RecordResult(key, outcome, record_id, code or message.error_code, message.render())


def no_answer(error: str) -> str:
    """What the bloc says when the gateway's submit raised ``error``."""
    return MESSAGES.text("flow.no_answer", error=error)


def bulk_result(
    submission_id: str, mentor_id: str, outcome: Outcome, *, code: str | None = None
) -> flows.BulkRecordResultReceived:
    return flows.BulkRecordResultReceived(
        submission_id, mentor_id, answer(submission_id, mentor_id, outcome, code=code)
    )


def single_outcome(submission_id: str, mentor_id: str, outcome: Outcome) -> ProxyEvent:
    return flows.SingleOutcomeReceived(submission_id, answer(submission_id, mentor_id, outcome))


def single_form(
    mentor_id: str = "m01", draft: ActivityDraft = HOME_VISIT
) -> tuple[ProxyEvent, ...]:
    """Pick a mentor and fill in every field of the single form."""
    return (
        flows.SingleMentorPicked(mentor_id),
        flows.SingleActivityKindChanged(draft.kind),
        flows.SingleActivityDateChanged(draft.date),
        flows.SingleDurationChanged(draft.minutes),
        flows.SingleNotesChanged(draft.notes),
    )


def bulk_form(*mentor_ids: str, draft: ActivityDraft = HOME_VISIT) -> tuple[ProxyEvent, ...]:
    """Tick mentors and fill in the shared draft."""
    return (
        flows.BulkMentorsSelected(mentor_ids),
        flows.BulkActivityKindChanged(draft.kind),
        flows.BulkActivityDateChanged(draft.date),
        flows.BulkDurationChanged(draft.minutes),
    )


def ledger_entry(
    submission_id: str, outcomes: dict[str, Outcome], mentor_ids: tuple[str, ...]
) -> LedgerEntry:
    """The ledger's view of a submission of ``mentor_ids`` with the given answers so far."""
    records = tuple(
        ProxyRecord.for_mentor(
            submission_id=submission_id,
            mentor_id=m,
            coordinator_id=COORDINATOR.id,
            draft=HOME_VISIT,
        )
        for m in mentor_ids
    )
    return LedgerEntry(
        Submission(submission_id, COORDINATOR.id, records),
        {m: answer(submission_id, m, o) for m, o in outcomes.items()},
    )


R, A, X, F, U = (
    Outcome.REGISTERED,
    Outcome.ALREADY_REGISTERED,
    Outcome.REJECTED,
    Outcome.FAILED,
    Outcome.UNKNOWN,
)

SINGLE_SCRIPTS = (
    Script(
        "single-registered",
        "Single flow: fill in the form, submit, registered; the form is then locked.",
        (
            flows.SingleFlowEntered(),
            *single_form(),
            flows.SingleParticipantsChanged(None),
            flows.SingleActivitySubmitted("s-1"),
            single_outcome("s-1", "m01", R),
            flows.SingleDurationChanged(30),
            flows.SingleFlowExited(),
        ),
    ),
    Script(
        "single-rejected-then-edited",
        "Single flow: rejected, an edit reopens the form, the next Submit is a new submission.",
        (
            flows.SingleFlowEntered(),
            *single_form(),
            flows.SingleActivitySubmitted("s-1"),
            single_outcome("s-1", "m01", X),
            flows.SingleDurationChanged(45),
            flows.SingleActivitySubmitted("s-2"),
            single_outcome("s-2", "m01", R),
        ),
    ),
    Script(
        "single-failed-retried",
        "Single flow: no answer, then Retry sends the same submission (same client key); "
        "the backend answers it was already registered.",
        (
            flows.SingleFlowEntered(),
            *single_form(),
            flows.SingleActivitySubmitted("s-1"),
            single_outcome("s-1", "m01", U),
            flows.SingleNotesChanged("edited after a failure"),
            flows.SingleActivitySubmitted("s-ignored"),
            single_outcome("s-1", "m01", F),
            flows.SingleActivitySubmitted("s-ignored-too"),
            single_outcome("s-1", "m01", A),
        ),
    ),
    Script(
        "single-stale-and-repeated-answers",
        "Single flow: answers of an older submission, with a foreign client key, a second "
        "Submit while sending, and a repeated answer all change nothing.",
        (
            flows.SingleFlowEntered(),
            *single_form(),
            flows.SingleActivitySubmitted("s-1"),
            flows.SingleActivitySubmitted("s-2"),
            flows.SingleMentorPicked("m02"),
            single_outcome("s-0", "m01", R),
            flows.SingleOutcomeReceived("s-1", answer("s-1", "m02", R)),
            single_outcome("s-1", "m01", R),
            single_outcome("s-1", "m01", F),
        ),
    ),
    Script(
        "single-validation",
        "Single flow validation: each field's edge cases, shown as the field is edited and "
        "all at once on Submit; a refused mentor is never picked.",
        (
            flows.SingleFlowEntered(),
            flows.SingleActivitySubmitted("s-1"),
            flows.SingleMentorPicked("m04"),
            flows.SingleMentorPicked("nobody"),
            flows.SingleMentorPicked("m01"),
            flows.SingleActivityKindChanged("juggling"),
            flows.SingleActivityKindChanged(""),
            flows.SingleActivityKindChanged("group_meeting"),
            flows.SingleParticipantsChanged(0),
            flows.SingleParticipantsChanged(1001),
            flows.SingleParticipantsChanged(12),
            flows.SingleActivityKindChanged("phone_call"),
            flows.SingleParticipantsChanged(None),
            flows.SingleActivityDateChanged(TODAY + dt.timedelta(days=1)),
            flows.SingleActivityDateChanged(TODAY - dt.timedelta(days=61)),
            flows.SingleActivityDateChanged(TODAY - dt.timedelta(days=60)),
            flows.SingleActivityDateChanged(None),
            flows.SingleDurationChanged(0),
            flows.SingleDurationChanged(1441),
            flows.SingleDurationChanged(None),
            flows.SingleNotesChanged("tab\tand newline\nare fine, a bell \x07 is not"),
            flows.SingleNotesChanged("x" * 2001),
            flows.SingleNotesChanged("x" * 2000),
            flows.SingleActivitySubmitted("s-2"),
            flows.SingleActivityDateChanged(TODAY),
            flows.SingleDurationChanged(1440),
            flows.SingleActivitySubmitted("s-3"),
        ),
    ),
    Script(
        "single-bloc-alone",
        "The single flow's own bloc, without the root: the same reducer, one subtree.",
        (
            flows.SingleFlowEntered(),
            *single_form("m02"),
            flows.SingleActivitySubmitted("s-1"),
            single_outcome("s-1", "m02", R),
            flows.SingleFlowEntered(),
        ),
        bloc="single",
        initial_state=flows.INITIAL_SINGLE_STATE,
    ),
)

BULK_SCRIPTS = (
    Script(
        "bulk-completed",
        "Bulk flow: filter, select all (paused mentors left out), adjust the selection, fill "
        "in a group activity, submit, every mentor registered; then a new submission.",
        (
            flows.BulkFlowEntered(),
            flows.BulkFilterChanged("E"),
            flows.BulkAllMentorsSelected(),
            flows.BulkFilterChanged(""),
            flows.BulkMentorsDeselected(("m02", "m09")),
            flows.BulkSelectionCleared(),
            flows.BulkMentorsSelected(("m01", "m02", "m03")),
            flows.BulkActivityKindChanged("group_meeting"),
            flows.BulkActivityDateChanged(TODAY),
            flows.BulkDurationChanged(90),
            flows.BulkNotesChanged("Autumn meet-up"),
            flows.BulkParticipantsChanged(6),
            flows.BulkActivitySubmitted("b-1"),
            bulk_result("b-1", "m02", R),
            bulk_result("b-1", "m01", A),
            flows.BulkNotesChanged("too late to edit"),
            bulk_result("b-1", "m03", R),
            flows.BulkNewSubmissionStarted(),
            flows.BulkNewSubmissionStarted(),
            flows.BulkFlowExited(),
        ),
    ),
    Script(
        "bulk-partially-failed-retry-failed",
        "Bulk flow: registered, failed and rejected mentors; Retry failed resends exactly the "
        "failed one with the same submission and pre-selects only it.",
        (
            flows.BulkFlowEntered(),
            *bulk_form("m01", "m02", "m03"),
            flows.BulkActivitySubmitted("b-1"),
            bulk_result("b-1", "m01", R),
            bulk_result("b-1", "m02", F),
            bulk_result("b-1", "m03", X),
            flows.BulkRetryFailedRequested(),
            bulk_result("b-1", "m02", A),
            flows.BulkRetryFailedRequested(),
            flows.BulkNewSubmissionStarted(),
        ),
    ),
    Script(
        "bulk-failed-retry-failed",
        "Bulk flow: every record failed; Retry failed resends them all, same client keys.",
        (
            flows.BulkFlowEntered(),
            *bulk_form("m01", "m02"),
            flows.BulkActivitySubmitted("b-1"),
            bulk_result("b-1", "m01", F),
            bulk_result("b-1", "m02", U),
            flows.BulkRetryFailedRequested(),
            bulk_result("b-1", "m01", R),
            bulk_result("b-1", "m02", A),
        ),
    ),
    Script(
        "bulk-all-rejected",
        "Bulk flow: every record rejected; nothing is retryable, so only a new submission helps.",
        (
            flows.BulkFlowEntered(),
            *bulk_form("m01", "m02"),
            flows.BulkActivitySubmitted("b-1"),
            bulk_result("b-1", "m01", X),
            bulk_result("b-1", "m02", X),
            flows.BulkRetryFailedRequested(),
            flows.BulkNewSubmissionStarted(),
        ),
    ),
    Script(
        "bulk-submission-broke-off",
        "Bulk flow: the submission breaks off; pending mentors become unknown, ready for Retry "
        "failed; a second break-off of the same submission is too late.",
        (
            flows.BulkFlowEntered(),
            *bulk_form("m01", "m02", "m03"),
            flows.BulkActivitySubmitted("b-1"),
            bulk_result("b-1", "m01", R),
            flows.BulkSubmissionFailed("b-1", no_answer("connection dropped")),
            flows.BulkRetryFailedRequested(),
            flows.BulkSubmissionFailed("b-1", no_answer("timed out")),
            flows.BulkSubmissionFailed("b-1", no_answer("repeated")),
            flows.BulkNewSubmissionStarted(),
            *bulk_form("m02"),
            flows.BulkActivitySubmitted("b-2"),
            flows.BulkSubmissionFailed("b-2", no_answer("timed out")),
        ),
    ),
    Script(
        "bulk-cancelled",
        "Bulk flow: Cancel while sending; records in flight settle, those never sent come back "
        "failed with code cancelled, and Retry failed sends exactly those.",
        (
            flows.BulkFlowEntered(),
            *bulk_form("m01", "m02", "m03"),
            flows.BulkActivitySubmitted("b-1"),
            bulk_result("b-1", "m01", R),
            flows.BulkSubmissionCancelled(),
            flows.BulkSubmissionCancelled(),
            bulk_result("b-1", "m02", R),
            bulk_result("b-1", "m03", F, code="cancelled"),
            flows.BulkSubmissionCancelled(),
            flows.BulkRetryFailedRequested(),
            bulk_result("b-1", "m03", R),
        ),
    ),
    Script(
        "bulk-late-and-foreign-results",
        "Bulk flow: results of an earlier submission, for a mentor not in it, repeated, or with "
        "another record's client key change nothing.",
        (
            flows.BulkFlowEntered(),
            *bulk_form("m01", "m02"),
            flows.BulkActivitySubmitted("b-1"),
            bulk_result("b-1", "m01", R),
            bulk_result("b-1", "m02", R),
            flows.BulkNewSubmissionStarted(),
            *bulk_form("m01", "m03"),
            flows.BulkActivitySubmitted("b-2"),
            bulk_result("b-1", "m01", F),
            bulk_result("b-2", "m02", R),
            flows.BulkRecordResultReceived("b-2", "m01", answer("b-2", "m03", R)),
            bulk_result("b-2", "m01", R),
            bulk_result("b-2", "m01", F),
            flows.BulkActivitySubmitted("b-3"),
            flows.BulkMentorsSelected(("m02",)),
            bulk_result("b-2", "m03", R),
            bulk_result("b-2", "m03", R),
        ),
    ),
    Script(
        "bulk-validation",
        "Bulk flow validation: an empty Submit names every problem; one paused, unassigned or "
        "repeated id refuses the whole selection; a batch over the limit is refused on Submit.",
        (
            flows.BulkFlowEntered(),
            flows.BulkActivitySubmitted("b-1"),
            flows.BulkMentorsSelected(("m01", "m04")),
            flows.BulkMentorsSelected(("m01", "x99")),
            flows.BulkMentorsSelected(("m01", "m01")),
            flows.BulkMentorsSelected(("m01", "m02", "m03")),
            flows.BulkActivityKindChanged("training"),
            flows.BulkActivityDateChanged(TODAY),
            flows.BulkDurationChanged(120),
            flows.BulkActivitySubmitted("b-2"),
            flows.BulkParticipantsChanged(4),
            flows.BulkActivitySubmitted("b-3"),
            flows.BulkMentorsDeselected(("m03",)),
            flows.BulkActivitySubmitted("b-4"),
            flows.BulkMentorsSelected(("m03",)),
        ),
        context=attrs.evolve(CONTEXT, rules=ValidationRules(max_selection=2)),
    ),
    Script(
        "bulk-restored",
        "The bulk flow's own bloc: entering it offers the last submission from the ledger, in "
        "the phase its records are in: still sending, completed, failed or partially failed.",
        (
            flows.BulkFlowEntered(),
            flows.BulkSubmissionRestored(ledger_entry("b-1", {"m01": R}, ("m01", "m02"))),
            bulk_result("b-1", "m02", R),
            flows.BulkFlowEntered(),
            flows.BulkSubmissionRestored(ledger_entry("b-1", {"m01": R, "m02": R}, ("m01", "m02"))),
            flows.BulkNewSubmissionStarted(),
            flows.BulkFlowEntered(),
            flows.BulkSubmissionRestored(ledger_entry("b-2", {"m01": F, "m02": X}, ("m01", "m02"))),
            flows.BulkRetryFailedRequested(),
            bulk_result("b-2", "m01", R),
            flows.BulkFlowEntered(),
            flows.BulkSubmissionRestored(ledger_entry("b-3", {"m01": R, "m02": U}, ("m01", "m02"))),
            flows.BulkSubmissionRestored(ledger_entry("b-4", {}, ("m01",))),
            flows.BulkFlowEntered(),
            flows.BulkFilterChanged("a"),
            flows.BulkSubmissionRestored(ledger_entry("b-4", {}, ("m01",))),
            flows.BulkFlowEntered(),
            flows.BulkSubmissionRestored(
                LedgerEntry(
                    Submission(
                        "b-5", "coord-2", ledger_entry("b-5", {}, ("m01",)).submission.records
                    )
                )
            ),
        ),
        bloc="bulk",
        initial_state=flows.INITIAL_BULK_STATE,
    ),
)

ISOLATION_SCRIPTS = (
    Script(
        "isolation-switch-mid-submission",
        "Leaving the bulk flow mid-submission: its late results are not applied while the single "
        "flow is active and never touch it; coming back restores the submission from the ledger "
        "and the remaining results land; Retry failed still works.",
        (
            flows.BulkFlowEntered(),
            *bulk_form("m01", "m02", "m03"),
            flows.BulkActivitySubmitted("b-1"),
            bulk_result("b-1", "m01", R),
            flows.BulkFlowExited(),
            flows.SingleFlowEntered(),
            bulk_result("b-1", "m02", F),
            flows.BulkRetryFailedRequested(),
            *single_form("m03"),
            flows.SingleActivitySubmitted("s-1"),
            flows.SingleFlowExited(),
            single_outcome("s-1", "m03", R),
            flows.BulkFlowEntered(),
            flows.BulkSubmissionRestored(
                ledger_entry("b-1", {"m01": R, "m02": F}, ("m01", "m02", "m03"))
            ),
            bulk_result("b-1", "m03", R),
            flows.BulkRetryFailedRequested(),
            bulk_result("b-1", "m02", R),
            flows.SingleFlowEntered(),
        ),
    ),
    Script(
        "isolation-inactive-flows",
        "No flow active: events of either flow change nothing; entering a flow resets only its "
        "own subtree, whatever the other one holds.",
        (
            flows.SingleMentorPicked("m01"),
            flows.BulkMentorsSelected(("m01",)),
            flows.SingleFlowEntered(),
            *single_form("m02"),
            flows.BulkFlowEntered(),
            flows.SingleDurationChanged(5),
            flows.BulkMentorsSelected(("m01",)),
            flows.SingleFlowEntered(),
            flows.BulkFlowEntered(),
            flows.BulkFlowExited(),
            flows.SingleFlowExited(),
        ),
    ),
)

SCRIPTS: tuple[Script, ...] = SINGLE_SCRIPTS + BULK_SCRIPTS + ISOLATION_SCRIPTS
