"""open_backend: one rule names a backend; who acts; the root bloc built in one place."""

from __future__ import annotations

import asyncio
import pathlib
import sys

import pytest

import proxyreg.adapters
from proxyreg import demo_data
from proxyreg.application import (
    SUPABASE_KEY_VARIABLE,
    BackendUnavailableError,
    BadInput,
    RegistrationSession,
    build_bloc,
    open_backend,
)
from proxyreg.domain import FieldError
from proxyreg.flows import BulkFlowEntered


def refusal(url: str, **options: object) -> tuple[FieldError, ...]:
    async def attempt() -> tuple[FieldError, ...]:
        try:
            async with open_backend(url, **options):  # type: ignore[arg-type]
                pass
        except BadInput as bad:
            return bad.errors
        return ()

    return asyncio.run(attempt())


def test_an_unsupported_scheme_says_so_and_lists_the_supported_ones() -> None:
    """mysql://… is refused as bad input naming db, with every URL proxyreg opens."""
    expected = FieldError(
        "db",
        "unsupported",
        "mysql://u:***@h/db is not a backend proxyreg can open; it opens a SQLite file path "
        "(default proxyreg.db), postgresql://…, postgres://…, supabase+https://….",
    )
    assert (expected,) == refusal("mysql://u:secret@h/db")


def test_a_missing_sqlite_file_is_not_created_unless_asked(tmp_path: pathlib.Path) -> None:
    """Only ``create`` makes a new file; otherwise a missing file is bad input naming db."""
    path = tmp_path / "none.db"
    (error,) = refusal(str(path))
    assert (error.field, error.code, path.exists()) == ("db", "missing", False)


def test_a_supabase_url_needs_its_key_and_token_from_the_environment() -> None:
    """supabase+https://… without the key and token in the environment names both."""
    (error,) = refusal("supabase+https://example.supabase.co", environ={SUPABASE_KEY_VARIABLE: "k"})
    assert (error.field, error.code) == ("db", "unconfigured")
    assert "$PROXYREG_SUPABASE_TOKEN not set" in error.message


def test_the_demo_world_acts_as_its_default_coordinator(tmp_path: pathlib.Path) -> None:
    """After load_demo, nobody named means the demo coordinator, with their roster."""

    async def scenario() -> tuple[str, int, str | None]:
        async with open_backend(str(tmp_path / "d.db"), create=True) as backend:
            await backend.create_schema()
            await backend.load_demo()
            async with backend.acting_as() as acting:
                return (
                    acting.coordinator.id,
                    len(acting.roster.mentors),
                    await backend.default_coordinator(),
                )

    own = len(demo_data.ASSIGNMENTS[demo_data.COORDINATOR.id])
    expected = (demo_data.COORDINATOR.id, own, demo_data.COORDINATOR.id)
    assert expected == asyncio.run(scenario())


def test_build_bloc_takes_a_strategy_by_name_and_refuses_an_unknown_one(
    tmp_path: pathlib.Path,
) -> None:
    """A strategy is named (rpc, chunked, atomic); any other name is bad input."""

    async def scenario() -> tuple[str, tuple[FieldError, ...]]:
        async with (
            open_backend(str(tmp_path / "d.db"), create=True) as backend,
        ):
            await backend.load_demo()
            async with backend.acting_as() as acting:
                bloc = build_bloc(acting.repository, acting.roster, strategy="chunked")
                await bloc.add(BulkFlowEntered())
                await bloc.settled()
                flow = bloc.state.active_flow.value
                await bloc.close()
                try:
                    build_bloc(acting.repository, acting.roster, strategy="fastest")
                except BadInput as bad:
                    return flow, bad.errors
        return flow, ()

    flow, errors = asyncio.run(scenario())
    assert (flow, [e.field for e in errors]) == ("bulk", ["strategy"])


def test_a_session_names_its_strategy(tmp_path: pathlib.Path) -> None:
    """RegistrationSession sends with the strategy it was given, and another once told."""

    async def scenario() -> list[str]:
        async with open_backend(str(tmp_path / "d.db"), create=True) as backend:
            await backend.load_demo()
            async with (
                backend.acting_as() as acting,
                RegistrationSession(acting.repository, acting.roster, strategy="atomic") as s,
            ):
                first = s.strategy
                s.use_strategy("chunked")
                return [first, s.strategy]

    assert asyncio.run(scenario()) == ["atomic", "chunked"]


@pytest.mark.parametrize("url", ["postgresql://nowhere/db", "postgres://nowhere/db"])
def test_postgres_urls_are_postgres(url: str) -> None:
    """Both PostgreSQL schemes open the PostgreSQL backend (nothing is connected yet)."""

    async def scenario() -> str:
        async with open_backend(url) as backend:
            return backend.url

    assert url == asyncio.run(scenario())


def test_a_missing_driver_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL without psycopg installed: BackendUnavailableError naming the extra."""
    monkeypatch.delitem(sys.modules, "proxyreg.adapters.postgres", raising=False)
    monkeypatch.delattr(proxyreg.adapters, "postgres", raising=False)
    monkeypatch.setitem(sys.modules, "psycopg", None)

    async def scenario() -> None:
        async with open_backend("postgresql://nowhere/db"):
            pass

    with pytest.raises(BackendUnavailableError) as raised:
        asyncio.run(scenario())
    expected = (
        "PostgreSQL needs the proxyreg[postgres] extra: pip install 'proxyreg[postgres]' "
        "(psycopg is not installed)."
    )
    assert expected == str(raised.value)
