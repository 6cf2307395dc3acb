"""Write docs/img/result-screen.svg: the result screen after a partly failed bulk submission.

Run it after changing the app's look: ``.venv/bin/python tests/tui/make_result_screenshot.py``.
It drives the same scenario as the snapshot test (seeded faults, fixed date).
"""

from __future__ import annotations

import asyncio
import pathlib
import sys
import tempfile

sys.path[:0] = [str(pathlib.Path(__file__).parent), str(pathlib.Path(__file__).parents[1])]

from tui_world import (  # noqa: E402 - the test folders join the path first
    SCREENSHOT_SIZE,
    drive_to_result_screen,
    open_world,
    screenshot_app,
)

DOCS_SVG = pathlib.Path(__file__).parents[2] / "docs" / "img" / "result-screen.svg"


async def write_screenshot(target: pathlib.Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        repository = await open_world(pathlib.Path(folder) / "proxyreg.db")
        app = screenshot_app(repository)
        async with app.run_test(size=SCREENSHOT_SIZE) as pilot:
            await drive_to_result_screen(pilot)
            target.parent.mkdir(parents=True, exist_ok=True)
            app.save_screenshot(target.name, str(target.parent))
        await repository.close()


if __name__ == "__main__":
    asyncio.run(write_screenshot(DOCS_SVG))
    print(f"wrote {DOCS_SVG}")
