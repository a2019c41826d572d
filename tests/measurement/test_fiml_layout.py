"""FIML from the full inverse (issue 17, ``alliance_stats.measurement.cfa.fiml``): each pattern's inverse and
log-determinant by the Schur complement of the missing block, the sums over patterns in closed form, give the
numbers of the per-pattern inverses (the engine before it) to 1e-10.

The references below are the per-pattern computations of the engine and of ``robust`` before issue 17 (commit
c891c34), on HolzingerSwineford1939 with 12 % of the answers blanked at random (patterns missing one to four
items) and on a data set where some rows miss half of the items.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement.cfa import engine, fiml, robust

DATA = "tests/fixtures/measurement/holzinger_swineford_1939.csv"


def _blanked(rate: float = 0.12, seed: int = 17) -> np.ndarray:
    values = pd.read_csv(DATA)[[f"x{i}" for i in range(1, 10)]].to_numpy(float)
    values[np.random.default_rng(seed).random(values.shape) < rate] = np.nan
    return values[~np.isnan(values).all(axis=1)]


def _half_missing() -> np.ndarray:
    rng = np.random.default_rng(5)
    values = rng.multivariate_normal(np.zeros(12), 0.5 * np.eye(12) + 0.5, size=400)
    rows = rng.random(400) < 0.3
    values[rows] = np.where(rng.random((rows.sum(), 12)) < 0.5, np.nan, values[rows])
    return values[~np.isnan(values).all(axis=1)]


def _moments(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A positive-definite Sigma and a mu near the data's, not the EM optimum (so that gradients are not 0)."""
    mu = np.nanmean(values, axis=0) + 0.1
    sigma = np.diag(np.nanvar(values, axis=0)) * 1.2 + 0.3 * np.sqrt(np.outer(*[np.nanvar(values, axis=0)] * 2))
    return sigma, mu


