"""Records left in doubt are settled by asking the backend what landed."""

from __future__ import annotations

import asyncio

from harness import faulty, send, store, stored_keys, submission

from proxyreg.domain import Outcome, RecordResult
from proxyreg.orchestration import NOT_SAVED, RetryPolicy


def test_a_timeout_after_commit_is_reconciled_as_registered() -> None:
    """The server saved the batch but the answer never came: every record is shown registered,
    with the stored record id, and stored once."""
    inner = store()
    run = send(submission(8), faulty("timeout_after_commit=1", inner))
    stored = {s.record.client_key: s.record_id for s in inner.stored()}
    assert len(stored) == 8
    for _, result in run.results:
        assert (result.outcome, result.record_id) == (Outcome.REGISTERED, stored[result.client_key])
        assert "confirmed" in result.message


def test_dropped_connections_are_reconciled_from_what_landed() -> None:
    """A dropped connection leaves records in doubt; the check settles each one: registered if
    the server had saved it, failed (not saved) if not, unknown only if the check failed too."""
    seen = set()
    for seed in range(30):
        inner = store()
        run = send(submission(4, sid=f"s{seed}"), faulty(f"seed={seed},drop=0.6", inner))
        landed = set(stored_keys(inner))
        for _, result in run.results:
            seen.add((result.client_key in landed, result.outcome, result.code))
    assert seen <= {
        (True, Outcome.REGISTERED, None),
        (True, Outcome.UNKNOWN, "no_answer"),
        (False, Outcome.FAILED, NOT_SAVED),
        (False, Outcome.UNKNOWN, "no_answer"),
    }
    assert (False, Outcome.FAILED, NOT_SAVED) in seen
    assert (True, Outcome.REGISTERED, None) in seen


def test_records_stay_unknown_when_the_check_itself_gets_no_answer() -> None:
    """If asking which records landed fails too, they stay unknown (Retry failed is safe)."""
    run = send(submission(3), faulty("drop=1"), policy=RetryPolicy(attempts=1))
    assert {r.outcome for _, r in run.results} == {Outcome.UNKNOWN}
    assert all("may have been saved" in r.message for _, r in run.results)


def test_nothing_shown_failed_has_landed() -> None:
    """Under every fault, a record shown failed or rejected is not in the backend, and one shown
    registered is, under the id shown."""
    for seed in range(30):
        inner = store()
        spec = f"seed={seed},fail_rate=0.3,drop=0.3,timeout_after_commit=0.3,unavailable=0.2"
        run = send(submission(12), faulty(spec, inner))
        stored = {s.record.client_key: s.record_id for s in inner.stored()}
        for _, result in run.results:
            if result.outcome in (Outcome.FAILED, Outcome.REJECTED):
                assert result.client_key not in stored, (seed, result)
            if result.outcome.is_success:
                assert stored.get(result.client_key) == result.record_id, (seed, result)


def test_a_failed_answer_after_doubt_is_kept_when_the_record_is_not_stored() -> None:
    """A Retry failed of a record left unknown that now answers failed, and is not stored,
    shows its own failure (code and message), not a generic "not saved"."""
    backend = store()
    sub = submission(2)

    async def prepare() -> None:
        await backend.record_submission(sub)
        await backend.record_outcomes(
            sub.id, {r.mentor_id: RecordResult(r.client_key, Outcome.UNKNOWN) for r in sub.records}
        )

    asyncio.run(prepare())
    run = send(sub, faulty("fail_rate=1", backend), policy=RetryPolicy(attempts=1))
    assert {("unavailable", Outcome.FAILED)} == {
        (r.code, r.outcome) for r in run.by_mentor().values()
    }
    assert stored_keys(backend) == []
