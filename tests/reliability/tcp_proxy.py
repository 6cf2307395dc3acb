"""A loopback TCP proxy between a client and PostgreSQL that misbehaves on request.

`WireProxy` listens on a free loopback port and relays every connection to the server,
one PostgreSQL protocol message at a time, on an event loop of its own (a thread), so
the code under test, a subprocess or a second event loop can use it alike. It can:

- `delay`: hold every server reply for a while (a slow network);
- `cut_before_commit`: let a registration call reach the server, then drop the
  connection in place of the client's ``COMMIT`` (its own message, or the end of the
  one simple query that holds the whole call): nothing is stored, nobody hears;
- `cut_after_commit`: let a registration call through, let the server commit it, and
  drop the connection instead of relaying the ``COMMIT`` reply: the server has stored
  the records, the client never hears (optionally running a callback first, say to kill
  the client, or refusing connections afterwards, so a reconciliation cannot ask);
- `cut_request`: drop the connection in place of a request that holds some text;
- `on_registration`: call back when a registration call has gone through to the server
  (to kill the server mid-call);
- `refuse_for`: stop listening for a while, so new connections are refused
  (``ECONNREFUSED``), dropping the current ones too if asked (a partition); `drop_all`.

A registration call is a client message holding ``register_proxy_activities`` (the SQL
of the call, before psycopg prepares it) or ``"activity_date"`` (its JSON argument,
sent with every execution, prepared or not).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

import attrs
from private_pg import free_port

T = TypeVar("T")

REGISTRATION_MARKERS = (b"register_proxy_activities", b'"activity_date"')
_SSL_REQUEST = 80877103
_GSSENC_REQUEST = 80877104
_PROTOCOL_3 = 196608


class _Framer:
    """Splits one direction of the PostgreSQL protocol into whole messages.

    The client's first messages (startup, SSL and GSS requests) carry no type byte; the
    server answers an SSL or GSS request with one byte. Everything after is typed.
    """

    def __init__(self, *, client_side: bool) -> None:
        self._buffer = bytearray()
        self._untyped = client_side
        self.peer: _Framer | None = None
        self.single_bytes = 0

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        messages: list[bytes] = []
        buffer = self._buffer
        while buffer:
            if self.single_bytes:
                messages.append(bytes(buffer[:1]))
                del buffer[:1]
                self.single_bytes -= 1
                continue
            if self._untyped:
                if len(buffer) < 8 or len(buffer) < int.from_bytes(buffer[:4], "big"):
                    break
                size = int.from_bytes(buffer[:4], "big")
                message = bytes(buffer[:size])
                code = int.from_bytes(message[4:8], "big")
                if code in (_SSL_REQUEST, _GSSENC_REQUEST) and self.peer is not None:
                    self.peer.single_bytes += 1
                elif code == _PROTOCOL_3:
                    self._untyped = False
            else:
                if len(buffer) < 5 or len(buffer) < 1 + int.from_bytes(buffer[1:5], "big"):
                    break
                size = 1 + int.from_bytes(buffer[1:5], "big")
                message = bytes(buffer[:size])
            messages.append(message)
            del buffer[:size]
        return messages


def is_registration(message: bytes) -> bool:
    return any(marker in message for marker in REGISTRATION_MARKERS)


def is_commit_request(message: bytes) -> bool:
    """A simple query ``COMMIT`` (how psycopg ends a transaction)."""
    return message[:1] == b"Q" and message[5:].startswith(b"COMMIT")


_TRAILING_COMMIT = b"; COMMIT\x00"


def without_trailing_commit(message: bytes) -> bytes | None:
    """A simple query that ends its own transaction (``BEGIN; …; COMMIT``, how the adapter
    sends a call in one exchange) without that ``COMMIT``, or None for any other message."""
    if message[:1] != b"Q" or not message.endswith(_TRAILING_COMMIT):
        return None
    text = message[5 : -len(_TRAILING_COMMIT)] + b"\x00"
    return b"Q" + (len(text) + 4).to_bytes(4, "big") + text


def is_commit_reply(message: bytes) -> bool:
    """CommandComplete ``COMMIT``: the server has committed the transaction."""
    return message[:1] == b"C" and message[5:].startswith(b"COMMIT")


@attrs.define
class _CutRule:
    times: int
    then: Callable[[], None] | None = None
    refuse_for: float = 0.0
    before_commit: bool = False
    """Cut as the client sends ``COMMIT`` (the server rolls back) instead of after it."""


@attrs.define
class ProxyStats:
    """What the proxy did: connections relayed, calls cut after commit, refusals."""

    connections: int = 0
    registrations: int = 0
    cuts: int = 0
    refusals: int = 0


class _Link:
    """One client connection and its server connection."""

    def __init__(self, client: asyncio.StreamWriter, server: asyncio.StreamWriter) -> None:
        self.client = client
        self.server = server
        self.armed: _CutRule | None = None  # a registration went through: cut at its COMMIT

    def abort(self) -> None:
        for writer in (self.client, self.server):
            transport = writer.transport
            if not transport.is_closing():
                transport.abort()


class WireProxy:
    """Relays 127.0.0.1:``port`` to 127.0.0.1:``upstream_port``; see the module docstring."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.stats = ProxyStats()
        self._delay = 0.0
        self._cuts: list[_CutRule] = []
        self._on_registration: list[Callable[[], None]] = []
        self._request_cuts: list[tuple[bytes, list[int]]] = []
        self._links: set[_Link] = set()
        self._server: asyncio.Server | None = None
        self._refusing: asyncio.TimerHandle | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    # --- life --------------------------------------------------------------------------
    def start(self) -> WireProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def close(self) -> None:
        async def shut() -> None:
            if self._refusing is not None:
                self._refusing.cancel()
            if self._server is not None:
                self._server.close()
            for link in list(self._links):
                link.abort()

        self._call(shut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> WireProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- faults --------------------------------------------------------------------------
    def delay(self, seconds: float) -> None:
        """Hold every server reply ``seconds`` before relaying it (0: no delay)."""
        self._delay = seconds

    def cut_after_commit(
        self,
        times: int = 1,
        *,
        then: Callable[[], None] | None = None,
        refuse_for: float = 0.0,
    ) -> None:
        """The next ``times`` registration calls commit on the server, and their connection
        is dropped before the client hears the ``COMMIT``; ``then`` runs (in a worker
        thread, the reply held) before the drop; ``refuse_for`` seconds of refusing every
        connection, the others dropped, follow each cut."""

        async def add() -> None:
            self._cuts.append(_CutRule(times, then=then, refuse_for=refuse_for))

        self._call(add())

    def cut_before_commit(self, times: int = 1) -> None:
        """The next ``times`` registration calls reach the server, but their connection is
        dropped in place of relaying the client's ``COMMIT``: the server rolls the call
        back, and the client never hears either way."""

        async def add() -> None:
            self._cuts.append(_CutRule(times, before_commit=True))

        self._call(add())

    def cut_request(self, marker: bytes, times: int = 1) -> None:
        """Drop the connection in place of relaying the next ``times`` client messages that
        hold ``marker`` (SQL text: before psycopg prepares the statement): the request
        never reaches the server."""

        async def add() -> None:
            self._request_cuts.append((marker, [times]))

        self._call(add())

    def on_registration(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, in a worker thread, as the next registration call has
        been relayed to the server."""

        async def add() -> None:
            self._on_registration.append(callback)

        self._call(add())

    def refuse_for(self, seconds: float, *, drop: bool = False) -> None:
        """Stop listening for ``seconds``: new connections are refused meanwhile. With
        ``drop``, current connections are dropped too, in the same step (a partition)."""
        self._call(self._refuse(seconds, drop=drop))

    def drop_all(self) -> None:
        """Drop every connection now (both ends see it closed)."""

        async def drop() -> None:
            for link in list(self._links):
                link.abort()

        self._call(drop())

    def clear(self) -> None:
        """No more faults: no delay, no cut or callback pending, listening again."""

        async def clear() -> None:
            self._delay = 0.0
            self._cuts.clear()
            self._request_cuts.clear()
            self._on_registration.clear()
            if self._refusing is not None:
                self._refusing.cancel()
                self._refusing = None
                await self._listen()

        self._call(clear())

    # --- inside the proxy's loop ---------------------------------------------------------
    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=30)

    async def _listen(self) -> None:
        if self._server is None or not self._server.is_serving():
            self._server = await asyncio.start_server(
                self._relay, "127.0.0.1", self.port, reuse_address=True
            )

    async def _refuse(self, seconds: float, *, drop: bool) -> None:
        self.stats.refusals += 1
        if self._server is not None:
            self._server.close()
        if self._refusing is not None:
            self._refusing.cancel()

        def listen_again() -> None:
            self._refusing = None
            self._loop.create_task(self._listen())

        self._refusing = self._loop.call_later(seconds, listen_again)
        if drop:
            for link in list(self._links):
                link.abort()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.transport.abort()  # the server is down: the client sees the connection fail
            return
        self.stats.connections += 1
        link = _Link(writer, up_writer)
        self._links.add(link)
        client_side, server_side = _Framer(client_side=True), _Framer(client_side=False)
        client_side.peer = server_side
        try:
            await asyncio.gather(
                self._pump_requests(link, reader, client_side),
                self._pump_replies(link, up_reader, server_side),
            )
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            link.abort()
            self._links.discard(link)

    async def _pump_requests(
        self, link: _Link, reader: asyncio.StreamReader, framer: _Framer
    ) -> None:
        while data := await reader.read(65536):
            messages = framer.feed(data)
            if self._cut_request(messages):
                self.stats.cuts += 1
                link.abort()
                return
            registration = any(is_registration(m) for m in messages)
            if registration and link.armed is None and self._cuts:
                link.armed = self._cuts[0]
                link.armed.times -= 1
                if link.armed.times <= 0:
                    self._cuts.pop(0)
            rule = link.armed
            for n, message in enumerate(messages):
                if rule is not None and rule.before_commit and is_commit_request(message):
                    link.server.write(b"".join(messages[:n]))
                    await self._cut(link, rule)
                    return
                uncommitted = without_trailing_commit(message)
                if rule is not None and rule.before_commit and uncommitted is not None:
                    link.server.write(b"".join(messages[:n]) + uncommitted)
                    await link.server.drain()
                    await self._cut(link, rule)
                    return
            link.server.write(b"".join(messages))
            await link.server.drain()
            if registration:
                self.stats.registrations += 1
                while self._on_registration:
                    callback = self._on_registration.pop(0)
                    self._loop.run_in_executor(None, callback)
        link.abort()

    async def _pump_replies(
        self, link: _Link, reader: asyncio.StreamReader, framer: _Framer
    ) -> None:
        while data := await reader.read(65536):
            messages = framer.feed(data)
            if self._delay:
                await asyncio.sleep(self._delay)
            for n, message in enumerate(messages):
                armed = link.armed
                if armed is not None and not armed.before_commit and is_commit_reply(message):
                    link.client.write(b"".join(messages[:n]))
                    await self._cut(link, armed)
                    return
            link.client.write(b"".join(messages))
            await link.client.drain()
        link.abort()

    def _cut_request(self, messages: list[bytes]) -> bool:
        for marker, left in self._request_cuts:
            if any(marker in m for m in messages):
                left[0] -= 1
                if left[0] <= 0:
                    self._request_cuts.remove((marker, left))
                return True
        return False

    async def _cut(self, link: _Link, rule: _CutRule) -> None:
        self.stats.cuts += 1
        if rule.then is not None:
            await self._loop.run_in_executor(None, rule.then)
        link.abort()
        if rule.refuse_for:
            await self._refuse(rule.refuse_for, drop=True)
