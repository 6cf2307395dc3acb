"""Input a user or a file can throw at the command: each gets a clear message naming its
field, exit 2, and nothing stored; none reaches the user as a traceback.

In-process through `proxyreg.cli.main` (fast); the installed command is exercised in
test_cli_contract.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.helpers import count, run_main, stored_mentors
from proxyreg.adapters.sqlite import SqliteDatabase
from proxyreg.application import shown_url
from proxyreg.cli.render import MAX_PROBLEMS_SHOWN
from proxyreg.domain import Coordinator, Mentor

TODAY = dt.date.today()
ACTIVITY = ("--kind", "phone_call", "--date", TODAY.isoformat(), "--minutes", "20")


def bulk(capsys: Any, db: Path, *args: str) -> Any:
    return run_main(capsys, "--db", str(db), "bulk", *args, *ACTIVITY)


def assert_nothing_stored(db: Path) -> None:
    assert count(db, "proxy_activities") == 0
    assert count(db, "submissions") == 0


# --- CSV files as spreadsheets and editors write them ---------------------------------------


def test_a_windows_csv_with_bom_crlf_and_extra_columns_is_read(
    capsys: Any, demo_db: Path, tmp_path: Path
) -> None:
    """Excel's "CSV UTF-8": a BOM, CRLF line ends, a blank line, rows longer than the header."""
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"\xef\xbb\xbfName,mentor_id\r\nAisha,m01\r\n\r\nDawit,m04,extra,more\r\n,m05\r\n"
    )
    ran = bulk(capsys, demo_db, "--from-csv", str(path), "--json")
    assert ran.status == 0, ran.err
    assert stored_mentors(demo_db) == ["m01", "m04", "m05"]


def test_a_csv_that_is_not_utf8_is_refused_naming_the_line(
    capsys: Any, demo_db: Path, tmp_path: Path
) -> None:
    """A Latin-1 file: the byte and its line are named; nothing is stored, no traceback."""
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"\xef\xbb\xbfmentor_id,name\nm01,Aisha\nm02,Bj\xf8rn\n")
    ran = bulk(capsys, demo_db, "--from-csv", str(path))
    assert ran.status == 2
    assert ran.err.strip() == (
        f"proxyreg: error: from_csv: {path} is not UTF-8 text (byte 0xf8 on line 3); "
        "save it as CSV UTF-8."
    )
    assert_nothing_stored(demo_db)


def test_a_folder_given_as_the_csv_is_refused(capsys: Any, demo_db: Path, tmp_path: Path) -> None:
    ran = bulk(capsys, demo_db, "--from-csv", str(tmp_path))
    assert ran.status == 2
    assert f"from_csv: {tmp_path} is a folder; name a CSV file." in ran.err
    assert_nothing_stored(demo_db)


def test_a_10000_row_csv_lists_every_bad_row_in_json_and_a_readable_few_on_screen(
    capsys: Any, demo_db: Path, tmp_path: Path
) -> None:
    """37 good rows and 9,963 unknown ids: refused whole; the terminal shows the first
    problems and a count of the rest, --json lists all of them."""
    good = [f"m{i:02d}" for i in range(1, 38) if f"m{i:02d}" not in ("m08", "m36")]
    ids = good + [f"x{i}" for i in range(10_000 - len(good))]
    path = tmp_path / "big.csv"
    path.write_text("mentor_id\n" + "\n".join(ids) + "\n", encoding="utf-8")

    shown = bulk(capsys, demo_db, "--from-csv", str(path))
    listed = bulk(capsys, demo_db, "--from-csv", str(path), "--json")

    hidden = 10_000 - len(good) - MAX_PROBLEMS_SHOWN
    assert shown.status == listed.status == 2
    lines = shown.err.splitlines()
    assert len(lines) == MAX_PROBLEMS_SHOWN + 1
    assert lines[0] == "proxyreg: error: row 37, mentor: Mentor 'x0' is not assigned to you."
    assert lines[-1] == (
        f"proxyreg: error: … and {hidden} more problems like these (--json lists every one)."
    )
    assert shown.out == ""
    errors = listed.json()["errors"]
    assert len(errors) == 10_000 - len(good)
    assert errors[-1]["row"] == 10_001
    assert_nothing_stored(demo_db)


# --- text is text, never terminal markup ------------------------------------------------------


def test_brackets_in_paths_and_ids_are_printed_as_written(
    capsys: Any, demo_db: Path, tmp_path: Path
) -> None:
    """rich markup in a file name or an id neither breaks the command nor changes the text."""
    missing = tmp_path / "a[/]b.csv"
    no_file = bulk(capsys, demo_db, "--from-csv", str(missing))
    odd_id = bulk(capsys, demo_db, "--mentor", "[bold]zz")
    assert (no_file.status, odd_id.status) == (2, 2)
    assert f"from_csv: There is no file {missing}." in no_file.err
    assert "mentor: Mentor '[bold]zz' is not assigned to you." in odd_id.err
    assert_nothing_stored(demo_db)


def test_mentor_names_with_brackets_show_in_lists_and_result_tables(
    capsys: Any, tmp_path: Path
) -> None:
    """Names come from the database: `mentors` and the result table print them exactly."""
    db = tmp_path / "odd.db"
    kari = Coordinator("c1", "Kari [admin]", "ch")
    mentors = [Mentor("o1", "Per [/] Hansen", "ch"), Mentor("o2", "[b]Ola[/b] Nordmann", "ch")]

    async def seed() -> None:
        async with await SqliteDatabase.open(db) as repo:
            await repo.add_world([kari], mentors, [("c1", "o1"), ("c1", "o2")])

    asyncio.run(seed())
    listed = run_main(capsys, "--db", str(db), "mentors")
    registered = run_main(capsys, "--db", str(db), "bulk", "--all", *ACTIVITY)
    assert (listed.status, registered.status) == (0, 0), listed.err + registered.err
    for output in (listed.out, registered.out):
        assert "Per [/] Hansen" in output
        assert "[b]Ola[/b] Nordmann" in output
    assert "Mentors of Kari [admin]" in listed.out


