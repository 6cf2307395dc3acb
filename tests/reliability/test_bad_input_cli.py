"""Malformed command lines and CSV files, through `proxyreg.cli.main` in this process.

One demo database per test (``init --demo``), used by every example: each must answer
exit status 2, name each bad field (and row, for a CSV file) on standard error and in
the ``--json`` errors, and leave every table of the database holding what it held.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from proxyreg import demo_data
from proxyreg.cli import main
from proxyreg.cli.render import MAX_PROBLEMS_SHOWN
from reliability.corpus import (
    CSV_FIELD,
    FILE_FIELD,
    BadCommand,
    BadCsv,
    People,
    bad_commands,
    bad_csv_files,
    expected_row_problems,
)

TODAY = dt.date.today()
PEOPLE = People(
    active=tuple(
        m for m in demo_data.ASSIGNMENTS[demo_data.COORDINATOR.id] if m not in demo_data.PAUSED_IDS
    ),
    paused=demo_data.PAUSED_IDS,
    foreign=demo_data.OTHER_COORDINATORS_IDS,
    today=TODAY,
)
ACTIVITY = ("--kind=home_visit", f"--date={TODAY.isoformat()}", "--minutes=30")
PREFIX = "proxyreg: error: "

# The database is made once per test on purpose: the property is that it never changes.
ONE_DATABASE_PER_TEST = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@attrs.frozen
class Ran:
    status: int
    out: str
    err: str

    def json_errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = json.loads(self.out)["errors"]
        return errors

    def problem_lines(self) -> list[str]:
        """What follows ``proxyreg: error:`` on each line of standard error."""
        return [line[len(PREFIX) :] for line in self.err.splitlines() if line.startswith(PREFIX)]


def run(db: Path, *argv: str) -> Ran:
    """`main` with ``--db db`` and ``argv``, its output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--db", str(db), *argv])
    return Ran(status, out.getvalue(), err.getvalue())


def holdings(db: Path) -> dict[str, int]:
    """The row count of every table of the database."""
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "proxyreg.db"
    assert run(path, "init", "--demo").status == 0
    return path


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    return tmp_path / "mentors.csv"


def assert_refused(ran: Ran, command: BadCommand) -> None:
    assert ran.status == 2, (ran, command)
    if command.argparse_refuses:
        assert all(option in ran.err for option in command.must), (ran.err, command)
        return
    shown = {line.split(": ", 1)[0] for line in ran.problem_lines()}
    if "--json" in command.argv:
        errors = ran.json_errors()
        assert all(isinstance(e["message"], str) and e["message"] for e in errors)
        assert {e["field"] for e in errors} == shown, (errors, ran.err)
    assert command.must <= shown <= command.may, (shown, command, ran.err)


@ONE_DATABASE_PER_TEST
@given(command=bad_commands(PEOPLE))
def test_a_malformed_command_line_is_named_and_changes_nothing(
    demo_db: Path, command: BadCommand
) -> None:
    """register/bulk with wrong types, missing options, huge or control-laden text, unknown,
    foreign, paused or repeated mentors, future dates: exit 2, each field named, no change."""
    before = holdings(demo_db)
    assert_refused(run(demo_db, *command.argv), command)
    assert holdings(demo_db) == before


def csv_problems(ran: Ran) -> set[tuple[int | None, str, str]]:
    return {(e.get("row"), e["field"], e["code"]) for e in ran.json_errors()}


def assert_csv_refused(ran: Ran, expected: frozenset[tuple[int | None, str, str]]) -> None:
    """Exit 2; the JSON names exactly the expected problems; standard error names the first
    `MAX_PROBLEMS_SHOWN` of them, row by row in file order, and counts the rest."""
    assert ran.status == 2, ran
    assert csv_problems(ran) == expected
    lines = ran.problem_lines()
    shown = min(len(expected), MAX_PROBLEMS_SHOWN)
    rows = sorted(row for row, _, _ in expected if row is not None)[:shown]
    assert [line.split(": ", 1)[0] for line in lines[:shown] if line.startswith("row ")] == [
        f"row {row}, {CSV_FIELD}" for row in rows
    ]
    if len(expected) > shown:
        assert f"and {len(expected) - shown} more" in lines[shown]
    else:
        assert len(lines) == len(expected)


@ONE_DATABASE_PER_TEST
@given(csv=bad_csv_files(PEOPLE))
def test_a_malformed_csv_file_is_named_row_by_row_and_changes_nothing(
    demo_db: Path, csv_path: Path, csv: BadCsv
) -> None:
    """Unknown, foreign, paused, empty or repeated ids, short and blank rows, no header, no
    mentor_id column, no rows, not UTF-8: exit 2, every problem named with its row."""
    before = holdings(demo_db)
    csv_path.write_bytes(csv.content)
    ran = run(demo_db, "bulk", f"--from-csv={csv_path}", *ACTIVITY, "--json")
    assert_csv_refused(ran, csv.problems)
    assert holdings(demo_db) == before


# --- fixed cases: the large files and the defects found --------------------------------

LARGE = 10_000


