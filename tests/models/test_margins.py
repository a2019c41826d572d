"""Average marginal effects and VIF tables (models/margins.py): statsmodels' get_margeff, a numeric derivative."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit

from alliance_stats.models import fit_logit
from alliance_stats.models.margins import ame_table, units_note, vif_table
from tests.models.simulated import simulate_firms


@pytest.fixture(scope="module")
def firms() -> pd.DataFrame:
    data = simulate_firms(250, np.random.default_rng(16), model="M1")
    data["social"] = data["configuration"].isin(["entraide", "parrainage"]).map({True: "yes", False: "no"})
    return data


def test_binary_factor_discrete_change_equals_statsmodels_dummy_margeff(firms) -> None:  # noqa: ANN001
    """With one 0/1 dummy, statsmodels' dummy effect (column set to 1, then 0) is the same discrete change."""
    res = fit_logit(firms, "crossed", ["social", "firm_age"], categorical={"social": "no"})
    X = pd.DataFrame({"const": 1.0, "social": (firms["social"] == "yes") * 1.0, "firm_age": firms["firm_age"]})
    sm_res = sm.Logit(firms["crossed"], X).fit(disp=0)
    marg = sm_res.get_margeff(at="overall", method="dydx", dummy=True)
    ame = res.marginal_effects()
    np.testing.assert_allclose(ame.loc[["social[yes]", "firm_age"], "ame"], marg.margeff, rtol=1e-6)
    np.testing.assert_allclose(ame.loc[["social[yes]", "firm_age"], "se"], marg.margeff_se, rtol=1e-4)


def test_configuration_ame_and_cluster_se_against_numeric_derivative(firms) -> None:  # noqa: ANN001
    """Four-level configuration: each AME is the mean change of the predicted probability (statsmodels' fit,
    counterfactual designs) and its SE the delta method with a central-difference gradient and statsmodels'
    dyad-cluster covariance."""
    res = fit_logit(firms, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"},
                    cluster="dyad_id")
    X = res.design.X
    sm_res = sm.Logit(res.design.y, X).fit(disp=0, cov_type="cluster",
                                           cov_kwds={"groups": pd.factorize(res.design.groups)[0]})
    beta0 = sm_res.params.to_numpy()
    ame = res.marginal_effects()
    for level in ("entraide", "parrainage", "contre_nature"):
        x_lev = res.design.counterfactual("configuration", level)
        x_ref = res.design.counterfactual("configuration", "survie")

        def f(beta: np.ndarray, x_lev: np.ndarray = x_lev, x_ref: np.ndarray = x_ref) -> float:
            return float(np.mean(expit(x_lev @ beta) - expit(x_ref @ beta)))

        grad = np.array([(f(beta0 + h) - f(beta0 - h)) / 2e-6 for h in np.eye(len(beta0)) * 1e-6])
        se = float(np.sqrt(grad @ sm_res.cov_params().to_numpy() @ grad))
        row = ame.loc[f"configuration[{level}]"]
        assert row["ame"] == pytest.approx(f(beta0), abs=1e-8)
        assert row["se"] == pytest.approx(se, rel=1e-4)


def test_tables_stack_models_in_both_languages_with_units(firms) -> None:  # noqa: ANN001
    results = {
        "M1": fit_logit(firms, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"}),
        "M3": fit_logit(firms, "crossed", ["trust_shared", "trust_constrained", "firm_age"]),
    }
    en, fr = ame_table(results, "en"), ame_table(results, "fr")
    assert len(en.frame) == 3 + 1 + 3
    assert list(en.frame["Model"]) == ["M1"] * 4 + ["M3"] * 3
    assert en.frame["AME"].iloc[0] == pytest.approx(results["M1"].marginal_effects()["ame"].iloc[0])
    assert "years" in en.note and "années" in fr.note
    vif = vif_table(results, "en")
    assert vif.key == "vif" and len(vif.frame) == 2 + 3
    assert vif.frame["GVIF"].to_numpy() == pytest.approx(
        np.r_[results["M1"].vif["gvif"].to_numpy(), results["M3"].vif["gvif"].to_numpy()])
    assert "Units" in vif.note and units_note(results, "fr").startswith("Unités")
