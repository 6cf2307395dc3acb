"""The activity form: kind, date, minutes, participants, notes, each with its errors below it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from proxyreg.application import read_field_text, text_of
from proxyreg.domain import ActivityDraft, ActivityKind
from proxyreg.tui._text import show_text
from proxyreg.tui.text_box import TextBox
from proxyreg.tui.typed_text import TypedText

# The text boxes in form order: (draft field, label, placeholder).
_TEXT_FIELDS = (
    ("date", "Date", "YYYY-MM-DD"),
    ("minutes", "Minutes", "e.g. 45"),
    ("participants", "Participants", "group kinds only, e.g. 6"),
    ("notes", "Notes", "optional"),
)
TEXT_FIELDS = tuple(field for field, _, _ in _TEXT_FIELDS)
FIELDS = ("kind", *TEXT_FIELDS)


def _stands_for(field: str) -> Callable[[str], object]:
    """How the text of ``field``'s box is read into a draft value (the application's rule)."""

    def reads(text: str) -> object:
        reading = read_field_text(field, text)
        return text if reading is None else reading.value

    return reads


def _kind_value(text: str) -> object:
    return text or None


def _kind_text(value: object) -> str:
    return "" if value is None else str(value)


class ActivityForm(Vertical):
    """Shows a draft and its field errors; reports each edit as `ActivityForm.FieldEdited`.

    A box is never rewritten under the coordinator's fingers: see `TypedText`. The app
    calls `applied` once the engine has handled each reported edit.
    """

    class FieldEdited(Message):
        """The coordinator changed ``field`` to ``text`` (the kind: its id, None when unset)."""

        def __init__(self, field: str, text: str | None) -> None:
            super().__init__()
            self.field = field
            self.text = text

    def __init__(self, kinds: Iterable[ActivityKind], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._kinds = tuple(kinds)
        self._typed = TypedText()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label("Kind", classes="field-label")
            yield Select(
                [(kind.label, kind.id) for kind in self._kinds],
                prompt="Choose a kind",
                id="kind",
                compact=True,
            )
        yield Static(id="kind-error", classes="field-error", markup=False)
        for field, label, placeholder in _TEXT_FIELDS:
            with Horizontal(classes="field-row"):
                yield Label(label, classes="field-label")
                yield TextBox(placeholder=placeholder, id=field, compact=True)
            yield Static(id=f"{field}-error", classes="field-error", markup=False)
        yield Static(id="status", markup=False)
        with Horizontal(id="form-buttons"):
            yield Button("Submit", id="submit", variant="primary", compact=True)
            yield Button("Register another", id="register-another", compact=True)

    def on_select_changed(self, message: Select.Changed) -> None:
        message.stop()
        value = None if message.value is Select.NULL else str(message.value)
        self._typed.reported("kind", value or "")
        self.post_message(self.FieldEdited("kind", value))

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input.id not in TEXT_FIELDS:
            return
        message.stop()
        field = message.input.id
        self._typed.reported(field, message.value)
        self.post_message(self.FieldEdited(field, message.value))

    def applied(self, field: str) -> None:
        """The engine has handled one reported edit of ``field``."""
        self._typed.applied(field)

    def clear(self) -> None:
        """Empty every box (a new registration starts): nothing typed is carried over."""
        kind = self.query_one("#kind", Select)
        with kind.prevent(Select.Changed):
            kind.value = Select.NULL
        self._typed.written("kind", "")
        for field in TEXT_FIELDS:
            box = self.query_one(f"#{field}", Input)
            with box.prevent(Input.Changed):
                box.value = ""
            self._typed.written(field, "")

    def show(
        self,
        draft: ActivityDraft,
        errors: Mapping[str, tuple[str, ...]],
        *,
        editable: bool,
        can_submit: bool,
        submit_label: str = "Submit",
        status: str = "",
        can_start_again: bool = False,
    ) -> None:
        """Render ``draft`` and ``errors``, the status line and the buttons.

        A box whose reported text still stands for the draft's value keeps what it holds;
        otherwise the engine moved the value (a reset, a restored submission) and the box
        shows it. Text that cannot be read (``1_000`` minutes) stands for no value: it
        stays, and under it is why it cannot be read, in place of the engine's word.
        """
        kind = self.query_one("#kind", Select)
        text = self._typed.rewrite("kind", draft.kind, _kind_value, _kind_text)
        if text is not None:
            with kind.prevent(Select.Changed):
                kind.value = text or Select.NULL
        kind.disabled = not editable
        unreadable: dict[str, tuple[str, ...]] = {}
        for field in TEXT_FIELDS:
            box = self.query_one(f"#{field}", Input)
            text = self._typed.rewrite(field, getattr(draft, field), _stands_for(field), text_of)
            if text is not None:
                with box.prevent(Input.Changed):
                    box.value = text
            reading = read_field_text(field, self._typed.last(field))
            if reading is not None and reading.error is not None:
                unreadable[field] = (reading.error.message,)
            box.disabled = not editable
        for field in FIELDS:
            messages = unreadable.get(field) or errors.get(field, ())
            text = "\n".join(f"⚠ {m}" for m in messages)
            show_text(self.query_one(f"#{field}-error", Static), text, hide_empty=True)
        show_text(self.query_one("#status", Static), status, hide_empty=True)
        submit = self.query_one("#submit", Button)
        submit.label = submit_label
        submit.disabled = not can_submit
        submit.display = not can_start_again
        self.query_one("#register-another", Button).display = can_start_again
