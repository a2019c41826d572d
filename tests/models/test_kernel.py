"""The logistic kernel (models/kernel.py): batched ML and Firth fits against statsmodels, firthmodels and brglm2.

Moved from tests/simulate/test_batch.py and the batched-fit part of tests/simulate/test_power.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from alliance_stats.models.kernel import cluster_sandwich, firth_batch, logit_batch, logit_covariance


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


# ------------------------------------------------------------------------------ batched fits vs references


def _dyadic_replicates(R, n_dyads, seed):
    rng = np.random.default_rng(seed)
    n = 2 * n_dyads
    groups = np.repeat(np.arange(n_dyads), 2)[None].repeat(R, axis=0)
    shared = rng.normal(size=(R, n_dyads)).repeat(2, axis=1)
    x = rng.normal(size=(R, n)) + shared
    level = rng.integers(0, 3, size=(R, n))
    X = np.stack([np.ones((R, n)), x, level == 1, level == 2], axis=2).astype(float)
    y = (rng.random((R, n)) < expit(-0.3 + 0.5 * x + 0.8 * shared - 0.4 * (level == 2))).astype(float)
    return X, y, groups


def test_clustered_se_equals_statsmodels_on_every_replicate():
    X, y, groups = _dyadic_replicates(250, 60, seed=3)
    fit = logit_batch(X, y, groups=groups)
    checked = 0
    for r in range(len(X)):
        if fit.separated[r]:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sm.Logit(y[r], X[r]).fit(disp=0, method="newton", maxiter=100, tol=1e-12, cov_type="cluster",
                                           cov_kwds={"groups": groups[r]})
        np.testing.assert_allclose(fit.coef[r], ref.params, atol=1e-6, rtol=0)
        np.testing.assert_allclose(fit.se[r], ref.bse, atol=1e-6, rtol=0)
        np.testing.assert_allclose(fit.cov[r], ref.cov_params(), atol=1e-6, rtol=0)
        checked += 1
    assert checked >= 245


def test_padded_replicates_equal_statsmodels_on_their_own_rows():
    X, y, groups = _dyadic_replicates(200, 60, seed=4)
    rng = np.random.default_rng(5)
    sizes = rng.integers(70, 121, size=len(X))
    weights = (np.arange(X.shape[1])[None] < sizes[:, None]).astype(float)
    garbage = rng.normal(size=X.shape) * 100  # padded rows hold anything: weight 0 must ignore them
    Xp = np.where(weights[..., None] > 0, X, garbage)
    plain = logit_batch(Xp, y, weights=weights)
    clustered = logit_batch(Xp, y, weights=weights, groups=groups)
    for r in range(len(X)):
        if plain.separated[r]:
            continue
        k = sizes[r]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sm.Logit(y[r, :k], X[r, :k]).fit(disp=0, method="newton", maxiter=100, tol=1e-12)
            ref_cl = sm.Logit(y[r, :k], X[r, :k]).fit(disp=0, method="newton", maxiter=100, tol=1e-12,
                                                       cov_type="cluster", cov_kwds={"groups": groups[r, :k]})
        np.testing.assert_allclose(plain.coef[r], ref.params, atol=1e-6, rtol=0)
        np.testing.assert_allclose(plain.se[r], ref.bse, atol=1e-6, rtol=0)
        np.testing.assert_allclose(plain.loglik[r], ref.llf, atol=1e-6)
        np.testing.assert_allclose(clustered.se[r], ref_cl.bse, atol=1e-6, rtol=0)


def test_grouped_binomial_equals_ungrouped_fit():
    rng = np.random.default_rng(6)
    R, n = 200, 150
    level = rng.integers(0, 4, size=(R, n))
    X = np.stack([np.ones((R, n))] + [(level == j) for j in (1, 2, 3)], axis=2).astype(float)
    y = (rng.random((R, n)) < expit(-0.5 + 0.4 * level)).astype(float)
    full = logit_batch(X, y)
    Xg = np.broadcast_to(np.vstack([np.ones(4), np.eye(4)[1:]]).T, (R, 4, 4)).copy()
    counts = np.stack([(level == j).sum(axis=1) for j in range(4)], axis=1).astype(float)
    events = np.stack([(y * (level == j)).sum(axis=1) for j in range(4)], axis=1)
    grouped = logit_batch(Xg, events / counts, weights=counts)
    ok = ~full.separated
    np.testing.assert_allclose(grouped.coef[ok], full.coef[ok], atol=1e-8)
    np.testing.assert_allclose(grouped.se[ok], full.se[ok], atol=1e-8)
    np.testing.assert_allclose(grouped.loglik[ok], full.loglik[ok], atol=1e-8)
    firth_full = firth_batch(X[:50], y[:50])
    firth_grouped = firth_batch(Xg[:50], events[:50] / counts[:50], weights=counts[:50])
    np.testing.assert_allclose(firth_grouped.coef, firth_full.coef, atol=1e-8)
    np.testing.assert_allclose(firth_grouped.loglik_penalised, firth_full.loglik_penalised, atol=1e-8)


def test_firth_batch_equals_firthmodels_and_the_nested_lr_test():
    """The kernel's Firth fit against firthmodels (itself checked against brglm2) and a hand-written restricted
    fit of logistf's nested convention (Fisher scoring in the null-space parametrisation, one data set)."""
    from firthmodels import FirthLogisticRegression

    rng = np.random.default_rng(7)
    R, n = 40, 45
    x = rng.normal(size=(R, n))
    g = rng.integers(0, 2, size=(R, n))
    X = np.stack([np.ones((R, n)), x, g], axis=2).astype(float)
    y = (rng.random((R, n)) < expit(-0.2 + 1.2 * x + 0.6 * g)).astype(float)
    y[0] = (x[0] > 0).astype(float)  # a separated replicate: Firth stays finite
    L = np.array([[0.0, 1.0, -0.5]])
    full = firth_batch(X, y)
    restricted = firth_batch(X, y, constraints=L, start=full.coef)
    assert full.converged.all() and restricted.converged.all()
    for r in range(R):
        ref = FirthLogisticRegression(fit_intercept=False, max_iter=200, gtol=1e-10, xtol=1e-10,
                                      backend="numpy").fit(X[r], y[r])
        np.testing.assert_allclose(full.coef[r], ref.coef_, atol=1e-6)
        p = expit(X[r] @ full.coef[r])
        info = X[r].T @ (X[r] * (p * (1 - p))[:, None])
        np.testing.assert_allclose(full.se[r], np.sqrt(np.diag(np.linalg.inv(info))), atol=1e-10)
        ours = max(0.0, 2 * (full.loglik_penalised[r] - restricted.loglik_penalised[r]))
        assert ours == pytest.approx(2 * (full.loglik_penalised[r] - _nested_penalised(X[r], y[r], L)), abs=1e-6)
        np.testing.assert_allclose(L @ restricted.coef[r], 0.0, atol=1e-10)


