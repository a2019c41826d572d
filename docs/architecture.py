"""Regenerate the module tree of docs/architecture.md from the package's module docstrings.

Usage (from the repository root): ``python docs/architecture.py > /tmp/tree.txt`` and paste the tree between
the markers of docs/architecture.md, or ``python docs/architecture.py --write``. ``tests/test_docs.py`` fails
when a module is missing from the document.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "alliance_stats"
BEGIN, END = "<!-- tree:begin -->", "<!-- tree:end -->"


def summary(path: Path) -> str:
    """First sentence of the module docstring (one line)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = " ".join(doc.strip().split("\n\n")[0].split())
    return first.split(". ")[0].rstrip(".")


def tree() -> str:
    lines = []
    for path in sorted(PACKAGE.rglob("*.py"), key=lambda p: p.relative_to(PACKAGE).parts):
        relative = path.relative_to(PACKAGE.parent)
        depth = len(relative.parts) - 1
        name = relative.parts[-1] if path.name != "__init__.py" else relative.parts[-2] + "/"
        if path.name == "__init__.py":
            depth -= 1
        lines.append(f"{'  ' * depth}{name:<{34 - 2 * depth}} {summary(path)}")
    return "\n".join(lines)


def main() -> None:
    text = "```\n" + tree() + "\n```"
    if "--write" in sys.argv:
        doc = ROOT / "docs" / "architecture.md"
        current = doc.read_text(encoding="utf-8")
        start, end = current.index(BEGIN) + len(BEGIN), current.index(END)
        doc.write_text(current[:start] + "\n" + text + "\n" + current[end:], encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
