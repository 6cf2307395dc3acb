"""psycopg's errors that mean a database cannot serve proxyreg, said as the port's errors.

A missing table or function is a database without the proxyreg schema (`NoSchemaError`:
run ``proxyreg init``); a connection that cannot be made or was lost is
`BackendUnavailableError` naming the server. Other errors pass as they are (the adapter
maps the ones it expects, and a write left without an answer is in doubt either way).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import psycopg
from psycopg import errors

from proxyreg.ports import BackendUnavailableError, NoSchemaError

P = ParamSpec("P")
T = TypeVar("T")

_NO_SCHEMA = (errors.UndefinedTable, errors.UndefinedFunction, errors.InvalidSchemaName)


@contextmanager
def understood() -> Iterator[None]:
    """Raise the port's error for a driver error that means the database cannot serve."""
    try:
        yield
    except _NO_SCHEMA as error:
        raise NoSchemaError() from error
    except psycopg.OperationalError as error:
        if not _lost_connection(error):
            raise
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise BackendUnavailableError(
            f"PostgreSQL cannot be reached or went away: {reason}"
        ) from error


def _lost_connection(error: psycopg.OperationalError) -> bool:
    """No connection could be made, or it went away (no SQLSTATE: the client's own report;
    class 08, a connection exception; 57P01-57P03, the server shutting down)."""
    state = error.sqlstate
    return state is None or state.startswith("08") or state in {"57P01", "57P02", "57P03"}


def understood_calls(call: Callable[P, Awaitable[T]]) -> Callable[P, Coroutine[Any, Any, T]]:
    """``call`` with its driver errors `understood`."""

    @functools.wraps(call)
    async def translated(*args: P.args, **kwargs: P.kwargs) -> T:
        with understood():
            return await call(*args, **kwargs)

    return translated
