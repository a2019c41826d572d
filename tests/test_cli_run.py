"""`alliance-stats run` on bad input: a plan error or a data error stops the run before any computation,
with the plan's line or the data's row and column, exit status 2 and no traceback; an existing run folder is
kept unless --force; no run folder (not even a temporary one) is left behind by a failed run."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import alliance_stats.data
from tests.run_helpers import cli, line_of, plan_text, replace_once

#: (id, text of the plan to replace, replacement, what the message must name)
PLAN_ERRORS = [
    ("unknown variable", "predictors: [configuration, firm_age, EMPLOYEES, FOUNDER_EXPERIENCE]",
     "predictors: [configuration, firm_age, EMPLOYEES, FOUNDER_EXPERIENCES]", "FOUNDER_EXPERIENCES"),
    ("bad cut", "cut: midpoint ", "cut: 9 ", "typology cut 9"),
    ("unknown reference level", "categorical: {configuration: survie}", "categorical: {configuration: survival}",
     "survival"),
    ("unknown hypothesis term", "term: trust_shared", "term: trust_shard", "trust_shard"),
    ("AWARE as predictor", "predictors: [trust_shared, trust_constrained, firm_age,",
     "predictors: [trust_shared, trust_constrained, AWARE, firm_age,", "AWARE"),
    ("unknown key", "n_perm: 99", "n_perms: 99", "n_perms"),
    ("invariance variable not in the instrument", "invariance_by: LANG ", "invariance_by: LANGUE ", "LANGUE"),
    ("invariance variable not a category", "invariance_by: LANG ", "invariance_by: LINK_1 ", "LINK_1"),
    ("unknown CFA estimator", "estimator: ML ", "estimator: WLS ", "WLS"),
    ("unknown configuration in a contrast", "contrast: {plus: [entraide], minus: [survie]}",
     "contrast: {plus: [entraide], minus: [survival]}", "survival"),
]


@pytest.fixture
def no_computation(monkeypatch):
    """Fail the test if the run reads the responses (the first step of the computation)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the run started reading the data")

    monkeypatch.setattr(alliance_stats.data, "read_responses", refuse)


@pytest.fixture(scope="module")
def responses(simulated) -> pd.DataFrame:
    return simulated(30, 5).responses


def write_responses(frame: pd.DataFrame, path) -> None:
    path.write_bytes(frame.to_csv(index=False, float_format="%.15g").encode("utf-8"))


@pytest.mark.parametrize(("old", "new", "named"), [case[1:] for case in PLAN_ERRORS],
                         ids=[case[0] for case in PLAN_ERRORS])
def test_plan_error_stops_before_any_computation_with_the_line(old, new, named, tmp_path, capsys, no_computation):
    text = plan_text(**{old: new})
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "responses.csv").write_text("not read\n")
    code, out = cli(["run", tmp_path / "plan.yaml", "-o", tmp_path / "out"], capsys)
    assert code == 2
    assert "Traceback" not in out
    assert out.startswith("Error: ") and "plan.yaml" in out
    assert f"line {line_of(text, new.strip())}" in out
    assert named in out
    assert "Fix:" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml", "responses.csv"]


