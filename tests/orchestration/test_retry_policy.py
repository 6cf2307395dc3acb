"""Backoff with full jitter."""

from __future__ import annotations

import random

from proxyreg.orchestration import RetryPolicy
from proxyreg.orchestration._retry import full_jitter


def test_full_jitter_stays_within_the_doubling_cap() -> None:
    """Wait n is uniform in [0, min(cap, base * 2**(n-1))]: never above, and it uses the range."""
    policy = RetryPolicy(base_delay=0.1, max_delay=1.0)
    rng = random.Random(0)
    for attempt in range(1, 9):
        bound = min(1.0, 0.1 * 2 ** (attempt - 1))
        waits = [full_jitter(policy, rng, attempt) for _ in range(500)]
        assert all(0.0 <= w <= bound for w in waits)
        assert max(waits) > 0.9 * bound
        assert min(waits) < 0.1 * bound
