"""The finer cases of the command line, in-process through `proxyreg.cli.main`."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cli.helpers import assert_contract_shape, count, run_main, stored_mentors
from proxyreg import demo_data
from proxyreg.adapters.sqlite import SqliteDatabase
from proxyreg.domain import Coordinator, Mentor

TODAY = dt.date.today()
ACTIVITY = ("--kind", "home_visit", "--date", TODAY.isoformat(), "--minutes", "45")


def bulk(capsys: Any, db: Path, *selection: str, activity: tuple[str, ...] = ACTIVITY) -> Any:
    return run_main(capsys, "--db", str(db), "bulk", *selection, *activity, "--json")


def assert_nothing_stored(db: Path) -> None:
    assert count(db, "proxy_activities") == 0
    assert count(db, "submissions") == 0


def write_csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "mentors.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- selection ---------------------------------------------------------------------------


def test_the_named_mentors_are_registered_and_no_one_else(capsys: Any, demo_db: Path) -> None:
    """--mentor takes several ids (listed or repeated); exactly those are stored."""
    ran = bulk(capsys, demo_db, "--mentor", "m03", "m01", "--mentor", "m05")
    assert ran.status == 0
    assert_contract_shape(ran.json())
    assert stored_mentors(demo_db) == ["m01", "m03", "m05"]


def test_unknown_and_other_coordinators_mentor_ids_are_named(capsys: Any, demo_db: Path) -> None:
    """An unknown id and another coordinator's mentor: exit 2, each named; nothing stored."""
    ran = bulk(capsys, demo_db, "--mentor", "m01", "zz9", "m39")
    assert ran.status == 2
    assert "mentor: Mentor 'zz9' is not assigned to you." in ran.err
    assert "mentor: Mentor 'm39' is not assigned to you." in ran.err
    assert [e["field"] for e in ran.json()["errors"]] == ["mentor", "mentor"]
    assert_nothing_stored(demo_db)


def test_all_leaves_paused_mentors_out(capsys: Any, demo_db: Path) -> None:
    """--all registers the 35 active mentors of the coordinator: paused and others' left out."""
    ran = bulk(capsys, demo_db, "--all")
    assert ran.status == 0
    stored = set(stored_mentors(demo_db))
    assert len(stored) == 35
    assert stored.isdisjoint(demo_data.PAUSED_IDS + demo_data.OTHER_COORDINATORS_IDS)


# --- CSV -----------------------------------------------------------------------------------


def test_a_good_csv_registers_its_mentors(capsys: Any, demo_db: Path, tmp_path: Path) -> None:
    """A header with mentor_id (other columns ignored, a BOM tolerated) and one id per row."""
    path = write_csv(tmp_path, "\ufeffname,mentor_id\nAisha,m01\n\nDawit, m04 \n")
    ran = bulk(capsys, demo_db, "--from-csv", path)
    assert ran.status == 0
    assert stored_mentors(demo_db) == ["m01", "m04"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "from_csv: {path} is empty: it needs a header row with a mentor column."),
        ("id\nm01\n", "from_csv: {path} has no mentor column; its header is: id."),
        ("mentor_id\n", "from_csv: {path} has a header but no mentor rows."),
    ],
)
def test_a_csv_without_usable_rows_is_refused(
    capsys: Any, demo_db: Path, tmp_path: Path, text: str, expected: str
) -> None:
    """An empty file, a missing column, no rows: exit 2 naming the file option; nothing stored."""
    path = write_csv(tmp_path, text)
    ran = bulk(capsys, demo_db, "--from-csv", path)
    assert ran.status == 2
    assert expected.format(path=path) in ran.err
    assert_nothing_stored(demo_db)


