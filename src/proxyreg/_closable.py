"""``async with`` for anything that has ``async close()``."""

from __future__ import annotations

from typing import Self


class Closable:
    """Entering gives the object itself; leaving, however it is left, awaits ``close``."""

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
