"""Serving the page: NiceGUI mounted on a FastAPI app, run by uvicorn in the caller's loop."""

from __future__ import annotations

import asyncio
import secrets

import uvicorn
from fastapi import FastAPI
from nicegui import app as nicegui_app
from nicegui import ui

from proxyreg.web._desk import Desk, WebOptions
from proxyreg.web._page import make_root


async def serve(options: WebOptions, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve the coordinator screen on ``http://host:port/`` until interrupted (Ctrl+C);
    every session is closed (its submission let finish) before it returns. An address
    that cannot be served on is `OSError`."""
    desk = Desk(options)
    nicegui_app.on_shutdown(desk.close)
    web = FastAPI()
    ui.run_with(
        web,
        root=make_root(desk),
        title="proxyreg",
        favicon="📋",
        # Random per process: a sign-in lasts as long as the server (it is kept in memory).
        storage_secret=secrets.token_urlsafe(32),
        show_welcome_message=False,
    )
    server = uvicorn.Server(uvicorn.Config(web, host=host, port=port, log_level="warning"))
    announcing = asyncio.get_running_loop().create_task(_announce(server, host, port))
    try:
        await server.serve()
    except SystemExit:  # uvicorn could not start (the port is taken, say) and has said why
        if server.started:
            raise
        raise OSError(f"cannot serve on {host}:{port}") from None
    finally:
        announcing.cancel()


async def _announce(server: uvicorn.Server, host: str, port: int) -> None:
    """Say where the page is, once the server listens."""
    while not server.started:
        await asyncio.sleep(0.05)
    print(f"proxyreg web: the coordinator screen is on http://{host}:{port}/ (Ctrl+C stops it)")
