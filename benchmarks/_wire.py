"""A loopback TCP proxy that adds a round-trip time and counts the round trips, for benchmarks.

`LatencyProxy` listens on a free 127.0.0.1 port of the benchmark's own event loop and
relays every connection to the PostgreSQL server. An **exchange** (a round trip) starts
when the client sends after the server last spoke (or first, on a connection): that
first burst is held ``delay`` seconds before it is relayed; what the client sends before
the server answers (a pipelined request) belongs to the same exchange and is not held
again. So a call that costs one round trip pays ``delay`` once, and ``exchanges`` counts
the round trips every client made, on all connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LatencyProxy:
    """Relays 127.0.0.1:``port`` to ``host``:``upstream_port``; see the module docstring."""

    def __init__(self, host: str, upstream_port: int, delay: float) -> None:
        self.host = host
        self.upstream_port = upstream_port
        self.delay = delay
        self.port = free_port()
        self.exchanges = 0
        self._server: asyncio.Server | None = None

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LatencyProxy]:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        try:
            yield self
        finally:
            self._server.close()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        turn = {"server_spoke": True}

        async def requests() -> None:
            while data := await reader.read(65536):
                if turn["server_spoke"]:
                    turn["server_spoke"] = False
                    self.exchanges += 1
                    await asyncio.sleep(self.delay)
                up_writer.write(data)
                await up_writer.drain()
            up_writer.close()

        async def replies() -> None:
            while data := await up_reader.read(65536):
                turn["server_spoke"] = True
                writer.write(data)
                await writer.drain()
            writer.close()

        with contextlib.suppress(OSError, asyncio.CancelledError):
            await asyncio.gather(requests(), replies())
