"""The README's Python tour runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.slow  # the whole tour: simulation, CFA, cluster check, models
def test_readme_python_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has no Python example"
    for block in blocks:
        exec(compile(block, str(README), "exec"), {"__name__": "readme"})  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "supported" in out
    assert "ml" in out or "firth" in out


def test_readme_quickstart_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    quick = text[text.index("## Quickstart"):]
    commands = re.findall(r"^make \w+", quick, flags=re.M)
    assert commands[:2] == ["make demo", "make test"]
