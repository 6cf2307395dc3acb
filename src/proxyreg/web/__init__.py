"""The web front end: the coordinator screen in a browser, one root bloc per page.

``proxyreg web`` serves it (NiceGUI; the ``web`` extra). The engine is embedded the way
any Python web framework would embed it: the server keeps one `Desk` (the backend, who
is signed in, the live sessions); each page asks it for a `ScreenSession` (a root bloc
from `proxyreg.application.build_bloc`, acting as the signed-in coordinator), adds an
event for each thing the coordinator does, draws each state the bloc emits through
`proxyreg.presentation`, and ends the session when the page is gone. See docs/web.md.
"""

from proxyreg.web._desk import Desk, ScreenSession, SignIn, WebOptions
from proxyreg.web._page import DEMO_NOTICE, make_root
from proxyreg.web._screen import CoordinatorScreen, result_items
from proxyreg.web._server import serve

__all__ = [
    "DEMO_NOTICE",
    "CoordinatorScreen",
    "Desk",
    "ScreenSession",
    "SignIn",
    "WebOptions",
    "make_root",
    "result_items",
    "serve",
]
