"""The page at ``/``: the sign-in, then the coordinator screen on a session of its own.

Each page load (a browser tab, a reload) gets its own `ScreenSession`, closed when
NiceGUI deletes the page's client (the tab is gone past the reconnect timeout). A page
whose coordinator left a submission in flight on another page (a reload mid-submission)
first shows that one settling, read-only, then enters the bulk flow, which restores it
from the ledger.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import app, ui

from proxyreg.application import BadInput
from proxyreg.web._desk import Desk, ScreenSession, SignIn
from proxyreg.web._screen import CoordinatorScreen

DEMO_NOTICE = (
    "Demo sign-in: choose who you are. There is no password; anyone who can open this "
    "page can act as any coordinator of this database."
)
SETTLING = "Finishing the submission sent before this page was loaded…"

_CSS = """
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);}
.result-list{list-style:none;padding:0;margin:0;}
.result-row{padding:.35rem .5rem;border-bottom:1px solid #e5e7eb;overflow-wrap:anywhere;}
.result-row .mark{display:inline-block;width:1.2em;font-weight:700;}
.result-registered .mark,.result-already_registered .mark{color:#166534;}
.result-failed .mark,.result-rejected .mark,.result-unknown .mark{color:#b91c1c;}
.result-row .name{font-weight:600;}
@media (max-width: 767.98px){
  .showing-results .mentor-panel{display:none;}
  .showing-results .results-panel{order:-1;}
}
"""


def problem_text(error: BaseException) -> str:
    """What the banner says when the backend cannot be used."""
    if isinstance(error, BadInput):
        said = " ".join(e.message for e in error.errors)
    else:
        said = str(error) or type(error).__name__
    return f"The database cannot be used right now: {said} Nothing was sent; try again."


def make_root(desk: Desk) -> Callable[[], Awaitable[None]]:
    """The root page function for ``ui.run`` / ``ui.run_with`` over ``desk``."""

    async def root() -> None:
        ui.page_title("proxyreg")
        ui.add_css(_CSS)
        browser = str(app.storage.browser["id"])
        sign_in = desk.sign_ins.get(browser)
        with ui.column().classes("w-full max-w-5xl mx-auto p-3 md:p-6 gap-3"):
            if sign_in is None:
                await _sign_in_view(desk, browser)
            else:
                await _coordinator_view(desk, browser, sign_in)

    return root


def _banner(text: str) -> None:
    ui.label(text).classes("w-full p-3 rounded bg-red-100 text-red-900").props("role=alert")


def _sign_in(desk: Desk, browser: str, sign_in: SignIn) -> None:
    desk.sign_ins[browser] = sign_in
    ui.navigate.reload()


async def _sign_in_view(desk: Desk, browser: str) -> None:
    ui.label("proxyreg: sign in").classes("text-2xl font-medium")
    if desk.options.signs_in_with_token:
        ui.label(
            "Sign in with your access token (the JWT your organisation's sign-in gave you). "
            "It is kept in this server's memory for this browser only."
        )
        token = ui.input("Access token", password=True).classes("w-full")
        ui.button(
            "Sign in",
            on_click=lambda: _sign_in(desk, browser, SignIn(token=(token.value or "").strip())),
        ).props("no-caps")
        return
    try:
        coordinators = await desk.coordinators()
    except Exception as error:  # the banner says what; the page stays usable
        _banner(problem_text(error))
        ui.button("Try again", on_click=ui.navigate.reload).props("no-caps")
        return
    ui.label(DEMO_NOTICE).classes("p-3 rounded bg-amber-100 text-amber-900").props("role=note")
    ui.label(f"Database: {desk.shown_url}").classes("text-sm text-grey-8")
    if not coordinators:
        _banner("This database has no coordinators yet: run `proxyreg init --demo`.")
    with ui.column().classes("gap-2"):
        for coordinator in coordinators:
            ui.button(
                f"Sign in as {coordinator.name}",
                on_click=lambda c=coordinator: _sign_in(desk, browser, SignIn(c.id)),
            ).props("no-caps outline")


def _sign_out(desk: Desk, browser: str) -> None:
    desk.sign_ins.pop(browser, None)
    ui.navigate.reload()


async def _coordinator_view(desk: Desk, browser: str, sign_in: SignIn) -> None:
    try:
        session = await desk.start(sign_in)
    except Exception as error:  # the banner says what; nothing was sent
        _banner(problem_text(error))
        with ui.row():
            ui.button("Try again", on_click=ui.navigate.reload).props("no-caps")
            ui.button("Sign out", on_click=lambda: _sign_out(desk, browser)).props("no-caps")
        return
    with ui.row().classes("w-full items-center justify-between"):
        ui.label(f"proxyreg · {session.coordinator.name}").classes("text-2xl font-medium")
        ui.button("Sign out", on_click=lambda: _sign_out(desk, browser)).props("no-caps flat")
    screen = CoordinatorScreen(session.acting.roster, session.bloc.context.rules.kinds)
    client = ui.context.client
    client.on_disconnect(lambda: _set_connected(session, False))
    client.on_connect(lambda: _set_connected(session, True))
    client.on_delete(lambda: desk.end(session))
    await client.connected()
    await _await_left_behind(desk, session, screen)
    screen.attach(session.bloc)


def _set_connected(session: ScreenSession, connected: bool) -> None:
    session.connected = connected


async def _await_left_behind(desk: Desk, session: ScreenSession, screen: CoordinatorScreen) -> None:
    """Show each submission another page of this coordinator left in flight until it has
    settled (its results are then in the ledger, for this page's bloc to restore)."""
    for other in desk.left_behind(session.coordinator.id):
        stop = screen.show(other.bloc)
        screen.warn(SETTLING)
        try:
            await other.settled()
        finally:
            stop()
            screen.warn(None)
