"""The activity form: kind, date, minutes, participants, notes, each with its errors below it."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from proxyreg.application import read_field_text, text_of
from proxyreg.domain import ActivityDraft, ActivityKind

# The text boxes in form order: (draft field, label, placeholder).
_TEXT_FIELDS = (
    ("date", "Date", "YYYY-MM-DD"),
    ("minutes", "Minutes", "e.g. 45"),
    ("participants", "Participants (group activities)", "e.g. 6"),
    ("notes", "Notes", "optional"),
)
FIELDS = ("kind", *(field for field, _, _ in _TEXT_FIELDS))


class ActivityForm(Vertical):
    """Shows a draft and its field errors; reports each edit as `ActivityForm.FieldEdited`."""

    class FieldEdited(Message):
        """The coordinator changed ``field`` to ``text`` (the kind: its id, None when unset)."""

        def __init__(self, field: str, text: str | None) -> None:
            super().__init__()
            self.field = field
            self.text = text

    def __init__(self, kinds: Iterable[ActivityKind], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._kinds = tuple(kinds)

    def compose(self) -> ComposeResult:
        yield Label("Kind")
        yield Select(
            [(kind.label, kind.id) for kind in self._kinds], prompt="Choose a kind", id="kind"
        )
        yield Static(id="kind-error", classes="field-error", markup=False)
        for field, label, placeholder in _TEXT_FIELDS:
            yield Label(label)
            yield Input(placeholder=placeholder, id=field)
            yield Static(id=f"{field}-error", classes="field-error", markup=False)
        yield Button("Submit", id="submit", variant="primary")

    def on_select_changed(self, message: Select.Changed) -> None:
        message.stop()
        value = None if message.value is Select.NULL else str(message.value)
        self.post_message(self.FieldEdited("kind", value))

    def on_input_changed(self, message: Input.Changed) -> None:
        if message.input.id not in FIELDS:
            return
        message.stop()
        field = message.input.id
        self.post_message(self.FieldEdited(field, message.value))

    def show(
        self,
        draft: ActivityDraft,
        errors: Mapping[str, tuple[str, ...]],
        *,
        editable: bool,
        can_submit: bool,
        submit_label: str = "Submit",
        busy: Collection[str] = (),
    ) -> None:
        """Render ``draft`` and ``errors``.

        A box being typed in (``busy``: edits not yet applied by the engine) keeps its
        text; any other box whose text does not stand for the draft's value is rewritten,
        which is how a reset on entry or a restored submission reaches the form. Text that
        cannot be read (``1_000`` minutes) stands for no value: it stays, and under it is
        why it cannot be read, in place of the engine's word on the missing value.
        """
        kind = self.query_one("#kind", Select)
        wanted_kind = draft.kind if draft.kind is not None else Select.NULL
        if "kind" not in busy and kind.value != wanted_kind:
            with kind.prevent(Select.Changed):
                kind.value = wanted_kind
        kind.disabled = not editable
        unreadable: dict[str, tuple[str, ...]] = {}
        for field, _, _ in _TEXT_FIELDS:
            box = self.query_one(f"#{field}", Input)
            value = getattr(draft, field)
            reading = read_field_text(field, box.value)
            stands_for = box.value if reading is None else reading.value
            if field not in busy and stands_for != value:
                with box.prevent(Input.Changed):
                    box.value = text_of(value)
            elif reading is not None and reading.error is not None:
                unreadable[field] = (reading.error.message,)
            box.disabled = not editable
        for field in FIELDS:
            messages = unreadable.get(field) or errors.get(field, ())
            label = self.query_one(f"#{field}-error", Static)
            label.update("\n".join(f"⚠ {m}" for m in messages))
            label.display = bool(messages)
        submit = self.query_one("#submit", Button)
        submit.label = submit_label
        submit.disabled = not can_submit
