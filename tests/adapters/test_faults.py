"""The fault-injecting wrapper makes a real in-memory backend misbehave as its spec says, seeded."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxyreg.adapters.faults import (
    FaultSpec,
    FaultSpecError,
    FaultyRepository,
    parse_fault_spec,
)
from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.domain import Outcome, ProxyRecord, RecordResult, Submission
from proxyreg.ports import (
    BatchTooLargeError,
    BatchUnsupportedError,
    ProxyRepository,
    TransientError,
)
from support import COORDINATOR, OTHER_ROSTER, ROSTER, VALID_DRAFT

T = TypeVar("T")

WITHHELD = "The server was busy and did not save this record."
ACTIVE = ("m01", "m02", "m03", "m04", "m05", "m06")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def repo(max_batch_size: int = 500) -> InMemoryRepository:
    return InMemoryRepository.of_rosters(ROSTER, OTHER_ROSTER, max_batch_size=max_batch_size)


def record(mentor: str, submission: str = "s1") -> ProxyRecord:
    return ProxyRecord.for_mentor(
        submission_id=submission, mentor_id=mentor, coordinator_id=COORDINATOR.id, draft=VALID_DRAFT
    )


def records(*mentors: str, submission: str = "s1") -> list[ProxyRecord]:
    return [record(m, submission) for m in mentors]


def stored_keys(backend: InMemoryRepository) -> set[str]:
    return {s.record.client_key for s in backend.stored()}


def keys_with(results: tuple[RecordResult, ...], outcome: Outcome) -> set[str]:
    return {r.client_key for r in results if r.outcome is outcome}


# --- the wrapper ---------------------------------------------------------------------------


async def one_call(repository: ProxyRepository, i: int) -> object:
    """Call i of a mix that goes round register, register_atomic, register_one, find_registered."""
    batch = records(*ACTIVE[:3], submission=f"s{i}")
    match i % 4:
        case 0:
            return await repository.register(batch)
        case 1:
            return await repository.register_atomic(batch)
        case 2:
            return await repository.register_one(batch[0])
        case _:
            return await repository.find_registered([r.client_key for r in batch])


async def mixed_calls(repository: ProxyRepository) -> list[object]:
    """What each of a dozen mixed calls answered or raised."""
    trace: list[object] = []
    for i in range(12):
        try:
            trace.append(await one_call(repository, i))
        except (TransientError, ConnectionResetError, TimeoutError) as error:
            trace.append(repr(error))
    return trace


def faulty_run(seed: int) -> tuple[list[object], set[str]]:
    backend = repo()
    spec = FaultSpec(
        seed=seed,
        fail_rate=0.3,
        rate_limit=0.15,
        unavailable=0.15,
        timeout_after_commit=0.15,
        drop=0.15,
    )
    trace = run(mixed_calls(FaultyRepository(backend, spec)))
    return trace, stored_keys(backend)


def test_the_same_seed_and_calls_give_the_same_faults() -> None:
    """Two wrappers with one seed answer and store identically; another seed differs."""
    expected = faulty_run(7)
    actual = faulty_run(7)
    assert expected == actual
    assert faulty_run(8) != actual


def test_without_faults_calls_pass_through_and_are_counted() -> None:
    """The default spec answers as the backend does, and counts calls per method."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec())
    answers = run(faulty.register(records("m01", "m02")))
    run(faulty.register_one(record("m03")))
    run(faulty.register_atomic(records("m04")))
    run(faulty.find_registered([record("m01").client_key]))
    expected = (
        [Outcome.REGISTERED, Outcome.REGISTERED],
        {"register": 1, "register_one": 1, "register_atomic": 1, "find_registered": 1},
        {r.client_key for r in records("m01", "m02", "m03", "m04")},
    )
    actual = ([r.outcome for r in answers], dict(faulty.calls), stored_keys(backend))
    assert expected == actual


