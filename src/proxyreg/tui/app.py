"""The terminal app: a root bloc built by `proxyreg.application` on one repository, drawn.

It adds an event to `ProxyRegistrationBloc` for each thing the coordinator
does, and draws every state the bloc emits. Whether an edit, a tick or a
Submit is allowed, and what is wrong with a field, is the engine's to say.
"""

from __future__ import annotations

import collections
import datetime as dt

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer, Header, RadioButton, RadioSet

from proxyreg.application import Strategy, build_bloc
from proxyreg.domain import DEFAULT_RULES, Roster, ValidationRules
from proxyreg.flows import (
    ActiveFlow,
    BulkAllMentorsSelected,
    BulkFilterChanged,
    BulkFlowEntered,
    BulkNewSubmissionStarted,
    BulkRetryFailedRequested,
    BulkSelectionCleared,
    BulkSubmissionCancelled,
    ProxyEvent,
    ProxyRegistrationBloc,
    ProxyRegistrationState,
    SingleFlowEntered,
)
from proxyreg.ports import ProxyRepository, UnknownCoordinatorError
from proxyreg.tui.activity_form import ActivityForm
from proxyreg.tui.coordinator_view import MODE_BUTTONS, SEARCH, CoordinatorView
from proxyreg.tui.mentor_picker import MentorPicker
from proxyreg.tui.routes import field_event, mentor_event, submit_event

_ENTRY_EVENTS: dict[ActiveFlow, type[ProxyEvent]] = {
    ActiveFlow.SINGLE: SingleFlowEntered,
    ActiveFlow.BULK: BulkFlowEntered,
}
_BUTTON_EVENTS: dict[str, type[ProxyEvent]] = {
    "select-all": BulkAllMentorsSelected,
    "clear-selection": BulkSelectionCleared,
    "retry-failed": BulkRetryFailedRequested,
    "cancel": BulkSubmissionCancelled,
    "new-submission": BulkNewSubmissionStarted,
}


class ProxyRegApp(App[None]):
    """One coordinator screen over the proxy registration engine.

    On mount it reads the coordinator's roster from ``repository`` and enters
    the bulk flow (which shows the last bulk submission, if any). Submissions go
    through the bloc `proxyreg.application.build_bloc` builds on ``repository`` with
    ``strategy`` (a name or a `Strategy`; rpc by default). ``today`` fixes the date the
    form judges against (default: the real date, read on every event).
    """

    CSS_PATH = "proxyreg.tcss"
    TITLE = "proxyreg"
    BINDINGS = [  # noqa: RUF012 - Textual reads bindings from a class attribute
        Binding("f2", "mode('mode-single')", "One mentor"),
        Binding("f3", "mode('mode-bulk')", "Bulk"),
        Binding("ctrl+s", "press('submit')", "Submit"),
        Binding("ctrl+r", "press('retry-failed')", "Retry failed"),
        Binding("ctrl+n", "press('new-submission')", "New submission"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self,
        repository: ProxyRepository,
        *,
        today: dt.date | None = None,
        strategy: str | Strategy = "rpc",
        rules: ValidationRules = DEFAULT_RULES,
    ) -> None:
        super().__init__()
        self._repository = repository
        self._today = today
        self._strategy = strategy
        self._rules = rules
        self._bloc: ProxyRegistrationBloc | None = None
        self._roster: Roster | None = None
        # Edits sent per text box whose handling has not finished: those boxes keep their text.
        self._busy: collections.Counter[str] = collections.Counter()

    @property
    def bloc(self) -> ProxyRegistrationBloc:
        """The root bloc, once the roster is loaded (tests await ``bloc.settled()``)."""
        if self._bloc is None:
            raise RuntimeError("The app has not loaded the roster yet.")
        return self._bloc

    def compose(self) -> ComposeResult:
        yield Header()
        yield CoordinatorView(self._rules.kinds, id="coordinator")
        yield Footer()

    async def on_mount(self) -> None:
        try:
            roster = await self._repository.roster()
        except UnknownCoordinatorError:
            who = self._repository.coordinator_id
            self.exit(return_code=2, message=f"No coordinator {who!r}.")
            return
        self._roster = roster
        self.sub_title = roster.coordinator.name
        self._bloc = build_bloc(
            self._repository,
            roster,
            strategy=self._strategy,
            today=self._today,
            rules=self._rules,
        )
        self._bloc.listen(self._draw)
        self._send(BulkFlowEntered())

    async def on_unmount(self) -> None:
        if self._bloc is not None:
            # A submission cut short here is reconciled from the ledger on the next start.
            await self._bloc.close()

    # --- drawing ---------------------------------------------------------------------------

    def _draw(self, state: ProxyRegistrationState) -> None:
        if self._roster is None or not self.is_running:
            return
        self.query_one(CoordinatorView).show(state, self._roster, +self._busy)

    def _send(self, event: ProxyEvent, busy: str | None = None) -> None:
        """Add ``event``; when it is handled, draw again (an ignored event emits no state)."""
        bloc = self.bloc
        if bloc.is_closed:
            return
        if busy is not None:
            self._busy[busy] += 1
        bloc.add(event).add_done_callback(lambda _: self._handled(busy))

    def _handled(self, busy: str | None) -> None:
        if busy is not None:
            self._busy[busy] -= 1
        if self._bloc is not None and not self._bloc.is_closed:
            self._draw(self._bloc.state)

    @property
    def _flow(self) -> ActiveFlow:
        return self.bloc.state.active_flow

    # --- what the coordinator does ---------------------------------------------------------

    def on_radio_set_changed(self, message: RadioSet.Changed) -> None:
        flow = MODE_BUTTONS.get(message.pressed.id or "")
        if flow is None or self._bloc is None or flow is self._flow:
            return
        self._send(_ENTRY_EVENTS[flow]())

    def on_mentor_picker_search_edited(self, message: MentorPicker.SearchEdited) -> None:
        if self._flow is ActiveFlow.BULK:
            self._send(BulkFilterChanged(message.text), busy=SEARCH)
        else:
            self._draw(self.bloc.state)  # the single list is filtered as it is drawn

    def on_mentor_picker_mentor_toggled(self, message: MentorPicker.MentorToggled) -> None:
        event = mentor_event(self._flow, message.mentor_id, message.ticked)
        if event is None:
            self._draw(self.bloc.state)  # put the tick back as the state has it
        else:
            self._send(event)

    def on_activity_form_field_edited(self, message: ActivityForm.FieldEdited) -> None:
        event = field_event(self._flow, message.field, message.text)
        if event is not None:
            self._send(event, busy=message.field)

    def on_button_pressed(self, message: Button.Pressed) -> None:
        button_id = message.button.id or ""
        if button_id == "submit":
            event = submit_event(self._flow)
            if event is not None:
                self._send(event)
        elif button_id in _BUTTON_EVENTS:
            self._send(_BUTTON_EVENTS[button_id]())

    def action_mode(self, button_id: str) -> None:
        self.query_one(f"#{button_id}", RadioButton).value = True

    def action_press(self, button_id: str) -> None:
        button = self.query_one(f"#{button_id}", Button)
        if button.display and not button.disabled:
            button.press()
