"""The isolation properties are not vacuous: each fails when its promise is broken on purpose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from properties.test_isolation import IsolationMachine
from proxyreg.flows import ActiveFlow, Ignored
from proxyreg.flows.root import reducer as root_reducer

Route = Callable[[Any, Any, Any, Any], Any]


def without_reset(route: Route) -> Route:
    """Entering a flow keeps whatever its subtree held (the reset on entry removed)."""

    def leaky(tree: Any, state: Any, event: Any, ctx: Any) -> Any:
        step = route(tree, state, event, ctx)
        if isinstance(event, tree.entered) and not isinstance(step, Ignored):
            return attrs.evolve(step, **{tree.field: getattr(state, tree.field)})
        return step

    return leaky


def applied_while_inactive(route: Route) -> Route:
    """Events of an inactive flow are applied as if it were active."""

    def leaky(tree: Any, state: Any, event: Any, ctx: Any) -> Any:
        if isinstance(event, tree.entered | tree.exited):
            return route(tree, state, event, ctx)
        step = route(tree, attrs.evolve(state, active_flow=tree.flow), event, ctx)
        if isinstance(step, Ignored):
            return step
        return attrs.evolve(step, active_flow=state.active_flow)

    return leaky


def writes_the_other_subtree(route: Route) -> Route:
    """A bulk event also clears the single flow's chosen mentor."""

    def leaky(tree: Any, state: Any, event: Any, ctx: Any) -> Any:
        step = route(tree, state, event, ctx)
        if tree.flow is ActiveFlow.BULK and not isinstance(step, Ignored):
            return attrs.evolve(step, single=attrs.evolve(step.single, mentor_id=None))
        return step

    return leaky


@pytest.mark.parametrize(
    "mutation", [without_reset, applied_while_inactive, writes_the_other_subtree]
)
def test_the_isolation_machine_catches_a_broken_promise(
    monkeypatch: pytest.MonkeyPatch, mutation: Callable[[Route], Route]
) -> None:
    """With the promise broken in the root reducer, the state machine finds a failing run."""
    monkeypatch.setattr(root_reducer, "_route", mutation(root_reducer._route))
    quick = settings(
        max_examples=300, deadline=None, database=None, phases=[Phase.generate], print_blob=False
    )
    with pytest.raises(AssertionError):
        run_state_machine_as_test(IsolationMachine, settings=quick)
