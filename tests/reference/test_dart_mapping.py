"""docs/dart-mapping.md names every public event, state, value, enum, transformer and hook."""

from __future__ import annotations

import enum
import inspect
import pathlib
import re

from proxyreg import domain, engine, flows, testing
from proxyreg.serialization import CATALOG

MAPPING = (pathlib.Path(__file__).parents[2] / "docs" / "dart-mapping.md").read_text()


def missing(names: list[str]) -> list[str]:
    return [name for name in names if f"`{name}`" not in MAPPING]


def public(module: object, kind: type = object) -> list[str]:
    return [
        name
        for name in module.__all__  # type: ignore[attr-defined]
        if isinstance(obj := getattr(module, name), type) and issubclass(obj, kind)
    ]


def test_every_event_and_state_class_is_mapped() -> None:
    """Each event, state and serializable value of flows and domain has a row."""
    assert missing(sorted(cls.__name__ for cls in CATALOG)) == []


def test_every_public_class_of_the_flows_is_mapped() -> None:
    """Blocs, gateway, lifecycle pieces: every class flows exports is named."""
    assert missing(public(flows)) == []


def test_every_status_enum_is_mapped() -> None:
    """Phases, statuses, outcomes and the active flow are all named."""
    enums = public(flows, enum.Enum) + public(domain, enum.Enum)
    assert len(enums) == 5
    assert missing(enums) == []


def test_every_engine_class_and_transformer_is_mapped() -> None:
    """Bloc, Cubit, Emitter, the four transformers and the engine's records are named."""
    exported = [n for n in engine.__all__ if n != "Handler"]  # a type alias of a handler
    unnamed = [n for n in exported if not re.search(rf"`{n}[`\[(.]", MAPPING)]
    assert unnamed == []


def test_every_observer_hook_is_mapped() -> None:
    """Each BlocObserver hook appears with its arguments."""
    hooks = [name for name, _ in inspect.getmembers(engine.BlocObserver, inspect.isfunction)]
    assert len(hooks) == 7
    assert [h for h in hooks if f"`{h}(" not in MAPPING] == []


def test_the_testing_helper_is_mapped() -> None:
    """bloc_test appears with its Dart counterpart blocTest."""
    assert [n for n in testing.__all__ if n != "ErrorMatcher" and f"`{n}(" not in MAPPING] == []
    assert "blocTest" in MAPPING
