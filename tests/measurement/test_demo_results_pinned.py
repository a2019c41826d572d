"""The demo's numbers stay exact through the speed work of issue 17: every number of ``results.json`` of the
packaged confirmatory plan on the bundled data (300 dyads) equals the committed copy to 1e-10.

``tests/fixtures/measurement/demo_results.json`` is the ``results.json`` written by ``alliance-stats run
analyses/confirmatory.yaml`` at commit 0cf48d9 (before the FIML kernel and the cluster check's subsample
route). Numbers only: a table or a value added later is allowed; a number that moves or disappears is not.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "measurement" / "demo_results.json"


def numbers(node: object, path: str = "") -> dict[str, float]:
    """Every int/float leaf of a JSON tree, keyed by its path."""
    if isinstance(node, dict):
        return {k: v for key, value in node.items() for k, v in numbers(value, f"{path}/{key}").items()}
    if isinstance(node, list):
        return {k: v for i, value in enumerate(node) for k, v in numbers(value, f"{path}[{i}]").items()}
    if isinstance(node, int | float) and not isinstance(node, bool):
        return {path: float(node)}
    return {}


@pytest.mark.slow
def test_demo_results_equal_the_committed_numbers(tmp_path):
    from alliance_stats.plan import load_plan, run_plan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        folder = run_plan(load_plan(ROOT / "analyses" / "confirmatory.yaml"), tmp_path / "demo")
    after = numbers(json.loads((folder / "results.json").read_text()))
    before = numbers(json.loads(FIXTURE.read_text()))
    assert len(before) > 1500
    missing = sorted(set(before) - set(after))
    assert not missing, f"{len(missing)} numbers gone, e.g. {missing[:5]}"
    moved = [(key, before[key], after[key]) for key in before
             if not (before[key] == after[key] or math.isclose(before[key], after[key], rel_tol=1e-10,
                                                                abs_tol=1e-12))]
    assert not moved, f"{len(moved)} numbers moved beyond 1e-10, e.g. {moved[:5]}"
