"""The single flow's phases, declared with `transitions`.

editing ──submit [draft valid]──► submitting ──resolve──► succeeded | rejected | failed
rejected ──edit──► editing          failed ──submit──► submitting (same client key)
"""

from __future__ import annotations

from proxyreg.domain import Outcome, RecordResult, ValidationErrors
from proxyreg.flows._lifecycle import Lifecycle
from proxyreg.flows.single.state import SinglePhase as P


def draft_is_valid(errors: ValidationErrors) -> bool:
    return not errors


def is_success(result: RecordResult) -> bool:
    return result.outcome.is_success


def is_rejected(result: RecordResult) -> bool:
    return result.outcome is Outcome.REJECTED


SINGLE_LIFECYCLE = Lifecycle(
    "single",
    P,
    P.EDITING,
    [
        {"trigger": "edit", "source": [P.EDITING, P.REJECTED], "dest": P.EDITING},
        {
            "trigger": "submit",
            "source": P.EDITING,
            "dest": P.SUBMITTING,
            "conditions": [draft_is_valid],
        },
        {"trigger": "submit", "source": P.FAILED, "dest": P.SUBMITTING},
        {
            "trigger": "resolve",
            "source": P.SUBMITTING,
            "dest": P.SUCCEEDED,
            "conditions": [is_success],
        },
        {
            "trigger": "resolve",
            "source": P.SUBMITTING,
            "dest": P.REJECTED,
            "conditions": [is_rejected],
        },
        {"trigger": "resolve", "source": P.SUBMITTING, "dest": P.FAILED},
    ],
)
