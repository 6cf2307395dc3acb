"""The terminal app as pixels at 80x24: a snapshot of each scene, and the same pictures in docs."""

from __future__ import annotations

import html
import pathlib
import re
from collections.abc import Callable

import pytest
from make_screenshots import DOCS_IMG
from tui_world import SCENES, SCREENSHOT_SIZE, screenshot_app

SNAPSHOTS = pathlib.Path(__file__).parent / "__snapshots__" / "test_tui_snapshot"


@pytest.mark.parametrize("scene", list(SCENES))
def test_each_scene_at_80x24(
    snap_compare: Callable[..., bool], tmp_path: pathlib.Path, scene: str
) -> None:
    """The bulk form, the result screen, one row's details, a single registration: as a
    coordinator sees them on an 80x24 terminal."""
    with screenshot_app(tmp_path / "proxyreg.db") as app:
        assert snap_compare(app, terminal_size=SCREENSHOT_SIZE, run_before=SCENES[scene])


def visible_text(svg: str) -> str:
    """The characters an SVG screenshot shows, markup and non-breaking spaces removed."""
    text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text[text.index("proxyreg —") :])


def test_the_result_screen_picture_shows_every_reason() -> None:
    """docs/img/result-screen.svg shows marks, names, whole reasons, the tally and Retry failed."""
    shown = visible_text((DOCS_IMG / "result-screen.svg").read_text(encoding="utf-8"))
    for expected in (
        "✓ Aisha Rahman",
        "✗ Camila Ortiz",
        "need attention",
        "Retry failed will resend it.",
        "Retry failed",
        "100%",
    ):
        assert expected in shown, expected


@pytest.mark.parametrize("scene", list(SCENES))
def test_the_docs_pictures_are_the_current_snapshots(scene: str) -> None:
    """Each docs picture is linked from docs/tui.md and shows what its snapshot holds:
    regenerate them (tests/tui/make_screenshots.py) when the look changes."""
    picture = DOCS_IMG / f"{scene}.svg"
    assert picture.is_file(), f"missing {picture}: run tests/tui/make_screenshots.py"
    guide = (DOCS_IMG.parent / "tui.md").read_text(encoding="utf-8")
    assert f"img/{scene}.svg" in guide
    snapshot = SNAPSHOTS / f"test_each_scene_at_80x24[{scene}].svg"
    assert snapshot.is_file(), f"missing {snapshot}: run pytest --snapshot-update once"
    # Compared without spaces: the two renderers split the same line into runs differently.
    docs, snap = (
        visible_text(p.read_text(encoding="utf-8")).replace(" ", "") for p in (picture, snapshot)
    )
    assert docs == snap
