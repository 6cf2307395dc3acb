"""The command contract, through the installed ``proxyreg`` command (a subprocess per call).

Few and broad, because each call starts a process: the finer cases run in-process in
test_cli_inputs.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cli.helpers import assert_contract_shape, count, run_installed, stored_mentors

TODAY = dt.date.today().isoformat()
ACTIVITY = ("--kind", "phone_call", "--date", TODAY, "--minutes", "20")


def test_init_bulk_show_and_submissions_keep_the_contract(tmp_path: Path) -> None:
    """init --demo, bulk --all --json (exit 0, the JSON object), show and submissions agree
    with each other and with what the database holds; PROXYREG_DB names the database."""
    env = {"PROXYREG_DB": str(tmp_path / "chosen.db")}
    assert run_installed("init", "--demo", cwd=tmp_path, env=env).status == 0

    bulk = run_installed("bulk", "--all", *ACTIVITY, "--json", cwd=tmp_path, env=env)

    assert bulk.status == 0, bulk.err
    document = bulk.json()
    assert_contract_shape(document)
    assert document["strategy"] == "rpc"
    assert document["counts"]["registered"] == document["total"] == 35
    assert not (tmp_path / "proxyreg.db").exists()  # PROXYREG_DB was used, not the default
    assert stored_mentors(tmp_path / "chosen.db") == sorted(
        r["mentor_id"] for r in document["results"]
    )
    shown = run_installed("show", document["submission_id"], "--json", cwd=tmp_path, env=env)
    assert shown.status == 0
    assert shown.json()["results"] == document["results"]
    listed = run_installed("submissions", "--json", cwd=tmp_path, env=env)
    assert [s["submission_id"] for s in listed.json()] == [document["submission_id"]]


def test_faults_exit_3_then_retry_failed_reaches_0_without_duplicates(tmp_path: Path) -> None:
    """A bulk against a failing backend exits 3 with failed records; retry-failed (the latest
    by default) resends them until it exits 0, and every mentor is stored exactly once."""
    assert run_installed("init", "--demo", cwd=tmp_path).status == 0
    faults = "seed=3,fail_rate=0.4,timeout_after_commit=0.3"

    first = run_installed("bulk", "--all", *ACTIVITY, "--faults", faults, "--json", cwd=tmp_path)

    assert first.status == 3, first.err
    assert first.json()["counts"]["failed"] + first.json()["counts"]["unknown"] > 0
    statuses = []
    for _ in range(8):
        retried = run_installed("retry-failed", "--faults", faults, "--json", cwd=tmp_path)
        statuses.append(retried.status)
        assert retried.json()["submission_id"] == first.json()["submission_id"]
        if retried.status == 0:
            break
    assert statuses[-1] == 0
    assert set(statuses[:-1]) <= {3}
    database = tmp_path / "proxyreg.db"
    assert len(stored_mentors(database)) == len(set(stored_mentors(database))) == 35


def test_bad_input_exits_2_names_the_field_and_stores_nothing(tmp_path: Path) -> None:
    """Out-of-range minutes exit 2 with a message naming ``minutes``: no record, no submission."""
    assert run_installed("init", "--demo", cwd=tmp_path).status == 0

    bad = run_installed(
        "bulk", "--all", "--kind", "phone_call", "--date", TODAY, "--minutes", "5000",
        cwd=tmp_path,
    )  # fmt: skip

    assert bad.status == 2
    assert "minutes: The duration must be between 1 and 1440 minutes." in bad.err
    assert count(tmp_path / "proxyreg.db", "proxy_activities") == 0
    assert count(tmp_path / "proxyreg.db", "submissions") == 0


def test_an_unknown_coordinator_in_as_is_refused(tmp_path: Path) -> None:
    """--as names a coordinator that is not there: exit 2, the message names ``as``."""
    assert run_installed("init", "--demo", cwd=tmp_path).status == 0

    refused = run_installed("--as", "nobody", "mentors", cwd=tmp_path)

    assert refused.status == 2
    assert "as: No coordinator 'nobody' here" in refused.err
