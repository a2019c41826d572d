"""fit_logit behaviour: method choice, warnings, marginal effects, predictions, tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit

from alliance_stats.core.table import Table
from alliance_stats.models import fit_logit, models_side_by_side
from tests.models.simulated import simulate_firms


@pytest.fixture(scope="module")
def m1_data() -> pd.DataFrame:
    return simulate_firms(200, np.random.default_rng(21), model="M1")


@pytest.fixture(scope="module")
def m1(m1_data):
    return fit_logit(m1_data, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"},
                     cluster="dyad_id")


def test_ame_continuous_equals_statsmodels_margeff(datasets):
    df = datasets["mtcars"]
    res = fit_logit(df, "am", ["wt", "hp"])
    sm_res = sm.Logit(df["am"], sm.add_constant(df[["wt", "hp"]])).fit(disp=0)
    marg = sm_res.get_margeff(at="overall", method="dydx")
    ame = res.marginal_effects()
    np.testing.assert_allclose(ame.loc[["wt", "hp"], "ame"], marg.margeff, rtol=1e-6)
    np.testing.assert_allclose(ame.loc[["wt", "hp"], "se"], marg.margeff_se, rtol=1e-4)


def test_ame_with_interaction_is_the_average_derivative(datasets):
    df = datasets["birthwt"]
    res = fit_logit(df, "low", ["lwt", "age"], interactions=[("lwt", "age")])
    b = res.params
    eta = res.design.X.to_numpy() @ b.to_numpy()
    p = expit(eta)
    expected = np.mean(p * (1 - p) * (b["lwt"] + b["lwt:age"] * df["age"].to_numpy()))
    assert res.marginal_effects().loc["lwt", "ame"] == pytest.approx(expected, rel=1e-10)


def test_ame_factor_level_delta_method_against_numerical_gradient(m1):
    ame = m1.marginal_effects()
    beta0 = m1.params.to_numpy()
    X_e = m1.design.counterfactual("configuration", "entraide")
    X_s = m1.design.counterfactual("configuration", "survie")

    def f(beta):
        return np.mean(expit(X_e @ beta) - expit(X_s @ beta))

    grad = np.array([(f(beta0 + h) - f(beta0 - h)) / 2e-6 for h in np.eye(len(beta0)) * 1e-6])
    se = np.sqrt(grad @ m1.cov.to_numpy() @ grad)
    assert ame.loc["configuration[entraide]", "ame"] == pytest.approx(f(beta0), rel=1e-12)
    assert ame.loc["configuration[entraide]", "se"] == pytest.approx(se, rel=1e-5)


def test_predict_by_averages_counterfactual_probabilities(m1, m1_data):
    pred = m1.predict_by("configuration")
    assert list(pred.index) == ["entraide", "parrainage", "survie", "contre_nature"]
    X = m1.design.counterfactual("configuration", "parrainage")
    assert pred.loc["parrainage", "probability"] == pytest.approx(expit(X @ m1.params.to_numpy()).mean())
    assert (pred["ci_low"] < pred["probability"]).all() and (pred["probability"] < pred["ci_high"]).all()
    assert pred["n"].sum() == len(m1_data)
    with pytest.raises(Exception, match="firm_age"):
        m1.predict_by("firm_age")


def test_clustered_standard_errors_differ_from_naive(m1_data, m1):
    naive = fit_logit(m1_data, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"})
    np.testing.assert_allclose(naive.coefficients["coef"], m1.coefficients["coef"], rtol=1e-10)
    ratio = m1.coefficients["se"] / naive.coefficients["se"]
    assert not np.allclose(ratio, 1.0, atol=0.01)
    # dyad-level predictors shared by both firms: the naive SE understate the uncertainty
    assert ratio["configuration[entraide]"] > 1.05
    assert m1.lr_tests.loc["configuration", "df"] == 3
    assert m1.lr_tests.loc["configuration", "test"] == "Wald (cluster-robust)"
    assert np.isfinite(m1.lr_tests.loc["configuration", "lr_statistic"])


def test_auto_uses_firth_when_events_per_parameter_is_low():
    df = simulate_firms(30, np.random.default_rng(4), model="M3")
    res = fit_logit(df, "crossed", ["trust_shared", "trust_constrained", "firm_age"], method="auto")
    assert res.fit_stats["events_per_parameter"] < 10
    assert res.method == "firth" and "events per parameter" in res.method_reason
    big = simulate_firms(300, np.random.default_rng(4), model="M3")
    res = fit_logit(big, "crossed", ["trust_shared", "trust_constrained", "firm_age"], method="auto")
    assert res.method == "ml" and "no separation" in res.method_reason


def test_sparse_cell_and_epv_warnings(m1_data):
    df = m1_data.copy()
    idx = df.index[df["configuration"] == "contre_nature"][4:]
    df = df.drop(index=idx)
    res = fit_logit(df, "crossed", ["configuration"], categorical={"configuration": "survie"}, method="ml")
    assert any("sparse cell" in w and "contre_nature" in w for w in res.warnings)


def test_collinearity_warning():
    rng = np.random.default_rng(8)
    x = rng.normal(size=400)
    df = pd.DataFrame({"x": x, "x2": x + rng.normal(scale=0.05, size=400)})
    df["y"] = (rng.uniform(size=400) < expit(0.5 * df["x"])).astype(int)
    res = fit_logit(df, "y", ["x", "x2"])
    assert any("collinearity" in w and "'x'" in w for w in res.warnings)
    assert res.vif.loc["x", "gvif"] > 10


def test_quasi_separation_by_a_configuration_under_ml_and_firth(m1_data):
    df = m1_data.copy()
    df.loc[df["configuration"] == "entraide", "crossed"] = 1
    ml = fit_logit(df, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"},
                   method="ml", cluster="dyad_id")
    assert ml.separation.directions == {"configuration[entraide]": 1}
    assert np.isnan(ml.coefficients.loc["configuration[entraide]", "odds_ratio"])
    assert any("configuration[entraide]" in w and "predictor 'configuration'" in w and "firth" in w
               for w in ml.warnings)
    assert ml.to_tables()["logit"].frame.iloc[:, 0].max() < 1e3
    side = models_side_by_side({"M1": ml}, "en")
    assert "\u2014" in side.frame["M1"].tolist()
    firth = fit_logit(df, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"},
                      method="auto")
    assert firth.method == "firth"
    assert 1 < firth.coefficients.loc["configuration[entraide]", "odds_ratio"] < 1e3
    assert np.isfinite(firth.coefficients.loc["configuration[entraide]", "ci_low"])


def test_tables_in_french_and_english(m1):
    fr = m1.table("logit", "fr")
    assert isinstance(fr, Table) and fr.lang == "fr"
    assert "Configuration: Entraide (réf. Survie)" in fr.frame.index
    assert "RC" in fr.frame.columns and fr.formats["RC"] == "f2"
    assert "dyad_id" in fr.note and "Survie" in fr.note
    en = m1.to_tables("en")
    assert set(en) == {"logit", "logit_tests", "logit_fit", "logit_predicted_configuration"}
    assert en["logit_tests"].frame.loc["Configuration", "df"] == 3
    assert np.isfinite(en["logit_tests"].frame.loc["Configuration", "p"])
    tests_fr = m1.to_tables("fr")["logit_tests"].frame
    assert list(tests_fr.columns) == ["Test", "Khi-deux", "ddl", "p"]  # no English "df" in French tables
    assert tests_fr.loc["Configuration", "ddl"] == 3
    fit_fr = m1.to_tables("fr")["logit_fit"].frame
    assert fit_fr.loc["N"].iloc[0] == str(int(m1.fit_stats["n"]))
    assert "," in fit_fr.loc["AIC"].iloc[0]


def test_models_side_by_side(m1_data, m1):
    m3 = fit_logit(m1_data, "crossed", ["trust_shared", "trust_constrained", "firm_age"], cluster="dyad_id")
    table = models_side_by_side({"M1": m1, "M3": m3}, "fr", stars=True)
    assert list(table.frame.columns) == ["M1", "M3"]
    cell = table.frame.loc["Confiance partagée", "M3"]
    or_ = m3.coefficients.loc["trust_shared", "odds_ratio"]
    assert cell.startswith(f"{or_:.2f}".replace(".", ",")) and " ; " in cell
    assert table.frame.loc["Confiance partagée", "M1"] == ""
    assert table.frame.loc["N", "M1"] == str(len(m1_data))
    assert table.frame.index[-1] == "Estimation"
    en = models_side_by_side({"M1": m1, "M3": m3}, "en")
    assert "[" in en.frame.loc["Shared trust", "M3"] and "*" not in en.frame.loc["Shared trust", "M3"]
