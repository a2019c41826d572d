"""Safe YAML loading that remembers where every value came from.

Plans and instruments are YAML files written by hand; a mistake must be reported with its line. PyYAML's
``SafeLoader`` builds plain Python objects and never evaluates code (no ``!!python`` tags); this module
composes the node tree first so that each mapping key and sequence item keeps its 1-based line number.

Example
-------
>>> data, lines = load_yaml_text("a:\\n  b: 1\\n  c: [x, y]\\n", "plan.yaml")
>>> data["a"]["c"][1], lines[("a", "c", 1)]
('y', 3)
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from alliance_stats.errors import AllianceStatsError, PlanError

LineMap = dict[tuple[Any, ...], int]


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: LineMap) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key: Any = key_node.value
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":int"):
                with contextlib.suppress(ValueError):
                    key = int(key)
            _walk(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1  # the key's line, not its value's
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines)


def load_yaml_text(text: str, file: str, error: type[AllianceStatsError] = AllianceStatsError) -> tuple[Any, LineMap]:
    """Parse YAML ``text`` safely; return the data and a map from key path to line number."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if exc.context_mark is not None and "stream end" in str(exc.problem):
            mark = exc.context_mark  # an unclosed bracket or quote: point at where it was opened
        raise error(
            f"not valid YAML ({exc.problem})",
            file=file,
            line=None if mark is None else mark.line + 1,
            fix="check indentation, colons and quotes around this line",
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML ({exc})", file=file, fix="check the file's syntax") from None
    lines: LineMap = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def load_yaml_file(path: str | Path, error: type[AllianceStatsError] = AllianceStatsError) -> tuple[Any, LineMap]:
    """Read and parse a YAML file (UTF-8); errors name the file and line."""
    path = Path(path)
    if not path.is_file():
        raise error("file not found", file=str(path), fix="check the path (it is relative to the current folder)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"not UTF-8 text (byte {exc.start})", file=str(path), fix="save the file as UTF-8"
        ) from None
    return load_yaml_text(text, str(path), error)


def line_of(lines: LineMap, loc: tuple[Any, ...]) -> int | None:
    """Line of the deepest known prefix of ``loc`` (a pydantic error location or a key path)."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


class LocatedModel(BaseModel):
    """A strict pydantic model loaded from a YAML file that remembers the file and the line of every key.

    ``path`` and ``lines`` are set by the loader (not by the YAML); :meth:`error` builds a
    :class:`~alliance_stats.errors.PlanError` pointing at a key path, and :meth:`resolve` resolves a path
    written in the file against the file's folder.
    """

    model_config = ConfigDict(extra="forbid")

    path: Path | None = Field(None, exclude=True)
    lines: dict[str, int] = Field(default_factory=dict, exclude=True)

    def resolve(self, relative: str) -> Path:
        """A path of the file, resolved against the file's folder."""
        base = self.path.parent if self.path is not None else Path.cwd()
        return (base / relative).resolve()

    def line(self, *loc: Any) -> int | None:
        """Line in the file of a key path (``plan.line("models", "M1", "categorical")``)."""
        key = "/".join(str(part) for part in loc)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition("/")[0]
        return None

    def error(self, message: str, *loc: Any, value: Any = None, fix: str | None = None) -> PlanError:
        """A :class:`PlanError` naming this file and the line of the key path ``loc``."""
        return PlanError(message, file=str(self.path) if self.path else None, line=self.line(*loc), value=value,
                         fix=fix)
