"""Invariants (hypothesis): row order, reference level, standardisation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_stats.models import LogitSettings, fit_logit
from tests.models.simulated import CONFIGS, simulate_firms

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PREDICTORS = ["configuration", "trust_shared", "firm_age"]


def _data(seed: int):
    return simulate_firms(90, np.random.default_rng(seed), model="M1")


@pytest.mark.slow
@SETTINGS
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 10_000), method=st.sampled_from(["ml", "firth"]))
def test_odds_ratios_do_not_depend_on_row_order(seed, perm_seed, method):
    df = _data(seed)
    shuffled = df.sample(frac=1.0, random_state=perm_seed)
    a = fit_logit(df, "crossed", PREDICTORS, categorical={"configuration": "survie"}, method=method)
    b = fit_logit(shuffled, "crossed", PREDICTORS, categorical={"configuration": "survie"}, method=method)
    np.testing.assert_allclose(a.coefficients["odds_ratio"], b.coefficients["odds_ratio"], rtol=1e-7)
    np.testing.assert_allclose(a.coefficients["ci_low"], b.coefficients["ci_low"], rtol=1e-6)
    np.testing.assert_allclose(a.lr_tests["statistic"], b.lr_tests["statistic"], rtol=1e-6, atol=1e-9)


@pytest.mark.slow
@SETTINGS
@given(seed=st.integers(0, 10_000), ref=st.sampled_from(CONFIGS), method=st.sampled_from(["ml", "firth"]),
       cluster=st.sampled_from([None, "dyad_id"]))
def test_configuration_test_does_not_depend_on_reference_level(seed, ref, method, cluster):
    df = _data(seed)
    if method == "firth":
        cluster = None
    base = fit_logit(df, "crossed", PREDICTORS, categorical={"configuration": "survie"}, method=method,
                     cluster=cluster)
    other = fit_logit(df, "crossed", PREDICTORS, categorical={"configuration": ref}, method=method, cluster=cluster)
    assert other.lr_tests.loc["configuration", "df"] == 3
    for column in ("statistic", "p", "lr_statistic", "wald_statistic"):
        assert other.lr_tests.loc["configuration", column] == pytest.approx(
            base.lr_tests.loc["configuration", column], rel=1e-6, abs=1e-9)
    # the fitted probabilities are the same model
    np.testing.assert_allclose(base.fitted, other.fitted, atol=1e-8)


@pytest.mark.slow
@SETTINGS
@given(seed=st.integers(0, 10_000), method=st.sampled_from(["ml", "firth"]))
def test_standardising_rescales_the_coefficient_exactly(seed, method):
    df = _data(seed)
    raw = fit_logit(df, "crossed", PREDICTORS, categorical={"configuration": "survie"}, method=method)
    std = fit_logit(df, "crossed", PREDICTORS, categorical={"configuration": "survie"}, method=method,
                    settings=LogitSettings(standardize=("trust_shared",)))
    sd = df["trust_shared"].std(ddof=1)
    s, r = std.coefficients, raw.coefficients
    assert s.loc["trust_shared", "coef"] == pytest.approx(r.loc["trust_shared", "coef"] * sd, rel=1e-7)
    assert s.loc["trust_shared", "se"] == pytest.approx(r.loc["trust_shared", "se"] * sd, rel=1e-6)
    assert s.loc["trust_shared", "p"] == pytest.approx(r.loc["trust_shared", "p"], rel=1e-6)
    others = [t for t in r.index if t not in ("trust_shared", "(Intercept)")]
    np.testing.assert_allclose(s.loc[others, "coef"], r.loc[others, "coef"], rtol=1e-6, atol=1e-9)
