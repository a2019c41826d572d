"""The demo's numbers stay exact through the speed work of issue 17: every number of ``results.json`` of the
packaged confirmatory plan on the bundled data (300 dyads) equals the committed copy to 1e-10.

``tests/fixtures/measurement/demo_results.json`` is the ``results.json`` written by ``alliance-stats run
analyses/confirmatory.yaml`` at commit 0cf48d9 (before the FIML kernel and the cluster check's subsample
route). Numbers only: a table or a value added later is allowed; a number that moves or disappears is not.

The run is the session's ``packaged_study_run`` (tests/conftest.py: ``alliance-stats init`` then ``alliance-stats
run`` of the study's plan, also read by tests/plan/test_init.py, hence ``xdist_group("packaged_run")``): the same
plan text as analyses/confirmatory.yaml apart from the paths, which lead to byte-identical copies of the data, the
instrument and the seed cases (checked below), so its results.json is the demo's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.run_helpers import json_numbers, pinned_differences

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "measurement" / "demo_results.json"


def _without_paths(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith(("instrument:", "seed_cases:"))]


@pytest.mark.slow
@pytest.mark.xdist_group("packaged_run")
def test_demo_results_equal_the_committed_numbers(packaged_study_run):
    study = packaged_study_run.parents[1]
    demo = ROOT / "analyses" / "confirmatory.yaml"
    assert _without_paths((study / "plan.yaml").read_text(encoding="utf-8")) == \
        _without_paths(demo.read_text(encoding="utf-8"))
    for copy, original in (("data/synthetic_responses.csv", "analyses/data/synthetic_responses.csv"),
                           ("alliance_startup.yaml", "surveys/alliance_startup.yaml"),
                           ("seed_cases.csv", "surveys/seed_cases.csv")):
        assert (study / copy).read_bytes() == (ROOT / original).read_bytes(), copy
    folder = packaged_study_run
    after = json_numbers(json.loads((folder / "results.json").read_text()))
    before = json_numbers(json.loads(FIXTURE.read_text()))
    assert len(before) > 1500
    missing, moved = pinned_differences(before, after)
    assert not missing, f"{len(missing)} numbers gone, e.g. {missing[:5]}"
    assert not moved, f"{len(moved)} numbers moved beyond 1e-10, e.g. {moved[:5]}"
