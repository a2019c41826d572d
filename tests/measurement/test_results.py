"""Every result class of the measurement stage follows the result protocol (``core.results.check_result``),
rendering does not change a result, and ``from alliance_stats.measurement import cfa`` is the function."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pkgutil
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import alliance_stats.measurement
from alliance_stats.core.results import Result, check_result
from alliance_stats.measurement import (
    bartlett_sphericity,
    cfa,
    cronbach_alpha,
    efa,
    fornell_larcker,
    htmt,
    invariance,
    item_analysis,
    kmo,
    parallel_analysis,
    polychoric,
)
from alliance_stats.measurement.cmv import common_method_variance  # noqa: E402
from alliance_stats.measurement.nesting import nesting  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"
MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
ITEMS = [f"x{j}" for j in range(1, 10)]


def _hs() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "holzinger_swineford_1939.csv")


def _quiet(make: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return make()
    return run


CASES: dict[str, Callable[[], object]] = {
    "cfa_ml": lambda: cfa(_hs(), MODEL),
    "cfa_mlr_groups": lambda: cfa(_hs(), MODEL, estimator="MLR", group="school"),
    "cfa_mlm": lambda: cfa(_hs(), MODEL, estimator="MLM"),
    "alpha_feldt": lambda: cronbach_alpha(_hs()[["x1", "x2", "x3"]]),
    "alpha_bootstrap": lambda: cronbach_alpha(_hs()[["x1", "x2", "x3"]], ci="bootstrap", n_boot=200, seed=3),
    "alpha_two_items_warns": lambda: cronbach_alpha(_hs()[["x1", "x2"]], ci=None),
    "item_analysis": lambda: item_analysis(_hs()[["x1", "x2", "x3"]], reverse=["x2"]),
    "kmo": lambda: kmo(_hs()[ITEMS]),
    "bartlett": lambda: bartlett_sphericity(_hs()[ITEMS]),
    "efa_oblimin": lambda: efa(_hs()[ITEMS], 3),
    "efa_varimax": lambda: efa(_hs()[ITEMS], 3, rotation="varimax"),
    "parallel_analysis": lambda: parallel_analysis(_hs()[ITEMS], n_iter=20, seed=1),
    "htmt": lambda: htmt(_hs(), MODEL),
    "fornell_larcker": lambda: fornell_larcker(cfa(_hs(), MODEL)),
    "invariance": lambda: invariance(_hs(), MODEL, "school"),
    "polychoric": lambda: polychoric(_hs()[ITEMS].round().clip(0, 8)),
    "cmv": lambda: common_method_variance(_hs(), MODEL, marker="grade"),
    "nesting": lambda: nesting(_hs().assign(pair=np.arange(301) // 2), MODEL, cluster="pair"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_result_follows_the_protocol(case: str) -> None:
    check_result(_quiet(CASES[case])())


@pytest.mark.parametrize("case", list(CASES))
def test_rendering_does_not_change_the_result(case: str) -> None:
    result = _quiet(CASES[case])()
    before = json.dumps(result.to_dict(), allow_nan=False, sort_keys=True)
    result.to_tables("fr")
    result.to_tables("en")
    assert json.dumps(result.to_dict(), allow_nan=False, sort_keys=True) == before
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.warnings = ("changed",)  # type: ignore[misc]


def _result_classes() -> set[type]:
    found = set()
    package = alliance_stats.measurement
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Result) and obj is not Result and obj.__module__.startswith(package.__name__):
                found.add(obj)
    return found


def test_every_result_class_of_the_stage_is_checked() -> None:
    covered = {type(_quiet(make)()) for make in CASES.values()}
    missing = {cls.__name__ for cls in _result_classes() - covered}
    assert not missing, f"add a case for {sorted(missing)}"


def test_warnings_are_kept_in_the_result() -> None:
    res = _quiet(CASES["alpha_two_items_warns"])()
    assert any("two items" in w for w in res.warnings)


def test_matrix_results_survive_concatenation() -> None:
    """The old DataFrame subclasses lost their metadata under ``pd.concat`` (issue 12)."""
    result = htmt(_hs(), MODEL)
    stacked = pd.concat([result.matrix, result.matrix])
    assert type(stacked) is pd.DataFrame and stacked.shape == (6, 3)
    table = result.table("htmt", "fr")
    assert np.isnan(table.frame.iloc[0, 1]) and table.frame.iloc[1, 0] == result.matrix.iloc[1, 0]


def test_stage_attribute_cfa_is_the_function() -> None:
    from alliance_stats.measurement import cfa as imported

    assert inspect.isfunction(imported) and imported.__name__ == "cfa"
    assert alliance_stats.measurement.cfa is imported
    # the sub-package stays reachable, and importing its modules again does not rebind the name
    package = sys.modules["alliance_stats.measurement.cfa"]
    assert inspect.ismodule(package) and package.cfa is imported
    importlib.import_module("alliance_stats.measurement.cfa.results")
    from alliance_stats.measurement.cfa import engine  # noqa: F401

    assert inspect.isfunction(alliance_stats.measurement.cfa)


def test_cfa_is_the_function_in_a_fresh_interpreter() -> None:
    import subprocess

    code = ("import inspect; from alliance_stats.measurement import cfa; "
            "import alliance_stats.measurement.cfa.fit; import alliance_stats.measurement as m; "
            "assert inspect.isfunction(cfa) and m.cfa is cfa, m.cfa")
    root = Path(__file__).resolve().parents[2]
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env=env, timeout=120)