def test_every_bad_csv_row_is_named_and_nothing_is_stored(
    capsys: Any, demo_db: Path, tmp_path: Path
) -> None:
    """Unknown, another coordinator's, paused, repeated and empty ids: one message per row,
    ``row N, mentor: …``, and the good rows are not registered either."""
    path = write_csv(
        tmp_path, "mentor_id,note\nm01,a\nnobody,b\nm38,c\nm08,d\nm01,e\n\n,no id\nm02,f\n"
    )
    ran = bulk(capsys, demo_db, "--from-csv", path)
    assert ran.status == 2
    assert ran.err.splitlines() == [
        "proxyreg: error: row 3, mentor: Mentor 'nobody' is not assigned to you.",
        "proxyreg: error: row 4, mentor: Mentor 'm38' is not assigned to you.",
        "proxyreg: error: row 5, mentor: Hanna Nilsen is paused and cannot be registered for.",
        "proxyreg: error: row 6, mentor: 'm01' is already on row 2.",
        "proxyreg: error: row 8, mentor: The mentor id is empty.",
    ]
    assert [(e["row"], e["code"]) for e in ran.json()["errors"]] == [
        (3, "not_assigned"),
        (4, "not_assigned"),
        (5, "paused"),
        (6, "duplicate"),
        (8, "required"),
    ]
    assert_nothing_stored(demo_db)


# --- the activity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--minutes", "0", "minutes: The duration must be between 1 and 1440 minutes."),
        ("--minutes", "1441", "minutes: The duration must be between 1 and 1440 minutes."),
        ("--minutes", "an hour", "minutes: Enter a whole number, not 'an hour'."),
        ("--date", (TODAY + dt.timedelta(days=1)).isoformat(), "date: The date cannot be in"),
        ("--date", (TODAY - dt.timedelta(days=61)).isoformat(), "date: The date cannot be more"),
        (
            "--date",
            "25/11/2026",
            "date: Enter the date as YYYY-MM-DD, today or yesterday, not '25/11/2026'.",
        ),
        ("--kind", "picnic", "kind: Unknown activity kind 'picnic'."),
    ],
)
def test_out_of_range_values_name_their_field(
    capsys: Any, demo_db: Path, option: str, value: str, expected: str
) -> None:
    """Each bad activity value exits 2 with its field named, in bulk and single alike."""
    given = dict(zip(ACTIVITY[::2], ACTIVITY[1::2], strict=True)) | {option: value}
    activity = tuple(x for pair in given.items() for x in pair)
    ran = bulk(capsys, demo_db, "--all", activity=activity)
    single = run_main(capsys, "--db", str(demo_db), "register", "--mentor", "m01", *activity)
    assert (ran.status, single.status) == (2, 2)
    assert expected in ran.err
    assert expected in single.err
    assert_nothing_stored(demo_db)


def test_a_group_activity_needs_participants(capsys: Any, demo_db: Path) -> None:
    """group_meeting without --participants is refused by name; with it, it is registered."""
    group = ("--kind", "group_meeting", "--date", TODAY.isoformat(), "--minutes", "90")
    refused = bulk(capsys, demo_db, "--mentor", "m01", activity=group)
    accepted = bulk(capsys, demo_db, "--mentor", "m01", activity=(*group, "--participants", "6"))
    assert refused.status == 2
    assert "participants: Group meeting needs a participant count." in refused.err
    assert accepted.status == 0


def test_a_bad_fault_spec_is_bad_input(capsys: Any, demo_db: Path) -> None:
    """--faults with a value out of range: exit 2 naming ``faults``; nothing stored."""
    ran = bulk(capsys, demo_db, "--all", "--faults", "fail_rate=2")
    assert ran.status == 2
    assert "faults: fail_rate is a probability from 0 to 1, got 2.0." in ran.err
    assert_nothing_stored(demo_db)


# --- single ------------------------------------------------------------------------------------


def test_register_runs_the_single_flow(capsys: Any, demo_db: Path) -> None:
    """register --json answers the same object for one mentor; the record is stored."""
    ran = run_main(capsys, "--db", str(demo_db), "register", "--mentor", "m02", *ACTIVITY, "--json")
    assert ran.status == 0
    document = ran.json()
    assert_contract_shape(document)
    assert [(r["mentor_name"], r["status"]) for r in document["results"]] == [
        ("Bjørn Lie", "registered")
    ]
    assert stored_mentors(demo_db) == ["m02"]


def test_register_for_a_paused_mentor_is_refused(capsys: Any, demo_db: Path) -> None:
    """A paused mentor cannot be picked: exit 2 naming ``mentor``; nothing stored."""
    ran = run_main(capsys, "--db", str(demo_db), "register", "--mentor", "m36", *ACTIVITY)
    assert ran.status == 2
    assert "mentor: Jonas Berg is paused and cannot be registered for." in ran.err
    assert_nothing_stored(demo_db)


