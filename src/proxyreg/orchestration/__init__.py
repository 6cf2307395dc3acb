"""Sending submissions: strategies, retries, reconciliation, the ledger."""

from proxyreg.orchestration._orchestrator import (
    NOT_SAVED,
    NOT_SENT,
    BulkRegistrationOrchestrator,
)
from proxyreg.orchestration._retry import RetryPolicy
from proxyreg.orchestration._sending import NO_ANSWER, OUT_OF_TIME, Sending
from proxyreg.orchestration._strategies import (
    STRATEGIES,
    AtomicStrategy,
    ChunkedStrategy,
    RpcStrategy,
    Strategy,
)

__all__ = [
    "NOT_SAVED",
    "NOT_SENT",
    "NO_ANSWER",
    "OUT_OF_TIME",
    "STRATEGIES",
    "AtomicStrategy",
    "BulkRegistrationOrchestrator",
    "ChunkedStrategy",
    "RetryPolicy",
    "RpcStrategy",
    "Sending",
    "Strategy",
]
