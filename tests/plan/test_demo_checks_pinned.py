"""The reviewer's checks of the demo keep their numbers through the speed work of issue 17 (shared CFA results,
robustness variants on the main preparation): every number of the CMV, nesting, robustness, AME and VIF tables
and of ``values["checks"]`` equals, to 1e-10, the ``results.json`` of commit 2476c8b
(``tests/fixtures/plan/demo_checks_results.json``; ``tests/measurement/test_demo_results_pinned.py`` pins the
numbers that were there before the checks).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.run_helpers import json_numbers, pinned_differences

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "plan" / "demo_checks_results.json"


@pytest.mark.slow
@pytest.mark.xdist_group("packaged_run")
def test_demo_checks_equal_the_committed_numbers(packaged_study_run: Path) -> None:
    """The packaged study's run is the demo (tests/measurement/test_demo_results_pinned.py checks that its plan
    and data are the demo's)."""
    results = json.loads((packaged_study_run / "results.json").read_text())
    pinned = json.loads(FIXTURE.read_text())
    after = json_numbers({"values": {"checks": results["values"]["checks"]},
                          "tables": {key: results["tables"][key] for key in pinned["tables"]}})
    before = json_numbers({"values": pinned["values"], "tables": pinned["tables"]})
    assert len(before) > 500
    missing, moved = pinned_differences(before, after)
    assert not missing, f"{len(missing)} numbers gone, e.g. {missing[:5]}"
    assert not moved, f"{len(moved)} numbers moved beyond 1e-10, e.g. {moved[:5]}"
