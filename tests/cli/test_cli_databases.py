"""Which database, said plainly: an unsupported URL, a file that cannot be made, and a
read-only folder that still lets every reading command read."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.helpers import run_main


@pytest.mark.parametrize("command", [["mentors"], ["init"], ["submissions", "--json"]])
def test_an_unsupported_scheme_is_named_with_the_supported_ones(
    capsys: Any, command: list[str]
) -> None:
    """--db garbage://foo: exit 2, 'not a backend proxyreg can open', the schemes it opens."""
    ran = run_main(capsys, "--db", "garbage://foo", *command)
    assert ran.status == 2
    assert ran.err.startswith("proxyreg: error: db: garbage://foo is not a backend proxyreg can")
    assert "postgresql://" in ran.err
    assert "supabase+https://" in ran.err
    assert "init" not in ran.err.split("db: ", 1)[1].split(";")[0]  # no "run init" advice


def test_init_where_there_is_no_folder_says_so(capsys: Any, tmp_path: Path) -> None:
    """init --db into a folder that does not exist: the missing folder named, nothing made."""
    target = tmp_path / "nowhere" / "proxyreg.db"
    ran = run_main(capsys, "--db", str(target), "init", "--json")
    assert ran.status == 2
    assert ran.json()["errors"] == [
        {
            "field": "db",
            "code": "no_folder",
            "message": f"Cannot create {target}: there is no folder {target.parent}. Create it "
            "first, or name a file in a folder that exists.",
        }
    ]
    assert not target.parent.exists()


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable for this process: chmod for a user, the immutable flag for
    root (whom permissions do not stop). Skips where neither is possible."""
    os.chmod(folder, 0o555)
    immutable = False
    if os.access(folder, os.W_OK) and shutil.which("chattr"):
        immutable = subprocess.run(["chattr", "+i", str(folder)], check=False).returncode == 0
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("cannot make a folder read-only here")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        os.chmod(folder, 0o755)


def test_a_read_only_folder_still_lets_the_reading_commands_read(
    capsys: Any, tmp_path: Path
) -> None:
    """In a folder nothing can be written to: mentors, submissions and show read (exit 0),
    and register is refused naming the folder, before anything is sent."""
    folder = tmp_path / "shared"
    folder.mkdir()
    db = str(folder / "proxyreg.db")
    assert run_main(capsys, "--db", db, "init", "--demo").status == 0
    sent = run_main(
        capsys, "--db", db, "bulk", "--mentor", "m01", "--kind", "phone_call", "--minutes", "5",
        "--json",
    )  # fmt: skip
    assert sorted(os.listdir(folder)) == ["proxyreg.db"]  # WAL's files are gone when closed
    with read_only_folder(folder):
        mentors = run_main(capsys, "--db", db, "mentors", "--json")
        listed = run_main(capsys, "--db", db, "submissions", "--json")
        shown = run_main(capsys, "--db", db, "show", "--json")
        refused = run_main(
            capsys, "--db", db, "register", "--mentor", "m02", "--kind", "phone_call",
            "--minutes", "5", "--json",
        )  # fmt: skip
    assert (mentors.status, listed.status, shown.status) == (0, 0, 0), mentors.err
    assert len(mentors.json()) == 37
    assert [s["submission_id"] for s in listed.json()] == [sent.json()["submission_id"]]
    assert shown.json()["results"] == sent.json()["results"]
    assert refused.status == 2
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [("db", "read_only")]
