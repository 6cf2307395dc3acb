"""Regenerate the reference: ``python -m proxyreg.conformance.generate [ROOT]``.

Writes, under the repository root (the current directory by default),
``docs/diagrams/*.md``, ``docs/schema/*.schema.json`` and ``conformance/*.json`` (the
scenarios, ``messages.json``, ``gateway.json`` and ``manifest.json``),
each from the code as it is now, and removes generated files that no longer
have a source. Tests fail when the checked-in files differ from these.
"""

from __future__ import annotations

import argparse
import pathlib
from collections.abc import Callable, Mapping, Sequence

from proxyreg.conformance._diagrams import diagram_files
from proxyreg.conformance._kit import all_schema_files, folder_files

# Folder → (generator, pattern of the files it owns there).
OUTPUTS: dict[str, tuple[Callable[[], Mapping[str, str]], str]] = {
    "docs/diagrams": (diagram_files, "*.md"),
    "docs/schema": (all_schema_files, "*.schema.json"),
    "conformance": (folder_files, "*.json"),
}


def generate(root: pathlib.Path) -> list[pathlib.Path]:
    """Write every generated file under ``root``; the paths written or removed."""
    touched = []
    for folder, (make, pattern) in OUTPUTS.items():
        target = root / folder
        target.mkdir(parents=True, exist_ok=True)
        files = make()
        for stale in sorted(target.glob(pattern)):
            if stale.name not in files:
                stale.unlink()
                touched.append(stale)
        for name, text in files.items():
            path = target / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                touched.append(path)
    return touched


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proxyreg.conformance.generate")
    parser.add_argument("root", nargs="?", default=".", type=pathlib.Path)
    args = parser.parse_args(argv)
    for path in generate(args.root):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