def test_timeout_after_commit_raises_yet_the_record_is_stored() -> None:
    """The backend commits, then the client times out: TimeoutError, and the record is there."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec(timeout_after_commit=1))
    with pytest.raises(TimeoutError):
        run(faulty.register(records("m01")))
    with pytest.raises(TimeoutError):
        run(faulty.register_one(record("m02")))
    expected = {record("m01").client_key, record("m02").client_key}
    assert expected == stored_keys(backend)


def test_a_dropped_connection_stores_nothing_before_and_everything_after() -> None:
    """A drop raises ConnectionResetError; before the request nothing lands, after it all did,
    and over a few seeds both happen."""
    seen = set()
    for seed in range(20):
        backend = repo()
        faulty = FaultyRepository(backend, FaultSpec(seed=seed, drop=1))
        with pytest.raises(ConnectionResetError) as raised:
            run(faulty.register(records("m01", "m02")))
        seen.add(("before" in str(raised.value), len(backend.stored())))
    expected = {(True, 0), (False, 2)}
    assert expected == seen


@pytest.mark.parametrize(
    ("spec", "status", "carried"),
    [
        (FaultSpec(rate_limit=1, retry_after=2.5), 429, 2.5),
        (FaultSpec(rate_limit=1), 429, None),
        (FaultSpec(unavailable=1, retry_after=2.5), 503, 2.5),
        (FaultSpec(unavailable=1), 503, None),
    ],
    ids=str,
)
def test_a_refused_call_stores_nothing_and_carries_retry_after(
    spec: FaultSpec, status: int, carried: float | None
) -> None:
    """429 and 503 raise TransientError with Retry-After (None when 0) and store nothing."""
    backend = repo()
    faulty = FaultyRepository(backend, spec)
    with pytest.raises(TransientError) as raised:
        run(faulty.register(records("m01")))
    expected = (status, carried, True, 0, 0)
    actual = (
        raised.value.status,
        raised.value.retry_after,
        bool(str(raised.value)),
        len(backend.stored()),
        backend.calls,
    )
    assert expected == actual


def test_fail_rate_one_stores_nothing_and_every_answer_says_why() -> None:
    """Every record is withheld: all answers failed/unavailable with a message, no backend call."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec(fail_rate=1))
    batch = run(faulty.register(records("m01", "m02")))
    one = run(faulty.register_one(record("m03")))
    expected = [
        RecordResult(r.client_key, Outcome.FAILED, code="unavailable", message=WITHHELD)
        for r in records("m01", "m02", "m03")
    ]
    assert expected == [*batch, one]
    nothing: tuple[int, tuple[object, ...]] = (0, ())
    assert nothing == (backend.calls, backend.stored())


def test_a_partial_fail_rate_withholds_some_and_answers_in_input_order() -> None:
    """Withheld records are failed and not stored; the rest are stored in one backend call;
    answers follow the input order."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec(seed=3, fail_rate=0.5))
    batch = records(*ACTIVE)
    answers = run(faulty.register(batch))
    failed, registered = keys_with(answers, Outcome.FAILED), keys_with(answers, Outcome.REGISTERED)
    assert failed
    assert registered, "the seed gives a mix"
    expected = ([r.client_key for r in batch], registered, 1)
    actual = ([a.client_key for a in answers], stored_keys(backend), backend.calls)
    assert expected == actual
    assert failed | registered == {r.client_key for r in batch}


def test_batch_unsupported_refuses_batches_of_any_size_but_not_one_by_one() -> None:
    """register and register_atomic raise BatchUnsupportedError, even empty; register_one works."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec(batch_unsupported=True))
    for batch in ([], records("m01"), records("m01", "m02")):
        with pytest.raises(BatchUnsupportedError):
            run(faulty.register(batch))
        with pytest.raises(BatchUnsupportedError):
            run(faulty.register_atomic(batch))
    answer = run(faulty.register_one(record("m01")))
    expected = (Outcome.REGISTERED, {record("m01").client_key})
    assert expected == (answer.outcome, stored_keys(backend))


