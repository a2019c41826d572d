"""Compiled (numba) Newton-Raphson loop of the restricted Firth fits (:func:`.kernel.firth_newton_batch`).

Why numba (issue 17): the profile penalised-likelihood intervals of the Firth models (logistf's ``plconf``) need
hundreds of small restricted fits per model (a few per profile value, each from several starts), on designs of
a few dozen rows and under 20 coefficients. In numpy each Newton iteration of such a fit is some forty calls
on tiny arrays (a few microseconds of arithmetic, about 0.8 ms of call overhead), and the batching across starts
cannot remove the iterations themselves; compiled, the same iteration costs microseconds. The arithmetic is
the numpy version's (same formulas, same step rule, same step halving and stopping rule); sums are taken in a
different order, so the maxima agree to rounding (about 1e-14), not bit for bit.

The penalised log-likelihood is ``l(beta) + 1/2 log|X'WX|`` with the full design; its gradient is the modified
score ``X' (y - mu + h (1/2 - mu))``; its Hessian, with ``m = mu (1 - mu)``, ``I = X' diag(m) X``, ``B = I^-1``,
``q_i = x_i' B x_i`` and ``dI_k = X' diag(m (1 - 2 mu) x_k) X``, is
``-I + 1/2 X' diag(m (1 - 6 m) q) X - 1/2 [tr(B dI_k B dI_l)]_kl``. Coefficients are ``offset + N gamma``
(``N`` a basis of the null space of the constraints): the iterations work on ``gamma``.

References: Firth D (1993) Biometrika 80:27-38; Heinze G, Schemper M (2002) Stat Med 21:2409-2419.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from alliance_stats.core.kernels import cholesky_lower

__all__ = ["newton_restricted"]


@numba.njit(cache=True)
def _solve(low: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``A^-1 b`` from the Cholesky factor of ``A``."""
    p = low.shape[0]
    z = np.empty(p)
    for i in range(p):
        t = b[i]
        for k in range(i):
            t -= low[i, k] * z[k]
        z[i] = t / low[i, i]
    x = np.empty(p)
    for i in range(p - 1, -1, -1):
        t = z[i]
        for k in range(i + 1, p):
            t -= low[k, i] * x[k]
        x[i] = t / low[i, i]
    return x


@numba.njit(cache=True)
def _penalised(X: np.ndarray, y: np.ndarray, w: np.ndarray, beta: np.ndarray) -> tuple[float, np.ndarray,
                                                                                      np.ndarray, np.ndarray]:
    """Penalised log-likelihood with frequency weights ``w`` (1 here; 0 for the padding rows of
    :mod:`.firth_scoring`) (``-inf`` when ``X'WX`` is not positive definite), fitted probabilities, the
    weights ``w mu (1 - mu)`` and ``X'WX``."""
    n, p = X.shape
    mu = np.full(n, 0.5)
    v = np.zeros(n)
    info = np.zeros((p, p))
    ll = 0.0
    for i in range(n):
        if w[i] == 0.0:
            continue
        eta = 0.0
        for k in range(p):
            eta += X[i, k] * beta[k]
        t = math.exp(-abs(eta))
        ll += w[i] * (y[i] * eta - (max(eta, 0.0) + math.log1p(t)))
        m = (1.0 if eta >= 0 else t) / (1.0 + t)
        mu[i] = m
        vi = w[i] * m * (1.0 - m)
        v[i] = vi
        for k in range(p):
            for j in range(k + 1):
                info[k, j] += vi * X[i, k] * X[i, j]
    for k in range(p):
        for j in range(k):
            info[j, k] = info[k, j]
    low, ok = cholesky_lower(info)
    if not ok:
        return -np.inf, mu, v, info
    logdet = 0.0
    for k in range(p):
        logdet += 2.0 * math.log(low[k, k])
    return ll + 0.5 * logdet, mu, v, info


@numba.njit(cache=True)
def _capped(step: np.ndarray) -> np.ndarray:
    """``step`` (in place) with non-finite entries set to 0 and its largest entry capped at 5."""
    largest = 0.0
    for k in range(step.size):
        if not math.isfinite(step[k]):
            step[k] = 0.0
        largest = max(largest, abs(step[k]))
    if largest > 5.0:
        step *= 5.0 / largest
    return step