def _reference_terms(patterns: list, sigma: np.ndarray, mu: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """-2 log L, W and nu pattern by pattern, as the engine before issue 17."""
    p = mu.size
    value, w, nu = 0.0, np.zeros((p, p)), np.zeros(p)
    for pat in patterns:
        o = pat.observed
        inv = np.linalg.inv(sigma[pat.block])
        d = pat.mean - mu[o]
        value += pat.n * (np.linalg.slogdet(sigma[pat.block])[1] + np.sum(inv * pat.cov) + d @ inv @ d
                          + o.size * engine.LOG_2PI)
        p_mat = inv @ (pat.cov + np.outer(d, d)) @ inv
        w[pat.block] += pat.n * (inv - p_mat)
        nu[o] += pat.n * (inv @ d)
    return value, w, nu


def _reference_scores(patterns: list, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    p = mu.size
    rows, cols = robust.vech_indices(p)
    out = np.zeros((sum(pat.n for pat in patterns), p + rows.size))
    start = 0
    for pat in patterns:
        o = pat.observed
        inv = np.zeros((p, p))
        inv[pat.block] = np.linalg.inv(sigma[pat.block])
        u = np.zeros((pat.n, p))
        u[:, o] = (pat.data - mu[o]) @ inv[pat.block]
        out[start:start + pat.n, :p] = u
        out[start:start + pat.n, p:] = np.where(rows == cols, 0.5, 1.0) * (u[:, rows] * u[:, cols] - inv[rows, cols])
        start += pat.n
    return out


def _reference_information_h1(patterns: list, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    p = mu.size
    rows, cols = robust.vech_indices(p)
    size = p + rows.size
    info = np.zeros((size, size))
    vec_inv, vec_q, counts = [], [], []
    for pat in patterns:
        inv = np.zeros((p, p))
        inv[pat.block] = np.linalg.inv(sigma[pat.block])
        u = (pat.data - mu[pat.observed]) @ inv[pat.block]
        q = np.zeros((p, p))
        q[pat.block] = u.T @ u
        s = np.zeros(p)
        s[pat.observed] = u.sum(axis=0)
        info[:p, :p] += pat.n * inv
        info[:p, p:] += inv[:, rows] * s[cols] + np.where(rows != cols, inv[:, cols] * s[rows], 0.0)
        vec_inv.append(inv.ravel())
        vec_q.append(q.ravel())
        counts.append(pat.n)
    info[p:, :p] = info[:p, p:].T
    vi, vq, n = np.array(vec_inv), np.array(vec_q), np.array(counts, dtype=float)

    def pairs(products: np.ndarray) -> np.ndarray:
        a, b, c, d = rows[:, None], cols[:, None], rows[None, :], cols[None, :]

        def k(x, y, z, w):  # noqa: ANN001, ANN202
            return products[x * p + y, z * p + w]

        return (k(b, c, d, a) + k(b, d, c, a) + k(a, c, d, b) + k(a, d, c, b)) * np.where(a == b, 0.5, 1.0) \
            * np.where(c == d, 0.5, 1.0)

    info[p:, p:] = pairs(vi.T @ vq) - 0.5 * pairs((vi * n[:, None]).T @ vi)
    return info


def _close(mine: np.ndarray, theirs: np.ndarray) -> None:
    np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-10 * np.abs(theirs).max())


@pytest.mark.parametrize("make", [_blanked, _half_missing])
def test_fiml_terms_equal_the_per_pattern_inverses(make):
    values = make()
    data = engine.group_data_missing("all", values)
    sigma, mu = _moments(values)
    terms = fiml.evaluate(data.layout, sigma, mu)
    value, w, nu = _reference_terms(data.patterns, sigma, mu)
    assert terms.value == pytest.approx(value, rel=1e-12)
    _close(terms.w(), w)
    _close(terms.nu(), nu)
    assert max(block.missing.shape[1] for block in data.layout.blocks) >= 4


@pytest.mark.parametrize("make", [_blanked, _half_missing])
def test_casewise_scores_and_saturated_information_equal_the_per_pattern_ones(make):
    values = make()
    data = engine.group_data_missing("all", values)
    sigma, mu = _moments(values)
    _close(robust.casewise_scores(data.patterns, mu, sigma), _reference_scores(data.patterns, mu, sigma))
    _close(robust.observed_information_h1(data.patterns, mu, sigma),
           _reference_information_h1(data.patterns, mu, sigma))


def test_em_step_equals_the_per_pattern_regressions():
    values = _half_missing()
    data = engine.group_data_missing("all", values)
    sigma, mu = _moments(values)
    n, p = values.shape
    t1, t2 = np.zeros(p), np.zeros((p, p))
    for pat in data.patterns:  # the EM step before issue 17
        o, m = pat.observed, np.setdiff1d(np.arange(p), pat.observed)
        beta = sigma[np.ix_(m, o)] @ np.linalg.inv(sigma[pat.block])
        filled = np.empty((pat.n, p))
        filled[:, o] = pat.data
        filled[:, m] = mu[m] + (pat.data - mu[o]) @ beta.T
        t1 += filled.sum(axis=0)
        t2 += filled.T @ filled
        t2[np.ix_(m, m)] += pat.n * (sigma[np.ix_(m, m)] - beta @ sigma[np.ix_(o, m)])
    mean, cov = fiml.em_step(data.layout, mu, sigma)
    _close(mean, t1 / n)
    _close(cov, t2 / n - np.outer(t1 / n, t1 / n))


def test_a_covariance_matrix_that_is_not_positive_definite_has_no_likelihood():
    values = _blanked()
    data = engine.group_data_missing("all", values)
    sigma, mu = _moments(values)
    sigma[0, 1] = sigma[1, 0] = 2.0 * np.sqrt(sigma[0, 0] * sigma[1, 1])
    assert fiml.evaluate(data.layout, sigma, mu) is None


@pytest.mark.parametrize("p", [3, 9, 53, 64, 65, 130])
def test_unique_patterns_keep_numpys_order(p):
    rng = np.random.default_rng(p)
    for rate in (0.05, 0.5):
        observed = rng.random((2000, p)) > rate
        keys, inverse, counts = np.unique(observed, axis=0, return_inverse=True, return_counts=True)
        mine = fiml.unique_patterns(observed)
        assert np.array_equal(mine[0], keys)
        assert np.array_equal(mine[1], inverse.ravel())
        assert np.array_equal(mine[2], counts)
