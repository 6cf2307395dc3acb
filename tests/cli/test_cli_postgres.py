"""The installed command against PostgreSQL: init, bulk, show and retry through a DSN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from cli.helpers import assert_contract_shape, run_installed, run_main
from pg import throwaway_database

pytestmark = pytest.mark.postgres

ACTIVITY = ("--kind", "phone_call", "--date", dt.date.today().isoformat(), "--minutes", "20")


def as_url(conninfo: str) -> str:
    """The database named as a ``postgresql://`` URL, as a user would name it."""
    parts = conninfo_to_dict(conninfo)
    return (
        f"postgresql://{parts.get('user', 'postgres')}@{parts.get('host', '127.0.0.1')}:"
        f"{parts.get('port', 5432)}/{parts['dbname']}"
    )


@pytest.fixture
def dsn() -> Iterator[str]:
    """A throwaway database, named as a ``postgresql://`` URL."""
    with throwaway_database("proxyreg_cli") as conninfo:
        yield as_url(conninfo)


def test_a_database_without_the_schema_says_to_run_init(capsys: Any) -> None:
    """A PostgreSQL database nobody initialised: exit 1 and one line naming `proxyreg init`,
    not the driver's SQL ('relation … does not exist'); init then makes it work."""
    with throwaway_database("proxyreg_cli_bare", migrated=False) as conninfo:
        url = as_url(conninfo)
        commands = (("mentors",), ("--as", "coord-demo", "submissions"))
        refused = [run_main(capsys, "--db", url, *command) for command in commands]
        initialised = run_main(capsys, "--db", url, "init", "--demo")
        listed = run_main(capsys, "--db", url, "mentors", "--json")
    said = "proxyreg: error: This database has no proxyreg schema: run `proxyreg init`.\n"
    assert [(1, said)] * 2 == [(r.status, r.err) for r in refused]
    assert (initialised.status, listed.status, len(listed.json())) == (0, 0, 37)


def stored(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT mentor_id FROM proxy_activities ORDER BY mentor_id")
        return [str(row[0]) for row in rows]


def test_init_bulk_and_show_on_postgresql(dsn: str, tmp_path: Path) -> None:
    """init --demo stores the default coordinator in PostgreSQL; bulk acts as them under
    row-level security (exit 3 with faults), retry-failed settles it (exit 0), show agrees."""
    assert run_installed("--db", dsn, "init", "--demo", cwd=tmp_path).status == 0
    assert run_installed("--db", dsn, "init", "--demo", cwd=tmp_path).status == 0  # idempotent

    first = run_installed(
        "--db", dsn, "bulk", "--mentor", "m01", "m02", "m03", "m04", *ACTIVITY,
        "--faults", "seed=1,fail_rate=0.5", "--json", cwd=tmp_path,
    )  # fmt: skip
    retried = run_installed("--db", dsn, "retry-failed", "--json", cwd=tmp_path)
    shown = run_installed(
        "--db", dsn, "show", first.json()["submission_id"], "--json", cwd=tmp_path
    )

    assert first.status == 3, first.err
    assert_contract_shape(first.json())
    assert retried.status == 0, retried.err
    assert shown.status == 0
    assert shown.json()["results"] == retried.json()["results"]
    assert stored(dsn) == ["m01", "m02", "m03", "m04"]


def test_bad_input_on_postgresql_stores_nothing(dsn: str, tmp_path: Path) -> None:
    """Another coordinator's mentor: exit 2 naming ``mentors``; PostgreSQL holds no record."""
    assert run_installed("--db", dsn, "init", "--demo", cwd=tmp_path).status == 0
    refused = run_installed("--db", dsn, "bulk", "--mentor", "m01", "m40", *ACTIVITY, cwd=tmp_path)
    assert refused.status == 2
    assert "mentor: Mentor 'm40' is not assigned to you." in refused.err
    assert stored(dsn) == []
