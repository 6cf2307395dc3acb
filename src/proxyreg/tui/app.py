"""The terminal app: a root bloc built by `proxyreg.application` for one coordinator, drawn.

It adds an event to `ProxyRegistrationBloc` for each thing the coordinator
does, and draws every state the bloc emits. Whether an edit, a tick or a
Submit is allowed, and what is wrong with a field, is the engine's to say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer, Header, Tabs

from proxyreg.application import Strategy, build_bloc, mentor_event, submit_event
from proxyreg.domain import DEFAULT_RULES, Roster, ValidationRules
from proxyreg.flows import (
    ActiveFlow,
    BulkAllMentorsSelected,
    BulkFilterChanged,
    BulkRetryFailedRequested,
    BulkSelectionCleared,
    BulkSubmissionCancelled,
    ProxyEvent,
    ProxyRegistrationBloc,
    ProxyRegistrationState,
    SinglePhase,
)
from proxyreg.ports import ProxyRepository
from proxyreg.presentation import result_screen, single_form
from proxyreg.presentation.coordinator_screen import bulk_form
from proxyreg.tui.activity_form import ActivityForm
from proxyreg.tui.coordinator_view import FLOW_TABS, CoordinatorView
from proxyreg.tui.leaving import unsent_work
from proxyreg.tui.mentor_picker import MentorList, MentorPicker
from proxyreg.tui.results_panel import ResultsPanel, ResultTable, needs_attention
from proxyreg.tui.routes import (
    bulk_dated_today,
    entry_events,
    field_event,
    new_submission_events,
)
from proxyreg.tui.screens import ConfirmLeave, RowDetails

_FLOW_NAMES = {ActiveFlow.SINGLE: "a one-mentor registration", ActiveFlow.BULK: "a bulk one"}
# Buttons whose press is one event, whatever the screen shows besides.
_BUTTON_EVENTS: dict[str, type[ProxyEvent]] = {
    "select-all": BulkAllMentorsSelected,
    "clear-selection": BulkSelectionCleared,
    "retry-failed": BulkRetryFailedRequested,
    "cancel": BulkSubmissionCancelled,
}
# The action each button stands for (the footer's keys run the same actions).
_BUTTON_ACTIONS = {
    "submit": "submit",
    "register-another": "register_another",
    "new-submission": "new_submission",
    "failed-only": "failed_only",
    "retry-failed": "retry_failed",
    "cancel": "cancel_sending",
}


class ProxyRegApp(App[None]):
    """One coordinator screen over the proxy registration engine.

    ``repository`` acts as ``roster``'s coordinator (`proxyreg.application.Acting` holds
    both). On mount the app enters the bulk flow (which shows the last bulk submission,
    if any). Submissions go through the bloc `proxyreg.application.build_bloc` builds with
    ``strategy`` (a name or a `Strategy`; rpc by default) and ``faults`` (a fault spec
    such as ``seed=7,fail_rate=0.3``: the backend misbehaves on purpose; None: it
    behaves). ``today`` fixes the date the form judges against and starts with (default:
    the real date, read on every event).
    """

    CSS_PATH = "proxyreg.tcss"
    TITLE = "proxyreg"
    BINDINGS = [  # noqa: RUF012 - Textual reads bindings from a class attribute
        Binding("ctrl+s", "submit", "Submit"),
        Binding("ctrl+r", "retry_failed", "Retry failed"),
        Binding("ctrl+x", "cancel_sending", "Cancel sending"),
        Binding("ctrl+n", "register_another", "Register another"),
        Binding("ctrl+n", "new_submission", "New"),
        Binding("ctrl+f", "failed_only", "Failed only"),
        Binding("f2", "flow('single')", "One mentor"),
        Binding("f3", "flow('bulk')", "Bulk"),
        Binding("ctrl+q", "quit", "Quit"),
        # Focus moves as Tab arrives, before the keys behind it are handed to a widget (a
        # Tab bubbling up from a box would leave them to the box it left).
        Binding("tab", "focus_next", "Next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous", show=False, priority=True),
    ]
    # Every key the app has is in the footer; at 80 columns it has no room for the palette.
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        repository: ProxyRepository,
        roster: Roster,
        *,
        today: dt.date | None = None,
        strategy: str | Strategy = "rpc",
        faults: str | None = None,
        rules: ValidationRules = DEFAULT_RULES,
    ) -> None:
        super().__init__()
        self._repository = repository
        self._roster = roster
        self._today = today
        self._strategy = strategy
        self._faults = faults
        self._rules = rules
        self._bloc: ProxyRegistrationBloc | None = None
        self._showing_results = False
        self._last_offered: dict[str, bool] = {}

    @property
    def bloc(self) -> ProxyRegistrationBloc:
        """The root bloc, once mounted (tests await ``bloc.settled()``)."""
        if self._bloc is None:
            raise RuntimeError("The app is not mounted yet.")
        return self._bloc

    @property
    def roster(self) -> Roster:
        """The coordinator and the mentors the app registers for."""
        return self._roster

    @property
    def today(self) -> dt.date:
        """The date the form starts with and is judged against."""
        return self._today if self._today is not None else dt.date.today()

    def compose(self) -> ComposeResult:
        yield Header()
        yield CoordinatorView(self._rules.kinds, id="coordinator")
        yield Footer(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        coordinator = self._roster.coordinator.name
        self.sub_title = (
            coordinator if self._faults is None else f"{coordinator} · faults: {self._faults}"
        )
        self._bloc = build_bloc(
            self._repository,
            self._roster,
            strategy=self._strategy,
            today=self._today,
            faults=self._faults,
            rules=self._rules,
        )
        self._bloc.listen(self._draw)
        self._enter(ActiveFlow.BULK)

    async def on_unmount(self) -> None:
        if self._bloc is not None:
            # A submission cut short here is reconciled from the ledger on the next start.
            await self._bloc.close()

    # --- drawing ---------------------------------------------------------------------------

    def draw(self) -> None:
        """Draw the bloc's current state (each emitted state is drawn as it comes)."""
        if self._bloc is not None and not self._bloc.is_closed:
            self._draw(self._bloc.state)

    def _draw(self, state: ProxyRegistrationState) -> None:
        if not self.is_running:
            return
        view = self.query_one(CoordinatorView)
        view.show(state, self._roster)
        showing_results = self.query_one(ResultsPanel).display
        if showing_results != self._showing_results:
            self._showing_results = showing_results
            target = ResultTable if showing_results else MentorList
            self.query_one(target).focus()
        offered = self._offered(state)
        if offered != self._last_offered:  # the footer is rebuilt only when its keys change
            self._last_offered = offered
            self.refresh_bindings()

    def _send(self, event: ProxyEvent, done: Callable[[], None] | None = None) -> None:
        """Add ``event``; when it is handled, run ``done`` and draw again (an ignored event
        emits no state, yet the screen must show the engine's word on it)."""
        bloc = self.bloc
        if bloc.is_closed:
            if done is not None:
                done()
            return
        bloc.add(event).add_done_callback(lambda _: self._handled(done))

    def _handled(self, done: Callable[[], None] | None) -> None:
        if done is not None:
            done()
        self.draw()

    @property
    def _flow(self) -> ActiveFlow:
        return self.bloc.state.active_flow

    # --- which actions the footer offers now -------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what can be done now is offered (so the footer tells the truth)."""
        if len(self.screen_stack) > 1:  # a modal screen answers first
            return action in ("quit", "focus_next", "focus_previous")
        if self._bloc is None:
            return True
        return self._offered(self._bloc.state).get(action, True)

    def _offered(self, state: ProxyRegistrationState) -> dict[str, bool]:
        """Which of the footer's actions the state allows."""
        single = state.active_flow is ActiveFlow.SINGLE
        bulk = state.active_flow is ActiveFlow.BULK
        controls = bulk_form(state.bulk)
        screen = result_screen(state.bulk, self._roster) if bulk else None
        return {
            "submit": (single and single_form(state.single).can_submit)
            or (bulk and controls.can_submit),
            "retry_failed": screen is not None and screen.retry_enabled,
            "cancel_sending": bulk and controls.can_cancel,
            "register_another": single and state.single.phase is SinglePhase.SUCCEEDED,
            "new_submission": bulk and controls.can_start_over,
            "failed_only": screen is not None
            and controls.can_start_over
            and any(needs_attention(row) for row in screen.rows),
        }

    # --- what the coordinator does ---------------------------------------------------------

    def _enter(self, flow: ActiveFlow) -> None:
        """Start ``flow`` afresh: nothing typed is carried over; the date is today."""
        self.query_one(CoordinatorView).clear()
        self.query_one(CoordinatorView).show_tab(flow)
        for event in entry_events(flow, self.today):
            self._send(event)
        if flow is ActiveFlow.BULK:
            self.run_worker(self._bulk_dated_today(), group="date")
        # The mentor list comes first (a row highlighted: Space ticks it), whatever had focus.
        self.call_after_refresh(self.query_one(MentorList).focus)

    async def _bulk_dated_today(self) -> None:
        """Once entering bulk has settled (it may restore the last submission, which only an
        untouched screen takes), a fresh bulk form gets today's date."""
        await self.bloc.settled()
        event = bulk_dated_today(self.bloc.state, self.today)
        if event is not None:
            self._send(event)

    def _leave_for(self, flow: ActiveFlow) -> None:
        """Enter ``flow``; an unsent form of the flow being left is thrown away only if the
        coordinator says so."""
        view = self.query_one(CoordinatorView)
        lost = unsent_work(self.bloc.state, self.today)
        if lost is None:
            self._enter(flow)
            return
        view.show_tab(self._flow)

        def answered(leave: bool | None) -> None:
            if leave:
                self._enter(flow)

        question = f"{lost} Leave it and start {_FLOW_NAMES[flow]}? Nothing of it is kept."
        self.push_screen(ConfirmLeave(question), answered)

    def on_tabs_tab_activated(self, message: Tabs.TabActivated) -> None:
        flow = FLOW_TABS.get(message.tab.id or "")
        if flow is None or self._bloc is None or flow is self._flow:
            return
        self._leave_for(flow)

    def on_mentor_picker_search_edited(self, message: MentorPicker.SearchEdited) -> None:
        picker = self.query_one(MentorPicker)
        if self._flow is ActiveFlow.BULK:
            self._send(BulkFilterChanged(message.text), done=picker.applied)
        else:
            picker.applied()
            self.draw()  # the single list is filtered as it is drawn

    def on_mentor_picker_mentor_toggled(self, message: MentorPicker.MentorToggled) -> None:
        event = mentor_event(self._flow, message.mentor_id, message.ticked)
        if event is None:
            self.draw()  # put the tick back as the state has it
        else:
            self._send(event)

    def on_activity_form_field_edited(self, message: ActivityForm.FieldEdited) -> None:
        form = self.query_one(ActivityForm)
        field = message.field
        event = field_event(self._flow, field, message.text)
        if event is None:
            form.applied(field)
        else:
            self._send(event, done=lambda: form.applied(field))

    def on_results_panel_details_requested(self, message: ResultsPanel.DetailsRequested) -> None:
        self.push_screen(RowDetails(message.row))

    def on_button_pressed(self, message: Button.Pressed) -> None:
        button_id = message.button.id or ""
        if button_id in _BUTTON_ACTIONS:
            self.run_action_now(_BUTTON_ACTIONS[button_id])
        elif button_id in _BUTTON_EVENTS:
            self._send(_BUTTON_EVENTS[button_id]())

    def run_action_now(self, action: str) -> None:
        getattr(self, f"action_{action}")()

    def action_flow(self, name: str) -> None:
        flow = ActiveFlow(name)
        if self._bloc is not None and flow is not self._flow:
            self._leave_for(flow)

    def action_submit(self) -> None:
        event = submit_event(self._flow)
        if event is not None and self.check_action("submit", ()):
            self._send(event)

    def action_retry_failed(self) -> None:
        if self.check_action("retry_failed", ()):
            self._send(BulkRetryFailedRequested())

    def action_cancel_sending(self) -> None:
        if self.check_action("cancel_sending", ()):
            self._send(BulkSubmissionCancelled())

    def action_register_another(self) -> None:
        """After "Registered.": a fresh one-mentor form for the next registration."""
        if self.check_action("register_another", ()):
            self._enter(ActiveFlow.SINGLE)

    def action_new_submission(self) -> None:
        if self.check_action("new_submission", ()):
            self.query_one(CoordinatorView).clear()
            for event in new_submission_events(self.today):
                self._send(event)

    def action_failed_only(self) -> None:
        if self.check_action("failed_only", ()):
            self.query_one(ResultsPanel).toggle_failed_only()
            self.draw()
