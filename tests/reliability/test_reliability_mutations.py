"""The soak's checks are not vacuous: break the client key or the reconciliation, and they fail.

Each test runs one bulk submission on a coordinator's screen against a private cluster,
with a real wire fault, then audits the table with the soak's own `db_audit.audit`:
first with the product as it is (the audit is clean), then with one safeguard broken
by a monkeypatch (the audit counts duplicates, lost records or mismatches).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence

import pytest
from coordinator_ui import CoordinatorScreen
from db_audit import Audit, audit
from fault_world import COORDINATOR, FaultyServer, mentor_ids

from proxyreg.adapters.postgres import PostgresRepository
from proxyreg.domain import Outcome, ProxyRecord, RecordResult
from proxyreg.domain import _model as model
from proxyreg.flows._bloc import FlowBloc
from proxyreg.flows.bulk import reducer as bulk_reducer
from proxyreg.orchestration import BulkRegistrationOrchestrator, RetryPolicy, RpcStrategy

pytestmark = pytest.mark.postgres

POLICY = RetryPolicy(
    attempts=2, base_delay=0.01, max_delay=0.02, attempt_timeout=1.0, total_timeout=20.0
)
SIZE = 12


def submit_then_retry(
    server: FaultyServer, arm: Callable[[FaultyServer], None]
) -> tuple[Audit, Audit]:
    """One submission of ``SIZE`` mentors with the fault ``arm`` sets up, audited as it
    ends; then Retry failed, on a healthy network, until nothing is retryable, audited."""

    async def run() -> tuple[Audit, Audit]:
        async with await PostgresRepository.open(server.proxied_dsn, COORDINATOR.id) as repo:
            screen = CoordinatorScreen(repo, server.roster, POLICY, seed=3)
            try:
                arm(server)
                await screen.submit(mentor_ids(SIZE), RpcStrategy())
                first = audit(server.dsn, screen.shown)
                server.proxy.clear()
                await screen.retry_until_settled(5)
                return first, audit(server.dsn, screen.shown)
            finally:
                await screen.close()

    return asyncio.run(run())


def answer_lost_and_check_refused(server: FaultyServer) -> None:
    """The server commits, the answer is lost, and for 2 s no connection is accepted, so
    reconciliation cannot ask: the records stay unknown until Retry failed."""
    server.proxy.cut_after_commit(1, refuse_for=2.0)


def answer_lost(server: FaultyServer) -> None:
    server.proxy.cut_after_commit(1)


def request_lost(server: FaultyServer) -> None:
    server.proxy.cut_before_commit(1)


def clean(found: Audit) -> bool:
    return (found.duplicates, found.lost, found.mismatches) == (0, 0, 0)


# --- the client key ------------------------------------------------------------------------


def test_a_stable_client_key_makes_the_resend_a_replay(faulty_server: FaultyServer) -> None:
    """Committed, unanswered, unconfirmable: Retry failed resends with the same keys, the
    server answers already registered, and every mentor is stored once."""
    _, after = submit_then_retry(faulty_server, answer_lost_and_check_refused)
    assert clean(after), after.examples
    assert (after.records, after.unsettled) == (SIZE, 0)


def test_a_client_key_unstable_across_retries_is_caught(
    faulty_server: FaultyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a client that makes new keys for every send (the records and the screen's own
    check of each answer agree on them until the send is over), the resend is a new record:
    the audit counts every mentor stored twice."""
    sends = [0]

    def key_of_this_send(submission_id: str, mentor_id: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{submission_id}:{mentor_id}:{sends[0]}"))

    send = FlowBloc._send

    async def send_then_forget_keys(self: FlowBloc[object], *args: object) -> None:
        try:
            await send(self, *args)  # type: ignore[arg-type]
        finally:
            sends[0] += 1

    monkeypatch.setattr(model, "client_key", key_of_this_send)
    monkeypatch.setattr(bulk_reducer, "client_key", key_of_this_send)
    monkeypatch.setattr(FlowBloc, "_send", send_then_forget_keys)
    _, after = submit_then_retry(faulty_server, answer_lost_and_check_refused)
    assert after.duplicates == SIZE
    assert not clean(after)


# --- reconciliation ------------------------------------------------------------------------


def settle_without_asking(outcome: Outcome) -> Callable[..., object]:
    """An orchestrator's ``_reconcile`` that never asks the backend: every record in doubt
    is taken as ``outcome``."""

    async def guess(
        self: BulkRegistrationOrchestrator,
        records: Sequence[ProxyRecord],
        failed: object = None,
    ) -> list[tuple[ProxyRecord, RecordResult]]:
        record_id = "00000000-0000-0000-0000-000000000000" if outcome.is_success else None
        return [
            (r, RecordResult(r.client_key, outcome, record_id, message="Guessed, not checked."))
            for r in records
        ]

    return guess


def test_reconciliation_shows_what_landed(faulty_server: FaultyServer) -> None:
    """A lost answer is settled by asking: as the submission ends, the screen, the ledger and
    the table already agree, before any retry."""
    first, after = submit_then_retry(faulty_server, answer_lost)
    assert clean(first), first.examples
    assert (first.records, first.unsettled) == (SIZE, 0)
    assert clean(after)


def test_a_lost_answer_taken_as_not_saved_is_caught(
    faulty_server: FaultyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without reconciliation, records the server committed are shown failed: the audit
    finds each one stored while the screen and the ledger say failed."""
    monkeypatch.setattr(
        BulkRegistrationOrchestrator, "_reconcile", settle_without_asking(Outcome.FAILED)
    )
    first, _ = submit_then_retry(faulty_server, answer_lost)
    assert first.records == SIZE
    assert first.mismatches >= SIZE
    assert not clean(first)


def test_reconciliation_shows_what_did_not_land(faulty_server: FaultyServer) -> None:
    """A lost request is settled by asking: the records are shown failed (not saved), none
    registered; Retry failed then stores each one once."""
    first, after = submit_then_retry(faulty_server, request_lost)
    assert clean(first), first.examples
    assert (first.records, first.unsettled) == (0, SIZE)
    assert clean(after), after.examples
    assert (after.records, after.unsettled) == (SIZE, 0)


def test_a_lost_request_taken_as_saved_is_caught(
    faulty_server: FaultyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without reconciliation, records the server rolled back are shown registered: the
    audit counts every one of them lost."""
    monkeypatch.setattr(
        BulkRegistrationOrchestrator, "_reconcile", settle_without_asking(Outcome.REGISTERED)
    )
    first, after = submit_then_retry(faulty_server, request_lost)
    assert first.records == 0
    assert first.lost == SIZE
    assert after.lost == SIZE  # nothing is retryable: the coordinator never learns
