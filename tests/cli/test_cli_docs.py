"""docs/cli.md's examples, run as written with the installed ``proxyreg``: the commands
exit as the doc says, and the errors it shows are the errors a user sees."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from cli.helpers import run_installed
from pg import throwaway_database

DOC = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def section(title: str) -> str:
    """The text of the doc's ``## title`` section."""
    start = DOC.index(f"## {title}")
    following = DOC.find("\n## ", start + 1)
    return DOC[start : following if following != -1 else len(DOC)]


def blocks(text: str, language: str) -> list[str]:
    """The fenced blocks of ``text`` opened with ``language`` ("": a bare fence), in order."""
    found: list[str] = []
    opened: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        if not line.startswith("```"):
            body.append(line)
        elif opened is None:
            opened, body = line[3:].strip(), []
        else:
            if opened == language:
                found.append("\n".join(body) + "\n")
            opened = None
    return found


def shell(
    line: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """One line of the doc in bash, with the installed proxyreg first on the PATH."""
    environment = {k: v for k, v in os.environ.items() if k != "PROXYREG_DB"}
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    environment.update(env or {})
    return subprocess.run(
        ["bash", "-c", line], cwd=cwd, env=environment, capture_output=True, text=True,
        check=False,
    )  # fmt: skip


def expected_status(line: str) -> int:
    said = re.search(r"#\s*exit (\d+)", line)
    return int(said.group(1)) if said else 0


def test_the_examples_exit_as_the_doc_says(tmp_path: Path) -> None:
    """Every line of the Examples block, in order in one folder with the doc's group.csv:
    its exit status is the one its comment names (0 otherwise), and --json prints JSON."""
    (tmp_path / "group.csv").write_text(blocks(section("The CSV format"), "csv")[0])
    (lines,) = blocks(section("Examples"), "sh")
    ran = []
    for line in filter(None, lines.splitlines()):
        done = shell(line, tmp_path)
        ran.append((line, done.returncode, expected_status(line)))
        if "--json" in line:
            json.loads(done.stdout)
    assert [(line, want) for line, _, want in ran] == [(line, got) for line, got, _ in ran]
    assert len(ran) >= 8


def test_the_csv_errors_are_the_ones_the_doc_shows(tmp_path: Path) -> None:
    """bad.csv, run with the command the doc names, prints exactly the doc's error lines."""
    text = section("The CSV format")
    bad, shown = blocks(text, "csv")[1], blocks(text, "")[-1]
    (command,) = re.findall(r"gives, with `(proxyreg [^`]+)`", text)
    (tmp_path / "bad.csv").write_text(bad)
    assert shell(f"{BIN / 'proxyreg'} init --demo", tmp_path).returncode == 0
    done = shell(command, tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == shown.strip().splitlines()


def test_the_one_round_example_is_what_the_command_prints(tmp_path: Path) -> None:
    """The register line with every field wrong prints the doc's four lines, in order."""
    (example,) = blocks(section("Commands"), "")[-1:]
    command, *shown = example.strip().splitlines()
    assert run_installed("init", "--demo", cwd=tmp_path).status == 0
    done = shell(command.removeprefix("$ "), tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == shown


@pytest.mark.postgres
def test_the_postgresql_example_runs_on_a_throwaway_database(tmp_path: Path) -> None:
    """The PostgreSQL section's lines, with its URL pointed at a throwaway database."""
    (lines,) = blocks(section("PostgreSQL"), "sh")
    with throwaway_database("proxyreg_doc") as conninfo:
        parts = conninfo_to_dict(conninfo)
        url = (
            f"postgresql://{parts.get('user', 'postgres')}@{parts.get('host', '127.0.0.1')}:"
            f"{parts.get('port', 5432)}/{parts['dbname']}"
        )
        script = lines.replace("postgresql://postgres@127.0.0.1:5432/proxyreg", url)
        done = shell("set -e\n" + script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Mentors of Ingrid Solberg" in done.stdout
