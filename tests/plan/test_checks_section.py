"""The reviewer's checks section (plan/sections/checks.py): a whole run, the robustness table, the plan fields."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from alliance_stats.plan.context import RunContext
from alliance_stats.plan.schema import Plan, load_plan
from alliance_stats.plan.sections.checks import VARIANTS, _robustness_table, _variant_plan
from tests.run_helpers import CONFIRMATORY, cli, plan_text


@pytest.mark.slow  # a whole run: the session's checks run (tests/conftest.py), also read by tests/test_cli_run.py
@pytest.mark.xdist_group("checks_run")
def test_run_has_every_check_with_a_verdict_in_results_and_report(checks_run) -> None:
    results = json.loads((checks_run / "results.json").read_text(encoding="utf-8"))
    checks = results["values"]["checks"]
    assert set(checks) == {"cmv", "nesting", "robustness", "margins"}
    assert checks["cmv"]["verdict"] in ("flagged", "not flagged")
    assert checks["nesting"]["verdict"] in ("conclusions change", "conclusions unchanged")
    assert set(checks["robustness"]["variants"]) == set(VARIANTS)
    assert isinstance(checks["robustness"]["flips"], list)
    for flip in checks["robustness"]["flips"]:
        assert checks["robustness"]["variants"][flip["variant"]]["hypotheses"][flip["hypothesis"]]["verdict"] == (
            flip["alternative"]) != flip["main"]
    assert checks["nesting"]["fit_cluster"]["chisq.scaling.factor"] > 0
    assert set(checks["margins"]["ame"]) == {"M1", "M2", "M3"}
    for key in ("cmv_tests", "cmv_models", "nesting_items", "nesting_cfa", "robustness", "ame", "vif"):
        assert key in results["tables"], key
    html = (checks_run / "report.html").read_text(encoding="utf-8")
    for title in ("Common-method variance", "dyad-cluster-robust errors", "Robustness of the conclusions",
                  "Average marginal effects", "generalised variance inflation factors"):
        assert title in html, title
    # ATTN_1 is answered as instructed by every kept respondent: the marker correction says why it is missing
    assert "marker item 'ATTN_1' has no variance" in (checks_run / "warnings.txt").read_text(encoding="utf-8")


def test_variant_plans_change_one_choice_each() -> None:
    plan = load_plan(CONFIRMATORY)
    assert _variant_plan(plan, "breakeven").outcome.kind == "breakeven"
    down, up = _variant_plan(plan, "cuts_down"), _variant_plan(plan, "cuts_up")
    assert down.outcome.aware_cut == plan.outcome.aware_cut - 0.5
    assert up.outcome.transf_cut == plan.outcome.transf_cut + 0.5
    none = _variant_plan(plan, "no_exclusions").exclusions
    assert not none.fail_attention and none.max_longstring is None and none.mahalanobis_p is None
    assert _variant_plan(plan, "no_lone_partners") is None
    assert plan.exclusions.fail_attention  # the main plan is not modified


def test_robustness_table_marks_flips_in_both_languages(instrument) -> None:
    plan = load_plan(CONFIRMATORY)
    prep = {"firms": pd.DataFrame({"crossed": [1, 0, None, 1]})}
    main = {"H1": "supported", "H2": "not supported"}
    cell = {"verdict": "supported", "estimate": 0.5, "p_adjusted": 0.012}
    variants = {v: {"n_firms": 3, "hypotheses": {"H1": cell, "H2": cell}} for v in VARIANTS}
    variants["cuts_up"] = {"error": "the shifted cut leaves the response scale"}
    flips = [{"hypothesis": "H2", "variant": v, "main": "not supported", "alternative": "supported"}
             for v in VARIANTS if v != "cuts_up"]
    for lang, word in (("en", "supported (p = .012)"), ("fr", "soutenue (p = ,012)")):
        table = _robustness_table(RunContext(plan, lang, instrument), prep, main, variants, flips)
        frame = table.frame
        assert frame.loc["H1"].iloc[1] == word and frame.loc["H2"].iloc[1] == word + " \u2020"
        assert frame.iloc[-1, 0] == "3" and frame.iloc[-1].tolist().count("3") == 6
        assert frame.loc["H1"].iloc[3] == "-"  # the variant that could not be computed
        assert "5" in table.note  # five flips counted in the note


def test_existing_plans_get_default_checks_and_a_bad_marker_is_a_plan_error(tmp_path, capsys) -> None:
    assert Plan.model_fields["robustness"].default_factory().cmv is True
    assert load_plan(CONFIRMATORY).measurement.marker_item is None
    text = plan_text(**{"invariance_by: LANG ": "marker_item: LINK_1\n  invariance_by: LANG "})
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    code, out = cli(["run", tmp_path / "plan.yaml", "-o", tmp_path / "run"], capsys)
    assert code == 2 and "marker_item 'LINK_1'" in out and "Traceback" not in out
    assert "line" in out  # the plan's line is named
