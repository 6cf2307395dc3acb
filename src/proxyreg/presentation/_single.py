"""The single form: field errors beside each input, the status line, the buttons."""

from __future__ import annotations

import attrs

from proxyreg.domain import MESSAGES
from proxyreg.flows import SinglePhase, SingleProxyState


@attrs.frozen
class SingleForm:
    """What the single registration form shows."""

    field_errors: dict[str, tuple[str, ...]]
    status: str
    can_edit: bool
    can_submit: bool
    submit_label: str


_STATUS = {
    SinglePhase.EDITING: "",
    SinglePhase.SUBMITTING: MESSAGES["screen.single.sending"].template,
    SinglePhase.SUCCEEDED: MESSAGES["screen.single.succeeded"].template,
    SinglePhase.REJECTED: MESSAGES["screen.single.rejected"].template,
    SinglePhase.FAILED: MESSAGES["screen.single.failed"].template,
}


def single_form(state: SingleProxyState) -> SingleForm:
    message = state.outcome.message if state.outcome else ""
    return SingleForm(
        field_errors=state.errors.by_field(),
        status=_STATUS[state.phase].format(message=message).strip(),
        can_edit=state.phase in (SinglePhase.EDITING, SinglePhase.REJECTED),
        can_submit=state.phase in (SinglePhase.EDITING, SinglePhase.FAILED),
        submit_label="Retry" if state.phase is SinglePhase.FAILED else "Submit",
    )
