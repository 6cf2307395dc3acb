"""One invocation, one round of errors: every problem of a command line is named at once,
and ``--json`` answers every refusal, argparse's own included, as JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cli.helpers import count, run_main

KINDS = "home_visit, phone_call, digital_meeting, group_meeting, training"
TODAY = dt.date.today()


def assert_nothing_stored(db: Path) -> None:
    assert (count(db, "proxy_activities"), count(db, "submissions")) == (0, 0)


EVERY_FIELD_WRONG = (
    "--kind", "swimming", "--date", "2026-13-45", "--minutes", "-1", "--participants", "x",
)  # fmt: skip


def test_register_with_every_field_wrong_names_every_field(capsys: Any, demo_db: Path) -> None:
    """The mentor, the kind, the date, the minutes and the participants: all five named in
    one run, on the terminal and in the JSON, in the form's order; nothing stored."""
    db = str(demo_db)
    text = run_main(capsys, "--db", db, "register", "--mentor", "nobody", *EVERY_FIELD_WRONG)
    as_json = run_main(
        capsys, "--db", db, "register", "--mentor", "nobody", *EVERY_FIELD_WRONG, "--json"
    )
    assert (text.status, as_json.status) == (2, 2)
    assert text.err.splitlines() == [
        "proxyreg: error: mentor: Mentor 'nobody' is not assigned to you.",
        f"proxyreg: error: kind: Unknown activity kind 'swimming'. --kind takes {KINDS}.",
        "proxyreg: error: date: There is no day 2026-13-45.",
        "proxyreg: error: minutes: The duration must be between 1 and 1440 minutes.",
        "proxyreg: error: participants: Enter a whole number, not 'x'.",
    ]
    assert [(e["field"], e["code"]) for e in as_json.json()["errors"]] == [
        ("mentor", "not_assigned"),
        ("kind", "unknown_kind"),
        ("date", "no_such_day"),
        ("minutes", "out_of_range"),
        ("participants", "wrong_type"),
    ]
    assert_nothing_stored(demo_db)


def test_bulk_with_every_field_wrong_names_every_field(capsys: Any, demo_db: Path) -> None:
    """bulk: the mentors, the activity's fields and a bad --faults, in one round; nothing stored."""
    ran = run_main(
        capsys, "--db", str(demo_db), "bulk", "--mentor", "m01", "zz9",
        *EVERY_FIELD_WRONG, "--faults", "fail_rate=2", "--json",
    )  # fmt: skip
    assert ran.status == 2
    assert [(e["field"], e["code"]) for e in ran.json()["errors"]] == [
        ("mentor", "not_assigned"),
        ("kind", "unknown_kind"),
        ("date", "no_such_day"),
        ("minutes", "out_of_range"),
        ("participants", "wrong_type"),
        ("faults", "invalid"),
    ]
    assert len(ran.err.splitlines()) == 6
    assert_nothing_stored(demo_db)


def test_csv_row_errors_come_with_the_other_fields_errors(
    capsys: Any, demo_db: Path, tmp_path: Path
) -> None:
    """A CSV's bad rows and a bad --minutes and --date: every one named together."""
    path = tmp_path / "group.csv"
    path.write_text("mentor_id\nm01\nnobody\n", encoding="utf-8")
    ran = run_main(
        capsys, "--db", str(demo_db), "bulk", "--from-csv", str(path),
        "--kind", "phone_call", "--date", "soon", "--minutes", "0", "--json",
    )  # fmt: skip
    assert ran.status == 2
    assert [(e["field"], e.get("row")) for e in ran.json()["errors"]] == [
        ("mentor", 3),
        ("date", None),
        ("minutes", None),
    ]
    assert "proxyreg: error: row 3, mentor: Mentor 'nobody' is not assigned to you." in ran.err
    assert_nothing_stored(demo_db)


def test_missing_options_are_named_with_the_bad_ones(capsys: Any, demo_db: Path) -> None:
    """Leaving out --kind and --minutes and giving a bad --date: three problems at once."""
    ran = run_main(
        capsys, "--db", str(demo_db), "register", "--mentor", "m01", "--date", "2026-02-30",
        "--json",
    )  # fmt: skip
    assert ran.status == 2
    assert ran.json() == {
        "errors": [
            {
                "field": "kind",
                "code": "required",
                "message": f"Choose the kind of activity. Give --kind: {KINDS}.",
            },
            {"field": "date", "code": "no_such_day", "message": "There is no day 2026-02-30."},
            {
                "field": "minutes",
                "code": "required",
                "message": "Enter the duration in minutes. Give --minutes N.",
            },
        ]
    }


