"""The coordinator screen's layout, and how one engine state is drawn on it.

Two tabs name the flows. While a form is filled in, the mentors and the form sit side by
side; once a bulk submission is sent, its results take the whole width (a reason is
read in full there, at 80 columns too).
"""

from __future__ import annotations

from collections.abc import Collection

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Tab, Tabs

from proxyreg.domain import ActivityKind, Roster
from proxyreg.flows import ActiveFlow, BulkPhase, ProxyRegistrationState, SinglePhase
from proxyreg.presentation import mentor_choices, progress, result_screen, single_form
from proxyreg.presentation.coordinator_screen import bulk_form, single_mentor_choices
from proxyreg.tui.activity_form import ActivityForm
from proxyreg.tui.mentor_picker import MentorPicker
from proxyreg.tui.results_panel import ResultsPanel

FLOW_TABS = {"tab-single": ActiveFlow.SINGLE, "tab-bulk": ActiveFlow.BULK}
TAB_OF_FLOW = {flow: tab for tab, flow in FLOW_TABS.items()}


def _count(selected: int, shown: int, total: int) -> str:
    hidden = "" if shown == total else f", {shown} of {total} shown"
    return f"Mentors: {selected} selected{hidden}"


class CoordinatorView(Vertical):
    """Flow tabs on top; mentors and the activity form, or the bulk results."""

    def __init__(self, kinds: Collection[ActivityKind], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._kinds = kinds

    def compose(self) -> ComposeResult:
        yield Tabs(
            Tab("One mentor (F2)", id="tab-single"),
            Tab("Many mentors, bulk (F3)", id="tab-bulk"),
            active="tab-bulk",
            id="flows",
        )
        with Horizontal(id="panes"):
            yield MentorPicker(id="picker")
            yield ActivityForm(self._kinds, id="form")
            yield ResultsPanel(id="results-panel")

    def show_tab(self, flow: ActiveFlow) -> None:
        """Put the tab of ``flow`` forward without asking to enter it."""
        tabs = self.query_one("#flows", Tabs)
        with tabs.prevent(Tabs.TabActivated):
            tabs.active = TAB_OF_FLOW[flow]

    def clear(self) -> None:
        """Empty the search and every box: a flow entered afresh carries nothing over."""
        self.query_one(MentorPicker).clear()
        self.query_one(ActivityForm).clear()

    def show(self, state: ProxyRegistrationState, roster: Roster) -> None:
        """Draw ``state``."""
        picker = self.query_one(MentorPicker)
        form = self.query_one(ActivityForm)
        panel = self.query_one(ResultsPanel)
        if state.active_flow is ActiveFlow.BULK:
            bulk = state.bulk
            controls = bulk_form(bulk)
            sent = bulk.phase is not BulkPhase.SELECTING
            picker.display = form.display = not sent
            panel.display = sent
            choices = mentor_choices(bulk, roster)
            picker.show(
                choices,
                controls.field_errors.get("mentors", ()),
                editable=controls.can_edit,
                many=True,
                title=_count(len(bulk.selected), len(choices), len(roster.mentors)),
                search=bulk.filter_text,
            )
            form.show(
                bulk.draft,
                controls.field_errors,
                editable=controls.can_edit,
                can_submit=controls.can_submit,
            )
            if sent:
                panel.show_bulk(result_screen(bulk, roster), progress(bulk), controls)
        elif state.active_flow is ActiveFlow.SINGLE:
            single = state.single
            shown = single_form(single)
            picker.display = form.display = True
            panel.display = False
            choices = single_mentor_choices(single, roster, picker.search_text)
            picked = roster.by_id.get(single.mentor_id or "")
            picker.show(
                choices,
                shown.field_errors.get("mentor", ()),
                editable=shown.can_edit,
                many=False,
                title=f"Mentor: {picked.name}" if picked else "Mentor: none picked yet",
            )
            form.show(
                single.draft,
                shown.field_errors,
                editable=shown.can_edit,
                can_submit=shown.can_submit,
                submit_label=shown.submit_label,
                status=shown.status,
                can_start_again=single.phase is SinglePhase.SUCCEEDED,
            )