def _penalised_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    eta = X @ beta
    p = expit(eta)
    _, logdet = np.linalg.slogdet(X.T @ (X * (p * (1 - p))[:, None]))
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)) + 0.5 * logdet)


def _nested_penalised(X: np.ndarray, y: np.ndarray, L: np.ndarray) -> float:
    """Maximum penalised log-likelihood under ``L beta = 0`` by scipy's optimiser on the null space."""
    from scipy import optimize
    from scipy.linalg import null_space

    N = null_space(L)
    res = optimize.minimize(lambda g: -_penalised_loglik(X, y, N @ g), np.zeros(N.shape[1]), method="BFGS",
                            options={"gtol": 1e-10})
    return -float(res.fun)


def test_constrained_firth_fit_reaches_the_constraint_value():
    rng = np.random.default_rng(9)
    X = np.stack([np.ones(80), rng.normal(size=80)], axis=1)[None]
    y = (rng.random((1, 80)) < expit(0.3 + X[0, :, 1]))[None][0].astype(float)
    fit = firth_batch(X, y, constraints=np.array([[0.0, 1.0]]), constraint_values=np.array([0.7]))
    assert fit.converged[0]
    assert fit.coef[0, 1] == pytest.approx(0.7, abs=1e-12)
    free = firth_batch(X, y)
    assert fit.loglik_penalised[0] <= free.loglik_penalised[0]


