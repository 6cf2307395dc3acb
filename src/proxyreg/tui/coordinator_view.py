"""The coordinator screen's layout, and how one engine state is drawn on it."""

from __future__ import annotations

from collections.abc import Collection

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, RadioButton, RadioSet

from proxyreg.domain import ActivityKind, Roster
from proxyreg.flows import ActiveFlow, ProxyRegistrationState
from proxyreg.presentation import mentor_choices, progress, result_screen, single_form
from proxyreg.presentation.coordinator_screen import bulk_form, single_mentor_choices
from proxyreg.tui.activity_form import ActivityForm
from proxyreg.tui.mentor_picker import MentorPicker
from proxyreg.tui.results_panel import ResultsPanel

MODE_BUTTONS = {"mode-single": ActiveFlow.SINGLE, "mode-bulk": ActiveFlow.BULK}
# The busy key of the search box (the form's fields use their draft field names).
SEARCH = "search"


class CoordinatorView(Vertical):
    """Mode switch on top; mentors, the activity form and the results side by side."""

    def __init__(self, kinds: Collection[ActivityKind], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._kinds = kinds

    def compose(self) -> ComposeResult:
        with Horizontal(id="mode-row"):
            yield Label("Register for", id="mode-label")
            with RadioSet(id="mode"):
                yield RadioButton("One mentor", id="mode-single")
                yield RadioButton("Many mentors (bulk)", id="mode-bulk", value=True)
        with Horizontal(id="panes"):
            yield MentorPicker(id="picker")
            yield ActivityForm(self._kinds, id="form")
            yield ResultsPanel(id="results-panel")

    def show(
        self, state: ProxyRegistrationState, roster: Roster, busy: Collection[str] = ()
    ) -> None:
        """Draw ``state``; boxes named in ``busy`` are being typed in and keep their text."""
        picker = self.query_one(MentorPicker)
        form = self.query_one(ActivityForm)
        panel = self.query_one(ResultsPanel)
        if state.active_flow is ActiveFlow.BULK:
            bulk = state.bulk
            controls = bulk_form(bulk)
            picker.show(
                mentor_choices(bulk, roster),
                controls.field_errors.get("mentors", ()),
                editable=controls.can_edit,
                many=True,
                search=None if SEARCH in busy else bulk.filter_text,
            )
            form.show(
                bulk.draft,
                controls.field_errors,
                editable=controls.can_edit,
                can_submit=controls.can_submit,
                busy=busy,
            )
            panel.show_bulk(result_screen(bulk, roster), progress(bulk), controls)
        elif state.active_flow is ActiveFlow.SINGLE:
            single = state.single
            shown = single_form(single)
            picker.show(
                single_mentor_choices(single, roster, picker.search_text),
                shown.field_errors.get("mentor", ()),
                editable=shown.can_edit,
                many=False,
            )
            form.show(
                single.draft,
                shown.field_errors,
                editable=shown.can_edit,
                can_submit=shown.can_submit,
                submit_label=shown.submit_label,
                busy=busy,
            )
            panel.show_single(shown.status)
