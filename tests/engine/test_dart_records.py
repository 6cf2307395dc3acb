"""The first emit, hook order, and the text form of Change/Transition, as Dart's suite has them."""

from __future__ import annotations

import attrs
from _dart import Log, run

from proxyreg.engine import Bloc, Change, Cubit, Emitter, Transition


class SeededBloc(Bloc[str, int]):
    """Dart's SeededBloc: every event emits each of ``states`` in turn."""

    def __init__(self, seed: int, states: list[int]) -> None:
        super().__init__(seed)
        self.states = states
        self.on(str, self._emit_all)

    def _emit_all(self, event: str, emit: Emitter[int]) -> None:
        for state in self.states:
            emit(state)


async def emitted(bloc: SeededBloc, events: list[str]) -> list[int]:
    seen: list[int] = []
    bloc.listen(seen.append)
    for event in events:
        bloc.add(event)
    await bloc.close()
    return seen


def test_seeded_bloc_does_not_emit_repeated_states() -> None:
    """[1, 2, 1, 1] from seed 0 gives 1, 2, 1."""
    expected = [1, 2, 1]
    actual = run(lambda: emitted(SeededBloc(0, [1, 2, 1, 1]), ["event"]))
    assert expected == actual


def test_seeded_bloc_can_emit_the_initial_state_once() -> None:
    """[0, 0] from seed 0 gives 0: the first emit is delivered even if equal to the initial."""
    expected = [0]
    actual = run(lambda: emitted(SeededBloc(0, [0, 0]), ["event"]))
    assert expected == actual


def test_seeded_bloc_emits_the_initial_state_then_distinct_ones() -> None:
    """[0, 0, 1] from seed 0 gives 0, 1."""
    expected = [0, 1]
    actual = run(lambda: emitted(SeededBloc(0, [0, 0, 1]), ["event"]))
    assert expected == actual


def test_seeded_bloc_discards_duplicates_across_events() -> None:
    """[1, 1] for three events gives a single 1."""
    expected = [1]
    actual = run(lambda: emitted(SeededBloc(0, [1, 1]), ["a", "b", "c"]))
    assert expected == actual


def test_cubit_first_emit_equal_to_initial_is_delivered() -> None:
    """A cubit's first emit of its initial state reaches listeners and on_change once."""
    log = Log()
    cubit: Cubit[int] = Cubit(0, observer=log)
    seen: list[int] = []
    cubit.listen(seen.append)
    cubit.emit(0)
    cubit.emit(0)
    expected = ([0], ["create", "change 0->0"])
    actual = (seen, log.calls)
    assert expected == actual


@attrs.frozen
class Increment:
    def __str__(self) -> str:
        return "Increment"


def test_hooks_run_in_dart_order() -> None:
    """create, event, transition, change, done, close: the order Dart's observer sees."""

    async def scenario() -> list[str]:
        log = Log()
        bloc: Bloc[Increment, int] = Bloc(0, observer=log)
        bloc.on(Increment, lambda e, emit: emit(bloc.state + 1))
        await bloc.add(Increment())
        await bloc.close()
        return log.calls

    expected = [
        "create",
        "event Increment",
        "transition 0->1",
        "change 0->1",
        "done Increment",
        "close",
    ]
    actual = run(scenario)
    assert expected == actual


def test_change_prints_as_dart_does() -> None:
    """str(Change) is Dart's toString: Change { currentState: 0, nextState: 1 }."""
    expected = "Change { currentState: 0, nextState: 1 }"
    actual = str(Change(0, 1))
    assert expected == actual


def test_transition_prints_as_dart_does() -> None:
    """str(Transition) is Dart's toString, with the event's own str."""
    expected = "Transition { currentState: 0, event: Increment, nextState: 1 }"
    actual = str(Transition(0, Increment(), 1))
    assert expected == actual


def test_records_keep_python_repr() -> None:
    """repr stays attrs' Python form, for debugging."""
    expected = "Change(current_state=0, next_state=1)"
    actual = repr(Change(0, 1))
    assert expected == actual
