"""The app's modal screens: one result row read in full, and "leave this unsent form?"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from proxyreg.presentation import ResultRow

_STATUS_WORDS = {
    "pending": "still sending",
    "registered": "registered",
    "already_registered": "registered earlier",
    "rejected": "not accepted",
    "failed": "not sent",
    "unknown": "no answer yet",
}


class RowDetails(ModalScreen[None]):
    """One mentor's result, every word of it; Escape or Enter closes it."""

    BINDINGS = [  # noqa: RUF012 - Textual reads bindings from a class attribute
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, row: ResultRow) -> None:
        super().__init__()
        self._row = row

    def compose(self) -> ComposeResult:
        row = self._row
        with Vertical(id="details", classes="dialog"):
            yield Label(f"{row.symbol} {row.name}", id="details-name", markup=False)
            yield Static(
                f"Status: {_STATUS_WORDS.get(row.status.value, row.status.value)}",
                id="details-status",
                markup=False,
            )
            yield Static(row.message, id="details-message", markup=False)
            yield Button("Close", id="details-close", compact=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#details-close", Button).focus()

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmLeave(ModalScreen[bool]):
    """Asks before an unsent form is thrown away; answers True to leave it."""

    BINDINGS = [  # noqa: RUF012 - Textual reads bindings from a class attribute
        Binding("y", "answer(True)", "Leave it"),
        Binding("n,escape", "answer(False)", "Stay"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(self._question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Leave it (y)", id="confirm-leave", variant="error", compact=True)
                yield Button("Stay (n)", id="confirm-stay", variant="primary", compact=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#confirm-stay", Button).focus()

    def on_button_pressed(self, message: Button.Pressed) -> None:
        self.dismiss(message.button.id == "confirm-leave")

    def action_answer(self, leave: bool) -> None:
        self.dismiss(leave)
