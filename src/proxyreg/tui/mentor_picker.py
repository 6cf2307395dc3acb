"""The mentor list: a search box, Select all / Clear, and one tick box per mentor."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from proxyreg.presentation import MentorChoice


def _line(choice: MentorChoice) -> str:
    """The name as written (shown as `Text`, never read as markup), paused ones marked."""
    return choice.name if choice.active else f"{choice.name} (paused)"


class MentorPicker(Vertical):
    """Shows mentor choices; reports ticks as `MentorToggled` and searches as `SearchEdited`."""

    class MentorToggled(Message):
        """The coordinator ticked (or unticked) one mentor."""

        def __init__(self, mentor_id: str, ticked: bool) -> None:
            super().__init__()
            self.mentor_id = mentor_id
            self.ticked = ticked

    class SearchEdited(Message):
        """The search box now holds ``text``."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[tuple[str, str, bool], ...] = ()

    def compose(self) -> ComposeResult:
        yield Label("Mentors", id="mentors-title")
        yield Input(placeholder="Search by name", id="search")
        with Horizontal(id="selection-buttons"):
            yield Button("Select all", id="select-all")
            yield Button("Clear", id="clear-selection")
        yield SelectionList[str](id="mentors")
        yield Static(id="mentors-error", classes="field-error", markup=False)

    @property
    def search_text(self) -> str:
        return self.query_one("#search", Input).value

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input.id == "search":
            message.stop()
            self.post_message(self.SearchEdited(message.value))

    def on_selection_list_selection_toggled(
        self, message: SelectionList.SelectionToggled[str]
    ) -> None:
        message.stop()
        mentor_id = message.selection.value
        ticked = mentor_id in message.selection_list.selected
        self.post_message(self.MentorToggled(mentor_id, ticked))

    def show(
        self,
        choices: Sequence[MentorChoice],
        errors: Sequence[str],
        *,
        editable: bool,
        many: bool,
        search: str | None = None,
    ) -> None:
        """Render the choices; ``many`` shows Select all / Clear (the bulk flow).

        ``search`` rewrites the search box (None leaves it as typed).
        """
        box = self.query_one("#search", Input)
        if search is not None and box.value != search:
            with box.prevent(Input.Changed):
                box.value = search
        box.disabled = not editable
        listing = self.query_one("#mentors", SelectionList)
        shown = tuple((c.mentor_id, _line(c), c.active) for c in choices)
        with listing.prevent(SelectionList.SelectionToggled, SelectionList.SelectedChanged):
            if shown != self._shown:
                self._shown = shown
                listing.clear_options()
                listing.add_options(
                    [
                        Selection(
                            Text(_line(c)), c.mentor_id, c.selected, c.mentor_id, not c.active
                        )
                        for c in choices
                    ]
                )
            else:
                ticked = set(listing.selected)
                for choice in choices:
                    if choice.selected and choice.mentor_id not in ticked:
                        listing.select(choice.mentor_id)
                    elif not choice.selected and choice.mentor_id in ticked:
                        listing.deselect(choice.mentor_id)
        listing.disabled = not editable
        for button_id in ("#select-all", "#clear-selection"):
            button = self.query_one(button_id, Button)
            button.display = many
            button.disabled = not editable
        label = self.query_one("#mentors-error", Static)
        label.update("\n".join(f"⚠ {m}" for m in errors))
        label.display = bool(errors)
