"""The database a command acts on, and who acts: ``--db`` and ``--as`` read for the application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

from proxyreg.application import BadInput, open_backend
from proxyreg.domain import FieldError, Roster
from proxyreg.ports import ProxyRepository


@asynccontextmanager
async def acting_coordinator(
    url: str,
    acting_as: str | None,
    *,
    writes: bool = False,
    problems: Sequence[FieldError] = (),
) -> AsyncIterator[tuple[ProxyRepository, Roster]]:
    """The repository acting as the resolved coordinator, and their roster (``writes``: the
    command registers, so the database must take writes).

    When the database or the coordinator is refused, ``problems`` (the rest of the
    command line's, found before) are named with it: one round of errors.
    """
    async with AsyncExitStack() as stack:
        try:
            backend = await stack.enter_async_context(open_backend(url, writes=writes))
            acting = await stack.enter_async_context(backend.acting_as(acting_as))
        except BadInput as bad:
            raise BadInput((*bad.errors, *problems)) from None
        yield acting.repository, acting.roster
