"""The docs name every public event and state, with their fields."""

from __future__ import annotations

import pathlib

import attrs
import pytest

from proxyreg import demo_data, flows

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


README = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
OWN = set(demo_data.ASSIGNMENTS[demo_data.COORDINATOR.id])


def test_the_readmes_embedding_snippet_runs_as_written(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's "Embedding in a UI" program, run as it stands, registers the demo
    coordinator's active mentors and says so."""
    section = README.split("## Embedding in a UI", 1)[1].split("\n## ", 1)[0]
    snippet = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "README.md", "exec"), {"__name__": "__main__"})
    active = sum(1 for m in demo_data.MENTORS if m.active and m.id in OWN)
    assert f"completed: {active} of {active} answered" == capsys.readouterr().out.splitlines()[-1]
    assert (tmp_path / "example.db").exists()
