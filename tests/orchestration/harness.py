"""A submission sent through an orchestrator, with everything it reported collected."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import attrs

from proxyreg.adapters.faults import FaultSpec, FaultyRepository, parse_fault_spec
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import ProxyRecord, RecordResult, Roster, Submission
from proxyreg.orchestration import BulkRegistrationOrchestrator, RetryPolicy, Strategy
from support import COORDINATOR, VALID_DRAFT, make_mentors

MENTORS = make_mentors(40)
ROSTER40 = Roster(COORDINATOR, MENTORS)
FAST = RetryPolicy(
    attempts=6, base_delay=0.001, max_delay=0.004, attempt_timeout=2.0, total_timeout=10.0
)


def store(max_batch_size: int = 500) -> InMemoryRepository:
    return InMemoryRepository.of_rosters(ROSTER40, max_batch_size=max_batch_size)


def submission(count: int, sid: str = "s1") -> Submission:
    records = tuple(
        ProxyRecord.for_mentor(
            submission_id=sid, mentor_id=m.id, coordinator_id=COORDINATOR.id, draft=VALID_DRAFT
        )
        for m in MENTORS[:count]
    )
    return Submission(sid, COORDINATOR.id, records)


@attrs.define
class Run:
    """What one `submit` reported, in order."""

    results: list[tuple[str, RecordResult]] = attrs.field(factory=list)

    def __call__(self, mentor_id: str, result: RecordResult) -> None:
        self.results.append((mentor_id, result))

    def by_mentor(self) -> dict[str, RecordResult]:
        return dict(self.results)


def send(
    sub: Submission,
    backend: Any,
    *,
    strategy: Strategy | None = None,
    policy: RetryPolicy = FAST,
    cancel_after: int | None = None,
    **options: Any,
) -> Run:
    """Submit ``sub`` through an orchestrator over ``backend``; cancel after N answers if asked."""
    run = Run()

    async def scenario() -> None:
        orchestrator = BulkRegistrationOrchestrator(
            backend, strategy=strategy, policy=policy, seed=1, **options
        )
        cancelled = asyncio.Event()

        def on_result(mentor_id: str, result: RecordResult) -> None:
            run(mentor_id, result)
            if cancel_after is not None and len(run.results) >= cancel_after:
                cancelled.set()

        await orchestrator.submit(sub, on_result, cancelled)

    asyncio.run(scenario())
    return run


def faulty(spec: str | FaultSpec, inner: InMemoryRepository | None = None) -> FaultyRepository:
    parsed = parse_fault_spec(spec) if isinstance(spec, str) else spec
    return FaultyRepository(inner if inner is not None else store(), parsed)


def stored_keys(backend: InMemoryRepository) -> list[str]:
    return [s.record.client_key for s in backend.stored()]


def keys(records: Sequence[ProxyRecord]) -> list[str]:
    return [r.client_key for r in records]
