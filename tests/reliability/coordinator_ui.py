"""A coordinator's screen, headless: a `RegistrationSession`, and what it showed.

`CoordinatorScreen` submits a bulk registration and presses Retry failed the way a
coordinator would, through the application's `RegistrationSession` (the real
`ProxyRegistrationBloc` and orchestrator), and remembers what the screen showed at the end
of each submission, for `audit.audit` to hold against the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from proxyreg.application import ActivityFields, RegistrationSession, RetryPolicy, Strategy
from proxyreg.domain import Roster
from proxyreg.flows import ActiveFlow, BulkProxyState
from proxyreg.ports import ProxyRepository

TODAY = dt.date(2026, 11, 25)
PHONE_CALL = ActivityFields("phone_call", TODAY, 20)


class CoordinatorScreen:
    """One coordinator's bulk screen over ``repository``; see the module docstring."""

    def __init__(
        self, repository: ProxyRepository, roster: Roster, policy: RetryPolicy, seed: int
    ) -> None:
        self.session = RegistrationSession(
            repository, roster, today=TODAY, policy=policy, seed=seed
        )
        self.shown: dict[str, dict[str, tuple[str, str | None]]] = {}

    @property
    def bulk(self) -> BulkProxyState:
        return self.session.bloc.state.bulk

    async def submit(self, mentor_ids: Sequence[str], strategy: Strategy) -> str:
        """Enter the bulk screen, start afresh, fill in the form for these mentors, Submit;
        answers the submission id once every record has an outcome."""
        self.session.use_strategy(strategy)
        bulk = await self.session.submit_bulk(mentor_ids, PHONE_CALL)
        assert bulk.submission_id is not None, bulk.errors
        self.remember()
        return bulk.submission_id

    async def retry_until_settled(self, most: int) -> int:
        """Press Retry failed until nothing is retryable (at most ``most`` times); answers
        how many times it was pressed."""
        presses = 0
        while presses < most:
            if self.session.bloc.state.active_flow is not ActiveFlow.BULK:
                await self.session.enter_bulk()
            _, resent = await self.session.retry_shown()
            if not resent:
                break
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
        await self.session.close()
