"""The result screen as pixels: a snapshot of it, and the screenshot in the docs."""

from __future__ import annotations

import asyncio
import html
import pathlib
import re
from collections.abc import Callable

from make_result_screenshot import DOCS_SVG
from tui_world import (
    SCREENSHOT_SIZE,
    drive_to_result_screen,
    open_screenshot_world,
    screenshot_app,
)

SNAPSHOT = (
    pathlib.Path(__file__).parent
    / "__snapshots__"
    / "test_tui_snapshot"
    / "test_the_result_screen_after_a_partly_failed_submission.svg"
)


def test_the_result_screen_after_a_partly_failed_submission(
    snap_compare: Callable[..., bool], tmp_path: pathlib.Path
) -> None:
    """Marks, messages, tally, full progress bar and Retry failed, as the coordinator sees them."""
    repository = open_screenshot_world(tmp_path / "proxyreg.db")
    try:
        assert snap_compare(
            screenshot_app(repository),
            terminal_size=SCREENSHOT_SIZE,
            run_before=drive_to_result_screen,
        )
    finally:
        asyncio.run(repository.close())


def visible_text(svg: str) -> str:
    """The characters an SVG screenshot shows, markup and non-breaking spaces removed."""
    text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text[text.index("proxyreg —") :])


def test_the_docs_show_the_result_screen_screenshot() -> None:
    """docs/img/result-screen.svg is checked in, linked from docs/tui.md, and shows results."""
    assert DOCS_SVG.is_file(), f"missing {DOCS_SVG}: run tests/tui/make_result_screenshot.py"
    shown = visible_text(DOCS_SVG.read_text(encoding="utf-8"))
    for expected in ("✓ Aisha Rahman", "✗ Camila Ortiz", "need attention", "Retry failed", "100%"):
        assert expected in shown, expected
    guide = (DOCS_SVG.parents[1] / "tui.md").read_text(encoding="utf-8")
    assert "img/result-screen.svg" in guide


def test_the_docs_screenshot_is_the_current_result_screen() -> None:
    """The docs screenshot shows what the snapshot holds: regenerate it when the look changes."""
    if not SNAPSHOT.is_file():
        raise AssertionError(f"missing snapshot {SNAPSHOT}: run pytest --snapshot-update once")
    # Compared without spaces: the two renderers split the same line into runs differently.
    docs, snapshot = (
        visible_text(p.read_text(encoding="utf-8")).replace(" ", "") for p in (DOCS_SVG, SNAPSHOT)
    )
    assert docs == snapshot
