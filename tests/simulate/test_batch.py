"""Batched logistic fits equal statsmodels'; RMSEA power equals semTools'."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from alliance_stats.models.kernel import logit_batch
from alliance_stats.power import rmsea_power, rmsea_sample_size

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "simulate" / "rmsea_power.json"


def _replicates(R: int, n: int, seed: int, beta=(-0.3, 0.8, -0.5, 0.4)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, size=(R, n))
    x = rng.normal(size=(R, n))
    X = np.stack([np.ones((R, n)), x, group == 1, group == 2], axis=2).astype(float)
    y = (rng.random((R, n)) < expit(X @ np.asarray(beta))).astype(float)
    return X, y


def test_batch_equals_statsmodels_on_every_replicate():
    X, y = _replicates(300, 120, seed=11)
    fit = logit_batch(X, y)
    checked = 0
    for r in range(X.shape[0]):
        if fit.separated[r]:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sm.Logit(y[r], X[r]).fit(disp=0, method="newton", maxiter=100, tol=1e-12)
        np.testing.assert_allclose(fit.coef[r], ref.params, atol=1e-6, rtol=0)
        np.testing.assert_allclose(fit.se[r], ref.bse, atol=1e-6, rtol=0)
        np.testing.assert_allclose(fit.loglik[r], ref.llf, atol=1e-6)
        checked += 1
    assert checked >= 290
    assert fit.converged[~fit.separated].all()


def test_complete_separation_is_flagged():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 60))
    y = (x > 0).astype(float)
    y[1] = rng.random(60) < 0.5  # the second replicate is not separated
    X = np.stack([np.ones_like(x), x], axis=2)
    fit = logit_batch(X, y)
    assert fit.separated.tolist() == [True, False]
    assert np.isnan(fit.se[0]).all()
    assert np.isfinite(fit.se[1]).all()


def test_quasi_separation_is_flagged():
    rng = np.random.default_rng(5)
    n = 80
    g = np.repeat([0, 1], n // 2).astype(float)
    y = (rng.random(n) < 0.5).astype(float)
    y[g == 1] = 1.0  # every firm of group 1 has the event: quasi-separation
    X = np.stack([np.ones(n), g], axis=1)[None]
    assert logit_batch(X, y[None]).separated[0]


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_replicate_order_does_not_matter(seed):
    X, y = _replicates(12, 80, seed)
    perm = np.random.default_rng(seed).permutation(12)
    a, b = logit_batch(X, y), logit_batch(X[perm], y[perm])
    np.testing.assert_allclose(a.coef[perm], b.coef, atol=1e-9)
    assert (a.separated[perm] == b.separated).all()


def test_bad_shapes():
    with pytest.raises(ValueError):
        logit_batch(np.ones((3, 4)), np.ones((3, 4)))


def test_rmsea_power_matches_semtools():
    ref = json.loads(FIX.read_text())
    assert ref["semTools"] == "0.5.6"
    for row in ref["power"]:
        ours = rmsea_power(row["df"], row["n"], row["rmsea0"], row["rmsea_a"], row["alpha"])
        assert ours == pytest.approx(row["power"], abs=1e-9), row
    for row in ref["sample_size"]:
        assert rmsea_sample_size(row["df"], row["power"], row["rmsea0"], row["rmsea_a"], row["alpha"]) == row["n"]
