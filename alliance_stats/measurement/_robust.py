"""Robust standard errors and scaled tests of an ML CFA: lavaan's ``estimator = "MLM"`` and ``"MLR"``.

Internal module of :func:`alliance_stats.measurement.cfa`. Likert items are bounded and often skewed, so the
normal-theory chi-square and standard errors of ML are too optimistic; ``MLM`` keeps the ML estimates and
corrects both with the fourth moments of the data (Satorra and Bentler 1994), as lavaan 0.6 does for complete
data in one group (``se = "robust.sem"``, ``test = "satorra.bentler"``):

- ``Gamma``: asymptotic covariance of ``vech(S)``, the covariance (divisor N) of ``vech((x_i - xbar)(x_i -
  xbar)')`` over the rows (``lav_samplestats_Gamma``, no mean structure);
- ``W = 1/2 D' (Sigma^-1 x Sigma^-1) D`` at the implied ``Sigma`` (normal-theory weight per observation) and
  ``Delta = d vech(Sigma) / d theta'`` (analytic, from the engine);
- standard errors: ``A^-1 B A^-1 / N`` with ``A = Delta' W Delta``, ``B = Delta' W Gamma W Delta``;
- scaling factor ``c = tr(U Gamma) / df`` with ``U = W - W Delta A^-1 Delta' W``; scaled chi-square ``T / c``.
  The baseline (independence) model gets its own factor with ``Delta`` the variance indicators, which
  gives lavaan's ``cfi.scaled``, ``tli.scaled`` and ``rmsea.scaled``.

``estimator = "MLR"`` (lavaan's ``se = "robust.huber.white"``, ``test = "yuan.bentler.mplus"``), for complete
data and under FIML:

- standard errors ``A0^-1 B0 A0^-1 / N``: ``A0`` the observed information of the model (per observation),
  ``B0`` the mean outer product of the casewise scores ``Delta' s_i``, ``s_i`` the score of row ``i``'s
  (observed-items) normal log-likelihood with respect to ``(mu, vech(Sigma))`` at the implied moments;
- scaling factor ``c = (tr(A1^-1 B1) - tr(A0^-1 B0)) / df`` (Yuan and Bentler 2000, Mplus's T2*), ``A1``
  and ``B1`` the observed and first-order information of the saturated model at its estimates (the EM
  moments under FIML), lavaan's ``lav_test_yuan_bentler_mplus_trace``; the baseline model gets its own factor.

Hand-written because no maintained Python package computes these (semopy has no robust ML test); checked
against lavaan 0.6-14 (``tests/fixtures/measurement/make_fixtures_mlm.R``) to 1e-4 or better.
"""

from __future__ import annotations

import numpy as np


