"""proxyreg.testing.bloc_test: passes on the right expectations, fails on wrong ones."""

from __future__ import annotations

import asyncio

import pytest

from proxyreg.engine import Bloc, Cubit, Emitter
from proxyreg.testing import bloc_test


class Increment:
    pass


class Fail:
    pass


class Boom(Exception):
    pass


class Counter(Bloc[object, int]):
    def __init__(self) -> None:
        super().__init__(0)
        self.on(Increment, lambda _, emit: emit(self.state + 1))
        self.on(Fail, self._fail)

    def _fail(self, _: Fail, emit: Emitter[int]) -> None:
        raise Boom("handler failed")


def add_twice(bloc: Counter) -> None:
    bloc.add(Increment())
    bloc.add(Increment())


def test_passes_on_right_expectation() -> None:
    """bloc_test returns quietly when the emitted states are the expected ones."""
    bloc_test(build=Counter, act=add_twice, expect=[1, 2])


def test_fails_on_wrong_expectation_with_index() -> None:
    """A wrong expect raises AssertionError naming the first differing index."""
    with pytest.raises(AssertionError, match="index 1: expected 3, got 2"):
        bloc_test(build=Counter, act=add_twice, expect=[1, 3])


def test_fails_when_fewer_states_than_expected() -> None:
    """Expecting more states than were emitted fails, at the first missing index."""
    with pytest.raises(AssertionError, match="index 2: expected 3 state"):
        bloc_test(build=Counter, act=add_twice, expect=[1, 2, 3])


def test_fails_when_nothing_emitted_but_states_expected() -> None:
    """No act, hence no state, fails against a non-empty expectation."""
    with pytest.raises(AssertionError):
        bloc_test(build=Counter, expect=[1])


def test_expect_may_be_a_callable() -> None:
    """expect can be a callable returning the sequence."""
    with pytest.raises(AssertionError):
        bloc_test(build=Counter, act=add_twice, expect=lambda: (1,))


def test_skip_drops_leading_states() -> None:
    """skip=1 compares from the second emitted state on, and fails otherwise."""
    bloc_test(build=Counter, act=add_twice, skip=1, expect=[2])
    with pytest.raises(AssertionError):
        bloc_test(build=Counter, act=add_twice, skip=1, expect=[1, 2])


def test_seed_sets_state_without_recording_it() -> None:
    """seed starts the bloc at seed() and the seed itself is not an emitted state."""
    bloc_test(build=Counter, seed=lambda: 10, act=add_twice, expect=[11, 12])


def test_awaitable_act_is_awaited() -> None:
    """An async act is awaited before the states are compared."""

    async def act(bloc: Counter) -> None:
        await bloc.add(Increment())

    bloc_test(build=Counter, act=act, expect=[1])


def emit_later(cubit: Cubit[int]) -> None:
    """Emit 1 on a 10 ms timer, which only bloc_test's wait lets fire before close."""
    asyncio.get_running_loop().call_later(0.01, cubit.emit, 1)


def test_wait_lets_delayed_states_land() -> None:
    """wait keeps the cubit open long enough for a timer's emit."""
    bloc_test(build=lambda: Cubit(0), act=emit_later, wait=0.05, expect=[1])


def test_without_wait_delayed_states_are_missed() -> None:
    """Without wait the timer's state is not recorded, so expecting it fails."""
    with pytest.raises(AssertionError):
        bloc_test(build=lambda: Cubit(0), act=emit_later, expect=[1])


def test_works_with_a_cubit() -> None:
    """A cubit built and driven by act is recorded like a bloc."""
    bloc_test(build=lambda: Cubit("a"), act=lambda c: c.emit("b"), expect=["b"])


def test_expected_errors_matched_by_type_and_predicate() -> None:
    """errors accepts a type and a predicate, matched in order against reported errors."""
    bloc_test(
        build=Counter,
        act=lambda b: (b.add(Fail()), b.add(Fail())),
        errors=[Boom, lambda e: str(e) == "handler failed"],
        expect=[],
    )


def test_error_of_the_wrong_type_fails() -> None:
    """A reported error that does not match its expected type fails the test."""
    with pytest.raises(AssertionError, match="index 0"):
        bloc_test(build=Counter, act=lambda b: b.add(Fail()), errors=[KeyError])


def test_wrong_error_count_fails() -> None:
    """Expecting two errors when one is reported fails the test."""
    with pytest.raises(AssertionError, match="expected 2 error"):
        bloc_test(build=Counter, act=lambda b: b.add(Fail()), errors=[Boom, Boom])


def test_unexpected_error_fails_when_errors_not_given() -> None:
    """With errors=None, any reported error fails the test."""
    with pytest.raises(AssertionError, match="unexpected error"):
        bloc_test(build=Counter, act=lambda b: b.add(Fail()), expect=[])


def test_verify_runs_with_the_closed_bloc() -> None:
    """verify receives the bloc after close; its AssertionError propagates."""
    checked: list[tuple[int, bool]] = []
    bloc_test(
        build=Counter,
        act=add_twice,
        verify=lambda b: checked.append((b.state, b.is_closed)),
    )
    expected = [(2, True)]
    actual = checked
    assert expected == actual


def test_failing_verify_fails_the_test() -> None:
    """An assertion raised in verify fails bloc_test."""

    def verify(bloc: Counter) -> None:
        expected = 3
        actual = bloc.state
        assert expected == actual

    with pytest.raises(AssertionError):
        bloc_test(build=Counter, act=add_twice, verify=verify)


def test_an_uncaught_error_the_bloc_did_not_report_fails() -> None:
    """A hook that raises (sent to the loop's handler, not on_error) fails bloc_test."""

    class LoudDone(Counter):
        def on_done(self, event: object, error: BaseException | None) -> None:
            raise RuntimeError("on_done failed")

    with pytest.raises(AssertionError, match="did not report"):
        bloc_test(build=LoudDone, act=lambda b: b.add(Increment()), expect=[1])


def test_a_reported_handler_error_is_not_counted_twice() -> None:
    """A handler error reaches on_error and the loop's handler; bloc_test counts it once."""
    bloc_test(build=Counter, act=lambda b: b.add(Fail()), errors=[Boom], expect=[])
