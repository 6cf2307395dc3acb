"""The terminal app (Textual): one coordinator screen over the proxy registration engine.

The app is thin: it adds events to `ProxyRegistrationBloc` and renders the states
it emits through the selectors of `proxyreg.presentation`.
"""

from __future__ import annotations

from proxyreg.application import Strategy
from proxyreg.domain import Roster
from proxyreg.ports import ProxyRepository
from proxyreg.tui.app import ProxyRegApp

__all__ = ["ProxyRegApp", "run_tui"]


async def run_tui(
    repository: ProxyRepository,
    roster: Roster,
    *,
    strategy: str | Strategy = "rpc",
    faults: str | None = None,
) -> None:
    """Run the terminal app for ``roster``'s coordinator on ``repository`` (acting as them)
    until the user quits; ``strategy`` and ``faults`` as for `ProxyRegApp`."""
    await ProxyRegApp(repository, roster, strategy=strategy, faults=faults).run_async()