# --- activity values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--minutes", "-5", "minutes: The duration must be between 1 and 1440 minutes."),
        ("--minutes", "100000", "minutes: The duration must be between 1 and 1440 minutes."),
        ("--minutes", "9" * 30, "minutes: The duration must be between 1 and 1440 minutes."),
        ("--minutes", "abc", "minutes: Enter a whole number, not 'abc'."),
        ("--minutes", "1_0", "minutes: Enter a whole number, not '1_0'."),
        ("--minutes", "\u0663", "minutes: Enter a whole number, not '\u0663'."),
        ("--minutes", "9" * 5000, "minutes: Enter a whole number, not '" + "9" * 40),
        (
            "--date",
            TODAY.strftime("%Y%m%d"),
            "date: Enter the date as YYYY-MM-DD, today or yesterday, not '",
        ),
        ("--date", f"{TODAY.year}-02-30", f"date: There is no day {TODAY.year}-02-30."),
        ("--notes", "x" * 2001, "notes: Notes can be at most 2000 characters (2001 now)."),
        ("--notes", "a\x1b[31mb", "notes: Notes contain an invisible control character"),
        ("--participants", "3", "participants: Only group activities take a participant count."),
    ],
)
def test_unreadable_or_out_of_range_values_are_named_and_store_nothing(
    capsys: Any, demo_db: Path, option: str, value: str, expected: str
) -> None:
    """Only what the option promises is read (ASCII digits, YYYY-MM-DD); the range is the
    domain's to judge. Every refusal names its field, in bulk and single alike."""
    given = dict(zip(ACTIVITY[::2], ACTIVITY[1::2], strict=True)) | {option: value}
    activity = tuple(x for pair in given.items() for x in pair)
    ran = run_main(capsys, "--db", str(demo_db), "bulk", "--all", *activity)
    single = run_main(capsys, "--db", str(demo_db), "register", "--mentor", "m01", *activity)
    assert (ran.status, single.status) == (2, 2)
    assert expected in ran.err
    assert expected in single.err
    assert ran.out == single.out == ""  # no stray output (a progress bar) before the refusal
    assert_nothing_stored(demo_db)


# --- the database itself ------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_named(capsys: Any, tmp_path: Path) -> None:
    """--db at a text file or a folder: exit 2 naming ``db``, the file left as it was."""
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100, encoding="utf-8")
    not_db = run_main(capsys, "--db", str(text), "mentors")
    folder = run_main(capsys, "--db", str(tmp_path), "submissions")
    no_dir = run_main(capsys, "--db", str(tmp_path / "nope" / "x.db"), "init")
    assert (not_db.status, folder.status, no_dir.status) == (2, 2, 2)
    assert f"db: {text} cannot be opened as a proxyreg database: file is not a database." in (
        not_db.err
    )
    assert f"db: {tmp_path} cannot be opened as a proxyreg database" in folder.err
    assert "Traceback" not in not_db.err + folder.err + no_dir.err
    assert text.read_text(encoding="utf-8") == "not a database\n" * 100


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` unwritable for this process: chmod for a user, the immutable flag for
    root (whom permissions do not stop). Skips where neither is possible."""
    os.chmod(path, 0o444)
    immutable = False
    if os.access(path, os.W_OK) and shutil.which("chattr"):
        immutable = subprocess.run(["chattr", "+i", str(path)], check=False).returncode == 0
    try:
        if os.access(path, os.W_OK):
            pytest.skip("cannot make a file read-only here")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        os.chmod(path, 0o644)


def test_a_read_only_database_refuses_before_sending_anything(capsys: Any, demo_db: Path) -> None:
    """Registering into a read-only file: exit 2 naming ``db`` (not every record 'unknown');
    reading it still works."""
    with read_only(demo_db):
        refused = bulk(capsys, demo_db, "--all", "--json")
        single = run_main(capsys, "--db", str(demo_db), "register", "--mentor", "m01", *ACTIVITY)
        listed = run_main(capsys, "--db", str(demo_db), "mentors", "--json")
    assert (refused.status, single.status, listed.status) == (2, 2, 0)
    assert refused.json() == {
        "errors": [
            {
                "field": "db",
                "code": "read_only",
                "message": f"The database {demo_db} is read-only: nothing can be registered in it.",
            }
        ]
    }
    assert len(listed.json()) == 37
    assert_nothing_stored(demo_db)


def test_a_postgresql_server_that_cannot_be_reached_is_one_clear_line(capsys: Any) -> None:
    """Nothing listens on the port: exit 1 and a one-line reason, no traceback."""
    ran = run_main(capsys, "--db", "postgresql://postgres@127.0.0.1:1/none", "mentors")
    assert ran.status == 1
    assert ran.err.startswith("proxyreg: error: ")
    assert "127.0.0.1" in ran.err
    assert "Traceback" not in ran.err


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("proxyreg.db", "proxyreg.db"),
        (
            "postgresql://kari:s3cret@db.example:5432/prod",
            "postgresql://kari:***@db.example:5432/prod",
        ),
        ("postgres://kari@db.example/prod", "postgres://kari@db.example/prod"),
    ],
)
def test_a_dsn_password_is_never_printed(url: str, shown: str) -> None:
    """`init` says which database is ready: with the DSN's password masked."""
    assert shown_url(url) == shown
