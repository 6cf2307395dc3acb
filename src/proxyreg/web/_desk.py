"""The server's side of the page: the backend, who is signed in, and each browser's session.

One `Desk` per server process. It opens the backend once (a SQLite file or PostgreSQL;
for Supabase each sign-in opens its own, with that coordinator's token), keeps which
coordinator each browser signed in as (in memory only: a token never reaches a disk),
and hands every page a `ScreenSession`: a root bloc of its own, built by
`proxyreg.application`, closed when the page is gone.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager

import attrs

from proxyreg.application import (
    SUPABASE_TOKEN_VARIABLE,
    Acting,
    Backend,
    build_bloc,
    open_backend,
    read_fault_spec,
    shown_url,
)
from proxyreg.domain import Coordinator
from proxyreg.flows import ProxyRegistrationBloc

_TOKEN_SCHEMES = ("supabase+https://", "supabase+http://")


@attrs.frozen
class WebOptions:
    """What ``proxyreg web`` serves: the backend URL, and how submissions are sent.

    ``strategy`` and ``faults`` are `proxyreg.application.build_bloc`'s (``faults``
    makes the backend misbehave on purpose, for demos and tests); ``environ`` holds the
    Supabase anon key (default: the process's environment).
    """

    url: str
    strategy: str = "rpc"
    faults: str | None = None
    environ: Mapping[str, str] | None = None

    def __attrs_post_init__(self) -> None:
        if self.faults is not None:
            read_fault_spec(self.faults)  # a bad spec is refused at start, not per page

    @property
    def signs_in_with_token(self) -> bool:
        """Supabase: the coordinator signs in with their access token (JWT)."""
        return self.url.startswith(_TOKEN_SCHEMES)


@attrs.frozen
class SignIn:
    """Who a browser signed in as: a coordinator of the database (the demo sign-in), or a
    Supabase access token, whose subject is the coordinator."""

    coordinator_id: str | None = None
    token: str | None = attrs.field(default=None, repr=False)


class ScreenSession:
    """One page's engine: the coordinator acting, and the root bloc that page drives."""

    def __init__(self, acting: Acting, bloc: ProxyRegistrationBloc, stack: AsyncExitStack) -> None:
        self.acting = acting
        self.bloc = bloc
        self._stack = stack
        self.connected = True
        self._closing: asyncio.Task[None] | None = None

    @property
    def coordinator(self) -> Coordinator:
        return self.acting.coordinator

    async def settled(self) -> None:
        """Once what the page started (a submission in flight) has finished."""
        if not self.bloc.is_closed:
            await self.bloc.settled()

    def close(self) -> asyncio.Task[None]:
        """Let a submission in flight finish (its results land in the ledger), then close
        the bloc and what the session opened; the same task on every call."""
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._close())
        return self._closing

    async def _close(self) -> None:
        try:
            await self.settled()
        finally:
            await self.bloc.close()
            await self._stack.aclose()


class Desk:
    """The backend and the sessions of one server process; `close` it at shutdown."""

    def __init__(self, options: WebOptions) -> None:
        self.options = options
        self.sign_ins: dict[str, SignIn] = {}
        """Keyed by the browser's id (NiceGUI's ``app.storage.browser['id']``)."""
        self._sessions: set[ScreenSession] = set()
        self._backend: Backend | None = None
        self._stack = AsyncExitStack()
        self._opening = asyncio.Lock()

    @property
    def shown_url(self) -> str:
        return shown_url(self.options.url)

    async def backend(self) -> Backend:
        """The shared backend, opened on first use (again after a failed attempt).

        Raises what opening raises (`proxyreg.application.BadInput`, a driver's error).
        """
        async with self._opening:
            if self._backend is None:
                self._backend = await self._stack.enter_async_context(
                    open_backend(self.options.url, writes=True)
                )
            return self._backend

    async def coordinators(self) -> tuple[Coordinator, ...]:
        """Whom the demo sign-in offers: every coordinator of the database."""
        return await (await self.backend()).coordinators()

    @asynccontextmanager
    async def _acting(self, sign_in: SignIn) -> AsyncIterator[Acting]:
        if sign_in.token is not None:
            environ = dict(os.environ if self.options.environ is None else self.options.environ)
            environ[SUPABASE_TOKEN_VARIABLE] = sign_in.token
            async with (
                open_backend(self.options.url, writes=True, environ=environ) as backend,
                backend.acting_as(None) as acting,
            ):
                yield acting
            return
        backend = await self.backend()
        async with backend.acting_as(sign_in.coordinator_id) as acting:
            yield acting

    async def start(self, sign_in: SignIn) -> ScreenSession:
        """A session of its own for one page, acting as the signed-in coordinator."""
        stack = AsyncExitStack()
        try:
            acting = await stack.enter_async_context(self._acting(sign_in))
            bloc = build_bloc(
                acting.repository,
                acting.roster,
                strategy=self.options.strategy,
                faults=self.options.faults,
            )
        except BaseException:
            await stack.aclose()
            raise
        session = ScreenSession(acting, bloc, stack)
        self._sessions.add(session)
        return session

    def end(self, session: ScreenSession) -> asyncio.Task[None]:
        """The page is gone for good: close its session (see `ScreenSession.close`)."""
        closing = session.close()
        closing.add_done_callback(lambda _: self._sessions.discard(session))
        return closing

    def left_behind(self, coordinator_id: str) -> tuple[ScreenSession, ...]:
        """Sessions of this coordinator whose page is gone (a reload, a closed tab) and
        whose bloc is not closed yet: a new page waits for them to settle first."""
        return tuple(
            s
            for s in self._sessions
            if s.coordinator.id == coordinator_id and not s.connected and not s.bloc.is_closed
        )

    async def close(self) -> None:
        """Close every session (each lets its submission finish), then the backend."""
        await asyncio.gather(*(s.close() for s in tuple(self._sessions)), return_exceptions=True)
        await self._stack.aclose()
