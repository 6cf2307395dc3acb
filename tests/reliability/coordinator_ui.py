"""A coordinator's screen, headless: the root bloc and the orchestrator, fed what a UI adds.

`CoordinatorScreen` submits a bulk registration and presses Retry failed the way a
coordinator would, through the real `ProxyRegistrationBloc` and
`BulkRegistrationOrchestrator`, and remembers what the screen showed at the end of
each submission, for `audit.audit` to hold against the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from proxyreg.domain import Roster
from proxyreg.flows import (
    ActiveFlow,
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkMentorsSelected,
    BulkNewSubmissionStarted,
    BulkProxyState,
    BulkRetryFailedRequested,
    FlowContext,
    ProxyRegistrationBloc,
    retryable_mentors,
)
from proxyreg.orchestration import BulkRegistrationOrchestrator, RetryPolicy, Strategy
from proxyreg.ports import ProxyRepository

TODAY = dt.date(2026, 11, 25)


class CoordinatorScreen:
    """One coordinator's bulk screen over ``repository``; see the module docstring."""

    def __init__(
        self, repository: ProxyRepository, roster: Roster, policy: RetryPolicy, seed: int
    ) -> None:
        self.orchestrator = BulkRegistrationOrchestrator(repository, policy=policy, seed=seed)
        self.bloc = ProxyRegistrationBloc(
            context=FlowContext(roster, TODAY), gateway=self.orchestrator
        )
        self.shown: dict[str, dict[str, tuple[str, str | None]]] = {}

    @property
    def bulk(self) -> BulkProxyState:
        return self.bloc.state.bulk

    async def _add(self, *events: object) -> None:
        for event in events:
            await self.bloc.add(event)  # type: ignore[arg-type]
            await self.bloc.settled()

    async def submit(self, mentor_ids: Sequence[str], strategy: Strategy) -> str:
        """Enter the bulk screen, start afresh, fill in the form for these mentors, Submit;
        answers the submission id once every record has an outcome."""
        self.orchestrator.strategy = strategy
        await self._add(BulkFlowEntered(), BulkNewSubmissionStarted())
        await self._add(
            BulkMentorsSelected(tuple(mentor_ids)),
            BulkActivityKindChanged("phone_call"),
            BulkActivityDateChanged(TODAY),
            BulkDurationChanged(20),
            BulkActivitySubmitted(),
        )
        submission_id = self.bulk.submission_id
        assert submission_id is not None, self.bulk.errors
        self.remember()
        return submission_id

    async def retry_until_settled(self, most: int) -> int:
        """Press Retry failed until nothing is retryable (at most ``most`` times); answers
        how many times it was pressed."""
        presses = 0
        while retryable_mentors(self.bulk) and presses < most:
            if self.bloc.state.active_flow is not ActiveFlow.BULK:
                await self._add(BulkFlowEntered())
            await self._add(BulkRetryFailedRequested())
            presses += 1
        self.remember()
        return presses

    def remember(self) -> None:
        """Keep what the screen shows now for its submission."""
        bulk = self.bulk
        if bulk.submission_id is None:
            return
        self.shown[bulk.submission_id] = {
            mentor: (entry.status.value, entry.record_id)
            for mentor in bulk.submitted
            if (entry := bulk.board.get(mentor)) is not None
        }

    def statuses(self) -> dict[str, int]:
        """How many mentors of the shown submission are in each status."""
        counts: dict[str, int] = {}
        for status, _ in self.shown.get(self.bulk.submission_id or "", {}).values():
            counts[status] = counts.get(status, 0) + 1
        return counts

    async def close(self) -> None:
        await self.bloc.close()
