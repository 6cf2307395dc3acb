"""Gateways for tests: working fakes of the submission port, labelled as such."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import attrs

from proxyreg.domain import LedgerEntry, RecordResult, Submission
from proxyreg.flows import ResultSink


@attrs.define
class Parked:
    """A submission the test has not finished answering."""

    submission: Submission
    on_result: ResultSink
    released: asyncio.Future[None]
    answered: set[str] = attrs.field(factory=set)

    def answer(self, mentor_id: str, result: object) -> None:
        self.answered.add(mentor_id)
        self.on_result(mentor_id, result)  # type: ignore[arg-type]


class ParkedGateway:
    """A fake gateway that holds every submission until the test answers and releases it.

    It lets a test deliver results late, out of order, after a flow switch, or
    never, which a real backend does only by accident.
    """

    def __init__(self) -> None:
        self.parked: list[Parked] = []

    async def submit(
        self, submission: Submission, on_result: ResultSink, cancelled: asyncio.Event
    ) -> None:
        parked = Parked(submission, on_result, asyncio.get_running_loop().create_future())
        self.parked.append(parked)
        await parked.released

    async def latest(self, coordinator_id: str, kind: str) -> LedgerEntry | None:
        return None  # keeps no ledger

    def live_outcomes(self, submission_id: str) -> Mapping[str, RecordResult]:
        return {}
