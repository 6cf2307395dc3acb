"""``proxyreg conformance verify [DIR]`` and ``proxyreg conformance export DIR``."""

from __future__ import annotations

import json
import pathlib

import pytest

from proxyreg.cli import main
from proxyreg.conformance import kit_files, scenario_files

SHIPPED = pathlib.Path(__file__).parents[2] / "conformance"


def run(*argv: str) -> int:
    return main(argv)


def test_verify_passes_on_the_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 0, one line per scenario, and full transition coverage."""
    assert run("conformance", "verify", str(SHIPPED)) == 0
    out = capsys.readouterr().out
    assert out.count("\nok   ") + out.startswith("ok   ") == len(scenario_files())
    assert "transition coverage: 26/26 (100%)" in out


def test_verify_defaults_to_the_conformance_folder(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without DIR it reads ./conformance."""
    monkeypatch.chdir(SHIPPED.parent)
    assert run("conformance", "verify") == 0
    assert "scenarios passed" in capsys.readouterr().out


def test_verify_elsewhere_checks_the_scenarios_this_version_ships(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without DIR and without ./conformance (an installed copy), it verifies the shipped ones."""
    monkeypatch.chdir(tmp_path)
    assert run("conformance", "verify") == 0
    out = capsys.readouterr().out
    assert "verifying the scenarios this version ships" in out
    assert f"{len(scenario_files())}/{len(scenario_files())} scenarios passed" in out
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_export_writes_the_shipped_scenarios(tmp_path: pathlib.Path) -> None:
    """export DIR writes the whole kit, byte for byte, and verify accepts its scenarios."""
    out = tmp_path / "out"
    assert run("conformance", "export", str(out)) == 0
    written = {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in out.rglob("*")
        if p.is_file()
    }
    assert written == kit_files()
    assert set(scenario_files()) < set(written)
    assert {"messages.json", "gateway.json", "manifest.json", "schema/trace.schema.json"} < set(
        written
    )
    assert run("conformance", "verify", str(out)) == 0


def test_verify_exits_1_when_a_scenario_fails(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario whose recorded state is wrong makes the command fail and say where."""
    run("conformance", "export", str(tmp_path))
    path = tmp_path / "single-registered.json"
    data = json.loads(path.read_text())
    data["steps"][-1]["state"]["active_flow"] = "single"
    path.write_text(json.dumps(data))
    assert run("conformance", "verify", str(tmp_path)) == 1
    assert "FAIL single-registered" in capsys.readouterr().out


def test_verify_exits_2_without_a_folder(tmp_path: pathlib.Path) -> None:
    """A missing folder is a usage error, not a pass."""
    assert run("conformance", "verify", str(tmp_path / "missing")) == 2


def test_export_needs_a_folder() -> None:
    """export without DIR is refused by the parser (exit 2, as for any bad argument)."""
    assert run("conformance", "export") == 2
