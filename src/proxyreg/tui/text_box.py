"""A text box that applies its editing keys (Backspace, End, Delete…) where they arrive.

Textual hands a printable key to the focused `Input` at once, while a key bound to one
of its actions travels up through every container to the app, which then runs the
action. In a burst of keys (a terminal delivers fast typing that way) a Backspace could
so be applied after the letters typed behind it: the deeper the box sits, the wider the
window. This box runs its own key bindings on arrival, so every key is applied in the
order it came; keys it does not bind (Tab, the app's shortcuts) travel on as before.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding
from textual.widgets import Input


def _editing_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for binding in Binding.make_bindings(Input.BINDINGS):
        keys.setdefault(binding.key, binding.action)
    return keys


class TextBox(Input):
    """An `Input` whose editing keys are applied in arrival order."""

    EDITING_KEYS: ClassVar[dict[str, str]] = _editing_keys()
    """Each key of `Input`'s own bindings, and the action it runs."""

    async def _on_key(self, event: events.Key) -> None:
        action = self.EDITING_KEYS.get(event.key)
        if action is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)
