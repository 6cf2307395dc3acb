"""The bulk flow's phases, declared with `transitions`.

selecting ──submit [selection and draft valid]──► submitting
submitting ──record_result──► submitting [pending left] | completed | failed | partially_failed
submitting ──abort──► failed | partially_failed
partially_failed, failed ──retry_failed [something retryable]──► submitting
"""

from __future__ import annotations

from typing import Any

from proxyreg.domain import ValidationErrors
from proxyreg.flows._lifecycle import Lifecycle
from proxyreg.flows.bulk.board import StatusCounts
from proxyreg.flows.bulk.state import BulkPhase as P


def form_is_valid(errors: ValidationErrors) -> bool:
    return not errors


def has_pending(counts: StatusCounts) -> bool:
    return counts.pending > 0


def all_succeeded(counts: StatusCounts) -> bool:
    return counts.succeeded == counts.total


def none_succeeded(counts: StatusCounts) -> bool:
    return counts.succeeded == 0


def has_retryable(counts: StatusCounts) -> bool:
    return counts.retryable > 0


_SETTLED: list[dict[str, Any]] = [
    {"source": P.SUBMITTING, "dest": P.COMPLETED, "conditions": [all_succeeded]},
    {"source": P.SUBMITTING, "dest": P.FAILED, "conditions": [none_succeeded]},
    {"source": P.SUBMITTING, "dest": P.PARTIALLY_FAILED},
]

BULK_LIFECYCLE = Lifecycle(
    "bulk",
    P,
    P.SELECTING,
    [
        {"trigger": "edit", "source": P.SELECTING, "dest": P.SELECTING},
        {
            "trigger": "submit",
            "source": P.SELECTING,
            "dest": P.SUBMITTING,
            "conditions": [form_is_valid],
        },
        {
            "trigger": "record_result",
            "source": P.SUBMITTING,
            "dest": P.SUBMITTING,
            "conditions": [has_pending],
        },
        *({"trigger": "record_result", **edge} for edge in _SETTLED),
        *({"trigger": "abort", **edge} for edge in _SETTLED[1:]),
        {"trigger": "cancel", "source": P.SUBMITTING, "dest": P.SUBMITTING},
        {
            "trigger": "restore",
            "source": P.SELECTING,
            "dest": P.SUBMITTING,
            "conditions": [has_pending],
        },
        *({"trigger": "restore", **edge, "source": P.SELECTING} for edge in _SETTLED),
        {
            "trigger": "start_over",
            "dest": P.SELECTING,
            "source": [P.SELECTING, P.COMPLETED, P.PARTIALLY_FAILED, P.FAILED],
        },
        {
            "trigger": "retry_failed",
            "source": [P.PARTIALLY_FAILED, P.FAILED],
            "dest": P.SUBMITTING,
            "conditions": [has_retryable],
        },
    ],
)
