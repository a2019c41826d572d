"""The test suite itself: no simulation or instrument loading when a test module is imported, no test module
importing from another test module, no timing assertion in a test (timings live in ``benchmarks/``)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
#: Every Python module under tests/ (test modules, conftest files, helpers), as dotted names.
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in TESTS.rglob("*.py")
    if path.name != "__init__.py" and "fixtures" not in path.relative_to(TESTS).parts
)

# Run in a fresh interpreter: every public binding of the loaders and of the simulator is replaced by a function
# that raises, then each test module is imported in turn; the modules whose import called one of them are printed.
_PROBE = r"""
import importlib, json, sys, traceback

import alliance_stats.instrument as instrument_pkg
import alliance_stats.instrument.loader as loader
import alliance_stats.simulate as simulate_pkg
import alliance_stats.simulate.simulator as simulator


class ImportTimeCall(RuntimeError):
    pass


def forbid(name):
    def forbidden(*args, **kwargs):
        raise ImportTimeCall(f"{name} called while a test module is imported: use a fixture (tests/conftest.py)")
    return forbidden


ORIGINALS = {
    loader.load_instrument: forbid("load_instrument"),
    loader.default_instrument: forbid("default_instrument"),
    simulator.simulate_alliances: forbid("simulate_alliances"),
}
assert instrument_pkg and simulate_pkg


def patch_loaded():
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if not (name.startswith("alliance_stats") or name.startswith("tests")):
            continue
        for attr, value in list(vars(module).items()):
            try:
                replacement = ORIGINALS.get(value)
            except TypeError:  # unhashable
                continue
            if replacement is not None:
                setattr(module, attr, replacement)


patch_loaded()
failures = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - reported to the test
        failures[name] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    patch_loaded()  # modules imported just now that bound an original before the patch (none expected)
print(json.dumps(failures))
"""


@pytest.mark.slow
def test_no_simulation_or_instrument_loading_at_import() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(MODULES)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert failures == {}, "\n".join(f"{name}: {error}" for name, error in failures.items())


def test_probe_catches_an_import_time_call(tmp_path: Path) -> None:
    """The probe above does fail on a module that loads the instrument or simulates when imported."""
    package = tmp_path / "tests"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "test_bad_a.py").write_text("from alliance_stats.instrument import default_instrument\n"
                                           "INST = default_instrument()\n")
    (package / "test_bad_b.py").write_text("from alliance_stats.simulate import simulate_alliances\n"
                                           "SIM = simulate_alliances(10, seed=1)\n")
    (package / "test_good.py").write_text("from alliance_stats.simulate import simulate_alliances\n"
                                          "N = 3\n")
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(["tests.test_bad_a", "tests.test_bad_b", "tests.test_good"])],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}:{ROOT}"},
    )
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(failures) == {"tests.test_bad_a", "tests.test_bad_b"}
    assert "default_instrument" in failures["tests.test_bad_a"]
    assert "simulate_alliances" in failures["tests.test_bad_b"]


def _is_test_module(dotted: str) -> bool:
    return dotted.split(".")[-1].startswith("test_")


def _imports_from_test_modules(tree: ast.AST) -> list[int]:
    """Line numbers of the imports that reach into a test module (``tests.x.test_y``, ``.test_y``, ``from . import
    test_y``)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and not module.startswith("tests"):
                continue
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            if any(_is_test_module(target) for target in targets if target):
                lines.append(node.lineno)
        elif isinstance(node, ast.Import) and any(
            alias.name.startswith("tests.") and _is_test_module(alias.name) for alias in node.names
        ):
            lines.append(node.lineno)
    return lines


def _timing_code(tree: ast.AST) -> list[int]:
    """Line numbers that read a clock (``perf_counter``, ``time.time()``, ``monotonic``) or compare an ``elapsed``
    value: timing belongs in ``benchmarks/timing_budgets.py``, not in a test."""
    clocks = {"perf_counter", "perf_counter_ns", "monotonic", "monotonic_ns", "process_time"}
    lines = []
    for node in ast.walk(tree):
        clock = isinstance(node, ast.Attribute) and (
            node.attr in clocks
            or (node.attr == "time" and isinstance(node.value, ast.Name) and node.value.id == "time")
        )
        if clock or (isinstance(node, ast.Name) and node.id in clocks):
            lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Name) and "elapsed" in o.id.lower() for o in operands):
                lines.append(node.lineno)
    return sorted(set(lines))


def _sources() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if "fixtures" not in path.relative_to(TESTS).parts)


def test_no_test_module_imports_from_another() -> None:
    found = [f"{path.relative_to(ROOT)}:{line}" for path in _sources()
             for line in _imports_from_test_modules(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == [], "shared helpers go to conftest.py fixtures or a helper module: " + ", ".join(found)


def test_no_timing_assertions() -> None:
    found = [f"{path.relative_to(ROOT)}:{line}" for path in _sources()
             for line in _timing_code(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == [], "timings go to benchmarks/timing_budgets.py: " + ", ".join(found)


@pytest.mark.parametrize(("source", "imports", "timing"), [
    ("from tests.data.test_dyads import SIM\n", [1], []),
    ("from .test_dyads import SIM\n", [1], []),
    ("from . import test_dyads\n", [1], []),
    ("import tests.data.test_dyads\n", [1], []),
    ("from tests.data.builders import make\nfrom .builders import make\n", [], []),
    ("import time\nt0 = time.perf_counter()\n", [], [2]),
    ("import time\nt0 = time.time()\n", [], [2]),
    ("elapsed = 3\nassert elapsed < 60\n", [], [2]),
    ("x = 3\nassert x < 60\n", [], []),
])
def test_checks_find_what_they_look_for(source: str, imports: list[int], timing: list[int]) -> None:
    tree = ast.parse(source)
    assert _imports_from_test_modules(tree) == imports
    assert _timing_code(tree) == timing


@pytest.mark.xdist_group("hygiene")
def test_xdist_groups_reach_the_scheduler(request: pytest.FixtureRequest) -> None:
    """Under ``--dist loadgroup`` (``make test``) a grouped test's id carries its group, which is what keeps a
    shared whole run on one worker (tests/conftest.py)."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@hygiene")
    else:
        assert "@" not in request.node.nodeid
