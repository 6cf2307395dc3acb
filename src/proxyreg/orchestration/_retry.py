"""Retries: exponential backoff with full jitter, Retry-After honoured, a cap on total time.

The loop is tenacity's; what is ours is the wait (seeded full jitter, never
shorter than the server's Retry-After) and the stop (attempts, or the
submission's deadline).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import attrs
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
)
from tenacity.stop import stop_base

from proxyreg.ports import TransientError

T = TypeVar("T")

Sleep = Callable[[float], Awaitable[None]]


@attrs.frozen
class RetryPolicy:
    """How hard one submission tries. Times are in seconds."""

    attempts: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    """Tries per call, the first one included."""
    base_delay: float = 0.2
    """Backoff before try n is uniform(0, min(max_delay, base_delay * 2**(n-1)))."""
    max_delay: float = 5.0
    attempt_timeout: float = 10.0
    """One call taking longer than this leaves its records in doubt (then reconciled)."""
    total_timeout: float = 60.0
    """The cap on a whole submission: past it nothing more is sent."""


class Deadline:
    """The moment a submission must stop sending, on the event loop's monotonic clock."""

    def __init__(self, seconds: float) -> None:
        self._loop = asyncio.get_running_loop()
        self._at = self._loop.time() + seconds

    def remaining(self) -> float:
        return self._at - self._loop.time()


def full_jitter(policy: RetryPolicy, rng: random.Random, attempt: int) -> float:
    """``uniform(0, min(cap, base * 2**(attempt-1)))``: the wait after failed try ``attempt``."""
    return rng.uniform(0.0, min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1)))


class _StopAtDeadline(stop_base):
    """Stop when the next wait would end past the deadline."""

    def __init__(self, deadline: Deadline) -> None:
        self._deadline = deadline

    def __call__(self, state: RetryCallState) -> bool:
        return self._deadline.remaining() <= (state.upcoming_sleep or 0.0)


class Retrier:
    """Runs a call under a policy: retried on `TransientError`, or while it says so."""

    def __init__(
        self, policy: RetryPolicy, deadline: Deadline, rng: random.Random, sleep: Sleep
    ) -> None:
        self.policy = policy
        self.deadline = deadline
        self._rng = rng
        self._sleep = sleep

    def _wait(self, state: RetryCallState) -> float:
        jitter = full_jitter(self.policy, self._rng, state.attempt_number)
        error = state.outcome.exception() if state.outcome is not None else None
        retry_after = error.retry_after if isinstance(error, TransientError) else None
        return max(jitter, retry_after or 0.0)

    async def run(
        self,
        attempt: Callable[[], Awaitable[T]],
        again: Callable[[T], bool],
        retry_on: tuple[type[Exception], ...] = (TransientError,),
    ) -> T:
        """Call ``attempt`` until it neither raises one of ``retry_on`` (by default
        `TransientError`: writes are retried only when nothing was stored) nor returns a
        value for which ``again`` is true, within the attempts and the deadline.

        Each try is cut off at the attempt timeout (or the deadline, if sooner) with
        `TimeoutError`, which is not retried. When tries run out, the last value is
        returned, or the last `TransientError` raised.
        """

        async def timed() -> T:
            budget = min(self.policy.attempt_timeout, self.deadline.remaining())
            async with asyncio.timeout(max(budget, 0.0)):
                return await attempt()

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(retry_on) | retry_if_result(again),
            stop=stop_after_attempt(self.policy.attempts) | _StopAtDeadline(self.deadline),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
        )
        result: T = await retrying(timed)
        return result
