"""The per-mentor result screen: headline, progress bar, one wrapping row per mentor, buttons."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, ProgressBar, Static
from textual.widgets.data_table import ColumnKey

from proxyreg.flows import MentorStatus
from proxyreg.presentation import Progress, ResultRow, ResultScreen
from proxyreg.presentation.coordinator_screen import BulkForm
from proxyreg.tui._text import show_text

_MARK_STYLES = {
    MentorStatus.PENDING: "dim",
    MentorStatus.REGISTERED: "bold green",
    MentorStatus.ALREADY_REGISTERED: "bold green",
    MentorStatus.REJECTED: "bold red",
    MentorStatus.FAILED: "bold red",
    MentorStatus.UNKNOWN: "bold yellow",
}
_NEEDS_ATTENTION = frozenset({MentorStatus.REJECTED, MentorStatus.FAILED, MentorStatus.UNKNOWN})
_NAME_WIDTH = (8, 22)  # the name column fits the longest name within these bounds
_MARK_WIDTH = 1
_PADDING = 2  # a DataTable pads each cell by one on either side
_SCROLLBAR = 2


def needs_attention(row: ResultRow) -> bool:
    """Not registered: rejected, failed or unknown."""
    return row.status in _NEEDS_ATTENTION


def shown_rows(rows: Sequence[ResultRow], *, settled: bool, failed_only: bool) -> list[ResultRow]:
    """The rows in the order shown: once settled, those needing attention first (each group
    in submission order); ``failed_only`` keeps just those."""
    if failed_only:
        return [row for row in rows if needs_attention(row)]
    if not settled:
        return list(rows)
    return sorted(rows, key=lambda row: not needs_attention(row))


class ResultTable(DataTable[Text]):
    """The result rows; a row's text wraps to the table's width, Enter opens its details."""

    BINDINGS = [  # noqa: RUF012 - Textual reads bindings from a class attribute
        Binding("enter", "select_cursor", "Details", show=True),
    ]


class ResultsPanel(Vertical):
    """Renders a `ResultScreen` of the bulk flow; asks for a row's details on Enter."""

    class DetailsRequested(Message):
        """The coordinator asked to read one row in full."""

        def __init__(self, row: ResultRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[ResultRow] = []
        self._drawn: tuple[tuple[ResultRow, ...], int] = ((), 0)
        self._order: list[str] = []
        self.failed_only = False

    def compose(self) -> ComposeResult:
        yield Static(id="headline", markup=False)
        yield ProgressBar(total=1, show_eta=False, id="progress")
        yield Static(id="banner", classes="field-error", markup=False)
        table = ResultTable(id="results", cursor_type="row", zebra_stripes=True)
        table.add_column("", key="mark", width=_MARK_WIDTH)
        table.add_column("Mentor", key="mentor", width=_NAME_WIDTH[0])
        table.add_column("Result", key="message", width=10)
        yield table
        with Horizontal(id="result-buttons"):
            yield Button("Retry failed", id="retry-failed", variant="warning", compact=True)
            yield Button("Cancel", id="cancel", variant="error", compact=True)
            yield Button("New submission", id="new-submission", compact=True)
            yield Button("Failed only", id="failed-only", compact=True)

    @property
    def rows(self) -> tuple[ResultRow, ...]:
        """The rows as shown, top to bottom."""
        return tuple(self._rows)

    def show_bulk(self, screen: ResultScreen, progress: Progress, form: BulkForm) -> None:
        """The bulk result screen of the current submission."""
        settled = form.can_start_over
        show_text(self.query_one("#headline", Static), screen.headline)
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(progress.total, 1), progress=progress.done)
        banner = f"⚠ {screen.error}" if screen.error else ""
        show_text(self.query_one("#banner", Static), banner, hide_empty=True)
        attention = any(needs_attention(row) for row in screen.rows)
        if not (settled and attention):
            self.failed_only = False
        self._rows = shown_rows(screen.rows, settled=settled, failed_only=self.failed_only)
        self._draw_rows()
        self._show_button("#retry-failed", shown=True, enabled=screen.retry_enabled)
        self._show_button("#cancel", shown=form.can_cancel, enabled=form.can_cancel)
        self._show_button("#new-submission", shown=settled, enabled=True)
        only = self.query_one("#failed-only", Button)
        only.label = "Show all" if self.failed_only else "Failed only"
        self._show_button("#failed-only", shown=settled and attention, enabled=True)

    def toggle_failed_only(self) -> None:
        self.failed_only = not self.failed_only

    def on_resize(self, _: events.Resize) -> None:
        self._draw_rows()

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        message.stop()
        key = message.row_key.value
        for row in self._rows:
            if row.mentor_id == key:
                self.post_message(self.DetailsRequested(row))

    def _draw_rows(self) -> None:
        """Rebuild the table when its rows or its width changed.

        Each row is as tall as its wrapped message, so every word of a reason is on screen.
        """
        table = self.query_one("#results", ResultTable)
        width = self._message_width(table)
        drawn = (tuple(self._rows), width)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        # The cursor stays on its row while the same rows update; a new order starts at the top.
        same_order = [row.mentor_id for row in self._rows] == self._order
        cursor = table.cursor_row if same_order else 0
        self._order = [row.mentor_id for row in self._rows]
        names = self._name_width()
        table.clear()
        table.columns[ColumnKey("mentor")].width = names
        table.columns[ColumnKey("message")].width = width
        for row in self._rows:
            table.add_row(
                Text(row.symbol, style=_MARK_STYLES[row.status]),
                Text(row.name),
                Text(row.message),
                key=row.mentor_id,
                height=None,
            )
        if self._rows:
            table.move_cursor(row=min(cursor, len(self._rows) - 1))

    def _name_width(self) -> int:
        longest = max((len(row.name) for row in self._rows), default=0)
        return max(_NAME_WIDTH[0], min(_NAME_WIDTH[1], longest))

    def _message_width(self, table: ResultTable) -> int:
        rest = table.size.width - _SCROLLBAR - 3 * _PADDING - _MARK_WIDTH - self._name_width()
        return max(20, rest)

    def _show_button(self, button_id: str, *, shown: bool, enabled: bool) -> None:
        button = self.query_one(button_id, Button)
        button.display = shown
        button.disabled = not enabled