def test_a_bulk_without_mentors_says_how_to_choose_them(capsys: Any, demo_db: Path) -> None:
    """No --all, --mentor or --from-csv: named, beside the activity's own problems."""
    ran = run_main(capsys, "--db", str(demo_db), "bulk", "--kind", "phone_call", "--json")
    assert ran.status == 2
    assert ran.json()["errors"][0] == {
        "field": "mentor",
        "code": "required",
        "message": "Choose the mentors: --all, --mentor ID … or --from-csv FILE.",
    }
    assert [e["field"] for e in ran.json()["errors"]] == ["mentor", "minutes"]


def test_a_bad_database_is_named_with_the_fields(capsys: Any, tmp_path: Path) -> None:
    """--db that cannot be opened and a bad --minutes: both named, the database first."""
    ran = run_main(
        capsys, "--db", "garbage://foo", "register", "--mentor", "m01", "--kind", "phone_call",
        "--minutes", "lots", "--json",
    )  # fmt: skip
    assert ran.status == 2
    assert [(e["field"], e["code"]) for e in ran.json()["errors"]] == [
        ("db", "unsupported"),
        ("minutes", "wrong_type"),
    ]
    assert "postgresql://" in ran.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--json"], [("command", "required")]),
        (["frobnicate", "--json"], [("command", "invalid_choice")]),
        (["bulk", "--all", "--strategy", "turbo", "--json"], [("strategy", "invalid_choice")]),
        (["mentors", "--json", "--colour"], [("arguments", "unknown_option")]),
        (["register", "--json", "--kind"], [("kind", "missing_value")]),
        (["bulk", "--all", "--mentor", "m01", "--json"], [("mentor", "conflict")]),
        (["show", "a", "b", "--json"], [("arguments", "unknown_option")]),
        (["conformance", "--json"], [("action", "required")]),
    ],
)
def test_every_refusal_of_argparse_is_json_with_json(
    capsys: Any, demo_db: Path, argv: list[str], expected: list[tuple[str, str]]
) -> None:
    """A missing command, a bad command, a bad choice, an unknown option, a missing value,
    two options that exclude each other: with --json, {"errors": …} on stdout, exit 2, and
    argparse's usage and message on stderr as ever."""
    ran = run_main(capsys, "--db", str(demo_db), *argv)
    assert ran.status == 2
    assert [(e["field"], e["code"]) for e in ran.json()["errors"]] == expected
    assert "usage: proxyreg" in ran.err
    assert ": error: " in ran.err


def test_without_json_a_refusal_prints_nothing_on_stdout(capsys: Any) -> None:
    """argparse's refusal without --json: the usage and the message on stderr only."""
    ran = run_main(capsys, "bulk", "--all", "--strategy", "turbo")
    assert (ran.status, ran.out) == (2, "")
    assert "argument --strategy: invalid choice: 'turbo'" in ran.err


def test_version_prints_the_installed_version(capsys: Any) -> None:
    """--version: 'proxyreg X.Y.Z', exit 0."""
    ran = run_main(capsys, "--version")
    assert ran.status == 0
    assert ran.out.startswith("proxyreg ")
    assert ran.out.strip().split()[1][0].isdigit()


@pytest.mark.parametrize(
    ("given", "days_ago"), [(None, 0), ("today", 0), ("yesterday", 1), (" Yesterday ", 1)]
)
def test_the_date_defaults_to_today_and_takes_today_and_yesterday(
    capsys: Any, demo_db: Path, given: str | None, days_ago: int
) -> None:
    """No --date is today; 'today' and 'yesterday' (any case) are read against today."""
    date = [] if given is None else ["--date", given]
    ran = run_main(
        capsys, "--db", str(demo_db), "register", "--mentor", "m01", "--kind", "phone_call",
        *date, "--minutes", "20", "--json",
    )  # fmt: skip
    assert ran.status == 0, ran.err
    assert ran.json()["date"] == (TODAY - dt.timedelta(days=days_ago)).isoformat()
