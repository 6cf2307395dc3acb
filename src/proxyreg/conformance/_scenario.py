"""A conformance scenario and its language-neutral JSON file.

A file holds the bloc to build (``root``, ``single`` or ``bulk``), the context
its reducers read (roster, rules, today), the initial state, and one step per
event: the event, the state after it, and, when the event changed nothing,
the reason code the bloc reported. Every value is in the canonical JSON of
`proxyreg.serialization`; `docs/schema/scenario.schema.json` describes a file.
"""

from __future__ import annotations

from typing import Any

import attrs

from proxyreg import flows
from proxyreg.serialization import DecodeError, from_data, to_data

FORMAT = "proxyreg.conformance/1"
BLOCS = ("root", "single", "bulk")

STATE_OF_BLOC: dict[str, type] = {
    "root": flows.ProxyRegistrationState,
    "single": flows.SingleProxyState,
    "bulk": flows.BulkProxyState,
}


@attrs.frozen
class Step:
    """One event, and what the bloc shows after it."""

    event: flows.ProxyEvent
    state: object
    ignored: str | None = None


@attrs.frozen
class Scenario:
    """Events replayed on a bloc from an initial state, with the state expected after each."""

    name: str
    description: str
    bloc: str
    context: flows.FlowContext
    initial_state: object
    steps: tuple[Step, ...]

    def to_data(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "description": self.description,
            "bloc": self.bloc,
            "context": to_data(self.context),
            "initial_state": to_data(self.initial_state),
            "steps": [
                {"event": to_data(s.event), "state": to_data(s.state), "ignored": s.ignored}
                for s in self.steps
            ],
        }

    @classmethod
    def from_data(cls, data: Any) -> Scenario:
        """Read a scenario file's data; `DecodeError` names what is wrong with it."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise DecodeError("scenario", (f"'format' must be {FORMAT!r} @ $.format",))
        bloc = data.get("bloc")
        if bloc not in BLOCS:
            raise DecodeError("scenario", (f"'bloc' must be one of {', '.join(BLOCS)} @ $.bloc",))
        state_type = STATE_OF_BLOC[bloc]
        steps = data.get("steps")
        if not isinstance(steps, list):
            raise DecodeError("scenario", ("'steps' must be a list @ $.steps",))
        return cls(
            name=_text(data, "name"),
            description=_text(data, "description"),
            bloc=bloc,
            context=from_data(data.get("context"), flows.FlowContext),
            initial_state=from_data(data.get("initial_state"), state_type),
            steps=tuple(_step(step, state_type, i) for i, step in enumerate(steps)),
        )


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise DecodeError("scenario", (f"{key!r} must be a string @ $.{key}",))
    return value


def _step(data: Any, state_type: type, index: int) -> Step:
    where = f"$.steps[{index}]"
    if not isinstance(data, dict) or set(data) != {"event", "state", "ignored"}:
        raise DecodeError("scenario", (f"a step has exactly event, state, ignored @ {where}",))
    ignored = data["ignored"]
    if ignored is not None and not isinstance(ignored, str):
        raise DecodeError("scenario", (f"'ignored' must be a string or null @ {where}",))
    try:
        event = from_data(data["event"], flows.ProxyEvent)
        state: object = from_data(data["state"], state_type)
    except DecodeError as error:
        raise DecodeError("scenario", tuple(f"{p} (in {where})" for p in error.problems)) from error
    return Step(event, state, ignored)
