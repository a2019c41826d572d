"""docs/architecture.md lists every module of the package (regenerate with `python docs/architecture.py --write`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_architecture_lists_every_module():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = text[text.index("<!-- tree:begin -->") + len("<!-- tree:begin -->"):text.index("<!-- tree:end -->")]
    names = [line.split()[0] for line in tree.splitlines() if line.strip() and not line.startswith("```")]
    package = ROOT / "alliance_stats"
    expected = sorted(path.name if path.name != "__init__.py" else f"{path.parent.name}/"
                      for path in package.rglob("*.py"))
    assert sorted(names) == expected, "run `python docs/architecture.py --write`"


def test_readme_has_no_reference_outside_the_repository():
    assert "../shared" not in (ROOT / "README.md").read_text(encoding="utf-8")
