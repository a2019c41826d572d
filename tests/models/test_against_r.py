"""Numbers checked against R (tests/fixtures/models/make_fixtures_glm.R; values in glm_fixtures.json).

Tolerance 1e-4 on coefficients and standard errors (absolute), unless stated. SE conventions: ML uses the
inverse observed information (= expected for the logit link), as glm; Firth uses the inverse of X'WX at the
penalised estimates, as logistf's ``var`` and brglm2's ``vcov``; dyad-clustered SE use the HC1 small-sample
factor G/(G-1) (n-1)/(n-k), as sandwich::vcovCL(type = "HC1"); GEE uses the robust sandwich, as geepack.
"""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.models import LogitSettings, detect_separation, fit_logit

TOL = 1e-4


def _vec(mapping: dict) -> np.ndarray:
    return np.array(list(mapping.values()), float)


def test_mtcars_glm(r_values, datasets):
    ref = r_values["mtcars"]
    res = fit_logit(datasets["mtcars"], "am", ["wt", "hp"])
    assert res.method == "ml"
    np.testing.assert_allclose(res.coefficients["coef"], _vec(ref["coef"]), atol=TOL)
    np.testing.assert_allclose(res.coefficients["se"], _vec(ref["se"]), atol=TOL)
    fs = res.fit_stats
    for ours, theirs in [("deviance", "deviance"), ("null_deviance", "null_deviance"), ("loglik", "loglik"),
                         ("aic", "aic"), ("bic", "bic"), ("mcfadden_r2", "mcfadden_r2"), ("tjur_r2", "tjur_r2"),
                         ("auc", "auc")]:
        assert fs[ours] == pytest.approx(ref[theirs], abs=TOL), ours
    assert fs["hl_statistic"] == pytest.approx(ref["hl"]["statistic"], abs=TOL)
    assert fs["hl_df"] == ref["hl"]["df"] == 8
    assert fs["hl_p"] == pytest.approx(ref["hl"]["p"], abs=TOL)
    assert fs["n"] == ref["n"]


def test_mtcars_standardised_coefficient(r_values, datasets):
    res = fit_logit(datasets["mtcars"], "am", ["wt", "hp"], settings=LogitSettings(standardize=("wt",)))
    assert res.coefficients.loc["wt", "coef"] == pytest.approx(r_values["mtcars"]["coef_wt_standardised"], abs=TOL)


def test_mtcars_cluster_robust_matches_vcovcl_hc1(r_values, datasets):
    res = fit_logit(datasets["mtcars"], "am", ["wt", "hp"], cluster="gear")
    np.testing.assert_allclose(res.coefficients["se"], r_values["mtcars"]["vcovCL_gear"], atol=TOL)
    assert res.cov_type == "cluster"
    assert set(res.coefficients["ci_method"]) == {"Wald (cluster-robust)"}


def test_birthwt_factors_and_drop1(r_values, datasets):
    ref = r_values["birthwt"]
    res = fit_logit(datasets["birthwt"], "low", ["race", "agegrp", "smoke", "lwt"],
                    categorical={"race": "white", "agegrp": "14-19"})
    names = ["(Intercept)", "race[black]", "race[other]", "agegrp[20-23]", "agegrp[24-26]", "agegrp[27-45]",
             "smoke", "lwt"]
    assert list(res.coefficients.index) == names
    np.testing.assert_allclose(res.coefficients["coef"], _vec(ref["coef"]), atol=TOL)
    np.testing.assert_allclose(res.coefficients["se"], _vec(ref["se"]), atol=TOL)
    # drop1(test = "LRT"): each factor as a whole
    lr = res.lr_tests
    assert list(lr.index) == ref["drop1"]["term"]
    np.testing.assert_allclose(lr["statistic"], ref["drop1"]["lrt"], atol=TOL)
    np.testing.assert_array_equal(lr["df"], ref["drop1"]["df"])
    np.testing.assert_allclose(lr["p"], ref["drop1"]["p"], atol=TOL)
    assert set(lr["test"]) == {"LR"}
    assert res.fit_stats["hl_statistic"] == pytest.approx(ref["hl"]["statistic"], abs=TOL)
    assert res.fit_stats["auc"] == pytest.approx(ref["auc"], abs=TOL)
    # generalised VIF as car::vif
    np.testing.assert_allclose(res.vif.loc[ref["gvif"]["term"], "gvif"], ref["gvif"]["gvif"], atol=TOL)


