"""Writing a line of text into a widget only when it changes (each write lays the screen out)."""

from __future__ import annotations

from textual.widgets import Static


def show_text(widget: Static, text: str, *, hide_empty: bool = False) -> None:
    """Put ``text`` in ``widget`` unless it is there already; ``hide_empty``: no text, no line."""
    if widget.content != text:
        widget.update(text)
    if hide_empty:
        widget.display = bool(text)