def vech_indices(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each element of ``vech`` (lower triangle, column by column, as lavaan)."""
    cols, rows = np.triu_indices(p)  # (col, row) pairs with row >= col, ordered by column
    return rows, cols


def gamma_adf(values: np.ndarray) -> np.ndarray:
    """Asymptotic covariance of ``vech(S)`` from complete data (N divisor)."""
    centred = values - values.mean(axis=0)
    rows, cols = vech_indices(values.shape[1])
    d = centred[:, rows] * centred[:, cols]
    d -= d.mean(axis=0)
    return d.T @ d / values.shape[0]


def normal_weight(sigma: np.ndarray) -> np.ndarray:
    """``1/2 D' (Sigma^-1 x Sigma^-1) D`` without forming the Kronecker product."""
    inv = np.linalg.inv(sigma)
    rows, cols = vech_indices(sigma.shape[0])
    i, j = rows[:, None], cols[:, None]
    k, l_ = rows[None, :], cols[None, :]
    value = inv[i, k] * inv[j, l_] + inv[i, l_] * inv[j, k]
    factor = np.where(i != j, 2.0, 1.0) * np.where(k != l_, 2.0, 1.0) / 2.0
    return 0.5 * value * factor


def sandwich_parts(delta: np.ndarray, weight: np.ndarray, gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                        float]:
    """``A^-1``, ``B`` and ``tr(U Gamma)`` for a Jacobian ``delta`` (p* x k)."""
    wd = weight @ delta
    a_inv = np.linalg.inv(delta.T @ wd)
    gwd = gamma @ wd
    b = wd.T @ gwd
    trace = float(np.sum(weight * gamma) - np.sum(a_inv * b))  # tr(W Gamma) - tr(A^-1 B); W, Gamma symmetric
    return a_inv, b, trace


def robust_vcov(delta: np.ndarray, weight: np.ndarray, gamma: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    """Robust (sandwich) covariance of the estimates and ``tr(U Gamma)`` of the model."""
    a_inv, b, trace = sandwich_parts(delta, weight, gamma)
    return a_inv @ b @ a_inv / n, trace


def baseline_trace(cov: np.ndarray, gamma: np.ndarray) -> float:
    """``tr(U Gamma)`` of the independence model (free variances, implied ``Sigma = diag(S)``)."""
    p = cov.shape[0]
    rows, cols = vech_indices(p)
    delta = np.zeros((rows.size, p))
    diagonal = np.flatnonzero(rows == cols)
    delta[diagonal, rows[diagonal]] = 1.0
    return sandwich_parts(delta, normal_weight(np.diag(np.diag(cov))), gamma)[2]


# ------------------------------------------------------------------ casewise (FIML) pieces for MLR
def _pair_positions(observed: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the vech elements whose two items are both in ``observed``: their position in the full (mu, vech)
    vector (means first) and their two item indices *within* ``observed``."""
    rows, cols = vech_indices(p)
    where = -np.ones(p, dtype=int)
    where[observed] = np.arange(observed.size)
    keep = (where[rows] >= 0) & (where[cols] >= 0)
    return p + np.flatnonzero(keep), where[rows[keep]], where[cols[keep]]


def casewise_scores(patterns: list, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Scores of each row's log-likelihood with respect to (mu, vech(Sigma)) at the given moments: rows in
    pattern order, columns means first then vech (lavaan's order). A covariance element counts once: the score of
    an off-diagonal element is ``u_a u_b - inv_ab``, of a diagonal one ``(u_a^2 - inv_aa) / 2`` (``u = inv d``)."""
    p = mu.size
    n = sum(pat.n for pat in patterns)
    out = np.zeros((n, p + p * (p + 1) // 2))
    start = 0
    for pat in patterns:
        o = pat.observed
        inv = np.linalg.inv(sigma[np.ix_(o, o)])
        u = (pat.data - mu[o]) @ inv
        block = slice(start, start + pat.n)
        out[block, o] = u
        pos, a, b = _pair_positions(o, p)
        half = np.where(a == b, 0.5, 1.0)
        out[block, pos] = half * (u[:, a] * u[:, b] - inv[a, b])
        start += pat.n
    return out


def _trace_pairs(products: np.ndarray, p: int) -> np.ndarray:
    """``sum over patterns of tr(E_ab A E_cd B)`` for every pair of vech elements (a, b) x (c, d), from
    ``products = sum vec(A) vec(B)'`` (row-major vec, symmetric ``A`` and ``B``); ``E_ab`` is the derivative of
    a symmetric matrix with respect to its element (a, b). ``tr(E_ab A E_cd B)`` sums ``A_bc B_da`` over the
    one or two orderings of each pair."""
    rows, cols = vech_indices(p)
    a, b = rows[:, None], cols[:, None]
    c, d = rows[None, :], cols[None, :]

    def k(x: np.ndarray, y: np.ndarray, z: np.ndarray, w: np.ndarray) -> np.ndarray:  # sum A_xy B_zw
        return products[x * p + y, z * p + w]

    value = k(b, c, d, a) + k(b, d, c, a) + k(a, c, d, b) + k(a, d, c, b)
    return value * np.where(a == b, 0.5, 1.0) * np.where(c == d, 0.5, 1.0)


def observed_information_h1(patterns: list, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Minus the Hessian of the missing-data log-likelihood with respect to (mu, vech(Sigma)) at the given
    moments, summed over rows (lavaan's ``lav_mvnorm_missing_information_observed_samplestats`` times N).

    Per pattern with observed items ``o``, ``inv = Sigma_oo^-1``, ``u_i = inv (x_i - mu_o)``, ``s = sum u_i``
    and ``Q = sum u_i u_i'`` (all zero outside ``o``): means ``n inv``; means x covariance ``inv E_cd s``;
    covariances ``tr(E_ab inv E_cd Q) - n/2 tr(E_ab inv E_cd inv)``. The covariance block sums over patterns
    through ``sum vec(inv) vec(Q)'``: one matrix product instead of a loop over patterns."""
    p = mu.size
    rows, cols = vech_indices(p)
    size = p + rows.size
    info = np.zeros((size, size))
    vec_inv = np.zeros((len(patterns), p * p))
    vec_q = np.zeros((len(patterns), p * p))
    counts = np.zeros(len(patterns))
    for i, pat in enumerate(patterns):
        o = pat.observed
        inv = np.zeros((p, p))
        inv[np.ix_(o, o)] = np.linalg.inv(sigma[np.ix_(o, o)])
        u = (pat.data - mu[o]) @ inv[np.ix_(o, o)]
        q = np.zeros((p, p))
        q[np.ix_(o, o)] = u.T @ u
        s = np.zeros(p)
        s[o] = u.sum(axis=0)
        info[:p, :p] += pat.n * inv
        cross = inv[:, rows] * s[cols] + np.where(rows != cols, inv[:, cols] * s[rows], 0.0)
        info[:p, p:] += cross
        vec_inv[i], vec_q[i], counts[i] = inv.ravel(), q.ravel(), pat.n
    info[p:, :p] = info[:p, p:].T
    info[p:, p:] = _trace_pairs(vec_inv.T @ vec_q, p) - 0.5 * _trace_pairs((vec_inv * counts[:, None]).T @ vec_inv, p)
    return info


def trace_solve(a: np.ndarray, b: np.ndarray) -> float:
    """``tr(A^-1 B)``, leaving out the elements with a zero diagonal in ``A`` (pairs of items never answered
    together under FIML), as lavaan's ``lav_test_yuan_bentler_mplus_trace``."""
    keep = np.diag(a) != 0
    return float(np.trace(np.linalg.solve(a[np.ix_(keep, keep)], b[np.ix_(keep, keep)])))


def baseline_trace_casewise(patterns: list, mean: np.ndarray, var: np.ndarray, means: bool = True) -> float:
    """``tr(A0^-1 B0)`` of the independence model (free means, unless ``means`` is false, and variances) at
    ``mean``, ``var``."""
    p = mean.size
    rows, cols = vech_indices(p)
    select = np.r_[np.arange(p), p + np.flatnonzero(rows == cols)]
    scores = casewise_scores(patterns, mean, np.diag(var))[:, select]
    info = np.zeros((2 * p, 2 * p))
    for pat in patterns:  # the independence model's information: block-diagonal per item
        o = pat.observed
        d = pat.data - mean[o]
        inv = 1.0 / var[o]
        s = (d * inv).sum(axis=0)
        q = ((d * inv) ** 2).sum(axis=0)
        info[o, o] += pat.n * inv
        info[o, p + o] += inv * s
        info[p + o, o] += inv * s
        info[p + o, p + o] += inv * q - 0.5 * pat.n * inv**2
    n = scores.shape[0]
    keep = slice(0, None) if means else slice(p, None)
    scores, info = scores[:, keep], info[keep, keep]
    return float(np.trace(np.linalg.solve(info / n, scores.T @ scores / n)))


def inverse_skipping_zero_rows(matrix: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric matrix whose all-zero rows and columns (pairs of items never answered together)
    are left at zero, as lavaan's ``lav_matrix_symmetric_inverse``."""
    zero = (matrix == 0).all(axis=0) & (matrix == 0).all(axis=1)
    out = np.zeros_like(matrix)
    keep = np.flatnonzero(~zero)
    out[np.ix_(keep, keep)] = np.linalg.inv(matrix[np.ix_(keep, keep)])
    return out