def test_logit_covariance_equals_the_fit_and_the_sandwich():
    X, y, groups = _dyadic_replicates(5, 40, seed=12)
    fit = logit_batch(X, y, groups=groups)
    plain = logit_batch(X, y)
    model, robust = logit_covariance(X, y, fit.coef, groups=groups)
    ok = ~fit.separated
    np.testing.assert_allclose(robust[ok], fit.cov[ok], rtol=1e-12)
    np.testing.assert_allclose(model[ok], plain.cov[ok], rtol=1e-8)
    again = cluster_sandwich(X, y - expit(np.einsum("rnp,rp->rn", X, fit.coef)), model, groups)
    np.testing.assert_allclose(again[ok], robust[ok], rtol=1e-12)



def _fisher_scoring_reference(X: np.ndarray, y: np.ndarray, w: np.ndarray, N: np.ndarray) -> tuple[np.ndarray, float]:
    """One data set's Firth fit under ``beta = N gamma`` by plain numpy Fisher scoring with step halving (the rule
    of models/firth_scoring.py, written with numpy's inverse and log-determinant)."""

    def penalised(beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        eta = X @ beta
        mu = expit(eta)
        info = X.T @ (X * (w * mu * (1 - mu))[:, None])
        sign, logdet = np.linalg.slogdet(info)
        return float(np.sum(w * (y * eta - np.logaddexp(0.0, eta))) + 0.5 * logdet), mu, info

    gamma = np.zeros(N.shape[1])
    pll, mu, info = penalised(N @ gamma)
    for _ in range(200):
        hat = w * mu * (1 - mu) * np.einsum("ij,jk,ik->i", X, np.linalg.inv(info), X)
        step = np.linalg.solve(N.T @ info @ N, N.T @ X.T @ (w * (y - mu) + hat * (0.5 - mu)))
        step *= min(1.0, 5.0 / max(np.abs(step).max(), 1e-300))
        factor = 1.0
        while penalised(N @ (gamma + factor * step))[0] < pll - 1e-12 * max(1.0, abs(pll)):
            factor /= 2.0
        gamma = gamma + factor * step
        pll, mu, info = penalised(N @ gamma)
        if np.abs(factor * step).max() < 1e-10:
            break
    return N @ gamma, pll


def test_compiled_firth_loop_equals_a_numpy_fisher_scoring_reference():
    """firth_batch's compiled loop (models/firth_scoring.py) against plain numpy, with padding rows of weight 0,
    grouped weights and a constraint: same estimates and penalised log-likelihood to 1e-10."""
    from scipy.linalg import null_space

    rng = np.random.default_rng(21)
    R, n = 12, 50
    X = np.stack([np.ones((R, n)), rng.normal(size=(R, n)), rng.integers(0, 2, size=(R, n))], axis=2).astype(float)
    y = (rng.random((R, n)) < expit(-0.5 + X[..., 1] + 0.8 * X[..., 2])).astype(float)
    y[0] = (X[0, :, 1] > 0).astype(float)  # separated
    w = rng.integers(1, 4, size=(R, n)).astype(float)
    w[:, -7:] = 0.0  # padding
    L = np.array([[0.0, 1.0, -1.0]])
    for constraints, N in ((None, np.eye(3)), (L, null_space(L))):
        fit = firth_batch(X, y, weights=w, constraints=constraints)
        assert fit.converged.all()
        for r in range(R):
            coef, pll = _fisher_scoring_reference(X[r], y[r], w[r], N)
            np.testing.assert_allclose(fit.coef[r], coef, atol=1e-10)
            assert fit.loglik_penalised[r] == pytest.approx(pll, abs=1e-10)