def test_an_atomic_batch_with_a_withheld_record_stores_nothing() -> None:
    """One withheld record rolls the whole batch back unsent: it says busy, the others say
    all or nothing, all failed (retryable)."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec(seed=3, fail_rate=0.5))
    answers = run(faulty.register_atomic(records(*ACTIVE)))
    withheld = [a for a in answers if a.code == "unavailable"]
    others = [a for a in answers if a.code != "unavailable"]
    assert withheld
    assert others, "the seed gives a mix"
    assert all(a.message == WITHHELD for a in withheld)
    assert all(a.message.startswith("Not saved: all or nothing") for a in others)
    expected = ({Outcome.FAILED}, 0, ())
    assert expected == ({a.outcome for a in answers}, backend.calls, backend.stored())


def test_an_atomic_batch_without_failures_stores_everything() -> None:
    """With no record withheld the atomic batch goes to the backend whole."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec(seed=3))
    answers = run(faulty.register_atomic(records(*ACTIVE)))
    expected = ({Outcome.REGISTERED}, {r.client_key for r in records(*ACTIVE)})
    assert expected == ({a.outcome for a in answers}, stored_keys(backend))


def test_a_batch_over_the_limit_is_refused_before_any_record_is_withheld() -> None:
    """Withholding records never sneaks a too-large batch under the backend's limit."""
    backend = repo(max_batch_size=4)
    faulty = FaultyRepository(backend, FaultSpec(fail_rate=0.5))
    with pytest.raises(BatchTooLargeError):
        run(faulty.register(records(*ACTIVE)))
    with pytest.raises(BatchTooLargeError):
        run(faulty.register_atomic(records(*ACTIVE)))
    assert backend.stored() == ()


def test_an_empty_batch_answers_nothing_without_reaching_the_backend() -> None:
    """register([]) answers () and sends nothing on."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec())
    expected = ((), (), 0)
    actual = (
        run(faulty.register([])),
        run(faulty.register_atomic([])),
        backend.calls,
    )
    assert expected == actual


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        (FaultSpec(rate_limit=1), TransientError),
        (FaultSpec(unavailable=1), TransientError),
        (FaultSpec(drop=1), ConnectionResetError),
    ],
    ids=["429", "503", "drop"],
)
def test_find_registered_can_be_refused_or_dropped(spec: FaultSpec, error: type[Exception]) -> None:
    """Reads are refused (429/503) or dropped like writes, and count as calls."""
    backend = repo()
    run(backend.register(records("m01")))
    faulty = FaultyRepository(backend, spec)
    with pytest.raises(error):
        run(faulty.find_registered([record("m01").client_key]))
    assert faulty.calls["find_registered"] == 1


def test_find_registered_ignores_record_faults() -> None:
    """fail_rate and timeout_after_commit concern writes: a read answers normally."""
    backend = repo()
    run(backend.register(records("m01")))
    faulty = FaultyRepository(backend, FaultSpec(fail_rate=1, timeout_after_commit=1))
    expected = {record("m01").client_key: "rec-1"}
    actual = run(faulty.find_registered([record("m01").client_key, record("m02").client_key]))
    assert expected == actual


def test_the_roster_and_the_ledger_pass_through_without_faults() -> None:
    """With every fault certain, roster, ledger and max_batch_size still answer, uncounted."""
    every_fault = FaultSpec(
        fail_rate=1, rate_limit=1, unavailable=1, timeout_after_commit=1, drop=1
    )
    faulty = FaultyRepository(
        repo(max_batch_size=9), attrs.evolve(every_fault, batch_unsupported=True)
    )
    submission = Submission("s1", COORDINATOR.id, tuple(records("m01")))
    outcome = RecordResult(record("m01").client_key, Outcome.REGISTERED, "rec-1")

    async def scenario() -> tuple[object, ...]:
        await faulty.record_submission(submission)
        await faulty.record_outcomes("s1", {"m01": outcome})
        entry = await faulty.ledger_entry("s1")
        assert entry is not None
        return (
            entry.submission,
            entry.outcomes,
            await faulty.latest_submission() == entry,
            (await faulty.roster()).mentors,
            faulty.max_batch_size,
            sum(faulty.calls.values()),
        )

    expected = (submission, {"m01": outcome}, True, ROSTER.mentors, 9, 0)
    assert expected == run(scenario())


def test_a_faulty_repository_can_wrap_another() -> None:
    """Faults compose: a record is stored only when neither wrapper withheld it."""
    backend = repo()
    inner = FaultyRepository(backend, FaultSpec(seed=1, fail_rate=0.4))
    outer = FaultyRepository(inner, FaultSpec(seed=2, fail_rate=0.4))
    batch = records(*ACTIVE)
    answers = run(outer.register(batch))
    registered = keys_with(answers, Outcome.REGISTERED)
    assert registered, "the seeds leave something to store"
    assert len(registered) < len(batch), "the seeds withhold something"
    expected = ([r.client_key for r in batch], registered, 1, 1)
    actual = (
        [a.client_key for a in answers],
        stored_keys(backend),
        outer.calls["register"],
        inner.calls["register"],
    )
    assert expected == actual


def test_latency_is_added_before_each_call() -> None:
    """Each call that reaches the backend takes at least latency_ms, by the loop's clock."""
    faulty = FaultyRepository(repo(), FaultSpec(latency_ms=30))

    async def elapsed() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await faulty.register(records("m01"))
        await faulty.find_registered([record("m01").client_key])
        return loop.time() - start

    tick = 0.001  # the loop may wake a clock tick before a timer's exact deadline
    assert run(elapsed()) >= 2 * 0.030 - tick


