"""Write the terminal app's pictures in docs/img (80x24), one per scene of tui_world.SCENES.

Run it after changing the app's look: ``.venv/bin/python tests/tui/make_screenshots.py``.
It drives the same scenes as the snapshot tests (seeded faults, fixed date).
"""

from __future__ import annotations

import asyncio
import pathlib
import sys
import tempfile

sys.path[:0] = [str(pathlib.Path(__file__).parent), str(pathlib.Path(__file__).parents[1])]

from tui_world import (  # noqa: E402 - the test folders join the path first
    SCENES,
    SCREENSHOT_SIZE,
    screenshot_app,
)

DOCS_IMG = pathlib.Path(__file__).parents[2] / "docs" / "img"


def write_screenshot(scene: str, target: pathlib.Path) -> None:
    async def shoot(app: object) -> None:
        assert hasattr(app, "run_test")
        async with app.run_test(size=SCREENSHOT_SIZE) as pilot:
            await SCENES[scene](pilot)
            app.save_screenshot(target.name, str(target.parent))  # type: ignore[attr-defined]

    with (
        tempfile.TemporaryDirectory() as folder,
        screenshot_app(pathlib.Path(folder) / "proxyreg.db") as app,
    ):
        asyncio.run(shoot(app))


if __name__ == "__main__":
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    for name in SCENES:
        write_screenshot(name, DOCS_IMG / f"{name}.svg")
        print(f"wrote {DOCS_IMG / name}.svg")
