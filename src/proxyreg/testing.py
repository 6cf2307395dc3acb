"""Test helpers for users of ``proxyreg.engine``, in the spirit of Dart's ``bloc_test``."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from proxyreg.engine import Bloc, BlocBase

B = TypeVar("B", bound=BlocBase[Any])
S = TypeVar("S")

ErrorMatcher = type[BaseException] | Callable[[BaseException], bool]

__all__ = ["ErrorMatcher", "bloc_test"]


def bloc_test(
    *,
    build: Callable[[], B],
    seed: Callable[[], S] | None = None,
    act: Callable[[B], object] | None = None,
    wait: float = 0.0,
    skip: int = 0,
    expect: Sequence[S] | Callable[[], Sequence[S]] | None = None,
    errors: Sequence[ErrorMatcher] | None = None,
    verify: Callable[[B], object] | None = None,
) -> None:
    """Run one bloc scenario in its own ``asyncio.run`` and assert on what it emitted.

    Steps: ``build()`` inside the loop; if ``seed``, set the state to ``seed()`` without
    recording it; record every state emitted from then on; ``act(bloc)``, awaiting what it
    returns if awaitable; for a ``Bloc``, wait for ``settled()``; sleep ``wait`` seconds;
    ``close()``; drop the first ``skip`` recorded states. Then, in this order:

    * errors reported to ``on_error``: with ``errors=None`` there must be none; otherwise
      exactly ``len(errors)``, the i-th matching ``errors[i]`` (a type, by ``isinstance``, or
      a predicate);
    * errors that reached the loop's exception handler (where the engine re-raises a
      handler's error, as Dart's ``blocTest`` catches its zone's uncaught errors): each must
      be one of the reported errors; any other (a raising hook, say) fails the test;
    * ``expect`` (a sequence, or a callable returning one): must equal the recorded states;
    * ``verify(bloc)``, awaited if it returns an awaitable.

    Raises ``AssertionError`` on a mismatch (explicitly, so ``python -O`` keeps the
    checks); exceptions from ``build``, ``act`` or
    ``verify`` propagate (the bloc is still closed).
    """
    asyncio.run(
        _scenario(
            build=build,
            seed=seed,
            act=act,
            wait=wait,
            skip=skip,
            expect=expect,
            errors=errors,
            verify=verify,
        )
    )


async def _scenario(
    *,
    build: Callable[[], B],
    seed: Callable[[], S] | None,
    act: Callable[[B], object] | None,
    wait: float,
    skip: int,
    expect: Sequence[S] | Callable[[], Sequence[S]] | None,
    errors: Sequence[ErrorMatcher] | None,
    verify: Callable[[B], object] | None,
) -> None:
    bloc = build()
    if seed is not None:
        bloc._seed(seed())
    states: list[Any] = []
    reported: list[BaseException] = []
    uncaught: list[BaseException] = []

    def catch(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        uncaught.append(error if error is not None else RuntimeError(context["message"]))

    asyncio.get_running_loop().set_exception_handler(catch)
    bloc.listen(states.append)
    bloc._tap_errors(reported.append)
    try:
        if act is not None:
            outcome = act(bloc)
            if inspect.isawaitable(outcome):
                await outcome
        if isinstance(bloc, Bloc):
            await bloc.settled()
        if wait > 0:
            await asyncio.sleep(wait)
    finally:
        await bloc.close()
    _check_errors(reported, errors)
    stray = [e for e in uncaught if not any(e is r for r in reported)]
    if stray:
        raise AssertionError(
            f"{len(stray)} uncaught error(s) the bloc did not report: {stray!r}"
        ) from stray[0]
    if expect is not None:
        expected = list(expect() if callable(expect) else expect)
        actual = states[skip:]
        if expected != actual:
            raise AssertionError(_describe_mismatch(expected, actual))
    if verify is not None:
        outcome = verify(bloc)
        if inspect.isawaitable(outcome):
            await outcome


def _check_errors(reported: list[BaseException], errors: Sequence[ErrorMatcher] | None) -> None:
    if errors is None:
        if reported:
            raise AssertionError(
                f"the bloc reported {len(reported)} unexpected error(s): {reported!r}"
            ) from reported[0]
        return
    if len(errors) != len(reported):
        raise AssertionError(
            f"expected {len(errors)} error(s), the bloc reported {len(reported)}: {reported!r}"
        )
    for index, (matcher, error) in enumerate(zip(errors, reported, strict=True)):
        matched = isinstance(error, matcher) if isinstance(matcher, type) else matcher(error)
        if not matched:
            raise AssertionError(f"error at index {index}: {error!r} does not match {matcher!r}")


def _describe_mismatch(expected: list[Any], actual: list[Any]) -> str:
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            return (
                f"states differ at index {index}: expected {want!r}, got {got!r}\n"
                f"expected: {expected!r}\nactual:   {actual!r}"
            )
    shorter = min(len(expected), len(actual))
    return (
        f"states differ at index {shorter}: expected {len(expected)} state(s), "
        f"got {len(actual)}\nexpected: {expected!r}\nactual:   {actual!r}"
    )
