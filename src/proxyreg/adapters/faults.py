"""A test and demo tool: a repository wrapper that makes a real backend misbehave on purpose.

`FaultyRepository` wraps any `ProxyRepository` (another `FaultyRepository` too) and,
as a `FaultSpec` says, adds latency, refuses calls (429, 503), drops connections,
times out after the backend committed, withholds single records, or hides the
batch call; and, on the ledger's calls, adds latency of their own and cuts them
off (before or after the write). Every random decision comes from generators seeded
by the spec (one for the records' calls, one for the ledger's), drawn in call
order: the same seed and the same calls give the same faults.

The spec has a one-line text form for a command line (`parse_fault_spec`,
``str(spec)``), e.g. ``seed=7,fail_rate=0.2,timeout_after_commit=0.1,latency_ms=5``.
"""

from __future__ import annotations

import asyncio
import collections
import enum
import math
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from proxyreg.domain import (
    MESSAGES,
    LedgerEntry,
    Outcome,
    ProxyRecord,
    RecordResult,
    Roster,
    Submission,
    rolled_back,
)
from proxyreg.ports import (
    UNAVAILABLE,
    BatchTooLargeError,
    BatchUnsupportedError,
    ProxyRepository,
    TransientError,
)

T = TypeVar("T")

# What a record the fault injector withheld from the backend (a transient failure) says.
WITHHELD_MESSAGE = MESSAGES.text("record.busy")
RATE_LIMITED_MESSAGE = "Too many requests: slow down and try again."
UNAVAILABLE_MESSAGE = "The server is unavailable for a moment."


