"""Hypothesis tests: contrasts, one-sided p values, Holm, verdicts, typed errors, fast path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

import alliance_stats.models as models
from alliance_stats.core.errors import PlanError
from alliance_stats.models import (
    Hypothesis,
    MediationSettings,
    adjust_pvalues,
    fit_logit,
    hypotheses_table,
    hypothesis_weights,
    wald_tests,
)
from tests.models.simulated import simulate_firms

S = {"fr": "énoncé", "en": "statement"}
H1 = {"id": "H1", "statement": S, "model": "M1", "factor": "configuration",
      "contrast": {"plus": ["entraide", "parrainage"], "minus": ["survie", "contre_nature"]}}
H2 = {"id": "H2", "statement": S, "model": "M1", "contrast": {"plus": ["entraide"], "minus": ["survie"]}}
H3 = {"id": "H3", "statement": S, "model": "M3", "term": "trust_shared"}
H4 = {"id": "H4", "statement": S, "model": "M3", "term": "trust_constrained", "direction": "less"}
H5 = {"id": "H5", "statement": S, "model": "M3", "term": "firm_age", "direction": "two-sided", "confirmatory": False}


@pytest.fixture(scope="module")
def results():
    m1_data = simulate_firms(160, np.random.default_rng(31), model="M1")
    m3_data = simulate_firms(160, np.random.default_rng(32), model="M3")
    return {
        "M1": fit_logit(m1_data, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"},
                        cluster="dyad_id"),
        "M3": fit_logit(m3_data, "crossed", ["trust_shared", "trust_constrained", "firm_age"], cluster="dyad_id"),
        "M1f": fit_logit(m1_data, "crossed", ["configuration", "firm_age"],
                         categorical={"configuration": "contre_nature"}, method="firth"),
    }


def test_contrast_weights_include_the_reference_level(results):
    m1 = results["M1"]
    L = hypothesis_weights(Hypothesis(**H1), m1.terms, m1.design.factors)
    expected = pd.Series(0.0, index=m1.terms)
    expected["configuration[entraide]"] = 0.5
    expected["configuration[parrainage]"] = 0.5
    expected["configuration[contre_nature]"] = -0.5  # survie is the reference: coefficient 0
    np.testing.assert_allclose(L, expected.to_numpy())


def test_estimates_one_sided_p_and_holm(results):
    out = models.test_hypotheses(results, [H1, H2, H3, H4, H5]).frame
    m1, m3 = results["M1"], results["M3"]
    b, V = m1.params, m1.cov
    social = 0.5 * (b["configuration[entraide]"] + b["configuration[parrainage]"])
    est = social - 0.5 * b["configuration[contre_nature]"]  # survie: reference, 0
    L = hypothesis_weights(Hypothesis(**H1), m1.terms, m1.design.factors)
    se = np.sqrt(L @ V.to_numpy() @ L)
    assert out.loc["H1", "estimate"] == pytest.approx(est)
    assert out.loc["H1", "se"] == pytest.approx(se)
    assert out.loc["H1", "p"] == pytest.approx(stats.norm.sf(est / se))
    assert out.loc["H1", "odds_ratio"] == pytest.approx(np.exp(est))
    z4 = m3.coefficients.loc["trust_constrained", "z"]
    assert out.loc["H4", "p"] == pytest.approx(stats.norm.cdf(z4))  # "less": lower tail
    assert out.loc["H3", "p"] == pytest.approx(m3.coefficients.loc["trust_shared", "p"] / 2)
    assert out.loc["H5", "p"] == pytest.approx(m3.coefficients.loc["firm_age", "p"])  # two-sided
    confirmatory = ["H1", "H2", "H3", "H4"]
    expected = multipletests(out.loc[confirmatory, "p"].to_numpy(float), method="holm")[1]
    np.testing.assert_allclose(out.loc[confirmatory, "p_adjusted"], expected)
    assert np.isnan(out.loc["H5", "p_adjusted"]) and out.loc["H5", "verdict"] is None
    for h in confirmatory:
        padj = out.loc[h, "p_adjusted"]
        assert out.loc[h, "verdict"] == ("supported" if padj < 0.05 else "not supported")
    assert not out["verdict"].astype(str).str.contains("proven").any()
    assert out.loc["H3", "test"] == "Wald z (cluster-robust)"


def test_firth_model_uses_signed_root_penalised_lr_and_profile_interval(results):
    h = dict(H2, model="M1f")
    out = models.test_hypotheses(results, [h]).frame
    firth = results["M1f"]
    assert out.loc["H2", "test"] == "signed root of penalised LR"
    # entraide vs survie with contre_nature as the reference: difference of two coefficients
    est = firth.params["configuration[entraide]"] - firth.params["configuration[survie]"]
    assert out.loc["H2", "estimate"] == pytest.approx(est)
    assert out.loc["H2", "ci_low"] < est < out.loc["H2", "ci_high"]
    # a single coefficient: the model's penalised LR p halved in the hypothesised direction
    h_term = {"id": "T", "statement": S, "model": "M1f", "term": "configuration[entraide]"}
    one = models.test_hypotheses(results, [h_term]).frame
    p_two = firth.coefficients.loc["configuration[entraide]", "p"]
    sign = np.sign(firth.params["configuration[entraide]"])
    assert one.loc["T", "p"] == pytest.approx(p_two / 2 if sign > 0 else 1 - p_two / 2, rel=1e-6)
    assert np.log(one.loc["T", "or_ci_low"]) == pytest.approx(
        np.log(firth.coefficients.loc["configuration[entraide]", "ci_low"]))


def test_fast_path_equals_test_hypotheses(results):
    hyps = [Hypothesis(**h) for h in (H3, H4)]
    m3 = results["M3"]
    L = np.vstack([hypothesis_weights(h, m3.terms, m3.design.factors) for h in hyps])
    fast = wald_tests(m3.params.to_numpy(), m3.cov.to_numpy(), L, [h.direction for h in hyps])
    slow = models.test_hypotheses(results, hyps).frame
    np.testing.assert_allclose(fast["p"][0], slow["p"])
    np.testing.assert_allclose(fast["estimate"][0], slow["estimate"])


@pytest.mark.slow
def test_adjust_pvalues_batched_equals_multipletests():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=(20, 5)) ** 3
    p[3, 2] = np.nan
    adj = adjust_pvalues(p, "holm")
    for r in range(20):
        ok = np.isfinite(p[r])
        np.testing.assert_allclose(adj[r, ok], multipletests(p[r, ok], method="holm")[1])
    assert np.isnan(adj[3, 2])


@pytest.mark.parametrize(
    ("hyp", "needle"),
    [
        (dict(H3, term="trust_sharde"), "trust_sharde"),
        (dict(H3, model="M9"), "M9"),
        (dict(H1, contrast={"plus": ["entraide", "solidaire"], "minus": ["survie"]}), "solidaire"),
        (dict(H1, factor="sector"), "sector"),
        (dict(H1, model="M1", term="configuration", contrast=None, factor=None), "configuration"),
    ],
)
def test_unknown_targets_raise_plan_error_naming_them(results, hyp, needle):
    with pytest.raises(PlanError) as info:
        models.test_hypotheses(results, [hyp])
    assert needle in str(info.value)


def test_malformed_hypothesis(results):
    with pytest.raises(PlanError, match="H7"):
        models.test_hypotheses(results, [{"id": "H7", "statement": S, "model": "M1"}])
    with pytest.raises(PlanError, match="H3"):
        models.test_hypotheses(results, [H3, H3])


def test_hypotheses_table_localised(results):
    out = models.test_hypotheses(results, [H1, H3, H5])
    fr = hypotheses_table(out, "fr")
    verdicts = set(fr.frame["Verdict"])
    assert verdicts <= {"soutenue", "non soutenue", "exploratoire"} and "exploratoire" in verdicts
    assert "Holm" in fr.note


def test_mediation_hypothesis_reported_without_verdict(results):
    from alliance_stats.models import mediation

    m3 = results["M3"]
    data = m3.design.frame.assign(crossed=m3.design.y)
    data["LEARN"] = 0.5 * data["trust_shared"] + np.random.default_rng(1).normal(size=len(data))
    med = mediation(data, "trust_shared", "LEARN", "crossed", settings=MediationSettings(n_boot=200, seed=1))
    h5 = {"id": "H5", "statement": S, "model": "M3", "confirmatory": False, "direction": "two-sided",
          "mediation": {"x": "trust_shared", "mediator": "LEARN", "outcome": "crossed"}}
    out = models.test_hypotheses({**results, "H5": med}, [H3, h5]).frame
    assert out.loc["H5", "estimate"] == pytest.approx(med.indirect)
    assert out.loc["H5", "verdict"] is None and np.isnan(out.loc["H5", "p_adjusted"])
    assert out.loc["H3", "p_adjusted"] == pytest.approx(out.loc["H3", "p"])  # family of one
    with pytest.raises(PlanError, match="H5"):
        models.test_hypotheses(results, [h5])
    with pytest.raises(PlanError, match="exploratory"):
        models.test_hypotheses(results, [dict(h5, confirmatory=True)])
