"""The terminal app (Textual): one coordinator screen over the proxy registration engine.

The app is thin: it adds events to `ProxyRegistrationBloc` and renders the states
it emits through the selectors of `proxyreg.presentation`.
"""

from __future__ import annotations

from proxyreg.ports import ProxyRepository
from proxyreg.tui.app import ProxyRegApp

__all__ = ["ProxyRegApp", "run_tui"]


async def run_tui(repository: ProxyRepository) -> None:
    """Run the terminal app on ``repository``, for the coordinator it acts as, until the user
    quits."""
    await ProxyRegApp(repository).run_async()
