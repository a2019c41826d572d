"""cfa(estimator="MLM" | "MLR"): robust standard errors and scaled tests against lavaan 0.6-14.

MLM: Satorra-Bentler test, robust.sem SEs (complete data). MLR: Yuan-Bentler T2* test (yuan.bentler.mplus),
Huber-White SEs, for complete data and under FIML (missing answers kept).

Reference values: tests/fixtures/measurement/mlm_fixtures.json, written by make_fixtures_mlm.R (Holzinger and
Swineford's three factors, Bollen's Political Democracy with residual covariances, and the LINK and SYM items
of the bundled synthetic responses). Tolerance |ours - lavaan| <= 1e-4 * max(1, |lavaan|), as the ML checks.
Known truth: with multivariate normal items the scaling factor is 1 up to sampling error and the robust SEs
equal the ML ones; with heavy-tailed items the factor exceeds 1 and the scaled test rejects a true model at
about the nominal rate where the ML test over-rejects.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement import cfa, invariance

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"
REFERENCE = json.loads((FIXTURES / "mlm_fixtures.json").read_text())
FILES = {"hs3": "holzinger_swineford_1939.csv", "poldem": "political_democracy.csv",
         "synthetic": "synthetic_items.csv"}
TOL = 1e-4


def _close(ours: float, ref: float) -> bool:
    return abs(ours - ref) <= TOL * max(1.0, abs(ref))


@pytest.fixture(scope="module")
def fitted() -> dict[str, object]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Political Democracy has 75 rows for 31 parameters
        return {key: cfa(pd.read_csv(FIXTURES / FILES[key]), REFERENCE[key]["model"], estimator="MLM")
                for key in FILES}


def test_reference_is_lavaan_0_6_14() -> None:
    assert REFERENCE["versions"]["lavaan"] == "0.6.14"


@pytest.mark.parametrize("key", list(FILES))
def test_scaled_fit_measures_match_lavaan(fitted: dict, key: str) -> None:
    res = fitted[key]
    assert res.estimator == "MLM" and res.n_obs["all"] == REFERENCE[key]["n"]
    for name, ref in REFERENCE[key]["fit"].items():
        assert _close(res.fit[name], ref), (key, name, res.fit[name], ref)
    assert res.fit["chisq.scaling.factor"] != pytest.approx(1.0, abs=1e-3)  # the correction does something


@pytest.mark.parametrize("key", list(FILES))
def test_robust_standard_errors_and_estimates_match_lavaan(fitted: dict, key: str) -> None:
    ref = pd.DataFrame(REFERENCE[key]["params"])
    ours = fitted[key].params
    merged = ref.merge(ours, on=["lhs", "op", "rhs"], suffixes=("_r", ""), validate="one_to_one")
    assert len(merged) == len(ref)
    for column in ("est", "se", "std_all"):
        diff = np.abs(merged[f"{column}_r"] - merged[column]) / np.maximum(1.0, np.abs(merged[f"{column}_r"]))
        assert np.nanmax(diff) <= TOL, (key, column)


def _one_factor(rng: np.random.Generator, n: int, heavy: bool) -> pd.DataFrame:
    """Six items of one factor; ``heavy``: multivariate t with 8 df (elliptical, unit variances, kurtosis
    parameter 2 / (8 - 4) = 0.5), where the normal-theory chi-square is inflated by about 1.5. (Independent
    non-normal factor and errors would not do: there the ML test stays valid, by asymptotic robustness.)"""
    loadings = np.array([0.8, 0.7, 0.6, 0.7, 0.5, 0.6])
    f = rng.normal(size=n)
    e = rng.normal(size=(n, 6))
    x = f[:, None] * loadings + e * np.sqrt(1 - loadings**2)
    if heavy:
        nu = 8
        x = x * np.sqrt((nu - 2) / rng.chisquare(nu, size=n))[:, None]
    return pd.DataFrame(x, columns=[f"x{i}" for i in range(1, 7)])


MODEL = "f =~ x1 + x2 + x3 + x4 + x5 + x6"


def test_normal_data_give_a_scaling_factor_near_one_and_ml_standard_errors() -> None:
    data = _one_factor(np.random.default_rng(1), 4000, heavy=False)
    ml, mlm = cfa(data, MODEL), cfa(data, MODEL, estimator="MLM")
    assert mlm.fit["chisq.scaling.factor"] == pytest.approx(1.0, abs=0.08)
    np.testing.assert_allclose(mlm.loadings["est"], ml.loadings["est"], atol=1e-10)  # same estimates
    free = ~ml.loadings["fixed"].to_numpy()
    ratio = mlm.loadings["se"].to_numpy()[free] / ml.loadings["se"].to_numpy()[free]
    assert np.all(np.abs(ratio - 1) < 0.1)


def test_heavy_tails_raise_the_factor_and_the_robust_standard_errors() -> None:
    data = _one_factor(np.random.default_rng(2), 4000, heavy=True)
    ml, mlm = cfa(data, MODEL), cfa(data, MODEL, estimator="MLM")
    assert mlm.fit["chisq.scaling.factor"] > 1.3
    assert mlm.fit["chisq.scaled"] < ml.fit["chisq"]
    free = ~ml.loadings["fixed"].to_numpy()
    assert np.all(mlm.loadings["se"].to_numpy()[free] > 1.1 * ml.loadings["se"].to_numpy()[free])


def _rejection_rates(seed: int, reps: int, n: int, estimator: str = "MLM",
                     missing_share: float = 0.0) -> tuple[float, float]:
    """Shares of true-model samples (multivariate t(8)) rejected at .05 by the ML and by the scaled test."""
    rng = np.random.default_rng(seed)
    ml = scaled = 0
    for _ in range(reps):
        data = _one_factor(rng, n, heavy=True)
        if missing_share:
            data = data.mask(rng.random(data.shape) < missing_share)
        fit = cfa(data, MODEL, estimator=estimator, missing="fiml" if missing_share else "listwise").fit
        ml += fit["pvalue"] < 0.05
        scaled += fit["pvalue.scaled"] < 0.05
    return ml / reps, scaled / reps


@pytest.mark.slow
def test_scaled_test_keeps_its_level_where_the_ml_test_over_rejects() -> None:
    # fast version of the type I error study below; expected rates about .23 (ML) and .05 (MLM), Monte Carlo
    # SE .034 and .018 for 150 samples: both bounds are more than 2 SE away
    ml, mlm = _rejection_rates(3, 150, 500)
    assert ml > 0.14  # the normal-theory chi-square is too liberal under kurtosis
    assert mlm < 0.11


@pytest.mark.slow
def test_mlr_under_fiml_keeps_its_level_where_the_ml_test_over_rejects() -> None:
    # fast version of the study below: 10 % MCAR answers, FIML; expected about .27 (ML) and .05 (MLR)
    ml, mlr = _rejection_rates(7, 100, 500, estimator="MLR", missing_share=0.1)
    assert ml > 0.15
    assert mlr < 0.12


@pytest.mark.validate
def test_mlr_type_one_error_under_fiml_over_1000_samples() -> None:
    # Measured: ML .227, Yuan-Bentler .091. The scaled test removes most of the excess but stays liberal with
    # these heavy tails (t(8) has no finite 8th moment, so the fourth-moment weights are noisy) and missing
    # answers; this is lavaan's statistic itself (equal to lavaan 0.6-14 on simulated samples of this design,
    # checked by hand on six), not an approximation of ours. Normal items with 10 % MCAR: .060 (ML), .068 (MLR).
    ml, mlr = _rejection_rates(8, 1000, 500, estimator="MLR", missing_share=0.1)
    print(f"type I error at .05, multivariate t(8), 10 % MCAR, FIML, N = 500: ML {ml:.3f}, Yuan-Bentler {mlr:.3f}")
    assert ml > 0.15
    assert mlr < 0.12 and mlr < ml / 2


@pytest.mark.validate
def test_scaled_test_type_one_error_over_1000_samples() -> None:
    ml, mlm = _rejection_rates(4, 1000, 500)
    se = np.sqrt(0.05 * 0.95 / 1000)
    print(f"type I error at .05, multivariate t(8), N = 500: ML {ml:.3f}, Satorra-Bentler {mlm:.3f}")
    assert ml > 0.15
    assert abs(mlm - 0.05) < 3 * se + 0.01  # the scaled test is a first-order correction: allow .01 of bias


def test_mlm_table_has_a_scaled_row_and_says_what_it_is(fitted: dict) -> None:
    table = fitted["hs3"].to_tables("fr")["cfa_fit"]
    assert list(table.frame["Test"]) == ["MV (théorie normale)", "Satorra-Bentler (corrigé)", "Indices robustes"]
    assert table.frame["χ²"].iloc[1] == pytest.approx(REFERENCE["hs3"]["fit"]["chisq.scaled"], rel=1e-6)
    assert table.frame["CFI"].iloc[2] == pytest.approx(REFERENCE["hs3"]["fit"]["cfi.robust"], rel=1e-6)
    assert table.frame["RMSEA"].iloc[2] == pytest.approx(REFERENCE["hs3"]["fit"]["rmsea.robust"], rel=1e-6)
    assert "c = 1,055" in table.note
    ml_table = cfa(pd.read_csv(FIXTURES / FILES["hs3"]), REFERENCE["hs3"]["model"]).to_tables("en")["cfa_fit"]
    assert len(ml_table.frame) == 1 and "Satorra" not in ml_table.note


def test_mlm_refuses_missing_answers_kept_and_groups() -> None:
    data = pd.read_csv(FIXTURES / FILES["hs3"])
    with pytest.raises(SpecificationError, match="complete data in a single group"):
        cfa(data, REFERENCE["hs3"]["model"], estimator="MLM", missing="fiml")
    with pytest.raises(SpecificationError, match="complete data in a single group"):
        cfa(data, REFERENCE["hs3"]["model"], estimator="MLM", group="school")
    with pytest.raises(SpecificationError, match="is not available"):
        cfa(data, REFERENCE["hs3"]["model"], estimator="GLS")
    with pytest.raises(SpecificationError, match="not a whole number"):  # WLSMV: the ordinal route (issue 13)
        cfa(data, REFERENCE["hs3"]["model"], estimator="WLSMV")
    with pytest.raises(SpecificationError, match="'ML' or 'MLR'"):
        invariance(data, REFERENCE["hs3"]["model"], "school", estimator="MLM")


def test_listwise_deletion_says_how_many_rows_it_dropped() -> None:
    data = pd.read_csv(FIXTURES / FILES["hs3"])
    data.loc[[3, 10, 20], "x5"] = np.nan
    with pytest.warns(Warning, match="3 of 301 row"):
        res = cfa(data, REFERENCE["hs3"]["model"], estimator="MLM")
    assert res.n_obs["all"] == 298 and any("listwise" in m for m in res.warnings)


# ------------------------------------------------------------------------------------------------ MLR
MLR_FILES = {"hs3": "holzinger_swineford_1939.csv", "bfi_fiml": "bfi_acn.csv", "synthetic_fiml": "synthetic_items.csv",
             "planned_missing": "planned_missing.csv"}  # the last: two items never answered together


@pytest.fixture(scope="module")
def fitted_mlr() -> dict[str, object]:
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, spec in REFERENCE["mlr"].items():
            missing = "fiml" if spec["missing"] == "ml" else "listwise"
            out[key] = cfa(pd.read_csv(FIXTURES / MLR_FILES[key]), spec["model"], estimator="MLR", missing=missing)
    return out


@pytest.mark.parametrize("key", list(MLR_FILES))
def test_mlr_scaled_fit_measures_match_lavaan(fitted_mlr: dict, key: str) -> None:
    res, ref = fitted_mlr[key], REFERENCE["mlr"][key]
    assert res.estimator == "MLR" and res.n_obs["all"] == ref["n"]
    for name, value in ref["fit"].items():
        assert _close(res.fit[name], value), (key, name, res.fit[name], value)
    assert "cfi.robust" in ref["fit"] and "rmsea.ci.upper.robust" in ref["fit"]  # also under FIML


@pytest.mark.parametrize("key", list(MLR_FILES))
def test_mlr_huber_white_standard_errors_match_lavaan(fitted_mlr: dict, key: str) -> None:
    ref = pd.DataFrame(REFERENCE["mlr"][key]["params"])
    merged = ref.merge(fitted_mlr[key].params, on=["lhs", "op", "rhs"], suffixes=("_r", ""), validate="one_to_one")
    assert len(merged) == len(ref)
    for column in ("est", "se", "std_all"):
        diff = np.abs(merged[f"{column}_r"] - merged[column]) / np.maximum(1.0, np.abs(merged[f"{column}_r"]))
        assert np.nanmax(diff) <= TOL, (key, column)


def test_mlr_on_normal_complete_data_is_close_to_ml() -> None:
    data = _one_factor(np.random.default_rng(1), 4000, heavy=False)
    ml, mlr = cfa(data, MODEL), cfa(data, MODEL, estimator="MLR")
    assert mlr.fit["chisq.scaling.factor"] == pytest.approx(1.0, abs=0.08)
    free = ~ml.loadings["fixed"].to_numpy()
    ratio = mlr.loadings["se"].to_numpy()[free] / ml.loadings["se"].to_numpy()[free]
    assert np.all(np.abs(ratio - 1) < 0.1)


def test_mlr_keeps_the_rows_with_missing_answers_and_corrects_for_heavy_tails() -> None:
    rng = np.random.default_rng(6)
    data = _one_factor(rng, 3000, heavy=True)
    data = data.mask(rng.random(data.shape) < 0.1)  # 10 % MCAR
    ml = cfa(data, MODEL, missing="fiml")
    mlr = cfa(data, MODEL, estimator="MLR", missing="fiml")
    assert mlr.n_obs["all"] == ml.n_obs["all"] > 2900  # FIML: nearly every row kept
    assert mlr.fit["chisq.scaling.factor"] > 1.2
    free = ~ml.loadings["fixed"].to_numpy()
    assert np.all(mlr.loadings["se"].to_numpy()[free] > 1.05 * ml.loadings["se"].to_numpy()[free])
    table = mlr.to_tables("en")["cfa_fit"]
    assert list(table.frame["Test"]) == ["ML (normal theory)", "Yuan-Bentler (scaled)", "Robust indices"]
    assert "Huber-White" in table.note


# --------------------------------------------------------------------- multi-group MLR and invariance
GROUP_FILES = {"hs_school": "holzinger_swineford_1939.csv", "bfi_gender": "bfi_acn.csv"}


@pytest.fixture(scope="module")
def invariance_mlr() -> dict[str, object]:
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, spec in REFERENCE["mlr_groups"].items():
            missing = "fiml" if spec["missing"] == "ml" else "listwise"
            out[key] = invariance(pd.read_csv(FIXTURES / GROUP_FILES[key]), spec["model"], spec["group"],
                                  missing=missing, estimator="MLR")
    return out


@pytest.mark.parametrize("key", list(GROUP_FILES))
def test_multigroup_mlr_fit_of_every_step_matches_lavaan(invariance_mlr: dict, key: str) -> None:
    spec = REFERENCE["mlr_groups"][key]
    for step, ref in spec["fit"].items():
        res = invariance_mlr[key].fits[step]
        for name, value in ref.items():
            assert _close(res.fit[name], value), (key, step, name, res.fit[name], value)


@pytest.mark.parametrize("key", list(GROUP_FILES))
def test_multigroup_mlr_standard_errors_match_lavaan(invariance_mlr: dict, key: str) -> None:
    ref = pd.DataFrame(REFERENCE["mlr_groups"][key]["params"])
    ours = invariance_mlr[key].fits["configural"].params.copy()
    labels = list(invariance_mlr[key].fits["configural"].groups)
    ours["group"] = [labels.index(g) + 1 for g in ours["group"]]  # lavaan numbers groups by first appearance
    merged = ref.merge(ours, on=["lhs", "op", "rhs", "group"], suffixes=("_r", ""), validate="one_to_one")
    assert len(merged) == len(ref)
    for column in ("est", "se"):
        diff = np.abs(merged[f"{column}_r"] - merged[column]) / np.maximum(1.0, np.abs(merged[f"{column}_r"]))
        assert np.nanmax(diff) <= TOL, (key, column)


@pytest.mark.parametrize("key", list(GROUP_FILES))
def test_invariance_with_mlr_uses_lavaans_scaled_difference_test(invariance_mlr: dict, key: str) -> None:
    lrt = REFERENCE["mlr_groups"][key]["lrt"]
    table = invariance_mlr[key]
    for column in ("chisq_diff", "df_diff", "p_diff"):
        for ours, ref in zip(table.steps[column].iloc[1:], lrt[column], strict=True):
            assert _close(ours, ref), (key, column, ours, ref)
    shown = table.table("invariance", "en")
    assert "Satorra-Bentler (2001)" in shown.note
    assert shown.frame["χ²"].iloc[0] == pytest.approx(table.steps["chisq.scaled"].iloc[0])


def test_invariance_detects_a_simulated_intercept_shift_and_not_an_absent_one() -> None:
    # known truth: two groups of 400 with the same loadings; in the second, items x2 and x3 read 0.4 SD
    # higher (an intercept shift): metric invariance holds, scalar invariance does not
    rng = np.random.default_rng(11)
    first, second = _one_factor(rng, 400, heavy=False), _one_factor(rng, 400, heavy=False)
    second[["x2", "x3"]] += 0.4
    data = pd.concat([first.assign(lang="fr"), second.assign(lang="en")], ignore_index=True)
    for estimator in ("ML", "MLR"):
        table = invariance(data, MODEL, "lang", estimator=estimator).steps
        assert table.loc["metric", "p_diff"] > 0.01, estimator
        assert table.loc["scalar", "p_diff"] < 0.001 and table.loc["scalar", "delta_cfi"] < -0.010, estimator


def test_robust_estimators_refuse_samples_too_small_for_their_corrections() -> None:
    rng = np.random.default_rng(12)
    small = _one_factor(rng, 15, heavy=False)  # 2.5 respondents per item
    for estimator in ("MLM", "MLR"):
        with pytest.raises(SpecificationError, match="at least 3 respondents per item: 15 for 6 items"):
            cfa(small, MODEL, estimator=estimator)
    cfa(small, MODEL)  # ML still runs (with its own small-sample warning)
    wide = pd.DataFrame(rng.normal(size=(40, 12)), columns=[f"y{i}" for i in range(12)])
    model = "f =~ y0 + y1 + y2 + y3 + y4 + y5\ng =~ y6 + y7 + y8 + y9 + y10 + y11\n" + "\n".join(
        f"y{i} ~~ y{j}" for i in range(6) for j in range(i + 1, 6))  # 25 + 15 = 40 free parameters
    with pytest.raises(SpecificationError, match="more respondents than free parameters: 40 for 40"):
        cfa(wide, model, estimator="MLR")


def test_planned_missingness_file_is_what_its_docstring_says() -> None:
    data = pd.read_csv(FIXTURES / "planned_missing.csv")
    assert data.shape == (600, 6)
    assert not (data["x1"].notna() & data["x6"].notna()).any()  # never answered together
    rng = np.random.default_rng(5)
    made = _one_factor(rng, 600, heavy=False)
    made.loc[np.arange(600) < 300, "x1"] = np.nan
    made.loc[np.arange(600) >= 300, "x6"] = np.nan
    np.testing.assert_allclose(made.to_numpy(), data.to_numpy(), rtol=1e-12, equal_nan=True)


def test_items_never_answered_together_are_reported() -> None:
    data = pd.read_csv(FIXTURES / "planned_missing.csv")
    with pytest.warns(Warning, match=r"1 pair\(s\) of items are never answered by the same respondent \(x1-x6\)"):
        res = cfa(data, MODEL, missing="fiml", estimator="MLR")
    assert "cfi.robust" in res.fit  # lavaan's generalised inverse skips the empty pair, so do we
