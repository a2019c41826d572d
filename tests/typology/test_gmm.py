"""The compiled EM of the cluster check gives the numpy batched EM's BIC, labels and convergence (the numpy
version it replaced, kept in tests/typology/numpy_gmm_reference.py), on power replicates and on degenerate data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alliance_stats.typology.cluster import gmm
from alliance_stats.typology.cluster.batch import kmeans_batch
from alliance_stats.typology.cluster.gmm import gmm_bic_batch
from tests.typology.numpy_gmm_reference import numpy_gmm_bic_batch


def _padded(sets):
    n = max(len(z) for z in sets)
    x = np.zeros((len(sets), n, sets[0].shape[1]))
    w = np.zeros((len(sets), n))
    for r, z in enumerate(sets):
        x[r, : len(z)], w[r, : len(z)] = z, 1.0
    return x, w


@pytest.mark.parametrize("d", [2, 3])
def test_compiled_em_equals_the_numpy_em(d):
    rng = np.random.default_rng(20261205 + d)
    centres = rng.normal(0, 3, (4, d))
    sets = [centres[rng.integers(0, 4, n)] + rng.normal(0, 1, (n, d)) for n in rng.integers(30, 120, 12)]
    x, w = _padded(sets)
    for k in (1, 2, 3, 5, 8):
        init = np.zeros(w.shape, dtype=int) if k == 1 else kmeans_batch(x, k, n_init=1, seed=3, weights=w)[0]
        for covariance_type in ("spherical", "diag", "tied", "full"):
            bic, labels, converged = gmm_bic_batch(x, w, init, k, covariance_type)
            ref_bic, ref_labels, ref_converged = numpy_gmm_bic_batch(x, w, init, k, covariance_type)
            np.testing.assert_allclose(bic, ref_bic, rtol=1e-10)
            np.testing.assert_array_equal(labels[w > 0], ref_labels[w > 0])
            np.testing.assert_array_equal(converged, ref_converged)


def test_a_singular_covariance_gives_an_infinite_bic_as_in_numpy():
    x = np.array([[[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [3.0, 1.0], [0.0, 0.0]]])
    w = np.ones((1, 6))
    init = np.array([[0, 0, 1, 1, 1, 0]])
    for covariance_type in ("spherical", "diag", "tied", "full"):
        bic, _, _ = gmm_bic_batch(x, w, init, 2, covariance_type, reg_covar=0.0)
        ref_bic, _, _ = numpy_gmm_bic_batch(x, w, init, 2, covariance_type, reg_covar=0.0)
        assert np.isinf(bic[0]) == np.isinf(ref_bic[0])
    assert np.isinf(gmm_bic_batch(x, w, init, 2, "full", reg_covar=0.0)[0][0])


def _exact_m_step(xt, w, resp, kind, reg):
    """scikit-learn's M-step with correctly rounded sums (math.fsum), for the accuracy of the compiled one."""
    d = xt.shape[0]
    k = resp.shape[0]
    rw = resp * w
    nk = np.array([math.fsum(rw[j]) for j in range(k)]) + 10 * np.finfo(float).eps
    means = np.array([[math.fsum(rw[j] * xt[a]) for a in range(d)] for j in range(k)]) / nk[:, None]
    if kind == 1:  # tied
        wxx = np.array([[math.fsum(w * xt[a] * xt[b]) for b in range(d)] for a in range(d)])
        cov = (wxx - (nk[:, None, None] * means[:, :, None] * means[:, None, :]).sum(axis=0)) / nk.sum()
        return nk / w.sum(), means, (cov + reg * np.eye(d))[None]
    if kind == 0:  # full
        centred = xt[None] - means[:, :, None]
        cov = np.array([[[math.fsum(rw[j] * centred[j, a] * centred[j, b]) for b in range(d)] for a in range(d)]
                        for j in range(k)]) / nk[:, None, None]
        return nk / w.sum(), means, cov + reg * np.eye(d)
    var = np.array([[math.fsum(rw[j] * xt[a] * xt[a]) for a in range(d)] for j in range(k)]) / nk[:, None]
    var = var - means**2 + reg
    if kind == 3:  # spherical: the one variance, in cov[j, 0, 0]
        return nk / w.sum(), means, var.mean(axis=1)
    return nk / w.sum(), means, np.array([np.diag(v) for v in var])


@pytest.mark.parametrize("d", [2, 3])
@pytest.mark.parametrize("kind", [0, 1, 2, 3])
def test_the_m_steps_vectorised_sums_are_as_accurate_as_sequential_ones(d, kind):
    """The M-step's sums are reordered by the compiler (vector lanes): on 1,003 points (not a multiple of any vector
    width) away from the origin, weights, means and covariances agree with correctly rounded sums to 1e-13."""
    rng = np.random.default_rng(17 + 4 * d + kind)
    n, k = 1003, 4
    xt = np.ascontiguousarray(rng.normal(5.0, 2.0, (d, n)))
    w = (rng.random(n) > 0.1).astype(float)  # padding rows among the points
    resp = rng.random((k, n))
    resp /= resp.sum(axis=0)
    params = (np.zeros(k), np.zeros((k, d)), np.zeros((k, d, d)))
    gmm._m_step(xt, w, resp, kind, 1e-6, gmm._shared(xt, w), params)
    weights, means, cov = _exact_m_step(xt, w, resp, kind, 1e-6)
    np.testing.assert_allclose(params[0], weights, rtol=1e-13)
    np.testing.assert_allclose(params[1], means, rtol=1e-13)
    fitted = params[2][:, 0, 0] if kind == 3 else params[2][: cov.shape[0]]
    np.testing.assert_allclose(fitted, cov, rtol=1e-12, atol=1e-13 * np.abs(cov).max())
