"""The flows' lifecycles: read from their `transitions` machines, and agreeing with them."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from transitions import Machine, MachineError

from proxyreg.domain import NO_ERRORS, FieldError, Outcome, RecordResult, ValidationErrors
from proxyreg.flows import BULK_LIFECYCLE, SINGLE_LIFECYCLE, Lifecycle, StatusCounts

BAD = ValidationErrors((FieldError("minutes", "required", "Enter the duration in minutes."),))

# Guard arguments worth trying per trigger: each reaches a different guarded edge.
GUARD_ARGS: dict[str, list[tuple[Any, ...]]] = {
    "edit": [()],
    "submit": [(NO_ERRORS,), (BAD,)],
    "resolve": [(RecordResult("k", o),) for o in Outcome],
    "record_result": [
        (StatusCounts(pending=1, registered=1),),
        (StatusCounts(registered=2),),
        (StatusCounts(failed=2),),
        (StatusCounts(registered=1, rejected=1),),
    ],
    "abort": [(StatusCounts(unknown=2),), (StatusCounts(registered=1, unknown=1),)],
    "retry_failed": [(StatusCounts(failed=1),), (StatusCounts(registered=1, rejected=1),)],
    "cancel": [()],
    "start_over": [()],
    "restore": [
        (StatusCounts(pending=1, registered=1),),
        (StatusCounts(registered=2),),
        (StatusCounts(failed=2),),
        (StatusCounts(registered=1, unknown=1),),
    ],
}


def via_transitions(
    lifecycle: Lifecycle[Any], phase: enum.Enum, trigger: str, args: tuple[Any, ...]
) -> enum.Enum | None:
    """What a real `transitions` model in ``phase`` does on ``trigger(*args)``."""

    class Model:
        state: enum.Enum

    model = Model()
    machine = Machine(
        model=model,
        states=lifecycle.phases,
        initial=phase,
        transitions=[
            {
                "trigger": e.trigger,
                "source": e.source,
                "dest": e.dest,
                "conditions": [g for g, ok in e.guards if ok],
                "unless": [g for g, ok in e.guards if not ok],
            }
            for e in lifecycle.edges()
        ],
        auto_transitions=False,
    )
    assert machine is not None
    try:
        moved = model.trigger(trigger, *args)  # type: ignore[attr-defined]
    except MachineError:
        return None
    return model.state if moved else None


@pytest.mark.parametrize("lifecycle", [SINGLE_LIFECYCLE, BULK_LIFECYCLE], ids=lambda lc: lc.name)
def test_table_answers_what_transitions_does(lifecycle: Lifecycle[Any]) -> None:
    """For every phase, trigger and guard input, reading the table gives the phase a
    `transitions` model reaches (or None where it refuses)."""
    checked = 0
    for phase in lifecycle.phases:
        for trigger in lifecycle.triggers:
            for args in GUARD_ARGS[trigger]:
                assert lifecycle.fire(phase, trigger, *args) == via_transitions(
                    lifecycle, phase, trigger, args
                ), (phase, trigger, args)
                checked += 1
    assert checked > 20


def test_every_phase_is_reachable_and_declared() -> None:
    """Each phase of each flow appears in at least one declared edge."""
    for lifecycle in (SINGLE_LIFECYCLE, BULK_LIFECYCLE):
        touched = {e.source for e in lifecycle.edges()} | {e.dest for e in lifecycle.edges()}
        assert touched == set(lifecycle.phases), lifecycle.name


def test_guards_must_be_functions() -> None:
    """A guard given by name (which would need a model) is refused when the lifecycle is built."""

    class P(enum.Enum):
        A = "a"
        B = "b"

    with pytest.raises(TypeError, match="guards must be functions"):
        Lifecycle("x", P, P.A, [{"trigger": "go", "source": P.A, "dest": P.B, "conditions": "ok"}])
