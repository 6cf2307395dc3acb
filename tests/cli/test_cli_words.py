"""The words a coordinator reads: what was registered, what to do next, which record
stopped an all-or-nothing batch, and CSV files as spreadsheets write them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli.helpers import run_main, stored_mentors

ACTIVITY = ("--kind", "phone_call", "--date", "today", "--minutes", "20")
FAULTS = ("--faults", "seed=3,fail_rate=0.4")


def test_a_partial_failure_says_what_to_run_next_and_retry_failed_how_many_it_resent(
    capsys: Any, demo_db: Path
) -> None:
    """bulk with failures ends with 'next: `proxyreg retry-failed` …'; retry-failed says how
    many it resent (in the JSON too), and the hint is gone once nothing is left."""
    db = str(demo_db)
    first = run_main(capsys, "--db", db, "bulk", "--all", *ACTIVITY, *FAULTS)
    assert first.status == 3
    left = first.out.count("│ failed ")
    assert left > 0
    assert (
        f"next: `proxyreg retry-failed` resends the {left} failed or unknown records with the "
        "same keys (nothing is stored twice)." in first.out
    )
    retried = run_main(capsys, "--db", db, "retry-failed", "--json")
    assert retried.status == 0
    assert retried.json()["resent"] == left
    again = run_main(capsys, "--db", db, "retry-failed")
    assert "Nothing failed that a retry could fix; nothing was sent." in again.out
    assert "next:" not in again.out
    assert len(stored_mentors(demo_db)) == 35


def test_show_opens_with_what_the_activity_was(capsys: Any, demo_db: Path) -> None:
    """show (the latest by default) heads its table with the kind, the day and the minutes."""
    sent = run_main(capsys, "--db", str(demo_db), "bulk", "--mentor", "m01", "m02", *ACTIVITY)
    assert sent.status == 0
    shown = run_main(capsys, "--db", str(demo_db), "show")
    first_line = shown.out.splitlines()[0]
    assert first_line.startswith("Phone call on ")
    assert first_line.endswith(", 20 minutes, for 2 mentors.")


def test_submissions_shows_the_minutes(capsys: Any, demo_db: Path) -> None:
    """The submissions table has a Minutes column holding each submission's minutes."""
    run_main(capsys, "--db", str(demo_db), "register", "--mentor", "m01", *ACTIVITY)
    listed = run_main(capsys, "--db", str(demo_db), "submissions")
    header = next(line for line in listed.out.splitlines() if "┃ Submission" in line)
    row = next(line for line in listed.out.splitlines() if "phone_call" in line)
    assert "Minutes" in header
    assert [cell.strip() for cell in row.split("│")][5] == "20"


def test_all_or_nothing_names_the_record_that_stopped_it(capsys: Any, demo_db: Path) -> None:
    """--strategy atomic with one record the server was too busy for: the headline names
    that mentor and why; the others say they were rolled back (code rolled_back)."""
    second = demo_db.with_name("second.db")  # the same faults drawn again, on a fresh file
    assert run_main(capsys, "--db", str(second), "init", "--demo").status == 0
    send = ("bulk", "--mentor", "m07", "m09", "m10", *ACTIVITY)
    faults = ("--strategy", "atomic", "--faults", "seed=4,fail_rate=0.3")
    text = run_main(capsys, "--db", str(demo_db), *send, *faults)
    document = run_main(capsys, "--db", str(second), *send, *faults, "--json").json()
    assert text.status == 3
    assert "Nothing was saved (all or nothing). Not accepted: Gustav Moe: The server was busy" in (
        " ".join(text.out.split())
    )
    assert [(r["mentor_id"], r["error_code"]) for r in document["results"]] == [
        ("m07", "unavailable"),
        ("m09", "rolled_back"),
        ("m10", "rolled_back"),
    ]


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "group.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "text",
    [
        "mentor;name\nm01;Aisha\nm04;Dawit\n",  # a Norwegian-locale spreadsheet's export
        "name\tmentor_id\nAisha\tm01\nDawit\tm04\n",
        'mentor,note\nm01,"two\nlines"\nm04,x\n',
    ],
)
def test_csv_files_as_spreadsheets_write_them_are_read(
    capsys: Any, demo_db: Path, tmp_path: Path, text: str
) -> None:
    """Semicolons, tabs, a `mentor` or `mentor_id` header, a cell with a line break: read."""
    ran = run_main(
        capsys, "--db", str(demo_db), "bulk", "--from-csv", write(tmp_path, text), *ACTIVITY
    )
    assert ran.status == 0, ran.err
    assert stored_mentors(demo_db) == ["m01", "m04"]


def test_an_unclosed_quote_is_named_on_the_row_it_opens(
    capsys: Any, demo_db: Path, tmp_path: Path
) -> None:
    """A quote opened on row 3 and never closed: row 3 is named, not the file's last line."""
    path = write(tmp_path, 'mentor\nm01\n"m02\nm03\nm04\n')
    ran = run_main(capsys, "--db", str(demo_db), "bulk", "--from-csv", path, *ACTIVITY, "--json")
    assert ran.status == 2
    assert ran.json()["errors"] == [
        {
            "field": "mentor",
            "code": "unreadable",
            "message": "A quote opened on this row is never closed.",
            "row": 3,
        }
    ]


def test_rows_after_a_cell_with_a_line_break_keep_their_spreadsheet_numbers(
    capsys: Any, demo_db: Path, tmp_path: Path
) -> None:
    """A cell holding a line break is one row: the bad id after it is on row 3, not 4."""
    path = write(tmp_path, 'mentor,note\nm01,"a\nb"\nnobody,c\n')
    ran = run_main(capsys, "--db", str(demo_db), "bulk", "--from-csv", path, *ACTIVITY, "--json")
    assert [(e["row"], e["code"]) for e in ran.json()["errors"]] == [(3, "not_assigned")]
