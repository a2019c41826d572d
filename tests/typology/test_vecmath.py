"""The EM's vectorisable ``exp`` and ``log`` (typology/cluster/vecmath.py) against the C library's, and the E-step
that uses them against the same E-step written with ``math.exp`` and ``math.log``."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from alliance_stats.typology.cluster import gmm
from alliance_stats.typology.cluster.vecmath import exp_nonpositive, log_normal


@numba.njit(error_model="numpy")
def _ours(x, which):  # noqa: ANN001, ANN202
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = exp_nonpositive(x[i]) if which == 0 else log_normal(x[i])
    return out


@numba.njit
def _libm(x, which):  # noqa: ANN001, ANN202
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = math.exp(x[i]) if which == 0 else math.log(x[i])
    return out


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.view(np.int64) - b.view(np.int64))  # same sign: the distance in representable numbers


def test_exp_within_one_ulp_of_the_c_library_on_its_domain():
    rng = np.random.default_rng(17)
    x = np.concatenate([-rng.exponential(3.0, 200_000), -rng.uniform(0, 708, 100_000), -rng.uniform(0, 1e-9, 10_000),
                        -np.abs(np.log(2) / 2 + rng.normal(0, 1e-12, 1_000)), [-0.0, -708.0, -1e-300, -5e-324]])
    ulps = _ulps(_ours(x, 0), _libm(x, 0))
    assert ulps.max() <= 1
    assert 0.0 < (ulps > 0).mean() < 0.2  # the two do differ, rarely
    assert _ours(np.array([0.0, -0.0]), 0).tolist() == [1.0, 1.0]  # exactly 1 at the largest density


def test_log_within_one_ulp_of_the_c_library():
    rng = np.random.default_rng(18)
    y = np.concatenate([1.0 + rng.exponential(1.0, 200_000), rng.uniform(1, 8, 100_000),
                        1 + rng.uniform(0, 1e-9, 10_000), np.exp(rng.uniform(-700, 700, 100_000)),
                        [1.0, 2.0, math.sqrt(2), 8.0, 2.2250738585072014e-308]])
    ulps = _ulps(_ours(y, 1), _libm(y, 1))
    assert ulps.max() <= 1
    assert _ours(np.array([1.0]), 1)[0] == 0.0


def _reference_e_step(xt: np.ndarray, w: np.ndarray, params: tuple, kind: int) -> tuple[float, np.ndarray]:
    """The E-step with numpy's C-library exp and log, point by point (scikit-learn's formulas)."""
    d, n = xt.shape
    k = len(params[0])
    factors = (np.zeros((k, d, d)), np.zeros(k), np.ones(k, dtype=bool), np.zeros((2, d, d)))
    gmm._precisions(params[2], kind, factors)
    prec, log_det = factors[0], factors[1]
    logp = np.empty((k, n))
    for j in range(k):
        y = np.einsum("in,ic->cn", xt - params[1][j][:, None], prec[j])
        logp[j] = log_det[j] + math.log(params[0][j]) - 0.5 * d * math.log(2 * math.pi) - 0.5 * (y * y).sum(axis=0)
    top = logp.max(axis=0)
    total = np.exp(logp - top).sum(axis=0)
    return float(((top + np.log(total)) * w).sum()), np.exp(logp - top) / total


@pytest.mark.parametrize("kind", [0, 1, 2, 3])
def test_e_step_agrees_with_the_c_library_version(kind):
    rng = np.random.default_rng(kind)
    n, k = 300, 5
    xt = np.concatenate([rng.normal(0, 1, (2, n - 100)), rng.normal(4, 0.5, (2, 100))], axis=1)
    xt[:, 0] = 40.0  # an outlier: its densities under the narrow components are below exp's range (the patch)
    xt = np.ascontiguousarray(xt)
    w = np.ones(n)
    start = np.concatenate([rng.integers(0, 3, n - 100), rng.integers(3, k, 100)])  # 3 wide, 2 narrow components
    resp = gmm._one_hot(start, k)
    params = (np.zeros(k), np.zeros((k, 2)), np.zeros((k, 2, 2)))
    gmm._m_step(xt, w, resp, kind, 1e-6, gmm._shared(xt, w), params)
    ours = np.empty((k, n))
    loglik, labels, finite = gmm._e_step(xt, w, params, kind, ours, gmm._work(k, n, 2), True)
    expected_loglik, expected_resp = _reference_e_step(xt, w, params, kind)
    assert finite
    assert (expected_resp < math.exp(-708)).any() == (kind != 1)  # the patch below exp's range is exercised
    assert loglik == pytest.approx(expected_loglik, rel=1e-13)
    np.testing.assert_allclose(ours, expected_resp, rtol=1e-13, atol=1e-300)
    np.testing.assert_array_equal(labels, expected_resp.argmax(axis=0))
