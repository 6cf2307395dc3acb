"""The mentor list: a search box, Select all / Clear, a count, and one tick box per mentor."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.selection_list import Selection

from proxyreg.presentation import MentorChoice
from proxyreg.tui._text import show_text
from proxyreg.tui.text_box import TextBox
from proxyreg.tui.typed_text import TypedText

SEARCH = "search"
"""The id of the search box (and its key in `TypedText`)."""


def _line(choice: MentorChoice) -> str:
    """The name as written (shown as `Text`, never read as markup), paused ones marked."""
    return choice.name if choice.active else f"{choice.name} (paused)"


class MentorList(SelectionList[str]):
    """The tick list; it always has a row highlighted once focused, so Space ticks at once."""

    def on_focus(self, _: events.Focus) -> None:
        if self.highlighted is None and self.option_count:
            with self.prevent(OptionList.OptionHighlighted):
                self.highlighted = 0


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
        self._typed = TypedText()

    def compose(self) -> ComposeResult:
        yield Static("Mentors", id="mentors-title", markup=False)
        yield TextBox(placeholder="Search by name", id=SEARCH, compact=True)
        with Horizontal(id="selection-buttons"):
            yield Button("Select all", id="select-all", compact=True)
            yield Button("Clear", id="clear-selection", compact=True)
        yield MentorList(id="mentors")
        yield Static(id="mentors-error", classes="field-error", markup=False)

    @property
    def search_text(self) -> str:
        return self.query_one(f"#{SEARCH}", Input).value

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input.id == SEARCH:
            message.stop()
            self._typed.reported(SEARCH, message.value)
            self.post_message(self.SearchEdited(message.value))

    def applied(self) -> None:
        """The engine has handled one reported edit of the search box."""
        self._typed.applied(SEARCH)

    def clear(self) -> None:
        """Empty the search box: a flow entered afresh carries no search over."""
        box = self.query_one(f"#{SEARCH}", Input)
        with box.prevent(Input.Changed):
            box.value = ""
        self._typed.written(SEARCH, "")

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
        title: str,
        search: str | None = None,
    ) -> None:
        """Render the choices under ``title``; ``many`` shows Select all / Clear (bulk).

        ``search`` is the engine's search text (None: the box's own, as typed); the box is
        rewritten only as `TypedText` allows.
        """
        show_text(self.query_one("#mentors-title", Static), title)
        box = self.query_one(f"#{SEARCH}", Input)
        if search is not None:
            text = self._typed.rewrite(SEARCH, search, str, str)
            if text is not None:
                with box.prevent(Input.Changed):
                    box.value = text
        box.disabled = not editable
        listing = self.query_one("#mentors", MentorList)
        shown = tuple((c.mentor_id, _line(c), c.active) for c in choices)
        # No highlight message either: one queued with an index of the old options would be
        # read against the new ones.
        with listing.prevent(
            SelectionList.SelectionToggled,
            SelectionList.SelectedChanged,
            OptionList.OptionHighlighted,
        ):
            if shown != self._shown:
                self._rebuild(listing, choices, shown)
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
        errors_text = "\n".join(f"⚠ {m}" for m in errors)
        show_text(self.query_one("#mentors-error", Static), errors_text, hide_empty=True)

    def _rebuild(
        self,
        listing: MentorList,
        choices: Sequence[MentorChoice],
        shown: tuple[tuple[str, str, bool], ...],
    ) -> None:
        """New options; the highlight stays on the same mentor (or the first row)."""
        before = listing.highlighted
        kept = None
        if before is not None and before < len(self._shown):
            kept = self._shown[before][0]
        self._shown = shown
        listing.clear_options()
        listing.add_options(
            [
                Selection(Text(_line(c)), c.mentor_id, c.selected, c.mentor_id, not c.active)
                for c in choices
            ]
        )
        ids = [mentor_id for mentor_id, _, _ in shown]
        if ids:
            listing.highlighted = ids.index(kept) if kept in ids else 0