# --- who acts ---------------------------------------------------------------------------------


def seed(path: Path, coordinators: list[Coordinator]) -> None:
    async def go() -> None:
        async with await SqliteDatabase.open(path) as repo:
            mentors = [
                Mentor(f"{c.id}-m", f"Mentor of {c.name}", c.chapter_id) for c in coordinators
            ]
            pairs = [(c.id, f"{c.id}-m") for c in coordinators]
            await repo.add_world(coordinators, mentors, pairs)

    asyncio.run(go())


def test_without_a_default_two_coordinators_need_as(capsys: Any, tmp_path: Path) -> None:
    """No default and two coordinators: a clear error naming ``as`` and both ids; --as works."""
    db = tmp_path / "two.db"
    seed(db, [Coordinator("c1", "Kari", "ch"), Coordinator("c2", "Ola", "ch")])
    refused = run_main(capsys, "--db", str(db), "mentors")
    chosen = run_main(capsys, "--db", str(db), "--as", "c2", "mentors", "--json")
    assert refused.status == 2
    assert "as: This database has 2 coordinators and no default: name one with --as" in refused.err
    assert "c1 (Kari), c2 (Ola)" in refused.err
    assert chosen.json() == [{"id": "c2-m", "name": "Mentor of Ola", "active": True}]


def test_a_single_coordinator_needs_no_default(capsys: Any, tmp_path: Path) -> None:
    """One coordinator and no default: that coordinator acts; --as also works after the command."""
    db = tmp_path / "one.db"
    seed(db, [Coordinator("c1", "Kari", "ch")])
    assert run_main(capsys, "--db", str(db), "mentors", "--json").json()[0]["id"] == "c1-m"
    assert run_main(capsys, "mentors", "--db", str(db), "--as", "c1", "--json").status == 0


def test_init_demo_is_idempotent_and_sets_the_default(capsys: Any, demo_db: Path) -> None:
    """init --demo again changes nothing; the demo coordinator acts by default with 37 mentors."""
    assert run_main(capsys, "--db", str(demo_db), "init", "--demo").status == 0
    mentors = run_main(capsys, "--db", str(demo_db), "mentors", "--json").json()
    assert len(mentors) == 37
    assert sum(not m["active"] for m in mentors) == 2
    assert count(demo_db, "coordinators") == 2
    assert count(demo_db, "mentors") == 40


def test_a_missing_database_file_is_not_created(capsys: Any, tmp_path: Path) -> None:
    """Any command but init on a missing SQLite file: exit 2 naming ``db``; no file appears."""
    missing = tmp_path / "missing.db"
    ran = run_main(capsys, "--db", str(missing), "submissions")
    assert ran.status == 2
    assert "db: There is no database at" in ran.err
    assert not missing.exists()


def test_kinds_lists_what_kind_takes(capsys: Any) -> None:
    """kinds --json is the list of identifiers --kind accepts."""
    ran = run_main(capsys, "kinds", "--json")
    assert ran.json() == [
        "home_visit",
        "phone_call",
        "digital_meeting",
        "group_meeting",
        "training",
    ]


# --- the ledger ----------------------------------------------------------------------------------


def test_retry_failed_takes_an_older_submission_by_id(capsys: Any, demo_db: Path) -> None:
    """retry-failed ID retries that submission even when a newer one exists; only its failed
    mentors are resent, and it then shows every mentor registered."""
    faulty = bulk(capsys, demo_db, "--mentor", "m01", "m02", "m03", "m04", "--faults",
                  "seed=1,fail_rate=0.5")  # fmt: skip
    assert faulty.status == 3
    older = faulty.json()
    failed = [r["mentor_id"] for r in older["results"] if r["status"] == "failed"]
    assert bulk(capsys, demo_db, "--mentor", "m05").status == 0
    before = stored_mentors(demo_db)

    ran = run_main(capsys, "--db", str(demo_db), "retry-failed", older["submission_id"], "--json")

    assert ran.status == 0
    assert ran.json()["submission_id"] == older["submission_id"]
    assert ran.json()["counts"]["registered"] == 4
    assert failed
    assert sorted(stored_mentors(demo_db)) == sorted([*before, *failed])