def test_birthwt_other_reference_levels(r_values, datasets):
    ref = r_values["birthwt"]["ref_other"]
    res = fit_logit(datasets["birthwt"], "low", ["race", "agegrp", "smoke", "lwt"],
                    categorical={"race": "other", "agegrp": "24-26"})
    ours = res.coefficients["coef"].rename(lambda t: t.replace("[", "").replace("]", ""))
    for name, value in ref["coef"].items():
        assert ours[name] == pytest.approx(value, abs=TOL), name
    np.testing.assert_allclose(np.sort(res.coefficients["se"]), np.sort(_vec(ref["se"])), atol=TOL)


def test_birthwt_continuous_interaction(r_values, datasets):
    ref = r_values["birthwt_interaction"]
    res = fit_logit(datasets["birthwt"], "low", ["lwt", "age", "smoke"], interactions=[("lwt", "age")])
    assert list(res.coefficients.index) == ["(Intercept)", "lwt", "age", "smoke", "lwt:age"]
    ours = res.coefficients["coef"]
    for name, value in ref["coef"].items():
        assert ours[name] == pytest.approx(value, abs=TOL), name
    for name, value in ref["se"].items():
        assert res.coefficients.loc[name, "se"] == pytest.approx(value, abs=TOL), name
    assert res.fit_stats["aic"] == pytest.approx(ref["aic"], abs=TOL)
    assert "lwt:age" in res.lr_tests.index and "lwt" not in res.lr_tests.index  # drop1 scope


def test_endometrial_firth_matches_brglm2_and_logistf_definitions(r_values, datasets):
    ref = r_values["endometrial"]
    res = fit_logit(datasets["endometrial"], "HG", ["NV", "PI", "EH"], method="firth")
    np.testing.assert_allclose(res.coefficients["coef"], _vec(ref["coef"]), atol=1e-6)
    np.testing.assert_allclose(res.coefficients["se"], _vec(ref["se"]), atol=1e-6)
    assert res.fit_stats["loglik_penalised"] == pytest.approx(ref["penalised_loglik"], abs=1e-6)
    np.testing.assert_allclose(np.log(res.coefficients["ci_low"]), _vec(ref["profile_ci_low"]), atol=1e-5)
    np.testing.assert_allclose(np.log(res.coefficients["ci_high"]), _vec(ref["profile_ci_high"]), atol=1e-5)
    np.testing.assert_allclose(res.coefficients["p"], _vec(ref["penalised_lr_p"]), atol=1e-6)
    assert set(res.coefficients["ci_method"]) == {"profile penalised likelihood"}
    assert set(res.coefficients["p_method"]) == {"penalised LR"}
    # the published logistf values (Heinze and Schemper 2002, Table): NV 2.93 [0.61, 7.85], p = .0091
    nv = res.coefficients.loc["NV", ["ci_low", "ci_high"]].to_numpy(float)
    assert np.log(nv) == pytest.approx([0.61, 7.85], abs=5e-3)


def test_endometrial_factor_penalised_lr(r_values, datasets):
    ref = r_values["endometrial_pi3"]
    res = fit_logit(datasets["endometrial_pi3"], "HG", ["NV", "PI3", "EH"], categorical={"PI3": "low"},
                    method="firth")
    names = {"(Intercept)": "(Intercept)", "NV": "NV", "PI3[mid]": "PI3mid", "PI3[high]": "PI3high", "EH": "EH"}
    for ours, theirs in names.items():
        assert res.coefficients.loc[ours, "coef"] == pytest.approx(ref["coef"][theirs], abs=1e-6)
        assert res.coefficients.loc[ours, "se"] == pytest.approx(ref["se"][theirs], abs=1e-6)
    assert res.lr_tests.loc["PI3", "df"] == 2
    assert res.lr_tests.loc["PI3", "statistic"] == pytest.approx(ref["pi3_test"]["statistic"], abs=1e-6)
    assert res.lr_tests.loc["PI3", "p"] == pytest.approx(ref["pi3_test"]["p"], abs=1e-6)
    assert res.lr_tests.loc["NV", "statistic"] == pytest.approx(ref["nv_test"]["statistic"], abs=1e-6)
    assert res.lr_tests.loc["PI3", "test"] == "penalised LR"


