"""The package's layers: every import goes down a layer (or stays inside its own sub-package), and no cycle.

Layers, bottom to top (DESIGN notes in the README): ``core`` < ``instrument`` < ``data`` < {``measurement``,
``typology``, ``models``} < ``simulate`` < ``report`` < ``plan`` < ``power`` < ``app`` < ``cli``. The three
analysis stages in the middle are siblings: none imports another. Imports are read with :mod:`ast`, including
imports inside functions and under ``TYPE_CHECKING`` (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "alliance_stats"

LAYERS: dict[str, float] = {
    "core": 0,
    "errors": 0.5,  # public alias of core.errors
    "__init__": 0.5,
    "instrument": 1,
    "data": 2,
    "measurement": 3,
    "typology": 3,
    "models": 3,
    "simulate": 4,
    "report": 5,
    "plan": 6,
    "power": 7,
    "app": 8,
    "cli": 9,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Absolute names of the package's modules imported by ``path`` (relative imports resolved)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.startswith("alliance_stats"):
                found.add(module)
                for alias in node.names:  # ``from alliance_stats.x import y`` may import the module x.y
                    candidate = f"{module}.{alias.name}"
                    if _path_of(candidate) is not None:
                        found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("alliance_stats"))
    found.discard(name)
    return found


@cache
def _path_of(module: str) -> Path | None:
    base = PACKAGE.parent.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _lazy_targets(path: Path) -> set[str]:
    """Modules named in a lazy-export table (``_EXPORTS = {"name": "alliance_stats.x.y"}``)."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        value = node.value if isinstance(node, ast.Constant) else None
        if isinstance(value, str) and value.startswith("alliance_stats.") and " " not in value and _path_of(value):
            targets.add(value)
    return targets if path.name == "__init__.py" else set()


@cache
def _read_graph() -> dict[str, frozenset[str]]:
    """The import graph, read once per test session (the sources do not change while the tests run)."""
    return {_module_name(path): frozenset(_imports(path) | _lazy_targets(path))
            for path in sorted(PACKAGE.rglob("*.py"))}


def _graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports: a fresh copy of the cached graph for each test."""
    return {module: set(deps) for module, deps in _read_graph().items()}


def test_every_top_level_module_has_a_layer() -> None:
    tops = {_top(m) for m in _graph()}
    assert tops <= set(LAYERS), f"give these a layer in tests/test_layers.py: {sorted(tops - set(LAYERS))}"


def test_no_import_goes_up_or_sideways() -> None:
    bad = []
    for module, deps in _graph().items():
        here = _top(module)
        for dep in deps:
            there = _top(dep)
            if there == here or there not in LAYERS:
                continue
            if LAYERS[there] >= LAYERS[here]:
                bad.append(f"{module} imports {dep} ({here} is layer {LAYERS[here]}, {there} is {LAYERS[there]})")
    assert not bad, "imports that go up or sideways a layer:\n" + "\n".join(sorted(bad))


def test_core_imports_nothing_else_of_the_package() -> None:
    for module, deps in _graph().items():
        if _top(module) == "core":
            assert all(_top(d) == "core" for d in deps), f"{module} imports {sorted(deps)}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_between_modules() -> None:
    graph = _graph()
    # a package's __init__ re-exporting its own modules is not a cycle of design: drop package -> own child edges
    pruned = {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in graph.items()}
    cycles = _cycles(pruned)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("bad", [{"a": {"b"}, "b": {"a"}}, {"a": {"b"}, "b": {"c"}, "c": {"a"}}])
def test_cycle_finder_finds_cycles(bad: dict[str, set[str]]) -> None:
    assert _cycles(bad)