def write_rows(path: Path, ids: list[str | None]) -> None:
    lines = ["mentor_id,name", *(("" if m is None else f"{m},Someone") for m in ids)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_ten_thousand_unknown_ids_are_each_named(demo_db: Path, csv_path: Path) -> None:
    """A 10,000-row file of ids nobody knows: all 10,000 rows named, nothing stored."""
    before = holdings(demo_db)
    ids: list[str | None] = [f"nobody-{n}" for n in range(LARGE)]
    write_rows(csv_path, ids)
    ran = run(demo_db, "bulk", "--from-csv", str(csv_path), *ACTIVITY, "--json")
    expected = expected_row_problems(ids, PEOPLE)
    assert len(expected) == LARGE
    assert_csv_refused(ran, expected)
    assert holdings(demo_db) == before


def test_ten_thousand_rows_of_real_mentors_name_every_repeat(demo_db: Path, csv_path: Path) -> None:
    """The coordinator's mentors over and over for 10,000 rows: each repeat named, its row too."""
    before = holdings(demo_db)
    ids: list[str | None] = [PEOPLE.active[n % len(PEOPLE.active)] for n in range(LARGE)]
    write_rows(csv_path, ids)
    ran = run(demo_db, "bulk", "--from-csv", str(csv_path), *ACTIVITY, "--json")
    expected = expected_row_problems(ids, PEOPLE)
    assert {code for _, _, code in expected} == {"duplicate"}
    assert len(expected) == LARGE - len(PEOPLE.active)
    assert_csv_refused(ran, expected)
    assert holdings(demo_db) == before


def test_one_bad_row_after_ten_thousand_lines_is_named_with_its_row(
    demo_db: Path, csv_path: Path
) -> None:
    """Good rows, then blank lines, then a paused mentor on row 10,001: that row alone named."""
    before = holdings(demo_db)
    blank = LARGE - len(PEOPLE.active) - 1
    ids: list[str | None] = [*PEOPLE.active, *([None] * blank), PEOPLE.paused[0]]
    write_rows(csv_path, ids)
    ran = run(demo_db, "bulk", "--from-csv", str(csv_path), *ACTIVITY, "--json")
    assert_csv_refused(ran, frozenset({(LARGE + 1, CSV_FIELD, "paused")}))
    assert holdings(demo_db) == before


def test_a_missing_csv_file_is_named(demo_db: Path, tmp_path: Path) -> None:
    """--from-csv naming no file: from_csv named, nothing stored."""
    before = holdings(demo_db)
    ran = run(demo_db, "bulk", "--from-csv", str(tmp_path / "nope.csv"), *ACTIVITY, "--json")
    assert_csv_refused(ran, frozenset({(None, FILE_FIELD, "missing")}))
    assert holdings(demo_db) == before


def test_a_cell_longer_than_the_csv_reader_takes_is_named(demo_db: Path, csv_path: Path) -> None:
    """A 200,000-character cell is one bad row, not a crash.

    Found by this corpus and fixed; kept so it stays fixed.
    """
    before = holdings(demo_db)
    csv_path.write_text("mentor_id\n" + "x" * 200_000 + "\n", encoding="utf-8")
    ran = run(demo_db, "bulk", "--from-csv", str(csv_path), *ACTIVITY, "--json")
    assert ran.status == 2
    assert {e["field"] for e in ran.json_errors()} <= {CSV_FIELD, FILE_FIELD}
    assert holdings(demo_db) == before


@pytest.mark.parametrize("kind", ["[/x]", "[/]", "a[/b]c"])
def test_markup_in_a_bad_value_is_shown_not_interpreted(demo_db: Path, kind: str) -> None:
    """A value that reads as rich markup is named like any other bad value.

    Found by this corpus and fixed; kept so it stays fixed.
    """
    before = holdings(demo_db)
    ran = run(demo_db, "bulk", "--all", f"--kind={kind}", *ACTIVITY[1:])
    assert ran.status == 2
    assert [line.split(": ", 1)[0] for line in ran.problem_lines()] == ["kind"]
    assert kind in ran.err
    assert holdings(demo_db) == before


def test_notes_with_an_undecodable_byte_are_a_notes_error(demo_db: Path) -> None:
    """Notes holding U+DCFF (an argument byte that is not UTF-8) are bad input: exit 2.

    Found by this corpus and fixed; kept so it stays fixed.
    """
    before = holdings(demo_db)
    ran = run(demo_db, "register", "--mentor=m01", *ACTIVITY, "--notes=caf\udcff", "--json")
    assert ran.status == 2, ran.out
    assert [e["field"] for e in ran.json_errors()] == ["notes"]
    assert holdings(demo_db) == before


@pytest.mark.parametrize("option", ["--minutes", "--date", "--as"])
def test_a_double_dash_value_is_named_not_a_crash(demo_db: Path, option: str) -> None:
    """``--minutes=--`` is a bad value like any other: exit 2, the field named.

    Found by this corpus and fixed; kept so it stays fixed.
    """
    before = holdings(demo_db)
    valid = {"--minutes": "--minutes=30", "--date": f"--date={TODAY.isoformat()}", "--as": ""}
    argv = [a for a in ("--kind=home_visit", *valid.values()) if a and not a.startswith(option)]
    ran = run(demo_db, "register", "--mentor=m01", *argv, f"{option}=--", "--json")
    assert ran.status == 2
    assert [e["field"] for e in ran.json_errors()] == [option.removeprefix("--")]
    assert holdings(demo_db) == before
