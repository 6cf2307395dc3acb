"""A registration session: the root bloc on one repository, fed the events a coordinator adds.

No registration logic lives here: the bloc validates, the orchestrator sends, and the
caller reads the states that come out. A state with field errors where a Submit was
expected becomes `BadInput` (nothing was sent, so nothing was stored). Every front end,
test and benchmark that drives a screen headlessly uses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable, Sequence

from proxyreg._closable import Closable
from proxyreg.adapters.faults import FaultSpec
from proxyreg.application._activity import ActivityFields, ActivityReading, activity_problems
from proxyreg.application._composition import compose, strategy_named
from proxyreg.application._errors import BadInput
from proxyreg.domain import (
    DEFAULT_RULES,
    FieldError,
    Roster,
    ValidationErrors,
    ValidationRules,
    mentor_error,
    validate_selection,
)
from proxyreg.flows import (
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkAllMentorsSelected,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkMentorsSelected,
    BulkNewSubmissionStarted,
    BulkNotesChanged,
    BulkParticipantsChanged,
    BulkPhase,
    BulkProxyState,
    BulkRetryFailedRequested,
    BulkSubmissionRestored,
    ProxyEvent,
    ProxyRegistrationBloc,
    ProxyRegistrationState,
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleFlowEntered,
    SingleMentorPicked,
    SingleNotesChanged,
    SingleParticipantsChanged,
    SinglePhase,
    SingleProxyState,
    retryable_mentors,
)
from proxyreg.orchestration import RetryPolicy, Strategy
from proxyreg.ports import ProxyRepository

StateListener = Callable[[ProxyRegistrationState], object]

_STRATEGY_WORDS = {"atomic": "All or nothing (atomic)"}
"""How a refusal names a strategy that cannot take a selection."""


class RegistrationSession(Closable):
    """The root bloc on one repository, acting for the roster's coordinator; closed on exit.

    Built with `build_bloc`'s options (strategy, today, faults, rules, seed, policy);
    ``on_state`` hears every state the bloc emits.
    """

    def __init__(
        self,
        repository: ProxyRepository,
        roster: Roster,
        *,
        strategy: str | Strategy = "rpc",
        today: dt.date | None = None,
        faults: FaultSpec | str | None = None,
        rules: ValidationRules = DEFAULT_RULES,
        on_state: StateListener | None = None,
        seed: int | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.repository = repository
        self.roster = roster
        self._today = today
        self._rules = rules
        self.bloc: ProxyRegistrationBloc
        self.bloc, self._orchestrator = compose(
            repository,
            roster,
            strategy=strategy,
            today=today,
            faults=faults,
            rules=rules,
            seed=seed,
            policy=policy,
        )
        if on_state is not None:
            self.bloc.listen(on_state)

    @property
    def strategy(self) -> str:
        """The name of the strategy the next submission is sent with."""
        return self._orchestrator.strategy.name

    def use_strategy(self, strategy: str | Strategy) -> None:
        """Send the next submissions with this strategy (by name or object)."""
        self._orchestrator.strategy = strategy_named(strategy)

    def use_policy(self, policy: RetryPolicy) -> None:
        """Retry the next calls with this policy (how many tries, how long each may take)."""
        self._orchestrator.policy = policy

    async def close(self) -> None:
        """Close the bloc, letting what was added finish (the engine's close)."""
        await self.bloc.close()

    async def __aexit__(self, *exc_info: object) -> None:
        # Left by a cancellation (Ctrl+C: asyncio.run cancels the main task) the session
        # stops now instead of draining: the handlers still running are cancelled, and
        # the records they had in flight stay without an answer in the ledger, for
        # Retry failed to reconcile. Any other way out lets the work finish.
        if not isinstance(exc_info[1], asyncio.CancelledError | KeyboardInterrupt):
            await self.close()
            return
        closing = asyncio.ensure_future(self.bloc.close())
        closing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await closing

    async def add(self, *events: ProxyEvent) -> None:
        """Add the events in order, each fully handled (and what it started) before the next."""
        for event in events:
            await self.bloc.add(event)
            await self.bloc.settled()

    # --- bulk ------------------------------------------------------------------------
    async def enter_bulk(self) -> BulkProxyState:
        """Enter the bulk screen; it shows the last bulk submission, settled, if there is one."""
        await self.add(BulkFlowEntered())
        return self.bloc.state.bulk

    async def submit_bulk(
        self, mentor_ids: Sequence[str] | None, fields: ActivityFields
    ) -> BulkProxyState:
        """Register ``fields`` for these mentors (None: every active one) on a fresh screen."""
        await self.fill_bulk(mentor_ids, fields)
        return await self.submit_filled_bulk()

    async def fill_bulk(
        self, mentor_ids: Sequence[str] | None, fields: ActivityFields
    ) -> BulkProxyState:
        """A fresh bulk screen with these mentors (None: every active one) and ``fields``
        filled in, not submitted yet; the form's errors are `BadInput`."""
        if (await self.enter_bulk()).submission_id is not None:
            await self.add(BulkNewSubmissionStarted())
        selecting = (
            BulkAllMentorsSelected()
            if mentor_ids is None
            else BulkMentorsSelected(tuple(mentor_ids))
        )
        await self.add(
            selecting,
            BulkActivityKindChanged(fields.kind),
            BulkActivityDateChanged(fields.date),
            BulkDurationChanged(fields.minutes),
            BulkNotesChanged(fields.notes),
            BulkParticipantsChanged(fields.participants),
        )
        _refuse_if(self.bloc.state.bulk.errors)
        return self.bloc.state.bulk

    async def submit_filled_bulk(self) -> BulkProxyState:
        """Press Submit on the bulk screen as filled in; answers it once every record has an
        outcome. A Submit the bloc refuses is `BadInput` with the form's errors."""
        self._refuse_too_many_for_one_call(len(self.bloc.state.bulk.selected))
        await self.add(BulkActivitySubmitted())
        state = self.bloc.state.bulk
        if state.phase is BulkPhase.SELECTING:  # the Submit was refused: the form says why
            _refuse_if(state.errors)
        return state

    def _refuse_too_many_for_one_call(self, selected: int) -> None:
        """Refuse, before anything is sent, more mentors than the strategy can send in one
        submission (all or nothing is one call; the others split into calls that fit)."""
        strategy = self._orchestrator.strategy
        limit = strategy.most_records(self._orchestrator.repository)
        if limit is not None and selected > limit:
            raise BadInput.one(
                "mentors",
                "too_many",
                f"{_STRATEGY_WORDS.get(strategy.name, strategy.name)} takes at most {limit} "
                f"mentors at once ({selected} selected): choose fewer, or send them with rpc "
                "or chunked.",
            )

    async def show_bulk(self, submission_id: str | None) -> BulkProxyState:
        """The bulk screen showing that submission from the ledger (None: the latest bulk one)."""
        state = await self.enter_bulk()
        if submission_id is None or state.submission_id == submission_id:
            if state.submission_id is None:
                raise BadInput.one(
                    "submission_id", "none", "There is no bulk submission yet to retry."
                )
            return state
        entry = await self.repository.ledger_entry(submission_id)
        if entry is None or entry.submission.coordinator_id != self.roster.coordinator.id:
            raise BadInput.one(
                "submission_id",
                "unknown",
                f"No submission {submission_id!r} of yours; `proxyreg submissions` lists them.",
            )
        if state.submission_id is not None:
            await self.add(BulkNewSubmissionStarted())
        await self.add(BulkSubmissionRestored(entry))
        return self.bloc.state.bulk

    async def retry_failed(self, submission_id: str | None) -> tuple[BulkProxyState, int]:
        """Press Retry failed on that submission; answers the screen after and how many were
        resent (0 when nothing was left that a retry could fix)."""
        state = await self.show_bulk(submission_id)
        if state.phase is BulkPhase.SUBMITTING:
            raise BadInput.one(
                "submission_id",
                "unsettled",
                f"Submission {state.submission_id} still has records without an answer; "
                "`proxyreg retry-failed` (with no id) settles the latest one first.",
            )
        return await self.retry_shown()

    async def retry_shown(self) -> tuple[BulkProxyState, int]:
        """Press Retry failed on the submission on screen, if it has anything to resend."""
        resend = retryable_mentors(self.bloc.state.bulk)
        if resend:
            await self.add(BulkRetryFailedRequested())
        return self.bloc.state.bulk, len(resend)

    # --- every problem at once -----------------------------------------------------
    def bulk_problems(
        self, mentor_ids: Sequence[str] | None, reading: ActivityReading
    ) -> tuple[FieldError, ...]:
        """Every problem a bulk Submit of this would meet, without sending anything: the
        text that cannot be read, and the domain's judgement of the rest (None: every
        active mentor). Empty when it may be submitted."""
        chosen = (
            tuple(m.id for m in self.roster.mentors if m.active)
            if mentor_ids is None
            else tuple(mentor_ids)
        )
        judged = validate_selection(chosen, self.roster, self._rules).errors
        return self._with_draft_problems(judged, reading)

    def single_problems(
        self, mentor_id: str | None, reading: ActivityReading
    ) -> tuple[FieldError, ...]:
        """Every problem a single Submit of this would meet, without sending anything."""
        if mentor_id is None:
            judged: tuple[FieldError, ...] = (
                FieldError("mentor", "required", "Choose the mentor to register for."),
            )
        else:
            error = mentor_error(mentor_id, self.roster)
            judged = () if error is None else (error,)
        return self._with_draft_problems(judged, reading)

    def _with_draft_problems(
        self, judged: tuple[FieldError, ...], reading: ActivityReading
    ) -> tuple[FieldError, ...]:
        return activity_problems(reading, judged, today=self._today, rules=self._rules)

    # --- single ----------------------------------------------------------------------
    async def register_single(self, mentor_id: str, fields: ActivityFields) -> SingleProxyState:
        """The single flow: pick the mentor, fill in the form, Submit."""
        await self.add(
            SingleFlowEntered(),
            SingleMentorPicked(mentor_id),
            SingleActivityKindChanged(fields.kind),
            SingleActivityDateChanged(fields.date),
            SingleDurationChanged(fields.minutes),
            SingleNotesChanged(fields.notes),
            SingleParticipantsChanged(fields.participants),
        )
        _refuse_if(self.bloc.state.single.errors)
        await self.add(SingleActivitySubmitted())
        state = self.bloc.state.single
        if state.phase is SinglePhase.EDITING:
            _refuse_if(state.errors)
        return state


def _refuse_if(errors: ValidationErrors) -> None:
    if errors:
        raise BadInput(errors.errors)