# --- ledger faults -------------------------------------------------------------------------
def test_ledger_drops_cut_writes_before_or_after_and_reads_before() -> None:
    """With ledger_drop=1 every ledger call raises ConnectionResetError: some writes were
    kept (dropped after), some not (dropped before); the records' calls are not faulted."""
    backend = repo()
    faulty = FaultyRepository(backend, FaultSpec(seed=5, ledger_drop=1))

    async def scenario() -> tuple[list[bool], int, int]:
        kept = []
        for n in range(12):
            with pytest.raises(ConnectionResetError):
                await faulty.record_submission(
                    Submission(f"s{n}", COORDINATOR.id, (record("m01"),))
                )
            kept.append(await backend.ledger_entry(f"s{n}") is not None)
        with pytest.raises(ConnectionResetError):
            await faulty.latest_submission()
        with pytest.raises(ConnectionResetError):
            await faulty.ledger_entry("s0")
        answers = await faulty.register(records("m01"))
        return kept, len(answers), faulty.calls["record_submission"]

    kept, answered, counted = run(scenario())
    assert (any(kept), not all(kept), answered, counted) == (True, True, 1, 12)


def test_ledger_faults_leave_the_records_fault_schedule_as_it_was() -> None:
    """The same seed withholds the same records with or without ledger faults."""
    batch = records(*ACTIVE)

    def withheld(spec: FaultSpec) -> set[str]:
        faulty = FaultyRepository(repo(), spec)
        return keys_with(run(faulty.register(batch)), Outcome.FAILED)

    plain = FaultSpec(seed=9, fail_rate=0.5)
    assert withheld(plain) == withheld(attrs.evolve(plain, ledger_drop=0.5, ledger_latency_ms=1))


def test_ledger_latency_is_added_before_each_ledger_call() -> None:
    """Each ledger call takes at least ledger_latency_ms, by the loop's clock."""
    faulty = FaultyRepository(repo(), FaultSpec(ledger_latency_ms=30))

    async def elapsed() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await faulty.record_submission(Submission("s1", COORDINATOR.id, (record("m01"),)))
        await faulty.ledger_entry("s1")
        return loop.time() - start

    assert run(elapsed()) >= 2 * 0.030 - 0.001


# --- the spec text -------------------------------------------------------------------------