@numba.njit(cache=True)
def _start(X: np.ndarray, y: np.ndarray, w: np.ndarray, N: np.ndarray, offset: np.ndarray,
           gamma: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_penalised` at ``gamma``, or at 0 (``gamma`` reset in place) when ``gamma`` is outside the domain of
    the penalty."""
    pll, mu, v, info = _penalised(X, y, w, offset + N @ gamma)
    if not math.isfinite(pll):
        gamma[:] = 0.0
        pll, mu, v, info = _penalised(X, y, w, offset + N @ gamma)
    return pll, mu, v, info


@numba.njit(cache=True)
def _halved(X: np.ndarray, y: np.ndarray, w: np.ndarray, N: np.ndarray, offset: np.ndarray, gamma: np.ndarray,
            step: np.ndarray, pll: float) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, float]:
    """``step`` halved (at most 40 times) until the penalised log-likelihood does not fall (to 1e-12 relative):
    (value, mu, weights, X'WX, factor) at ``gamma + factor * step``; the value is below ``pll`` when no halving
    was accepted."""
    base = pll - 1e-12 * max(1.0, abs(pll))
    factor = 1.0
    value, mu, v, info = _penalised(X, y, w, offset + N @ (gamma + step))
    for _ in range(40):
        if value >= base:
            break
        factor /= 2.0
        value, mu, v, info = _penalised(X, y, w, offset + N @ (gamma + factor * step))
    return value, mu, v, info, factor


@numba.njit(cache=True)
def _largest_change(step: np.ndarray, factor: float) -> float:
    taken = 0.0
    for k in range(step.size):
        taken = max(taken, factor * abs(step[k]))
    return taken


@numba.njit(cache=True)
def _derivatives(X: np.ndarray, y: np.ndarray, mu: np.ndarray, info: np.ndarray,
                 hessian: bool) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and (when ``hessian``) Hessian of the penalised log-likelihood at the fitted probabilities."""
    n, p = X.shape
    low, _ = cholesky_lower(info)
    B = np.empty((p, p))
    unit = np.zeros(p)
    for k in range(p):
        unit[:] = 0.0
        unit[k] = 1.0
        B[:, k] = _solve(low, unit)
    score = np.zeros(p)
    hess = -info.copy()
    dI = np.zeros((p, p, p))
    for i in range(n):
        q = 0.0
        for k in range(p):
            for j in range(p):
                q += X[i, k] * B[k, j] * X[i, j]
        m = mu[i] * (1.0 - mu[i])
        r = y[i] - mu[i] + m * q * (0.5 - mu[i])
        c2 = 0.5 * m * (1.0 - 6.0 * m) * q
        a = m * (1.0 - 2.0 * mu[i])
        for k in range(p):
            score[k] += r * X[i, k]
            if not hessian:
                continue
            for j in range(k + 1):  # symmetric: the lower triangle, mirrored below
                hess[k, j] += c2 * X[i, k] * X[i, j]
                for s in range(j + 1):
                    dI[k, j, s] += a * X[i, k] * X[i, j] * X[i, s]
    if not hessian:
        return score, hess
    for k in range(p):
        for j in range(k + 1):
            hess[j, k] = hess[k, j]
            for s in range(j + 1):
                t = dI[k, j, s]
                dI[k, s, j] = t
                dI[j, k, s] = t
                dI[j, s, k] = t
                dI[s, k, j] = t
                dI[s, j, k] = t
    M = np.empty((p, p, p))
    for k in range(p):
        M[k] = B @ dI[k]
    for k in range(p):
        for j in range(k + 1):
            t = 0.0
            for a_ in range(p):
                for b_ in range(p):
                    t += M[k, a_, b_] * M[j, b_, a_]
            hess[k, j] -= 0.5 * t
            if j < k:
                hess[j, k] -= 0.5 * t
    return score, hess


@numba.njit(cache=True)
def _step(score: np.ndarray, hess: np.ndarray, info: np.ndarray, N: np.ndarray, Nt: np.ndarray,
          newton: bool) -> np.ndarray:
    """Newton step (when ``newton``) where the reduced Hessian is negative definite, Fisher-scoring step
    elsewhere; capped at 5 in absolute value."""
    q = N.shape[1]
    g = Nt @ score
    ok = False
    if newton:
        low, ok = cholesky_lower(-(Nt @ (hess @ N)))
    if not ok:
        low, ok = cholesky_lower(Nt @ (info @ N))
    step = _solve(low, g) if ok else np.zeros(q)
    return _capped(step)


@numba.njit(cache=True)
def _one_start(X: np.ndarray, y: np.ndarray, N: np.ndarray, offset: np.ndarray, gamma: np.ndarray,
               max_iter: int, tol: float,
               explore: float) -> tuple[float, np.ndarray, np.ndarray, bool, int]:
    """Fisher scoring until a step below ``explore``, then Newton-Raphson, with step halving, from one start;
    ``gamma`` is updated in place."""
    p = X.shape[1]
    Nt = np.ascontiguousarray(N.T)
    w = np.ones(X.shape[0])
    pll, mu, _, info = _start(X, y, w, N, offset, gamma)
    if not math.isfinite(pll):
        return pll, np.full(p, np.nan), info, False, 0
    exploring = explore > 0.0
    score, hess = _derivatives(X, y, mu, info, not exploring)
    for it in range(1, max_iter + 1):
        step = _step(score, hess, info, N, Nt, not exploring)
        value, mu_t, _, info_t, factor = _halved(X, y, w, N, offset, gamma, step, pll)
        if not value >= pll - 1e-12 * max(1.0, abs(pll)):
            return pll, score, info, False, it
        gamma += factor * step
        pll, mu, info = value, mu_t, info_t
        taken = _largest_change(step, factor)
        if taken < tol:
            return pll, _derivatives(X, y, mu, info, False)[0], info, True, it
        exploring = exploring and taken >= explore
        score, hess = _derivatives(X, y, mu, info, not exploring)
    return pll, score, info, False, max_iter


@numba.njit(cache=True)
def _fits(X: np.ndarray, y: np.ndarray, N: np.ndarray, offset: np.ndarray, gamma: np.ndarray, max_iter: int,
          tol: float, explore: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The loop over starts of :func:`newton_restricted` (compiled)."""
    R, n, p = X.shape
    pll = np.empty(R)
    score = np.empty((R, p))
    info = np.empty((R, p, p))
    converged = np.zeros(R, dtype=np.bool_)
    n_iter = np.zeros(R, dtype=np.int64)
    for r in range(R):
        g = gamma[r].copy()
        pll[r], score[r], info[r], converged[r], n_iter[r] = _one_start(X[r], y[r], N, offset[r], g,
                                                                       max_iter, tol, explore)
        gamma[r] = g
    return pll, score, info, converged, n_iter


def newton_restricted(X: np.ndarray, y: np.ndarray, N: np.ndarray, offset: np.ndarray, gamma: np.ndarray,
                      max_iter: int = 100, tol: float = 1e-10, explore: float = 0.0) -> tuple[np.ndarray, ...]:
    """Restricted Firth fits of many starts by Newton-Raphson with step halving (compiled).

    Parameters
    ----------
    X : array of shape (R, n, p)
        Design matrices (one per start).
    y : array of shape (R, n)
        0/1 outcomes.
    N : array of shape (p, q)
        Basis of the null space of the constraints.
    offset : array of shape (R, p)
        A solution of the constraints.
    gamma : array of shape (R, q)
        Starting reduced coordinates (``beta = offset + N gamma``); updated in place to the estimates.
    max_iter, tol
        Iterations; convergence when the largest step taken is below ``tol``.
    explore
        Fisher-scoring steps (the steps of :func:`alliance_stats.models.kernel.firth_batch`) until the largest
        step taken is below ``explore``, Newton steps after; 0: Newton steps from the start.

    Returns
    -------
    (pll (R,), score (R, p), info (R, p, p), converged (R,), n_iter (R,))
        Penalised log-likelihood, its gradient and ``X'WX`` at the estimates.

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1.]])[None]
    >>> gamma = np.zeros((1, 1))
    >>> out = newton_restricted(X, np.array([[0, 0, 1, 1, 1, 1.]]), np.array([[1.0], [0.0]]), np.array([[0, 1.0]]),
    ...                         gamma)
    >>> bool(out[3][0]), round(float(gamma[0, 0]), 4)
    (True, 0.0426)

    References
    ----------
    Heinze, G., & Schemper, M. (2002). A solution to the problem of separation in logistic regression.
    Statistics in Medicine 21, 2409-2419.
    """
    return _fits(np.ascontiguousarray(X, dtype=float), np.ascontiguousarray(y, dtype=float),
                 np.ascontiguousarray(N, dtype=float), np.ascontiguousarray(offset, dtype=float), gamma,
                 int(max_iter), float(tol), float(explore))
