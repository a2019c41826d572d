"""The reviewer's checks of the demo keep their numbers through the speed work of issue 17 (shared CFA results,
robustness variants on the main preparation): every number of the CMV, nesting, robustness, AME and VIF tables
and of ``values["checks"]`` equals, to 1e-10, the ``results.json`` of commit 2476c8b
(``tests/fixtures/plan/demo_checks_results.json``; ``tests/measurement/test_demo_results_pinned.py`` pins the
numbers that were there before the checks).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "plan" / "demo_checks_results.json"


def numbers(node: object, path: str = "") -> dict[str, float]:
    """Every int/float leaf of a JSON tree, keyed by its path (as the demo's pinned-results test reads them)."""
    if isinstance(node, dict):
        return {k: v for key, value in node.items() for k, v in numbers(value, f"{path}/{key}").items()}
    if isinstance(node, list):
        return {k: v for i, value in enumerate(node) for k, v in numbers(value, f"{path}[{i}]").items()}
    if isinstance(node, int | float) and not isinstance(node, bool):
        return {path: float(node)}
    return {}


@pytest.mark.slow  # a whole run of the demo
def test_demo_checks_equal_the_committed_numbers(tmp_path) -> None:
    from alliance_stats.plan import load_plan, run_plan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folder = run_plan(load_plan(ROOT / "analyses" / "confirmatory.yaml"), tmp_path / "demo")
    results = json.loads((folder / "results.json").read_text())
    pinned = json.loads(FIXTURE.read_text())
    after = numbers({"values": {"checks": results["values"]["checks"]},
                     "tables": {key: results["tables"][key] for key in pinned["tables"]}})
    before = numbers({"values": pinned["values"], "tables": pinned["tables"]})
    assert len(before) > 500
    missing = sorted(set(before) - set(after))
    assert not missing, f"{len(missing)} numbers gone, e.g. {missing[:5]}"
    moved = [(key, before[key], after[key]) for key in before
             if not (before[key] == after[key] or math.isclose(before[key], after[key], rel_tol=1e-10,
                                                                abs_tol=1e-12))]
    assert not moved, f"{len(moved)} numbers moved beyond 1e-10, e.g. {moved[:5]}"