def test_a_spec_string_parses_into_its_fields() -> None:
    """Key=value parts, with whitespace around them, give the spec they name."""
    expected = FaultSpec(seed=7, fail_rate=0.2, timeout_after_commit=0.1, latency_ms=5)
    actual = parse_fault_spec(" seed=7, fail_rate = 0.2,timeout_after_commit=0.1 , latency_ms=5 ")
    assert expected == actual


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_spec_is_no_faults(text: str) -> None:
    """An empty or blank spec is the default spec."""
    assert FaultSpec() == parse_fault_spec(text)


def test_str_lists_only_the_changed_fields_in_field_order() -> None:
    """The canonical text leaves out defaults and follows the field order."""
    spec = FaultSpec(fail_rate=0.2, seed=7, latency_ms=5, batch_unsupported=True)
    expected = ("seed=7,latency_ms=5,fail_rate=0.2,batch_unsupported=true", "")
    assert expected == (str(spec), str(FaultSpec()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("YES", True), ("1", True), ("false", False), ("no", False), ("0", False)],
)
def test_batch_unsupported_takes_the_usual_yes_and_no(text: str, expected: bool) -> None:
    """batch_unsupported reads true/false, yes/no and 1/0, in any case."""
    assert expected == parse_fault_spec(f"batch_unsupported={text}").batch_unsupported


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        ("fial_rate=0.2", "fial_rate", "fail_rate, rate_limit"),
        ("seed7", "spec", "key=value"),
        ("=5", "spec", "key=value"),
        ("seed=1,seed=2", "seed", "twice"),
        ("fail_rate=lots", "fail_rate", "must be a number"),
        ("seed=1.5", "seed", "whole number"),
        ("seed=", "seed", "whole number"),
        ("batch_unsupported=maybe", "batch_unsupported", "true or false"),
        ("fail_rate=1.5", "fail_rate", "from 0 to 1"),
        ("drop=-0.1", "drop", "from 0 to 1"),
        ("latency_ms=-5", "latency_ms", "cannot be negative"),
        ("retry_after=-1", "retry_after", "cannot be negative"),
        ("latency_ms=inf", "latency_ms", "finite"),
        ("unavailable=nan", "unavailable", "finite"),
    ],
)
def test_a_bad_spec_names_the_field(text: str, field: str, says: str) -> None:
    """Each mistake raises FaultSpecError naming the key (or "spec") and saying what is wrong."""
    with pytest.raises(FaultSpecError) as raised:
        parse_fault_spec(text)
    expected = (field, True)
    assert expected == (raised.value.field, says in str(raised.value))


def test_a_spec_cannot_be_built_out_of_range() -> None:
    """The limits hold for a spec built in code too, not only parsed."""
    with pytest.raises(FaultSpecError) as raised:
        FaultSpec(timeout_after_commit=2)
    expected = "timeout_after_commit"
    assert expected == raised.value.field


probabilities = st.floats(min_value=0, max_value=1)
amounts = st.floats(min_value=0, allow_nan=False, allow_infinity=False)
specs = st.builds(
    FaultSpec,
    seed=st.integers(),
    latency_ms=amounts,
    fail_rate=probabilities,
    rate_limit=probabilities,
    unavailable=probabilities,
    retry_after=amounts,
    timeout_after_commit=probabilities,
    drop=probabilities,
    batch_unsupported=st.booleans(),
    ledger_latency_ms=amounts,
    ledger_drop=probabilities,
)


@given(specs)
def test_a_spec_survives_its_text_form(spec: FaultSpec) -> None:
    """parse_fault_spec(str(spec)) gives the spec back, for every spec."""
    assert spec == parse_fault_spec(str(spec))


@given(st.text())
def test_any_text_parses_or_says_what_is_wrong(text: str) -> None:
    """Whatever is typed, parsing answers a spec or a FaultSpecError, never anything else."""
    try:
        parse_fault_spec(text)
    except FaultSpecError as error:
        said = (error.field, str(error))
    else:
        said = ("-", "-")
    assert all(said)
