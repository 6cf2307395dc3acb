"""docs/reliability.md cites tests by ``file::name``: each one it cites exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
CITATION = re.compile(r"`(tests/[\w/]+\.py)::(\w+)")


def test_every_test_the_reliability_doc_cites_exists() -> None:
    """Each ``tests/…py::name`` in docs/reliability.md names a function or test class
    defined in that file."""
    cited = CITATION.findall(DOC.read_text(encoding="utf-8"))
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not (ROOT / path).exists()
        or not re.search(
            rf"^(def {name}\(|class {name}\b|{name} = )", (ROOT / path).read_text(), re.M
        )
    ]
    assert len(cited) >= 10
    assert missing == []
