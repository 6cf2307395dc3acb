"""The per-mentor result screen: headline, progress bar, one row per mentor, and its buttons."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, ProgressBar, Static

from proxyreg.flows import MentorStatus
from proxyreg.presentation import Progress, ResultRow, ResultScreen
from proxyreg.presentation.coordinator_screen import BulkForm

_MARK_STYLES = {
    MentorStatus.PENDING: "dim",
    MentorStatus.REGISTERED: "bold green",
    MentorStatus.ALREADY_REGISTERED: "bold green",
    MentorStatus.REJECTED: "bold red",
    MentorStatus.FAILED: "bold red",
    MentorStatus.UNKNOWN: "bold yellow",
}
_COLUMNS = (("mark", " "), ("mentor", "Mentor"), ("message", "Result"))


def _cells(row: ResultRow) -> tuple[Text, Text, Text]:
    # Text, not str: a table reads a str as markup, and names and messages may hold "[".
    return Text(row.symbol, style=_MARK_STYLES[row.status]), Text(row.name), Text(row.message)


class ResultsPanel(Vertical):
    """Renders a `ResultScreen` (bulk) or the single form's status line."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, ResultRow] = {}
        self._order: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Label("Results", id="results-title")
        yield Static(id="headline", markup=False)
        yield ProgressBar(total=1, show_eta=False, id="progress")
        yield Static(id="banner", classes="field-error", markup=False)
        table: DataTable[Text] = DataTable(id="results", cursor_type="row", zebra_stripes=True)
        for key, label in _COLUMNS:
            table.add_column(label, key=key)
        yield table
        with Horizontal(id="result-buttons"):
            yield Button("Retry failed", id="retry-failed", variant="warning")
            yield Button("Cancel", id="cancel", variant="error")
            yield Button("New submission", id="new-submission")

    def show_bulk(self, screen: ResultScreen, progress: Progress, form: BulkForm) -> None:
        """The bulk result screen; the table and bar appear once something was submitted."""
        submitted = bool(screen.rows)
        self.query_one("#headline", Static).update(screen.headline)
        bar = self.query_one("#progress", ProgressBar)
        bar.display = submitted
        bar.update(total=max(progress.total, 1), progress=progress.done)
        banner = self.query_one("#banner", Static)
        banner.update(f"⚠ {screen.error}" if screen.error else "")
        banner.display = screen.error is not None
        table = self.query_one("#results", DataTable)
        table.display = submitted
        self._show_rows(table, screen.rows)
        self._show_button("#retry-failed", shown=submitted, enabled=screen.retry_enabled)
        self._show_button("#cancel", shown=form.can_cancel, enabled=form.can_cancel)
        self._show_button("#new-submission", shown=form.can_start_over, enabled=True)

    def show_single(self, status: str) -> None:
        """The single flow has one outcome: its status line, no table."""
        self.query_one("#headline", Static).update(status or "Choose a mentor and the activity.")
        for widget_id in ("#progress", "#banner", "#results"):
            self.query_one(widget_id).display = False
        for button_id in ("#retry-failed", "#cancel", "#new-submission"):
            self._show_button(button_id, shown=False, enabled=False)

    def _show_rows(self, table: DataTable[Text], rows: tuple[ResultRow, ...]) -> None:
        """Rebuild the table for a new set of mentors; otherwise update only the rows that moved."""
        order = tuple(row.mentor_id for row in rows)
        if order != self._order:
            table.clear()
            for row in rows:
                table.add_row(*_cells(row), key=row.mentor_id)
            self._order = order
            self._rows = {row.mentor_id: row for row in rows}
            return
        for row in rows:
            if self._rows.get(row.mentor_id) != row:
                mark, name, message = _cells(row)
                table.update_cell(row.mentor_id, "mark", mark, update_width=True)
                table.update_cell(row.mentor_id, "mentor", name, update_width=True)
                table.update_cell(row.mentor_id, "message", message, update_width=True)
                self._rows[row.mentor_id] = row

    def _show_button(self, button_id: str, *, shown: bool, enabled: bool) -> None:
        button = self.query_one(button_id, Button)
        button.display = shown
        button.disabled = not enabled
