"""Helpers for the instrument tests: variants of the project's YAML with one deliberate change."""

from __future__ import annotations

from pathlib import Path


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th occurrence of ``marker`` in ``text``."""
    start = -1
    for _ in range(occurrence):
        start = text.index(marker, start + 1)
    return text[:start].count("\n") + 1


def variant(tmp_path: Path, text: str, old: str, new: str, name: str = "variant.yaml") -> tuple[Path, str]:
    """Write ``text`` with the single occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    changed = text.replace(old, new)
    path = tmp_path / name
    path.write_text(changed, encoding="utf-8")
    return path, changed
