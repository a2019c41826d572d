"""The plan route: ``measurement.estimator: WLSMV`` runs the whole plan on the bundled data from the command line;
the CFA fit table, the ordinal reliability table and the invariance note say which route was used."""

from __future__ import annotations

import json
import shutil

import pytest

from alliance_stats.plan.schema import MeasurementSpec
from alliance_stats.plan.templates import template
from tests.run_helpers import cli, plan_text


@pytest.mark.parametrize("estimator", ["WLSMV", "DWLS", "ULSMV"])
def test_the_plan_accepts_the_ordinal_estimators(estimator):
    assert MeasurementSpec(estimator=estimator).estimator == estimator


@pytest.mark.slow
@pytest.mark.xdist_group("run_folder")
def test_plan_with_wlsmv_runs_end_to_end_on_the_bundled_data(tmp_path):
    shutil.copy(template("data/synthetic_responses.csv"), tmp_path / "responses.csv")
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text(**{"estimator: ML ": "estimator: WLSMV "}), encoding="utf-8")
    status, _ = cli(["run", plan, "-o", tmp_path / "run", "--force"])
    assert status == 0
    results = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    fit = results["values"]["cfa_fit"]
    for key in ("chisq.scaled", "cfi.scaled", "tli.robust", "rmsea.robust", "srmr"):
        assert 0 <= fit[key] < float("inf"), key
    assert fit["chisq.scaling.factor"] > 0 and "aic" not in fit
    tables = sorted(p.name for p in (tmp_path / "run" / "tables").glob("*.md"))
    fit_md = next((tmp_path / "run" / "tables" / t).read_text(encoding="utf-8") for t in tables if "cfa_fit" in t)
    assert "WLSMV (mean and variance adjusted)" in fit_md and "Ordinal route" in fit_md
    assert any("ordinal_reliability" in t for t in tables)
    inv = next((tmp_path / "run" / "tables" / t).read_text(encoding="utf-8") for t in tables if "invariance" in t)
    assert "treated as continuous" in inv
    htmt_md = next((tmp_path / "run" / "tables" / t).read_text(encoding="utf-8") for t in tables if "htmt" in t)
    assert "HTMT computed on the polychoric correlations" in htmt_md
    warnings = (tmp_path / "run" / "warnings.txt").read_text(encoding="utf-8")
    assert "CFA (WLSMV) not computed" not in warnings and "the CFA is shown with ML" not in warnings