class FaultSpecError(ValueError):
    """A fault spec that cannot be used; ``field`` names the key at fault, or ``"spec"``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise FaultSpecError(name, f"{name} must be a finite number, got {value}.")


def _probability(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    _finite(attribute.name, value)
    if not 0 <= value <= 1:
        raise FaultSpecError(
            attribute.name, f"{attribute.name} is a probability from 0 to 1, got {value}."
        )


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    _finite(attribute.name, value)
    if value < 0:
        raise FaultSpecError(attribute.name, f"{attribute.name} cannot be negative, got {value}.")


@attrs.frozen
class FaultSpec:
    """Which faults to inject, and how often. Probabilities are per call unless said otherwise."""

    seed: int = 0
    latency_ms: float = attrs.field(default=0.0, validator=_non_negative)
    """Added before every call that reaches the backend."""
    fail_rate: float = attrs.field(default=0.0, validator=_probability)
    """Per record: a transient failure, nothing stored for that record."""
    rate_limit: float = attrs.field(default=0.0, validator=_probability)
    """429 Too Many Requests before anything is stored."""
    unavailable: float = attrs.field(default=0.0, validator=_probability)
    """503 Service Unavailable before anything is stored."""
    retry_after: float = attrs.field(default=0.0, validator=_non_negative)
    """Seconds the 429/503 carry as Retry-After; 0 means none given."""
    timeout_after_commit: float = attrs.field(default=0.0, validator=_probability)
    """The backend commits, then the client times out (`TimeoutError`)."""
    drop: float = attrs.field(default=0.0, validator=_probability)
    """The connection drops (`ConnectionResetError`): half the time before the backend got
    the request (nothing stored), half after it committed. Reads drop before."""
    batch_unsupported: bool = False
    """`register` and `register_atomic` raise `BatchUnsupportedError`."""
    ledger_latency_ms: float = attrs.field(default=0.0, validator=_non_negative)
    """Added before every ledger call (record_submission, record_outcomes, the reads)."""
    ledger_drop: float = attrs.field(default=0.0, validator=_probability)
    """A ledger call's connection drops (`ConnectionResetError`): a write half the time
    before it is kept (nothing kept), half after (kept, the answer lost); reads before."""

    def __str__(self) -> str:
        """The canonical text form: the fields that differ from their default, in field order."""
        return ",".join(
            f"{field.name}={_format(getattr(self, field.name))}"
            for field in attrs.fields(FaultSpec)
            if getattr(self, field.name) != field.default
        )


def _format(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value).removesuffix(".0")
    return str(value)


_KNOWN = tuple(field.name for field in attrs.fields(FaultSpec))
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_WANTED = {"seed": "a whole number", "batch_unsupported": "true or false (or yes/no, 1/0)"}


def parse_fault_spec(text: str) -> FaultSpec:
    """The spec of ``key=value`` parts separated by commas; ``""`` is no faults at all.

    Raises `FaultSpecError` naming the field for an unknown key, a part without ``=``,
    a key given twice, or a value that is not allowed.
    """
    values: dict[str, Any] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, value = _split(part)
        if key in values:
            raise FaultSpecError(key, f"{key} is given twice.")
        values[key] = _parse_value(key, value)
    return FaultSpec(**values)


def _split(part: str) -> tuple[str, str]:
    key, equals, value = part.partition("=")
    key, value = key.strip(), value.strip()
    if not equals or not key:
        raise FaultSpecError("spec", f"Each fault is key=value; {part.strip()!r} is not.")
    if key not in _KNOWN:
        raise FaultSpecError(key, f"Unknown fault {key!r}; the known ones are {', '.join(_KNOWN)}.")
    return key, value


def _parse_value(key: str, text: str) -> int | float | bool:
    try:
        if key == "seed":
            return int(text)
        if key == "batch_unsupported":
            return _BOOLEANS[text.lower()]
        return float(text)
    except (ValueError, KeyError):
        wanted = _WANTED.get(key, "a number")
        raise FaultSpecError(key, f"{key} must be {wanted}, got {text!r}.") from None


class _Then(enum.Enum):
    """What happens to a write call once the backend has answered it."""

    ANSWER = "answer"
    DROP = "drop"
    TIME_OUT = "time_out"


class FaultyRepository:
    """A `ProxyRepository` that passes calls to ``inner`` and injects the faults of ``spec``.

    Writes and `find_registered` are faulted as the record fields of the spec say; the
    ledger's calls only as its ``ledger_`` fields say; the roster and `max_batch_size`
    pass straight through.
    """

    def __init__(
        self,
        inner: ProxyRepository,
        spec: FaultSpec,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """``sleep`` waits out the latencies (seconds): a test may pass one that takes loop
        turns instead of time, so that a run repeats exactly."""
        self._inner = inner
        self._sleep = sleep
        self._random = random.Random(spec.seed)
        # Apart, so that ledger faults leave the records' fault schedule of a seed as it was.
        self._ledger_random = random.Random(f"ledger:{spec.seed}")
        self.spec = spec
        self.calls: collections.Counter[str] = collections.Counter()
        """Calls received per faulted method name, whatever became of them."""

    @property
    def coordinator_id(self) -> str:
        return self._inner.coordinator_id

    @property
    def max_batch_size(self) -> int:
        return self._inner.max_batch_size

    async def roster(self) -> Roster:
        return await self._inner.roster()

    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        then = await self._enter_write("register", records)
        failing = self._draw_failures(records)
        kept = _kept(records, failing)
        answers = await self._inner.register(kept) if kept else ()
        _finish(then)
        return _merge(records, failing, answers)

    async def register_one(self, record: ProxyRecord) -> RecordResult:
        then = await self._enter_write("register_one", None)
        (failed,) = self._draw_failures([record])
        answer = _withheld(record) if failed else await self._inner.register_one(record)
        _finish(then)
        return answer

    async def register_atomic(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        then = await self._enter_write("register_atomic", records)
        failing = self._draw_failures(records)
        if any(failing):  # the transaction would roll back: nothing is sent
            would_be = [
                RecordResult(r.client_key, Outcome.REGISTERED) for r in _kept(records, failing)
            ]
            answers = rolled_back(_merge(records, failing, would_be))
        else:
            answers = await self._inner.register_atomic(records) if records else ()
        _finish(then)
        return answers

    async def find_registered(self, client_keys: Sequence[str]) -> Mapping[str, str]:
        self.calls["find_registered"] += 1
        await self._delay()
        self._refuse()
        if self._draw(self.spec.drop):
            raise ConnectionResetError("Connection dropped before the server got the request.")
        return await self._inner.find_registered(client_keys)

    async def record_submission(self, submission: Submission) -> None:
        await self._ledger_call(
            "record_submission", lambda: self._inner.record_submission(submission)
        )

    async def record_outcomes(
        self, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        await self._ledger_call(
            "record_outcomes", lambda: self._inner.record_outcomes(submission_id, outcomes)
        )

    async def ledger_entry(self, submission_id: str) -> LedgerEntry | None:
        return await self._ledger_call(
            "ledger_entry", lambda: self._inner.ledger_entry(submission_id), write=False
        )

    async def latest_submission(self, kind: str = "bulk") -> LedgerEntry | None:
        return await self._ledger_call(
            "latest_submission", lambda: self._inner.latest_submission(kind), write=False
        )

    async def submissions(self) -> Sequence[LedgerEntry]:
        return await self._ledger_call("submissions", self._inner.submissions, write=False)

    async def _ledger_call(
        self, method: str, call: Callable[[], Awaitable[T]], *, write: bool = True
    ) -> T:
        """Delay ``call``, and drop its connection before or (a write) after it, as drawn."""
        spec = self.spec
        if not (spec.ledger_latency_ms or spec.ledger_drop):
            return await call()  # no ledger faults: not counted, nothing drawn
        self.calls[method] += 1
        await self._sleep(spec.ledger_latency_ms / 1000)
        if self._ledger_random.random() < spec.ledger_drop:
            if not write or self._ledger_random.random() < 0.5:
                raise ConnectionResetError("The ledger's connection dropped before the call.")
            await call()
            raise ConnectionResetError("The ledger's connection dropped after the write.")
        return await call()

    async def _enter_write(self, method: str, batch: Sequence[ProxyRecord] | None) -> _Then:
        """Count, delay and draw the fate of a write call (``batch`` is None for one record).

        Raises what is raised before the backend stores anything; answers what
        happens once it has.
        """
        self.calls[method] += 1
        await self._delay()
        if batch is not None:
            self._check_batch(batch)
        self._refuse()
        if self._draw(self.spec.drop):
            if self._draw(0.5):
                raise ConnectionResetError("Connection dropped before the server got the request.")
            return _Then.DROP
        return _Then.TIME_OUT if self._draw(self.spec.timeout_after_commit) else _Then.ANSWER

    def _check_batch(self, batch: Sequence[ProxyRecord]) -> None:
        """No batch call at all, or a batch over the limit (before any record is withheld)."""
        if self.spec.batch_unsupported:
            raise BatchUnsupportedError("This backend has no batch call; send records one by one.")
        if len(batch) > self.max_batch_size:
            raise BatchTooLargeError(len(batch), self.max_batch_size)

    async def _delay(self) -> None:
        await self._sleep(self.spec.latency_ms / 1000)

    def _refuse(self) -> None:
        """Raise 429 or 503 when drawn; nothing is stored."""
        retry_after = self.spec.retry_after or None
        if self._draw(self.spec.rate_limit):
            raise TransientError(429, RATE_LIMITED_MESSAGE, retry_after)
        if self._draw(self.spec.unavailable):
            raise TransientError(503, UNAVAILABLE_MESSAGE, retry_after)

    def _draw_failures(self, records: Sequence[ProxyRecord]) -> list[bool]:
        """For each record in order: is it withheld as a transient failure?"""
        return [self._draw(self.spec.fail_rate) for _ in records]

    def _draw(self, probability: float) -> bool:
        return self._random.random() < probability


def _finish(then: _Then) -> None:
    """Raise what the client sees instead of the answer after the backend committed."""
    if then is _Then.DROP:
        raise ConnectionResetError("Connection dropped after the server saved the request.")
    if then is _Then.TIME_OUT:
        raise TimeoutError("The server did not answer in time.")


def _withheld(record: ProxyRecord) -> RecordResult:
    return RecordResult(
        record.client_key, Outcome.FAILED, code=UNAVAILABLE, message=WITHHELD_MESSAGE
    )


def _kept(records: Sequence[ProxyRecord], failing: Sequence[bool]) -> list[ProxyRecord]:
    """The records not withheld, in input order."""
    return [record for record, failed in zip(records, failing, strict=True) if not failed]


def _merge(
    records: Sequence[ProxyRecord], failing: Sequence[bool], answers: Sequence[RecordResult]
) -> tuple[RecordResult, ...]:
    """One answer per record in input order: withheld ones failed, the others answered in turn."""
    rest = iter(answers)
    return tuple(
        _withheld(record) if failed else next(rest)
        for record, failed in zip(records, failing, strict=True)
    )
