"""Compiled (numba) Fisher-scoring loop of Firth's penalised logistic regression (:func:`.kernel.firth_batch`).

Why numba (issue 17): the power analysis fits Firth's model to nearly every replicate at small N (94-98 % of
them at 40 and 80 dyads), once unrestricted and once per hypothesis under ``L beta = 0``: six batched fits per
chunk of 25 replicates, each of 20 to 50 Fisher-scoring iterations (the batch iterates until its slowest
replicate converges). In numpy every iteration is some forty calls (batched inverse, ``slogdet``, ``solve``,
step halving) on arrays of 25 x 7 x 7: about 0.2 ms of call overhead per iteration, 10 ms per fit, about half
of a chunk's time at N = 40. Vectorising further cannot remove the iterations; compiled, one replicate's
iteration costs microseconds. The arithmetic is numpy's (same formulas, same step rule, step cap, step
halving and stopping rule); sums are taken in a different order and the log-determinant comes from a Cholesky
factor instead of an LU one, so the maxima agree to rounding (about 1e-14), not bit for bit.

The penalised log-likelihood is ``l(beta) + 1/2 log|X'WX|`` (penalty of the full design) with frequency
weights ``w`` (0 for padding rows); the Fisher-scoring step solves ``N' I N step = N' X' (w (y - mu) +
h (1/2 - mu))`` with ``h`` the diagonal of the weighted hat matrix; coefficients are ``offset + N gamma``.

References: Firth D (1993) Biometrika 80:27-38; Heinze G, Schemper M (2002) Stat Med 21:2409-2419.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from alliance_stats.core.kernels import cholesky_lower
from alliance_stats.models.firth_newton import _capped, _halved, _largest_change, _solve, _start

__all__ = ["fisher_scoring"]


@numba.njit(cache=True)
def _step(X: np.ndarray, y: np.ndarray, w: np.ndarray, mu: np.ndarray, v: np.ndarray, info: np.ndarray,
          N: np.ndarray, Nt: np.ndarray) -> np.ndarray:
    """The Fisher-scoring step in ``gamma`` (non-finite components set to 0, capped at 5 in absolute value)."""
    n, p = X.shape
    low, ok = cholesky_lower(info)
    B = np.empty((p, p))
    unit = np.zeros(p)
    for k in range(p):
        unit[:] = 0.0
        unit[k] = 1.0
        B[:, k] = _solve(low, unit) if ok else np.full(p, np.nan)
    score = np.zeros(p)
    for i in range(n):
        if w[i] == 0.0:
            continue
        h = 0.0
        for k in range(p):
            for j in range(p):
                h += X[i, k] * B[k, j] * X[i, j]
        r = w[i] * (y[i] - mu[i]) + v[i] * h * (0.5 - mu[i])
        for k in range(p):
            score[k] += r * X[i, k]
    g = Nt @ score
    reduced = Nt @ (info @ N)
    low_r, ok_r = cholesky_lower(reduced)
    step = _solve(low_r, g) if ok_r else np.linalg.lstsq(reduced, g)[0]
    return _capped(step)


@numba.njit(cache=True)
def _one(X: np.ndarray, y: np.ndarray, w: np.ndarray, N: np.ndarray, offset: np.ndarray, gamma: np.ndarray,
         max_iter: int, tol: float) -> tuple[float, np.ndarray, bool, int]:
    """One replicate from ``gamma`` (updated in place): (penalised log-likelihood, X'WX, converged, iterations)."""
    Nt = np.ascontiguousarray(N.T)
    pll, mu, v, info = _start(X, y, w, N, offset, gamma)
    if not math.isfinite(pll):
        return pll, info, False, 0
    for it in range(1, max_iter + 1):
        step = _step(X, y, w, mu, v, info, N, Nt)
        value, mu_t, v_t, info_t, factor = _halved(X, y, w, N, offset, gamma, step, pll)
        if not value >= pll - 1e-12 * max(1.0, abs(pll)):
            return pll, info, False, it
        gamma += factor * step
        pll, mu, v, info = value, mu_t, v_t, info_t
        if _largest_change(step, factor) < tol:
            return pll, info, True, it
    return pll, info, False, max_iter


@numba.njit(cache=True)
def _fits(X: np.ndarray, y: np.ndarray, w: np.ndarray, N: np.ndarray, offset: np.ndarray, gamma: np.ndarray,
          max_iter: int, tol: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The loop over replicates of :func:`fisher_scoring` (compiled)."""
    R, n, p = X.shape
    pll = np.empty(R)
    info = np.empty((R, p, p))
    converged = np.zeros(R, dtype=np.bool_)
    n_iter = np.zeros(R, dtype=np.int64)
    for r in range(R):
        g = gamma[r].copy()
        pll[r], info[r], converged[r], n_iter[r] = _one(X[r], y[r], w[r], N, offset[r], g, max_iter, tol)
        gamma[r] = g
    return pll, info, converged, n_iter


def fisher_scoring(X: np.ndarray, y: np.ndarray, w: np.ndarray, N: np.ndarray, offset: np.ndarray,
                   gamma: np.ndarray, max_iter: int = 200, tol: float = 1e-10) -> tuple[np.ndarray, ...]:
    """Firth fits of many replicates by Fisher scoring with step halving (compiled), under ``beta = offset +
    N gamma``.

    Parameters
    ----------
    X : array of shape (R, n, p)
        Design matrices.
    y : array of shape (R, n)
        0/1 outcomes, or shares of events with ``w`` = trials.
    w : array of shape (R, n)
        Frequency weights (0 for padding rows).
    N : array of shape (p, q)
        Basis of the null space of the constraints (the identity without constraints).
    offset : array of shape (R, p)
        A solution of the constraints.
    gamma : array of shape (R, q)
        Starting reduced coordinates; updated in place to the estimates.
    max_iter, tol
        Iterations; convergence when the largest step taken is below ``tol``.

    Returns
    -------
    (pll (R,), info (R, p, p), converged (R,), n_iter (R,))
        Penalised log-likelihood and ``X'WX`` at the estimates, convergence and iterations.

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1.]])[None]
    >>> gamma = np.zeros((1, 2))
    >>> out = fisher_scoring(X, np.array([[0, 0, 1, 1, 1, 1.]]), np.ones((1, 6)), np.eye(2), np.zeros((1, 2)),
    ...                      gamma)
    >>> bool(out[2][0]), round(float(gamma[0, 1]), 4)
    (True, 2.4567)

    References
    ----------
    Heinze, G., & Schemper, M. (2002). A solution to the problem of separation in logistic regression.
    Statistics in Medicine 21, 2409-2419.
    """
    return _fits(np.ascontiguousarray(X, dtype=float), np.ascontiguousarray(y, dtype=float),
                 np.ascontiguousarray(w, dtype=float), np.ascontiguousarray(N, dtype=float),
                 np.ascontiguousarray(offset, dtype=float), gamma, int(max_iter), float(tol))
