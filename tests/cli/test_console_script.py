"""The console script without the cli extra: a one-line hint, not a traceback."""

from __future__ import annotations

import sys

import pytest

from proxyreg import _console


def test_a_missing_cli_extra_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [m for m in sys.modules if m == "rich" or m.startswith(("rich.", "proxyreg.cli"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rich", None)  # None in sys.modules: "not installed"
    assert _console.main() == 1
    assert "pip install 'proxyreg[cli]'" in capsys.readouterr().err


def test_with_the_extra_it_runs_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["proxyreg", "kinds", "--json"])
    assert _console.main() == 0
    assert "home_visit" in capsys.readouterr().out
