"""The coordinator screen: one mentor or many, the activity form, progress and results.

It adds an event to the session's root bloc for each thing the coordinator does and
draws every state the bloc emits, through `proxyreg.presentation`'s selectors. Whether a
tick, an edit or a Submit is allowed, and what is wrong with a field, is the engine's to
say; the page only reads text into values with the application's field reader.
"""

from __future__ import annotations

import asyncio
import collections
import html
from collections.abc import Callable, Sequence

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from proxyreg.application import mentor_event, read_field_text, submit_event, text_of
from proxyreg.domain import DEFAULT_KINDS, ActivityDraft, ActivityKind, Roster
from proxyreg.flows import (
    ActiveFlow,
    BulkActivityDateChanged,
    BulkAllMentorsSelected,
    BulkFilterChanged,
    BulkFlowEntered,
    BulkNewSubmissionStarted,
    BulkPhase,
    BulkRetryFailedRequested,
    BulkSelectionCleared,
    BulkSubmissionCancelled,
    MentorStatus,
    ProxyEvent,
    ProxyRegistrationBloc,
    ProxyRegistrationState,
    SingleActivityDateChanged,
    SingleFlowEntered,
    SinglePhase,
)
from proxyreg.presentation import ResultRow, mentor_choices, progress, result_screen, single_form
from proxyreg.presentation.coordinator_screen import bulk_form, single_mentor_choices
from proxyreg.web._routes import FIELDS, field_event

MODES = {"single": "One mentor", "bulk": "Many mentors"}
_FLOWS = {"single": ActiveFlow.SINGLE, "bulk": ActiveFlow.BULK}
_TEXT_FIELDS = (
    ("date", "Date", "YYYY-MM-DD"),
    ("minutes", "Minutes", "e.g. 45"),
    ("participants", "Participants", "group activities"),
    ("notes", "Notes", "optional"),
)
_SUCCEEDED = frozenset({MentorStatus.REGISTERED, MentorStatus.ALREADY_REGISTERED})
NOTHING_TAKEN = (
    "The database took none of these records: it may be down or busy. The mentors and "
    "the form are kept; Retry failed sends them again (no duplicates)."
)
"""The banner when a submission ends with nobody registered and the engine said no more."""
SEARCH_DEBOUNCE_MS = 300
"""The search box sends `BulkFilterChanged` once typing has paused this long."""


def result_items(rows: tuple[ResultRow, ...], *, failed_only: bool) -> str:
    """The result list's items: rows that need attention first, then the rest, each in
    submission order (``failed_only``: the rest left out)."""
    attention = [r for r in rows if r.status not in _SUCCEEDED]
    shown = attention if failed_only else attention + [r for r in rows if r.status in _SUCCEEDED]
    return "".join(
        f'<li class="result-row result-{r.status.value}">'
        f'<span class="mark" aria-hidden="true">{r.symbol}</span> '
        f'<span class="name">{html.escape(r.name)}</span>'
        f'<span class="sr-only"> ({"registered" if r.status in _SUCCEEDED else "not registered"})'
        f"</span>: "
        f'<span class="reason">{html.escape(r.message)}</span></li>'
        for r in shown
    )