def test_the_confirmatory_plan_itself_passes_the_checks(tmp_path, capsys, no_computation):
    (tmp_path / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    (tmp_path / "responses.csv").write_text("")
    with pytest.raises(AssertionError, match="started reading the data"):
        cli(["run", tmp_path / "plan.yaml", "-o", tmp_path / "out"], capsys)


def test_code_8_on_a_1_to_7_item_stops_with_row_and_column(responses, tmp_path, capsys):
    bad = responses.copy()
    bad.loc[bad.index[6], "LINK_3"] = 8
    write_responses(bad, tmp_path / "responses.csv")
    (tmp_path / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    code, out = cli(["run", tmp_path / "plan.yaml", "-o", tmp_path / "out"], capsys)
    assert code == 2
    assert "Traceback" not in out
    assert "row 7" in out and "column LINK_3" in out and "value 8" in out
    assert "nothing was computed" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml", "responses.csv"]


def test_missing_data_file_given_with_data_exits_2(tmp_path, capsys):
    (tmp_path / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    code, out = cli(["run", tmp_path / "plan.yaml", "-o", tmp_path / "out", "--data", tmp_path / "nope.xlsx"],
                    capsys)
    assert code == 2 and "Traceback" not in out and "nope.xlsx" in out
    assert not (tmp_path / "out").exists()


def test_existing_folder_is_kept_without_force(tmp_path, capsys, no_computation):
    (tmp_path / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    existing = tmp_path / "out"
    existing.mkdir()
    (existing / "results.json").write_text("{}")
    code, out = cli(["run", tmp_path / "plan.yaml", "-o", existing], capsys)
    assert code == 2 and "Traceback" not in out
    assert "already exists" in out and "--force" in out
    assert [p.name for p in existing.iterdir()] == ["results.json"]
    assert (existing / "results.json").read_text() == "{}"


def test_plan_error_message_points_at_the_line_of_a_nested_entry(tmp_path, capsys, no_computation):
    text = plan_text()
    text = replace_once(text, "    cluster: dyad_id\n  M3:", "    cluster: firm\n  M3:")
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    code, out = cli(["run", tmp_path / "plan.yaml", "-o", tmp_path / "out"], capsys)
    assert code == 2
    assert f"line {line_of(text, 'cluster: firm')}" in out and "model M2" in out


@pytest.mark.slow  # a whole run
def test_a_pilot_too_small_for_some_analyses_still_gets_a_report_saying_what_was_not_computed(tmp_path, capsys,
                                                                                             simulated):
    # 12 dyads: about 24 respondents for 53 items (no CFA, KMO or Bartlett), fewer than 20 dyads for four clusters,
    # mediation bootstrap unstable; the rest of the plan (scores, reliability, models, hypotheses, the reviewer's
    # robustness variants, whose models on 12 firms are all separated and fitted by Firth) still runs
    data = tmp_path / "pilot.csv"
    write_responses(simulated(12, 5).responses, data)
    (tmp_path / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    code, out = cli(["run", tmp_path / "plan.yaml", "--data", data, "-o", tmp_path / "run"], capsys)
    assert code == 0, out
    warnings_txt = (tmp_path / "run" / "warnings.txt").read_text(encoding="utf-8")
    assert re.search(r"CFA not computed: the EM estimate of the items' covariance matrix is singular \(2\d "
                     r"respondents for 53 items\)\. Collect more responses", warnings_txt)
    assert "Cluster check not computed: 12 complete dyads for k = 4 clusters" in warnings_txt
    results = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    assert results["values"]["cfa_fit"] is None and results["values"]["cluster_verdict"] is None
    assert {"reliability", "models", "hypotheses"} <= set(results["tables"])
    assert "cfa_fit" not in results["tables"] and "cluster_crosstab" not in results["tables"]
    variants = results["values"]["checks"]["robustness"]["variants"]
    assert "breakeven" in variants and "robustness" in results["tables"]
    assert all(h["verdict"] for v in variants.values() for h in v["hypotheses"].values())
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "Cluster check not computed" in html


@pytest.mark.slow  # a whole run
def test_an_outcome_without_variation_stops_the_run_before_any_model(responses, tmp_path, capsys):
    nobody = responses.copy()
    nobody["BREAKEVEN"] = 0  # no firm reached break-even: crossing is 0 for every firm
    write_responses(nobody, tmp_path / "responses.csv")
    (tmp_path / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    code, out = cli(["run", tmp_path / "plan.yaml", "--data", tmp_path / "responses.csv", "-o", tmp_path / "run"],
                    capsys)
    assert code == 2 and "Traceback" not in out
    assert "column crossed" in out and "none of the" in out  # found by the data check, before any model
    assert "Measurement" not in out
    assert not (tmp_path / "run").exists()


@pytest.mark.slow  # a whole run: the session's checks run (tests/conftest.py), also read by
@pytest.mark.xdist_group("checks_run")  # tests/plan/test_checks_section.py
def test_plan_estimator_mlr_keeps_missing_answers_and_adds_the_yuan_bentler_row(checks_run):
    # the cheap plan with MLR (and every reviewer's check) on 120 dyads: about 240 respondents, more than the 214
    # free parameters and 3 per item, as MLR requires
    assert "estimator: MLR " in (checks_run.parent / "plan.yaml").read_text(encoding="utf-8")
    results = json.loads((checks_run / "results.json").read_text(encoding="utf-8"))
    fit = results["values"]["cfa_fit"]
    assert results["values"]["cfa_missing"] == "fiml"  # full information: no respondent dropped
    assert fit["chisq.scaled"] == pytest.approx(fit["chisq"] / fit["chisq.scaling.factor"])
    assert 0 < fit["cfi.robust"] <= 1 and fit["rmsea.robust"] >= 0  # lavaan's FIML-corrected robust indices
    rows = results["tables"]["cfa_fit"]["frame"]["data"]
    assert [row[0] for row in rows] == ["ML (normal theory)", "Yuan-Bentler (scaled)", "Robust indices"]


@pytest.mark.slow  # a whole run
def test_a_pilot_too_small_for_mlr_gets_the_ml_cfa_and_says_why(responses, tmp_path, capsys):
    # 30 dyads: about 55 respondents for 53 items and 214 parameters; MLR's corrections cannot be estimated
    # (they gave a scaling factor of 132 and a TLI of 2.1 before this check): the report shows the ML CFA
    write_responses(responses, tmp_path / "responses.csv")
    (tmp_path / "plan.yaml").write_text(plan_text(**{"estimator: ML ": "estimator: MLR "}), encoding="utf-8")
    code, out = cli(["run", tmp_path / "plan.yaml", "--data", tmp_path / "responses.csv", "-o", tmp_path / "run"],
                    capsys)
    assert code == 0, out
    warnings_txt = (tmp_path / "run" / "warnings.txt").read_text(encoding="utf-8")
    assert "CFA (MLR) not computed: estimator 'MLR' needs more respondents than free parameters" in warnings_txt
    assert "the CFA is shown with ML instead of MLR" in warnings_txt
    results = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    assert "chisq.scaled" not in results["values"]["cfa_fit"]
    assert len(results["tables"]["cfa_fit"]["frame"]["data"]) == 1