def test_retry_failed_with_nothing_to_retry_sends_nothing(capsys: Any, demo_db: Path) -> None:
    """On a clean submission retry-failed resends nothing and exits 0."""
    assert bulk(capsys, demo_db, "--mentor", "m01").status == 0
    ran = run_main(capsys, "--db", str(demo_db), "retry-failed")
    assert ran.status == 0
    assert "Nothing failed that a retry could fix" in ran.out
    assert stored_mentors(demo_db) == ["m01"]


def test_show_and_retry_refuse_unknown_submissions(capsys: Any, demo_db: Path) -> None:
    """show and retry-failed with an id not in the ledger: exit 2 naming ``submission_id``."""
    shown = run_main(capsys, "--db", str(demo_db), "show", "nope")
    retried = run_main(capsys, "--db", str(demo_db), "retry-failed", "nope")
    none_yet = run_main(capsys, "--db", str(demo_db), "retry-failed")
    assert (shown.status, retried.status, none_yet.status) == (2, 2, 2)
    assert "submission_id: No submission 'nope' of yours" in shown.err
    assert "submission_id: No submission 'nope' of yours" in retried.err
    assert "submission_id: There is no bulk submission yet" in none_yet.err


def test_show_prints_the_result_table(capsys: Any, demo_db: Path) -> None:
    """show without --json draws the per-mentor table with ✓ and the mentor's name."""
    sid = bulk(capsys, demo_db, "--mentor", "m01").json()["submission_id"]
    ran = run_main(capsys, "--db", str(demo_db), "show", sid)
    assert ran.status == 0
    assert "✓" in ran.out
    assert "Aisha Rahman" in ran.out
    assert f"Submission {sid}: 1 registered." in ran.out


def test_submissions_are_listed_newest_first(capsys: Any, demo_db: Path) -> None:
    """submissions --json lists both flows' submissions, newest first, with their flow and
    the activity's kind, date and minutes."""
    first = bulk(capsys, demo_db, "--mentor", "m01").json()["submission_id"]
    second = run_main(
        capsys, "--db", str(demo_db), "register", "--mentor", "m02", *ACTIVITY, "--json"
    ).json()["submission_id"]
    listed = run_main(capsys, "--db", str(demo_db), "submissions", "--json").json()
    assert [(s["submission_id"], s["flow"]) for s in listed] == [
        (second, "single"),
        (first, "bulk"),
    ]
    assert [(s["kind"], s["date"], s["minutes"]) for s in listed] == [
        ("home_visit", TODAY.isoformat(), 45)
    ] * 2


# --- all or nothing ----------------------------------------------------------------------


def test_all_or_nothing_above_the_backends_call_limit_is_refused_before_sending() -> None:
    """atomic is one call: more mentors than the backend takes per call is bad input (named
    field, nothing sent, nothing in the ledger), where rpc splits the same selection."""
    from proxyreg.adapters.memory import InMemoryRepository  # noqa: PLC0415
    from proxyreg.application import (  # noqa: PLC0415
        ActivityFields,
        BadInput,
        RegistrationSession,
    )
    from proxyreg.domain import Roster  # noqa: PLC0415

    coordinator = Coordinator("c1", "Kari", "ch1")
    roster = Roster(coordinator, tuple(Mentor(f"m{i}", f"M {i}", "ch1") for i in range(5)))
    fields = ActivityFields("home_visit", TODAY, 45)

    async def submit(strategy: str) -> tuple[str, InMemoryRepository]:
        repository = InMemoryRepository.of_rosters(roster, max_batch_size=3)
        async with RegistrationSession(repository, roster, strategy=strategy) as session:
            try:
                state = await session.submit_bulk(None, fields)
            except BadInput as bad:
                return str(bad), repository
        return state.phase.value, repository

    refused, repository = asyncio.run(submit("atomic"))
    assert refused.startswith("mentors: All or nothing (atomic) takes at most 3")
    assert asyncio.run(repository.submissions()) == []
    assert asyncio.run(submit("rpc"))[0] == "completed"