class CoordinatorScreen:
    """The page's controls, drawn from the states of one root bloc.

    Build it inside a page; `attach` it to the session's bloc (the page may first `show`
    another page's bloc settling, read-only).
    """

    def __init__(self, roster: Roster, kinds: Sequence[ActivityKind] = DEFAULT_KINDS) -> None:
        self.roster = roster
        self._kinds = tuple(kinds)
        self._bloc: ProxyRegistrationBloc | None = None
        self._drawing = False
        self._single_search = ""
        # Edits sent per box whose handling has not finished: those boxes keep their text.
        self._busy: collections.Counter[str] = collections.Counter()
        self._state: ProxyRegistrationState | None = None
        self._tasks: set[asyncio.Future[None]] = set()
        self._build()

    # --- layout ----------------------------------------------------------------------
    def _build(self) -> None:
        self.banner = ui.label().classes("w-full p-3 rounded bg-red-100 text-red-900")
        self.banner.props("role=alert")
        self.banner.set_visibility(False)
        self.mode = ui.radio(MODES, value="bulk", on_change=self._mode_changed).props("inline")
        self.mode.props('aria-label="Who to register for"')
        self.panels = ui.element("div").classes("w-full grid grid-cols-1 md:grid-cols-5 gap-6")
        with self.panels.classes("items-start"):
            with ui.column().classes("w-full md:col-span-2 gap-1 mentor-panel"):
                self._build_mentors()
            with ui.column().classes("w-full md:col-span-3 gap-1"):
                self._build_form()
                self._build_results()

    def _build_mentors(self) -> None:
        ui.label("Mentors").classes("text-lg font-medium")
        self.search = ui.input("Search mentors", on_change=self._search_changed)
        self.search.props(f"debounce={SEARCH_DEBOUNCE_MS} type=search").classes("w-full")
        with ui.row().classes("items-center gap-2") as self.bulk_tools:
            self.select_all = ui.button("Select all", on_click=self._sender(BulkAllMentorsSelected))
            self.clear = ui.button("Clear", on_click=self._sender(BulkSelectionCleared))
            for button in (self.select_all, self.clear):
                button.props("outline no-caps")
            self.count = ui.label("0 selected").props('aria-live="polite"')
        self.boxes: dict[str, ui.checkbox] = {}
        self.lines: dict[str, ui.row] = {}
        mentors = ui.column().classes("w-full gap-0 md:max-h-[65vh] md:overflow-y-auto")
        with mentors.props('role="group" aria-label="Mentors"'):
            for mentor in self.roster.mentors:
                with ui.row().classes("items-center gap-1 no-wrap") as line:
                    box = ui.checkbox(mentor.name, on_change=self._ticked(mentor.id))
                    if not mentor.active:
                        ui.label("paused").classes("text-xs px-2 rounded bg-grey-3 text-grey-9")
                self.boxes[mentor.id] = box
                self.lines[mentor.id] = line

    def _build_form(self) -> None:
        ui.label("Activity").classes("text-lg font-medium")
        kinds = {kind.id: kind.label for kind in self._kinds}
        self.fields: dict[str, ui.select | ui.input] = {
            "kind": ui.select(kinds, label="Kind", on_change=self._edited("kind")).classes("w-full")
        }
        self.errors: dict[str, ui.label] = {}
        self.errors["kind"] = self._error_label()
        for field, label, placeholder in _TEXT_FIELDS:
            box = ui.input(label, placeholder=placeholder, on_change=self._edited(field))
            if field in ("minutes", "participants"):
                box.props("inputmode=numeric")
            self.fields[field] = box.classes("w-full")
            self.errors[field] = self._error_label()
        with ui.row().classes("items-center gap-2"):
            self.submit = ui.button("Submit", on_click=self._submit).props("no-caps")
            self.cancel = ui.button("Cancel", on_click=self._sender(BulkSubmissionCancelled)).props(
                "outline no-caps"
            )
            self.again = ui.button("New submission", on_click=self._new_submission)
            self.again.props("outline no-caps")
        self.status = ui.label().props('role=status aria-live="polite"')

    @staticmethod
    def _error_label() -> ui.label:
        label = ui.label().classes("text-sm text-red-800 -mt-1")
        label.set_visibility(False)
        return label

    def _build_results(self) -> None:
        with ui.column().classes("w-full gap-2 results-panel") as self.results:
            self.headline = ui.label().classes("text-lg font-medium").props("aria-live=polite")
            self.progress = ui.linear_progress(value=0, show_value=False, size="12px")
            self.progress.props('aria-label="Sent so far"')
            with ui.row().classes("items-center gap-2"):
                self.failed_only = ui.checkbox("Failed only", on_change=self._redraw)
                self.retry = ui.button(
                    "Retry failed", on_click=self._sender(BulkRetryFailedRequested)
                )
                self.retry.props("no-caps")
                self.start_over = ui.button("New submission", on_click=self._new_submission)
                self.start_over.props("outline no-caps")
            self.rows = ui.html("", sanitize=False, tag="ul")  # names and reasons are escaped
            self.rows.classes("w-full result-list").props('aria-label="Results per mentor"')

    # --- the engine ------------------------------------------------------------------
    def show(self, bloc: ProxyRegistrationBloc) -> Callable[[], None]:
        """Draw another page's bloc read-only (it is settling); answers how to stop."""
        self._set_enabled(False)
        subscription = bloc.listen(self.draw)
        self.draw(bloc.state)
        return subscription.cancel

    def attach(self, bloc: ProxyRegistrationBloc) -> None:
        """Drive ``bloc`` from now on: enter the bulk flow (which restores the last
        submission from the ledger) and draw every state it emits."""
        self._bloc = bloc
        self._set_enabled(True)
        bloc.listen(self.draw)
        self._enter(ActiveFlow.BULK)

    def _set_enabled(self, enabled: bool) -> None:
        for element in (self.mode, self.search):
            element.set_enabled(enabled)

    @property
    def _flow(self) -> ActiveFlow:
        return ActiveFlow.NONE if self._bloc is None else self._bloc.state.active_flow

    def _send(self, event: ProxyEvent, busy: str | None = None) -> None:
        """Add ``event``; once handled, draw again (an ignored event emits no state)."""
        bloc = self._bloc
        if bloc is None or bloc.is_closed:
            return
        if busy is not None:
            self._busy[busy] += 1
        bloc.add(event).add_done_callback(lambda _: self._handled(busy))

    def _sender(self, event_type: type[ProxyEvent]) -> Callable[[], None]:
        return lambda: self._send(event_type())

    def _handled(self, busy: str | None) -> None:
        if busy is not None:
            self._busy[busy] -= 1
        if self._bloc is not None and not self._bloc.is_closed:
            self.draw(self._bloc.state)

    def _enter(self, flow: ActiveFlow) -> None:
        """Enter a flow (the bulk flow may restore the last submission)."""
        self._start_form(BulkFlowEntered() if flow is ActiveFlow.BULK else SingleFlowEntered())

    def _start_form(self, event: ProxyEvent) -> None:
        """Add ``event``, which starts a form over; once it (and a restore it brought) is
        handled, an empty form's date is today (the bloc's today)."""
        bloc = self._bloc
        if bloc is None or bloc.is_closed:
            return
        self._tasks.add(task := asyncio.ensure_future(self._started_form(bloc, event)))
        task.add_done_callback(self._tasks.discard)

    async def _started_form(self, bloc: ProxyRegistrationBloc, event: ProxyEvent) -> None:
        await bloc.add(event)
        await bloc.settled()
        if bloc.is_closed:
            return
        state = bloc.state
        today = bloc.context.today
        if state.active_flow is ActiveFlow.BULK:
            if state.bulk.submission_id is None and state.bulk.draft.date is None:
                self._send(BulkActivityDateChanged(today))
        elif state.active_flow is ActiveFlow.SINGLE and state.single.draft.date is None:
            self._send(SingleActivityDateChanged(today))
        self._handled(None)

    # --- what the coordinator does ---------------------------------------------------
    def _mode_changed(self, change: ValueChangeEventArguments[str]) -> None:
        if self._drawing:
            return
        flow = _FLOWS.get(change.value)
        if flow is not None and flow is not self._flow:
            self._enter(flow)

    def _search_changed(self, change: ValueChangeEventArguments[str | None]) -> None:
        if self._drawing:
            return
        text = change.value or ""
        if self._flow is ActiveFlow.BULK:
            self._send(BulkFilterChanged(text), busy="search")
        else:
            self._single_search = text
            self._redraw()

    def _ticked(self, mentor_id: str) -> Callable[[ValueChangeEventArguments[bool | None]], None]:
        def ticked(change: ValueChangeEventArguments[bool | None]) -> None:
            if self._drawing:
                return
            event = mentor_event(self._flow, mentor_id, bool(change.value))
            if event is None:
                self._redraw()  # put the tick back as the state has it
            else:
                self._send(event)

        return ticked

    def _edited(self, field: str) -> Callable[[ValueChangeEventArguments[str | None]], None]:
        def edited(change: ValueChangeEventArguments[str | None]) -> None:
            if self._drawing:
                return
            event = field_event(self._flow, field, change.value)
            if event is not None:
                self._send(event, busy=field)

        return edited

    def _new_submission(self) -> None:
        if self._flow is ActiveFlow.BULK:
            self._start_form(BulkNewSubmissionStarted())
        else:
            self._start_form(SingleFlowEntered())

    def _submit(self) -> None:
        event = submit_event(self._flow)
        if event is not None:
            self._send(event)

    def _redraw(self) -> None:
        if self._drawing:
            return
        if self._state is not None:
            self.draw(self._state)

    # --- drawing ---------------------------------------------------------------------
    def draw(self, state: ProxyRegistrationState) -> None:
        """Render ``state`` (calls from the engine; edits made here send no event)."""
        self._state = state
        self._drawing = True
        try:
            self._draw(state)
        finally:
            self._drawing = False

    def _draw(self, state: ProxyRegistrationState) -> None:
        flow = state.active_flow
        if flow is ActiveFlow.NONE:
            return
        bulk = flow is ActiveFlow.BULK
        self.mode.value = "bulk" if bulk else "single"
        if bulk:
            choices = mentor_choices(state.bulk, self.roster)
            form = bulk_form(state.bulk)
            can_edit, can_submit = form.can_edit, form.can_submit
            field_errors, draft = form.field_errors, state.bulk.draft
            if not self._busy["search"] and self.search.value != state.bulk.filter_text:
                self.search.value = state.bulk.filter_text
        else:
            choices = single_mentor_choices(state.single, self.roster, self._single_search)
            single = single_form(state.single)
            can_edit, can_submit = single.can_edit, single.can_submit
            field_errors, draft = single.field_errors, state.single.draft
        shown = {c.mentor_id: c for c in choices}
        for mentor_id, box in self.boxes.items():
            choice = shown.get(mentor_id)
            self.lines[mentor_id].set_visibility(choice is not None)
            if choice is not None:
                box.value = choice.selected
                box.set_enabled(choice.active and can_edit)
        self.bulk_tools.set_visibility(bulk)
        for button in (self.select_all, self.clear):
            button.set_enabled(can_edit)
        self.count.text = f"{len(state.bulk.selected)} selected"
        self._draw_fields(draft, field_errors, can_edit)
        self.submit.set_enabled(can_submit)
        self.submit.text = "Submit" if bulk else single.submit_label
        self.status.text = "" if bulk else single.status
        self.cancel.set_visibility(bulk and form.can_cancel)
        self.again.set_visibility(not bulk and state.single.phase is not SinglePhase.EDITING)
        if bulk:
            self._draw_results(state)
        else:
            self.results.set_visibility(False)
            self.panels.classes(remove="showing-results")
            self._draw_banner(None)

    def _draw_fields(
        self, draft: ActivityDraft, errors: dict[str, tuple[str, ...]], can_edit: bool
    ) -> None:
        """A box being typed in keeps its text; any other box whose text does not stand for
        the draft's value is rewritten (how a reset or a restore reaches the form). Text that
        cannot be read stays, and beside it is why, in place of the engine's word."""
        for field in FIELDS:
            box = self.fields[field]
            value = getattr(draft, field)
            unreadable: tuple[str, ...] = ()
            if field == "kind":
                if not self._busy[field] and box.value != value:
                    box.value = value
            else:
                text = box.value or ""
                reading = read_field_text(field, text)
                stands_for = text if reading is None else reading.value
                if not self._busy[field] and stands_for != value:
                    box.value = text_of(value)
                elif reading is not None and reading.error is not None:
                    unreadable = (reading.error.message,)
            box.set_enabled(can_edit)
            messages = unreadable or errors.get(field, ())
            label = self.errors[field]
            label.text = " ".join(f"⚠ {m}" for m in messages)
            label.set_visibility(bool(messages))
            box.props(f"aria-invalid={'true' if messages else 'false'}")

    def _draw_results(self, state: ProxyRegistrationState) -> None:
        bulk = state.bulk
        self.results.set_visibility(bulk.submission_id is not None)
        # On a phone the results come first and the mentor list steps aside (the CSS).
        if bulk.submission_id is None:
            self.panels.classes(remove="showing-results")
        else:
            self.panels.classes(add="showing-results")
        if bulk.submission_id is None:
            self._draw_banner(None)
            return
        screen = result_screen(bulk, self.roster)
        sending = bulk.phase is BulkPhase.SUBMITTING
        self.headline.text = screen.headline
        self.progress.set_visibility(sending)
        self.progress.value = progress(bulk).fraction
        self.retry.set_enabled(screen.retry_enabled)
        self.start_over.set_enabled(bulk_form(bulk).can_start_over)
        self.rows.content = result_items(screen.rows, failed_only=bool(self.failed_only.value))
        failed_whole = bulk.phase is BulkPhase.FAILED and screen.error is None
        self._draw_banner(NOTHING_TAKEN if failed_whole else screen.error)

    def _draw_banner(self, message: str | None) -> None:
        self.banner.text = message or ""
        self.banner.set_visibility(bool(message))

    def warn(self, message: str | None) -> None:
        """Show (None: hide) a banner the engine did not raise: the backend is down, say."""
        self._draw_banner(message)
