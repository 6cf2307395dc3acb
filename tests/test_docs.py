"""The docs name every public event and state, with their fields."""

from __future__ import annotations

import pathlib

import attrs

from proxyreg import flows

EVENTS_DOC = (pathlib.Path(__file__).parents[1] / "docs" / "events.md").read_text()


def public_classes(base: type) -> list[type]:
    return [
        obj
        for name in flows.__all__
        if isinstance(obj := getattr(flows, name), type) and issubclass(obj, base)
    ]


def test_every_event_is_documented_with_its_fields() -> None:
    """Each event class appears in docs/events.md, and so does each of its fields."""
    missing = [
        f"{cls.__name__}.{field.name}" if field else cls.__name__
        for cls in public_classes(flows.ProxyEvent)
        for field in (None, *attrs.fields(cls))
        if f"`{cls.__name__}`" not in EVENTS_DOC
        or (field is not None and f"`{field.name}" not in EVENTS_DOC)
    ]
    assert missing == []


def test_every_state_field_is_documented() -> None:
    """Each field of each state class appears in docs/events.md."""
    states = [flows.ProxyRegistrationState, flows.SingleProxyState, flows.BulkProxyState]
    missing = [
        f"{cls.__name__}.{f.name}"
        for cls in states
        for f in attrs.fields(cls)
        if f"`{f.name}:" not in EVENTS_DOC
    ]
    assert missing == []
