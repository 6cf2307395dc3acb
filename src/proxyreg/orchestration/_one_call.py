"""The simplest gateway: the whole submission in one repository call."""

from __future__ import annotations

from proxyreg.domain import Submission
from proxyreg.flows import ResultSink
from proxyreg.ports import ProxyRepository


class OneCallGateway:
    """Sends every record of a submission in one `register` call, then reports each answer.

    One round trip, no retries, no progress until the call returns: the
    orchestrator with strategies, retries and reconciliation supersedes it.
    """

    def __init__(self, repository: ProxyRepository) -> None:
        self._repository = repository

    async def submit(self, submission: Submission, on_result: ResultSink) -> None:
        results = await self._repository.register(submission.coordinator_id, submission.records)
        for record, result in zip(submission.records, results, strict=True):
            on_result(record.mentor_id, result)
