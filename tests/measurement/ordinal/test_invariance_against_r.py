"""Ordinal invariance (Wu and Estabrook 2016, WLSMV) against lavaan 0.6-14 + semTools 0.5-6: every step's
estimates, standard errors and fit measures, and lavTestLRT's difference tests (scaled-shifted for WLSMV and
ULSMV, plain for DWLS), on four data sets, one of them with three estimators, one with binary, three- and
six-category items and a residual covariance (tests/fixtures/ordinal_invariance/make_fixtures.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement import invariance

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ordinal_invariance"
SETS = ("bfi_gender", "synthetic_lang", "sim_three", "sim_three_ulsmv", "sim_three_dwls", "bfi_mixed")
TOL = 1e-4


@pytest.fixture(scope="module", params=SETS)
def fitted(request: pytest.FixtureRequest) -> tuple[dict, object]:
    ref = json.loads((FIXTURES / f"{request.param}.json").read_text())
    data = pd.read_csv(FIXTURES / f"{request.param}.csv")
    table = invariance(data, ref["model"], ref["group"], missing=ref["missing"], estimator=ref["estimator"])
    return ref, table


def test_steps_and_groups_follow_lavaan(fitted):
    ref, table = fitted
    assert list(table.steps.index) == list(ref["steps"])
    for step in ref["steps"]:
        assert list(pd.unique(table.parameters[step]["label"])) == ref["group_labels"]


def test_estimates_and_standard_errors_equal_lavaan(fitted):
    ref, table = fitted
    for step, r in ref["steps"].items():
        want = pd.DataFrame(r["params"]).fillna({"rhs": ""})
        got = table.parameters[step]
        merged = want.merge(got, on=["lhs", "op", "rhs", "group"], how="left", suffixes=("_r", ""))
        assert not merged["est"].isna().any(), (step, merged[merged["est"].isna()])
        assert len(got) == len(want), step
        np.testing.assert_allclose(merged["est"], merged["est_r"], atol=TOL, rtol=0, err_msg=step)
        np.testing.assert_allclose(merged["se"], merged["se_r"], atol=TOL, rtol=0, err_msg=step)


def test_fit_measures_equal_lavaan(fitted):
    ref, table = fitted
    for step, r in ref["steps"].items():
        compared = 0
        for name, value in r["fit"].items():
            # lavaan 0.6-14 gives the robust (catML) CFI/TLI/RMSEA of a multi-group categorical model only for
            # the configural step (NA once thresholds are constrained): not computed here, the deltas use the
            # scaled indices
            if value is None or name.endswith(".robust"):
                continue
            got = float(table.steps.loc[step, name])
            # chi-squares in the thousands (baselines) at 1e-4 relative to 1 + |value|
            assert abs(got - value) <= TOL * max(1.0, abs(value) / 100), (step, name, got, value)
            compared += 1
        assert compared >= {"WLSMV": 20, "ULSMV": 19, "DWLS": 10}[ref["estimator"]]


def test_difference_tests_equal_lavtestlrt(fitted):
    ref, table = fitted
    for step, r in ref["steps"].items():
        if "lrt" not in r:
            continue
        row = table.steps.loc[step]
        assert row["df_diff"] == r["lrt"]["df_diff"]
        assert row["chisq_diff"] == pytest.approx(r["lrt"]["chisq_diff"], abs=TOL)
        assert row["p_diff"] == pytest.approx(r["lrt"]["p_diff"], abs=TOL)


def test_the_report_table_shows_the_scaled_values_and_names_the_route(fitted):
    ref, table = fitted
    shown_stat = "chisq" if ref["estimator"] == "DWLS" else "chisq.scaled"
    for lang in ("en", "fr"):
        shown = table.to_tables(lang)["invariance"]
        assert "Wu" in shown.note and ref["estimator"] in shown.note
        assert shown.frame.shape[0] == 4
        assert shown.frame.iloc[:, 0].to_numpy(dtype=float) == pytest.approx(
            [ref["steps"][s]["fit"][shown_stat] for s in ref["steps"]], abs=TOL)


def test_planted_threshold_shift_is_detected():
    ref = json.loads((FIXTURES / "sim_three.json").read_text())
    table = invariance(pd.read_csv(FIXTURES / "sim_three.csv"), ref["model"], "grp", estimator="WLSMV",
                       steps=("configural", "thresholds"))
    assert table.steps.loc["thresholds", "p_diff"] < 1e-3


def test_category_empty_in_one_group_names_item_group_and_category():
    data = pd.read_csv(Path(__file__).resolve().parents[3] / "analyses" / "data" / "synthetic_responses.csv")
    with pytest.raises(SpecificationError) as err:
        invariance(data, "TRS =~ TRS_1 + TRS_2 + TRS_3", "LANG", missing="pairwise", estimator="WLSMV")
    text = str(err.value)
    assert "'TRS_2'" in text and "category 7" in text and "'en'" in text


def test_ordinal_steps_are_checked():
    data = pd.read_csv(FIXTURES / "sim_three.csv")
    with pytest.raises(SpecificationError, match="unknown invariance step"):
        invariance(data, "F =~ y1 + y2 + y3", "grp", estimator="WLSMV", steps=("configural", "metric"))
    with pytest.raises(SpecificationError, match="missing"):
        invariance(data, "F =~ y1 + y2 + y3", "grp", estimator="WLSMV", missing="mean")


def test_the_result_follows_the_result_protocol(fitted):
    from alliance_stats.core.results import check_result

    _, table = fitted
    check_result(table)
    assert table.fits == {} and set(table.parameters) == set(table.steps.index)