def test_endometrial_separation_detected(datasets):
    df = datasets["endometrial"]
    res = fit_logit(df, "HG", ["NV", "PI", "EH"], method="ml")
    assert res.separation.kind == "quasi-complete"
    assert res.separation.directions == {"NV": 1}  # detectseparation's vignette: NV +Inf, others finite
    # never an odds ratio of 1e8 presented as a result
    row = res.coefficients.loc["NV"]
    assert np.isnan(row[["coef", "se", "p", "odds_ratio", "ci_low", "ci_high"]].astype(float)).all()
    assert "Firth" in row["flag"]
    assert any("'NV'" in w and "firth" in w.lower() for w in res.warnings)
    assert np.all(np.isfinite(res.coefficients.drop(index="NV")["odds_ratio"]))
    assert res.coefficients["odds_ratio"].max() < 1e4


def test_auto_switches_to_firth_on_separation(datasets):
    res = fit_logit(datasets["endometrial"], "HG", ["NV", "PI", "EH"], method="auto")
    assert res.method == "firth" and res.requested_method == "auto"
    assert "separation" in res.method_reason and "NV" in res.method_reason


def test_dyads_cluster_and_gee(r_values, datasets):
    ref = r_values["dyads"]
    df = datasets["dyads"]
    naive = fit_logit(df, "crossed", ["trust", "experience"])
    clustered = fit_logit(df, "crossed", ["trust", "experience"], cluster="dyad_id")
    np.testing.assert_allclose(naive.coefficients["coef"], _vec(ref["coef"]), atol=TOL)
    np.testing.assert_allclose(naive.coefficients["se"], _vec(ref["se_naive"]), atol=TOL)
    np.testing.assert_allclose(clustered.coefficients["se"], _vec(ref["se_cluster_hc1"]), atol=TOL)
    assert clustered.fit_stats["n_clusters"] == df["dyad_id"].nunique()
    gee = fit_logit(df, "crossed", ["trust", "experience"], cluster="dyad_id",
                    settings=LogitSettings(gee=True))
    assert gee.cov_type == "gee"
    np.testing.assert_allclose(gee.coefficients["coef"], _vec(ref["gee_coef"]), atol=TOL)
    np.testing.assert_allclose(gee.coefficients["se"], ref["gee_se"], atol=TOL)
    assert gee.fit_stats["gee_alpha"] == pytest.approx(ref["gee_alpha"], abs=TOL)
    assert np.isnan(gee.fit_stats["aic"])  # no likelihood for GEE


def test_separation_lp_finds_complete_separation():
    import pandas as pd

    X = pd.DataFrame({"(Intercept)": 1.0, "x": [1.0, 2, 3, 4, 5, 6]})
    check = detect_separation(X, np.array([0, 0, 0, 1, 1, 1]))
    assert check.kind == "complete" and check.directions["x"] == 1
    check = detect_separation(X, np.array([0, 1, 0, 1, 0, 1]))
    assert check.kind == "none"


def test_profile_interval_equals_r(r_values, datasets):
    """The root-finding profile interval on the kernel's constrained fits gives logistf's bounds."""
    from alliance_stats.models.firth import fit_firth, profile_interval, profile_interval_linear

    ref = r_values["endometrial"]
    df = datasets["endometrial"]
    X = np.column_stack([np.ones(len(df)), df[["NV", "PI", "EH"]].to_numpy(float)])
    y = df["HG"].to_numpy(float)
    fit = fit_firth(X, y)
    for j, name in enumerate(ref["coef"]):
        lo, hi, source = profile_interval(X, y, fit, j)
        assert source == "root finding"
        assert lo == pytest.approx(ref["profile_ci_low"][name], abs=1e-6)
        assert hi == pytest.approx(ref["profile_ci_high"][name], abs=1e-6)
    lo, hi = profile_interval_linear(X, y, fit, np.array([0.0, 1.0, 0.0, 0.0]))
    assert (lo, hi) == pytest.approx((ref["profile_ci_low"]["NV"], ref["profile_ci_high"]["NV"]), abs=1e-6)
