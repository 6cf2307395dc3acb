"""Which text boxes a state may rewrite: a box is the author of its text while edits of it are
on their way to the engine.

Keys reach a box before its edit reaches the engine, so a state drawn in between is
behind the box. Comparing a state with the box's text would "correct" text the engine
has not seen yet (fast typing came out mangled that way). The rule here compares a state
with the text the box last reported instead, and only once the engine has applied every
reported edit: then a difference is the engine's own doing (a reset on entry, a restored
submission) and the box is rewritten.
"""

from __future__ import annotations

import collections
from collections.abc import Callable


class TypedText:
    """What each box last reported and how many of its reported edits are not applied yet."""

    def __init__(self) -> None:
        self._reported: dict[str, str] = {}
        self._in_flight: collections.Counter[str] = collections.Counter()

    def reported(self, box: str, text: str) -> None:
        """``box`` now holds ``text``, and an edit carrying it is on its way to the engine."""
        self._reported[box] = text
        self._in_flight[box] += 1

    def applied(self, box: str) -> None:
        """The engine has handled one edit of ``box`` (accepted or ignored)."""
        if self._in_flight[box] > 0:
            self._in_flight[box] -= 1

    def last(self, box: str) -> str:
        """The text ``box`` last reported (or was given); empty at first."""
        return self._reported.get(box, "")

    def written(self, box: str, text: str) -> None:
        """The screen wrote ``text`` into ``box`` itself (nothing is on its way)."""
        self._reported[box] = text

    def settled(self, box: str) -> bool:
        """No reported edit of ``box`` is still on its way to the engine."""
        return self._in_flight[box] == 0

    def rewrite(
        self,
        box: str,
        value: object,
        reads: Callable[[str], object],
        shows: Callable[[object], str],
    ) -> str | None:
        """The text to write into ``box`` for the engine's ``value``, or None to leave it.

        ``reads`` turns reported text into the value it stands for; ``shows`` is its inverse.
        """
        if not self.settled(box) or reads(self.last(box)) == value:
            return None
        text = shows(value)
        self.written(box, text)
        return text
