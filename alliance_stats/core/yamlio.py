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

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from alliance_stats.core.errors import AllianceStatsError, PlanError

LineMap = dict[tuple[Any, ...], int]


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

#: Most values (mappings, sequences and scalars) that aliases (``*name``) may add to a document when expanded.
#: A plan or an instrument reuses a block a few times at most; an "alias bomb" (a few lines of nested aliases
#: that expand to billions of values) stops here with a typed error instead of filling the memory.
MAX_ALIAS_EXPANSION = 10_000


class _Loader(yaml.SafeLoader):
    """SafeLoader whose alias nodes are shallow copies of their anchor's node carrying the alias's own position
    and a link to the anchor (``_anchor``), so that errors point at the alias and expansion can be bounded."""

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            anchor = event.anchor
            if anchor not in self.anchors:
                return super().compose_node(parent, index)  # PyYAML's "found undefined alias" error
            self.get_event()
            target = self.anchors[anchor]
            alias = copy.copy(target)
            alias.start_mark, alias.end_mark = event.start_mark, event.end_mark
            alias._anchor = getattr(target, "_anchor", target)  # type: ignore[attr-defined]
            alias._anchor_name = anchor  # type: ignore[attr-defined]
            return alias
        return super().compose_node(parent, index)


class _Walk:
    """State of one document's construction: the anchors being built (self-reference) and the alias budget."""

    def __init__(self, file: str, error: type[AllianceStatsError]) -> None:
        self.file, self.error = file, error
        self.open: set[int] = set()
        self.built: set[int] = set()
        self.expanded = 0
        self.alias_depth = 0
        self.outer: tuple[int, str | None] | None = None  # line and name of the outermost alias being expanded

    def enter(self, node: yaml.Node) -> tuple[int, bool]:
        """Start building ``node``; return its key and whether it repeats a block (an alias expansion)."""
        anchor = getattr(node, "_anchor", node)
        key = id(anchor)
        line = node.start_mark.line + 1
        name = getattr(node, "_anchor_name", None)
        if key in self.open:
            raise self.error(f"the alias *{name} refers to a block that contains it (a self-reference)",
                             file=self.file, line=line, value=f"*{name}",
                             fix="write the values out instead of referring to the enclosing block")
        via_alias = hasattr(node, "_anchor") or key in self.built  # an alias, or a block merged (<<) again
        self.built.add(key)
        if via_alias and not self.alias_depth:
            self.outer = (line, name)
        if via_alias or self.alias_depth:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_EXPANSION:
                line, name = self.outer or (line, name)
                raise self.error(
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values (an alias bomb?)",
                    file=self.file, line=line, value=f"*{name}" if name else None,
                    fix="write the values out; aliases (*name) may reuse small blocks only")
        self.open.add(key)
        self.alias_depth += via_alias
        return key, via_alias

    def leave(self, key: int, via_alias: bool) -> None:
        """Done building the node ``enter`` returned ``key`` for."""
        self.open.discard(key)
        self.alias_depth -= via_alias


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: tuple[Any, ...], lines: LineMap, walk: _Walk) -> Any:
    """Python data from a composed node, recording the line of every key and item.

    Stricter than ``yaml.safe_load``: a key given twice in one mapping is an error (PyYAML would silently keep
    the last one), tags other than plain mappings and sequences are refused, and YAML 1.1's yes/no/on/off stay
    text instead of turning into booleans. Aliases are expanded within :data:`MAX_ALIAS_EXPANSION` values and
    may not refer to a block that contains them.
    """
    key, via_alias = walk.enter(node)
    try:
        return _build_node(loader, node, path, lines, walk)
    finally:
        walk.leave(key, via_alias)


def _build_node(loader: yaml.SafeLoader, node: yaml.Node, path: tuple[Any, ...], lines: LineMap, walk: _Walk
                ) -> Any:
    file, error = walk.file, walk.error
    if isinstance(node, yaml.CollectionNode) and node.tag not in (_MAP_TAG, _SEQ_TAG):
        raise error(f"not valid YAML here: unsupported tag {node.tag!r}", file=file, line=node.start_mark.line + 1,
                    fix="remove the tag (only plain YAML is accepted)")
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(loader, key_node, path + ("<key>",), lines, walk)
            if isinstance(key, dict | list):
                raise error("a mapping key must be a plain value", file=file, line=key_node.start_mark.line + 1)
            if key in result:
                raise error(
                    f"key {key!r} is given twice in the same block (the first one, line "
                    f"{lines.get(path + (key,), '?')}, would be silently replaced)",
                    file=file, line=key_node.start_mark.line + 1, value=key,
                    fix="remove or rename one of the two entries",
                )
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, path + (key,), lines, walk)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            items.append(_build(loader, item, path + (index,), lines, walk))
        return items
    value = loader.construct_object(node, deep=True)
    if isinstance(value, bool) and node.value.lower() not in ("true", "false"):
        return node.value  # YAML 1.1 yes/no/on/off: keep the text
    return value


def load_yaml_text(text: str, file: str, error: type[AllianceStatsError] = AllianceStatsError
                   ) -> tuple[Any, LineMap]:
    """Parse YAML ``text`` safely; return the data (None for an empty document) and a map from key path to
    line number. Errors are ``error`` instances naming ``file`` and the line."""
    lines: LineMap = {}
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file, error) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        lines[()] = node.start_mark.line + 1
        data = _build(loader, node, (), lines, _Walk(file, error))
    except RecursionError:  # a merge key (<<: *name) inside the block it names, or absurdly deep nesting
        raise error("the YAML nests too deeply (an alias that refers to a block containing it?)", file=file,
                    fix="write the values out instead of referring to the enclosing block") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if exc.context_mark is not None and (mark is None or "stream end" in str(exc.problem)):
            mark = exc.context_mark  # an unclosed bracket or quote: point at where it was opened
        raise error(
            f"not valid YAML: {exc.problem or exc.context}",
            file=file,
            line=None if mark is None else mark.line + 1,
            fix="check indentation, colons and quotes around this line",
        ) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file, error) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML: {exc}", file=file, fix="check the file's syntax") from None
    finally:
        loader.dispose()
    return data, lines


def _reader_error(exc: yaml.reader.ReaderError, text: str, file: str, error: type[AllianceStatsError]
                  ) -> AllianceStatsError:
    """A character YAML does not allow (a control character such as U+0001 or U+001F), with its line."""
    position = exc.position if isinstance(exc.position, int) else 0
    return error(f"not valid YAML: the character U+{exc.character:04X} is not allowed (a control or invalid character)",
                 file=file, line=text[:position].count("\n") + 1,
                 fix="delete the character (it is invisible in most editors: retype the line)")


def load_yaml_file(path: str | Path, error: type[AllianceStatsError] = AllianceStatsError) -> tuple[Any, LineMap]:
    """Read and parse a YAML file (UTF-8); errors name the file and line."""
    path = Path(path)
    if path.is_dir():
        raise error("this is a folder, not a YAML file", file=str(path),
                    fix="give the path of the YAML file itself, e.g. analyses/confirmatory.yaml")
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
    :class:`~alliance_stats.core.errors.PlanError` pointing at a key path, and :meth:`resolve` resolves a path
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
