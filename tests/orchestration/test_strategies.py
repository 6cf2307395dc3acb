"""The three strategies: how many calls, what lands, what each record is told."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from harness import ROSTER40, faulty, keys, send, store, stored_keys, submission

from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import Outcome, ProxyRecord, RecordResult
from proxyreg.orchestration import AtomicStrategy, ChunkedStrategy, RpcStrategy


def test_rpc_sends_a_batch_in_one_call_and_answers_in_input_order() -> None:
    """30 mentors cost one round trip; every record is answered once, in input order."""
    backend, sub = store(), submission(30)
    run = send(sub, backend)
    assert backend.calls == 1
    assert [m for m, _ in run.results] == list(sub.mentor_ids)
    assert {r.outcome for _, r in run.results} == {Outcome.REGISTERED}
    assert stored_keys(backend) == keys(sub.records)


def test_rpc_splits_only_past_the_backends_batch_limit() -> None:
    """A batch limit of 10 turns 25 records into 3 calls, nothing more."""
    backend = store(max_batch_size=10)
    send(submission(25), backend)
    assert backend.calls == 3
    assert len(backend.stored()) == 25


def test_rpc_falls_back_to_chunked_when_the_backend_has_no_batch_call() -> None:
    """With the batch call missing, records go one per call and all land."""
    inner = store()
    backend = faulty("batch_unsupported=true", inner)
    run = send(submission(12), backend)
    assert backend.calls["register_one"] == 12
    assert {r.outcome for _, r in run.results} == {Outcome.REGISTERED}
    assert len(inner.stored()) == 12


def test_chunked_sends_chunks_of_five() -> None:
    """30 records in chunks of 5 are 6 calls."""
    backend = store()
    send(submission(30), backend, strategy=ChunkedStrategy())
    assert backend.calls == 6
    assert len(backend.stored()) == 30


class Overlapping(InMemoryRepository):
    """A real in-memory backend that is slow to answer and notes how many calls overlap."""

    in_flight = 0
    most = 0

    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        type(self).in_flight += 1
        type(self).most = max(type(self).most, type(self).in_flight)
        await asyncio.sleep(0.002)
        type(self).in_flight -= 1
        return await super().register(records)


def test_chunked_keeps_to_its_parallelism() -> None:
    """No more than ``parallelism`` chunks are in flight at once, and that many are used."""
    backend = Overlapping.of_rosters(ROSTER40)
    Overlapping.most = 0
    send(submission(40), backend, strategy=ChunkedStrategy(chunk_size=5, parallelism=3))
    assert Overlapping.most == 3


def test_chunked_retries_failed_records_with_the_same_keys_until_they_land() -> None:
    """Transient per-record failures are resent (same client keys) and end registered,
    each stored once."""
    inner = store()
    run = send(submission(30), faulty("seed=3,fail_rate=0.4", inner), strategy=ChunkedStrategy())
    assert {r.outcome for _, r in run.results} == {Outcome.REGISTERED}
    assert sorted(stored_keys(inner)) == sorted(keys(submission(30).records))


def test_chunked_gives_up_after_its_attempts_and_says_why() -> None:
    """A record that keeps failing ends failed, with a message, after the policy's attempts."""
    inner = store()
    run = send(submission(5), faulty("fail_rate=1", inner), strategy=ChunkedStrategy())
    assert {r.outcome for _, r in run.results} == {Outcome.FAILED}
    assert all("did not save" in r.message for _, r in run.results)
    assert inner.stored() == ()


def test_atomic_stores_everything_in_one_call() -> None:
    """All-or-nothing with nothing wrong stores every record in one call."""
    backend = store()
    run = send(submission(10), backend, strategy=AtomicStrategy())
    assert (backend.calls, len(backend.stored())) == (1, 10)
    assert {r.outcome for _, r in run.results} == {Outcome.REGISTERED}


def test_atomic_stores_nothing_when_one_mentor_is_refused_and_names_why() -> None:
    """One unassigned mentor: nothing stored; that mentor says why, the others were rolled back."""
    backend = InMemoryRepository(
        coordinators=[ROSTER40.coordinator],
        mentors=ROSTER40.mentors,
        assignments={ROSTER40.coordinator.id: [m.id for m in ROSTER40.mentors[1:]]},
    )
    run = send(submission(4), backend, strategy=AtomicStrategy())
    assert backend.stored() == ()
    codes = [(m, r.outcome, r.code) for m, r in run.results]
    assert codes[0] == ("m01", Outcome.REJECTED, "not_assigned")
    assert {(o, c) for _, o, c in codes[1:]} == {(Outcome.REJECTED, "rolled_back")}
    assert all(r.message for _, r in run.results)


def test_atomic_retries_a_batch_that_failed_only_transiently() -> None:
    """A transient failure rolls everything back; the whole batch is retried and lands."""
    inner = store()
    run = send(submission(6), faulty("seed=2,fail_rate=0.1", inner), strategy=AtomicStrategy())
    assert {r.outcome for _, r in run.results} == {Outcome.REGISTERED}
    assert len(inner.stored()) == 6


def test_a_rate_limited_call_is_retried_no_sooner_than_retry_after() -> None:
    """429 with Retry-After: every backoff wait is at least the server's Retry-After."""
    waits: list[float] = []

    async def note(seconds: float) -> None:
        waits.append(seconds)

    for seed in range(10):
        send(submission(10), faulty(f"seed={seed},rate_limit=0.6,retry_after=0.25"), sleep=note)
    assert len(waits) > 3, "the seeds are meant to hit several 429s"
    assert min(waits) >= 0.25


def test_a_call_refused_every_time_ends_failed_with_the_servers_reason() -> None:
    """503 on every try: the records are failed (retryable), nothing stored, the message says so."""
    inner = store()
    run = send(submission(3), faulty("unavailable=1", inner))
    assert {(r.outcome, r.code) for _, r in run.results} == {(Outcome.FAILED, "http_503")}
    assert inner.stored() == ()
    assert "unavailable" in run.results[0][1].message


def test_cancel_stops_further_calls_and_says_so() -> None:
    """Cancelling after the first chunk's answers sends nothing more; the rest are failed with
    code cancelled, and only what was sent is stored."""
    inner = store()
    run = send(submission(20), inner, strategy=ChunkedStrategy(parallelism=1), cancel_after=5)
    outcomes = [r.outcome for _, r in run.results]
    assert outcomes[:5] == [Outcome.REGISTERED] * 5
    assert {(r.outcome, r.code) for _, r in run.results[5:]} == {(Outcome.FAILED, "cancelled")}
    assert len(inner.stored()) == 5
    assert len(run.results) == 20


def test_every_strategy_answers_every_record_exactly_once() -> None:
    """Whatever the strategy and the faults, each record is reported once."""
    for strategy in (RpcStrategy(), ChunkedStrategy(), AtomicStrategy()):
        for seed in range(5):
            spec = f"seed={seed},fail_rate=0.2,drop=0.2,timeout_after_commit=0.2,rate_limit=0.2"
            run = send(submission(17), faulty(spec), strategy=strategy)
            mentors = [m for m, _ in run.results]
            assert sorted(mentors) == sorted(submission(17).mentor_ids), (strategy, seed)
