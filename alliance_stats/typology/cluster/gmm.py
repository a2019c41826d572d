"""EM for Gaussian mixtures of many small data sets, compiled (numba): the cluster check of every power replicate.

:func:`gmm_bic_batch` follows scikit-learn 1.9 ``GaussianMixture`` started from
hard labels: M-step from the one-hot labels, E/M steps until the mean log-likelihood changes by less than
``tol``, a last E-step for the labels; BIC ``-2 logL + npar log n``; a covariance that is not positive definite
makes the BIC infinite). tests/typology/test_batch.py checks it against scikit-learn from the same start, and
tests/typology/test_gmm.py against the numpy batched EM it replaced (kept in the tests as a reference): only the
order of the floating-point sums differs, so the BIC agrees to about 1e-12 relative and the labels are the same.

Why numba: the power analysis fits 4 covariance types x k = 1..8 components to every replicate (32 EM runs of
~15 iterations on ~N points in 2 dimensions). The numpy version is already batched over replicates, but each
iteration builds (R, k, n, d) temporaries, small stacked Cholesky factorisations and inverses, and the work per
element is a handful of flops: it costs ~13 ms per replicate at N = 200, the largest stage of a replicate. The
compiled loop keeps every quantity in registers (one pass over the points per E and M step), which numpy
vectorisation cannot do. It is the one implementation (re-exported by :mod:`.batch`); :func:`gmm_bic_grid` runs
all the (k, covariance type) fits of a chunk of replicates in one compiled call and leaves out the fits the
caller does not need (the power analysis's k above a replicate's allowance).

Measured (issue 17, session 5): the E-step was ~30 ns per point and component on this machine kind, a third
of it in ``exp``. It now runs component by component over the points (the responsibilities stored (k, n)), so
that everything but ``exp`` is vectorised by the compiler: 1.4-1.6x faster EM, same values bit for bit
(tests/power/test_golden.py). Fusing the M-step's sums into the E-step's pass (accumulators in memory instead
of registers) made it slower.

Measured (issue 17, session 6): what was left was ``exp`` and ``log``: about 250,000 calls of ``exp`` per power
replicate at N = 200 (k responsibilities per point, ~7 EM iterations per fit, 32 fits), at ~9 ns each in the C
library's scalar ``exp`` (numba compiles ``math.exp`` to it, and a loop calling it is not vectorised), and
~50,000 ``log``. Session 7: ``exp`` and ``log`` are :mod:`.vecmath`'s (fdlibm's argument reductions, written
without branches; ``exp`` by a polynomial with fused multiply-adds), so the compiler vectorises those loops; the
kernels use numba's ``error_model="numpy"`` (a division is not checked for zero, so loops with divisions are
vectorised too); the responsibilities are multiplied by the reciprocal of their sum; the largest log density
per point is found in the pass that computes them (two dimensions in one pass). The E-step is ~1.5x faster and
the power analysis's cluster check 2.2-2.5x (benchmarks/bench_power.py). Values move in their last bits only:
``exp``/``log`` within 1 ulp of the C library's (tests/typology/test_vecmath.py), the golden BICs of 2476c8b
(256 values) within 4.0e-15 relative, every label and convergence flag the same. One EM loop
(:func:`_iterate`, :func:`_em`) serves :func:`gmm_bic_grid` and the cluster check's fits (:mod:`.refit`).

Measured (issue 17, session 9; ``benchmarks/bench_power.py --cluster-detail``): the EM grid is ~88 % of the power
analysis's cluster check; a replicate at N = 200 makes ~215 EM iterations (~226,000 point x component
evaluations, ~7 ns each: E-step ~3.4 ns, vectorised over the points; M-step ~1.9 ns). The M-step's sums
(:func:`_first_moments`, :func:`_centred_moments`) were sequential, one addition after the other in point
order: the compiler cannot vectorise such a sum without being allowed to reorder it, and explicit partial sums
(lanes of points, or the components or fits of a pool side by side in the inner loop) were not vectorised or
were slower (their running sums went through memory). These two functions are now compiled with
``fastmath={"reassoc"}`` alone (no other fast-math flag; no fused multiply-add; ``exp`` and ``log`` untouched):
the compiler splits each sum into vector lanes, 3-6x faster sums, EM 0.83-0.86x CPU. The price: the sums'
order is the compiler's, chosen for the machine's vector width, so their last bits (BIC ~1e-15 relative) can
differ between machine kinds, as BLAS products already do; on one machine the values are fixed. The golden BICs
(tests/power/golden/gmm_bic.json, 256 values): 189 moved, by at most 7.9e-15 relative, every label and
convergence flag the same; the power chunks' outputs (chunks.json) unchanged bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numba
import numpy as np

from alliance_stats.typology.cluster.vecmath import exp_nonpositive, log_normal

__all__ = ["gmm_bic_batch", "gmm_bic_grid"]

_TYPES = {"full": 0, "tied": 1, "diag": 2, "spherical": 3}
_EPS10 = 10 * np.finfo(float).eps
_EXP_FLOOR = -708.0  # exp_nonpositive's domain starts here; math.exp below it


@numba.njit(cache=True, error_model="numpy")
def _shared(xt, w):  # noqa: ANN001, ANN202
    """What every fit to one data set shares: total weight, whether any weight is positive, and the sums of
    ``w x_a x_b`` (the tied M-step's), each summed in point order."""
    d, n = xt.shape
    total = 0.0
    any_weight = False
    for i in range(n):
        total += w[i]
        any_weight = any_weight or w[i] > 0
    wxx = np.zeros((d, d))
    for a in range(d):
        for b in range(a + 1):
            s = 0.0
            for i in range(n):
                s += w[i] * xt[a, i] * xt[b, i]
            wxx[a, b] = s
    return total, any_weight, wxx


@numba.njit(cache=True, error_model="numpy")
def _m_step(xt, w, resp, kind, reg, shared, params):  # noqa: ANN001, ANN202
    """scikit-learn's M-step from the responsibilities ``resp`` (k, n) of the points ``xt`` (d, n) into
    ``params`` = (weights, means, covariances); ``shared`` holds what does not depend on them (:func:`_shared`).

    The sums of one component are taken in one pass (:func:`_first_moments`, :func:`_centred_moments`), which
    runs them side by side instead of one after the other, each vectorised (the additions reordered by the
    compiler: the module's docstring says why)."""
    weights, means, cov = params
    d, n = xt.shape
    k = resp.shape[0]
    total, _, wxx = shared
    nk = np.zeros(k)
    squares = kind >= 2
    sums = np.zeros((k, 2 * d + 1))
    for j in range(k):
        _first_moments(xt, w, resp[j], squares, sums[j])
        nk[j] = sums[j, 0] + _EPS10
        for a in range(d):
            means[j, a] = sums[j, 1 + a] / nk[j]
        weights[j] = nk[j] / total
    cov[:] = 0.0
    if kind == 0:  # full
        products = np.zeros(d * (d + 1) // 2)
        for j in range(k):
            _centred_moments(xt, w, resp[j], means[j], products)
            ab = 0
            for a in range(d):
                for b in range(a + 1):
                    cov[j, a, b] = products[ab] / nk[j]
                    cov[j, b, a] = products[ab] / nk[j]
                    ab += 1
                cov[j, a, a] += reg
    elif kind == 1:  # tied: one covariance, stored in cov[0]
        nsum = 0.0
        for j in range(k):
            nsum += nk[j]
        for a in range(d):
            for b in range(a + 1):
                m2 = 0.0
                for j in range(k):
                    m2 += nk[j] * means[j, a] * means[j, b]
                cov[0, a, b] = (wxx[a, b] - m2) / nsum
                cov[0, b, a] = cov[0, a, b]
            cov[0, a, a] += reg
    else:  # diag (cov[j, a, a]) and spherical (cov[j, 0, 0]): sum of w x_a^2 from the first pass
        for j in range(k):
            mean_var = 0.0
            for a in range(d):
                var = sums[j, 1 + d + a] / nk[j] - means[j, a] ** 2 + reg
                cov[j, a, a] = var
                mean_var += var
            if kind == 3:
                cov[j, 0, 0] = mean_var / d


@numba.njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _first_moments(xt, w, r, squares, sums):  # noqa: ANN001, ANN202
    """One pass over the points: ``sums`` = [sum r w, sum r w x_a (a < d), and if ``squares`` sum r w x_a x_a];
    two dimensions (the typology's) with the sums in registers, other numbers of dimensions in ``sums``. The
    additions may be reordered (``reassoc``: vectorised sums; the module's docstring says why)."""
    d, n = xt.shape
    if d == 2:
        s0 = s1 = s2 = q1 = q2 = 0.0
        if squares:
            for i in range(n):
                rw = r[i] * w[i]
                s0 += rw
                s1 += rw * xt[0, i]
                s2 += rw * xt[1, i]
                q1 += rw * xt[0, i] * xt[0, i]
                q2 += rw * xt[1, i] * xt[1, i]
        else:
            for i in range(n):
                rw = r[i] * w[i]
                s0 += rw
                s1 += rw * xt[0, i]
                s2 += rw * xt[1, i]
        sums[0], sums[1], sums[2], sums[3], sums[4] = s0, s1, s2, q1, q2
        return
    sums[:] = 0.0
    for i in range(n):
        rw = r[i] * w[i]
        sums[0] += rw
        for a in range(d):
            sums[1 + a] += rw * xt[a, i]
            if squares:
                sums[1 + d + a] += rw * xt[a, i] * xt[a, i]


@numba.njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _centred_moments(xt, w, r, mean, products):  # noqa: ANN001, ANN202
    """One pass over the points: ``products[ab]`` = sum r w (x_a - mean_a)(x_b - mean_b), b <= a, row by row (the
    additions may be reordered, as in :func:`_first_moments`)."""
    d, n = xt.shape
    if d == 2:
        p00 = p10 = p11 = 0.0
        for i in range(n):
            rw = r[i] * w[i]
            c0 = xt[0, i] - mean[0]
            c1 = xt[1, i] - mean[1]
            p00 += rw * c0 * c0
            p10 += rw * c1 * c0
            p11 += rw * c1 * c1
        products[0], products[1], products[2] = p00, p10, p11
        return
    products[:] = 0.0
    for i in range(n):
        rw = r[i] * w[i]
        ab = 0
        for a in range(d):
            ca = xt[a, i] - mean[a]
            for b in range(a + 1):
                products[ab] += rw * ca * (xt[b, i] - mean[b])
                ab += 1


@numba.njit(cache=True, error_model="numpy")
def _precisions(cov, kind, factors):  # noqa: ANN001, ANN202
    """Per component into ``factors`` = (prec (k, d, d), log_det (k,), good (k,), work (2, d, d)): the
    upper-triangular precision factor (scikit-learn's precisions_cholesky_), its log determinant, whether the
    covariance is positive definite."""
    prec, log_det, good, work = factors
    k, d = prec.shape[0], cov.shape[1]
    prec[:] = 0.0
    log_det[:] = 0.0
    good[:] = True
    chol, inv = work[0], work[1]
    for j in range(k):
        src = 0 if kind == 1 else j
        if kind >= 2:
            for a in range(d):
                v = cov[src, 0, 0] if kind == 3 else cov[src, a, a]
                if not v > 0:
                    good[j] = False
                    break
                prec[j, a, a] = 1.0 / math.sqrt(v)
                log_det[j] += 0.5 * math.log(1.0 / v)
            continue
        chol[:] = 0.0
        for a in range(d):
            for b in range(a + 1):
                s = cov[src, a, b]
                for c in range(b):
                    s -= chol[a, c] * chol[b, c]
                if a == b:
                    if not s > 0:
                        good[j] = False
                        break
                    chol[a, a] = math.sqrt(s)
                else:
                    chol[a, b] = s / chol[b, b]
            if not good[j]:
                break
        if not good[j]:
            continue
        inv[:] = 0.0  # inverse of the lower factor, by forward substitution
        for c in range(d):
            for a in range(c, d):
                s = 1.0 if a == c else 0.0
                for b in range(c, a):
                    s -= chol[a, b] * inv[b, c]
                inv[a, c] = s / chol[a, a]
        for a in range(d):
            for b in range(d):
                prec[j, a, b] = inv[b, a]
            log_det[j] += math.log(prec[j, a, a])


@numba.njit(cache=True, error_model="numpy")
def _log_densities(xt, params, kind, work, labels):  # noqa: ANN001, ANN202
    """Per component and point, log(weight x Gaussian density) into ``logp`` (k, n) (-1e300 where a covariance
    is not positive definite or the value is not finite), the largest per point into ``top`` and its component
    into ``labels`` (the first of equal values); returns whether every value was finite.

    ``work`` = (logp, q, y, top, logs, factors) (:func:`_work`). Every step is a loop over the points for one
    component, which the compiler vectorises."""
    weights, means, _ = params
    logp, q, y, top = work[0], work[1], work[2], work[3]
    prec, log_det, good, _ = work[5]
    d, n = xt.shape
    k = weights.shape[0]
    _precisions(params[2], kind, work[5])
    infinite = 0
    top[:] = -np.inf
    for j in range(k):
        if not good[j]:
            infinite += 1
            q[:] = np.inf  # -> -1e300 below
            const = 0.0
        elif d == 2:  # the typology's two dimensions in one pass, the same operations as the loops below
            const = log_det[j] + math.log(weights[j]) - 0.5 * d * math.log(2 * math.pi)
            m0, m1, p00, p01, p11 = means[j, 0], means[j, 1], prec[j, 0, 0], prec[j, 0, 1], prec[j, 1, 1]
            for i in range(n):
                c0 = xt[0, i] - m0
                y0 = c0 * p00
                y1 = c0 * p01 + (xt[1, i] - m1) * p11
                q[i] = y0 * y0 + y1 * y1
        else:
            const = log_det[j] + math.log(weights[j]) - 0.5 * d * math.log(2 * math.pi)
            q[:] = 0.0
            for c in range(d):
                y[:] = 0.0
                for a in range(c + 1):
                    centre = means[j, a]
                    factor = prec[j, a, c]
                    for i in range(n):
                        y[i] += (xt[a, i] - centre) * factor
                for i in range(n):
                    q[i] += y[i] * y[i]
        for i in range(n):  # the largest: as "if v > top: top, label = v, j", written as selects
            v = const - 0.5 * q[i]
            finite = math.isfinite(v)
            infinite += not finite
            v = v if finite else -1e300
            logp[j, i] = v
            above = v > top[i]
            top[i] = v if above else top[i]
            labels[i] = j if above else labels[i]
    return infinite == 0


@numba.njit(cache=True, error_model="numpy")
def _work(k, n, d):  # noqa: ANN001, ANN202
    """The E-step's work arrays: logp (k, n), q, y, top, logs (n,) and the precision factors."""
    factors = (np.zeros((k, d, d)), np.zeros(k), np.ones(k, dtype=np.bool_), np.zeros((2, d, d)))
    return np.empty((k, n)), np.empty(n), np.empty(n), np.empty(n), np.empty(n), factors


@numba.njit(cache=True, error_model="numpy")
def _e_step(xt, w, params, kind, resp, work, normalise):  # noqa: ANN001, ANN202
    """Responsibilities into ``resp`` (k, n) (divided by their sum per point if ``normalise``, else left as
    ``exp(logp - top)``); returns (sum of w * log-likelihood, labels, every value finite).

    ``xt`` holds the points transposed (d, n); ``params`` = (weights, means, covariances); ``work`` from
    :func:`_work`. Every step is a loop over the points for one component (which the compiler vectorises);
    ``exp`` and ``log`` are :mod:`.vecmath`'s, which it can vectorise."""
    logp, top, total, logs = work[0], work[3], work[2], work[4]
    n = xt.shape[1]
    k = params[0].shape[0]
    labels = np.zeros(n, dtype=np.int64)
    finite = _log_densities(xt, params, kind, work, labels)
    total[:] = 0.0
    for j in range(k):
        low = 0
        for i in range(n):  # exp_nonpositive is exactly 1 at the point's largest density
            gap = logp[j, i] - top[i]
            below = gap < _EXP_FLOOR
            e = exp_nonpositive(_EXP_FLOOR if below else gap)
            e = 0.0 if below else e
            low += below
            resp[j, i] = e
            total[i] += e
        if low:  # rare: values below exp's normal range (and components that failed, at -1e300)
            for i in range(n):
                gap = logp[j, i] - top[i]
                if gap < _EXP_FLOOR:
                    e = math.exp(gap)
                    resp[j, i] = e
                    total[i] += e
    for i in range(n):
        logs[i] = log_normal(total[i])  # total >= 1: the largest density contributes exactly 1
    loglik = 0.0
    for i in range(n):
        loglik += (top[i] + logs[i]) * w[i]
    if normalise:  # times the reciprocal (one division per point, not per point and component)
        for i in range(n):
            logs[i] = 1.0 / total[i]
        for j in range(k):
            for i in range(n):
                resp[j, i] = resp[j, i] * logs[i]
    return loglik, labels, finite


@numba.njit(cache=True, error_model="numpy")
def _iterate(xt, w, params, kind, settings, shared):  # noqa: ANN001, ANN202
    """scikit-learn's EM loop on the points ``xt`` (d, n) from the parameters ``params`` (changed in place),
    ``settings`` = (reg_covar, tol, max_iter): E- and M-steps until the mean log-likelihood changes by less than
    ``tol`` (or a covariance fails), then a last E-step. Returns (lower bound: the mean log-likelihood of the
    loop's last E-step, log-likelihood of the final parameters (sum of w * log density), their labels,
    converged, failed)."""
    reg, tol, max_iter = settings
    d, n = xt.shape
    k = params[0].shape[0]
    total, any_weight, _ = shared
    resp = np.zeros((k, n))
    work = _work(k, n, d)
    lower = -np.inf
    failed = converged = False
    for _ in range(max_iter):
        loglik, labels, finite = _e_step(xt, w, params, kind, resp, work, True)
        _m_step(xt, w, resp, kind, reg, shared, params)
        change = loglik / total - lower
        lower = loglik / total
        if not finite and any_weight:
            failed = True
            break
        if abs(change) < tol:
            converged = True
            break
    loglik, labels, finite = _e_step(xt, w, params, kind, resp, work, False)  # the labels: resp not needed
    return lower, loglik, labels, converged, failed or not finite


@numba.njit(cache=True, error_model="numpy")
def _em(xt, w, resp, kind, settings, shared):  # noqa: ANN001, ANN202
    """One EM run started from the responsibilities ``resp`` (k, n) (scikit-learn's start: an M-step from them),
    then :func:`_iterate`; returns its results and the final parameters (weights, means, covariances)."""
    d = xt.shape[0]
    k = resp.shape[0]
    params = (np.zeros(k), np.zeros((k, d)), np.zeros((k, d, d)))
    _m_step(xt, w, resp, kind, settings[0], shared, params)
    lower, loglik, labels, converged, failed = _iterate(xt, w, params, kind, settings, shared)
    return lower, loglik, labels, converged, failed, params


@numba.njit(cache=True, error_model="numpy")
def _one_hot(labels, k):  # noqa: ANN001, ANN202
    """(k, n) responsibilities of hard labels (scikit-learn's ``init_params="kmeans"``), clipped to [0, k)."""
    n = labels.shape[0]
    resp = np.zeros((k, n))
    for i in range(n):
        resp[min(max(labels[i], 0), k - 1), i] = 1.0
    return resp


def _parameters(k: int, d: int, covariance_type: str) -> int:
    cov = {"full": k * d * (d + 1) / 2, "diag": k * d, "tied": d * (d + 1) / 2, "spherical": k}[covariance_type]
    return int(cov + k * d + k - 1)


@numba.njit(cache=True, error_model="numpy")
def _em_grid(x, w, inits, ks, kinds, active, settings):  # noqa: ANN001, ANN202
    """Every data set x every (k, covariance type) that ``active`` asks for, in one call: ``inits`` (K, R, n),
    ``ks`` (K,), ``kinds`` (T,), ``active`` (R, K) -> log-likelihood, converged, failed (R, K, T), labels
    (R, K, T, n), total weight (R,)."""
    R, n, _ = x.shape
    K, T = ks.shape[0], kinds.shape[0]
    loglik = np.zeros((R, K, T))
    converged = np.zeros((R, K, T), dtype=np.bool_)
    failed = np.zeros((R, K, T), dtype=np.bool_)
    labels = np.zeros((R, K, T, n), dtype=np.int64)
    totals = np.zeros(R)
    for r in range(R):
        xt = np.ascontiguousarray(x[r].T)
        shared = _shared(xt, w[r])
        totals[r] = shared[0]
        for g in range(K):
            if not active[r, g]:
                continue
            for t in range(T):
                _, loglik[r, g, t], labels[r, g, t], converged[r, g, t], failed[r, g, t], _ = _em(
                    xt, w[r], _one_hot(inits[g, r], ks[g]), kinds[t], settings, shared)
    return loglik, converged, failed, labels, totals


def gmm_bic_batch(data: np.ndarray, weights: np.ndarray, init_labels: np.ndarray, k: int, covariance_type: str,
                  *, reg_covar: float = 1e-6, tol: float = 1e-3, max_iter: int = 500
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM for Gaussian mixtures of many data sets at once, started from given hard labels (compiled).

    Parameters
    ----------
    data
        ``(R, n, d)``: R data sets.
    weights
        ``(R, n)`` 0/1 case weights (0 = padding).
    init_labels
        ``(R, n)`` starting labels in ``[0, k)``.
    k, covariance_type
        Number of components and scikit-learn covariance type (full, tied, diag, spherical).
    reg_covar, tol, max_iter
        scikit-learn's regularisation, convergence tolerance and iteration limit.

    Returns
    -------
    tuple
        ``bic`` (R,), ``labels`` (R, n) and ``converged`` (R,), as
        the numpy version returned them.

    References
    ----------
    scikit-learn 1.9 ``sklearn.mixture.GaussianMixture``; Dempster, Laird & Rubin (1977), the EM algorithm.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.normal(0, 1, (2, 30, 2)), rng.normal(6, 1, (2, 30, 2))], axis=1)
    >>> init = np.repeat([[0] * 30 + [1] * 30], 2, axis=0)
    >>> bic, labels, converged = gmm_bic_batch(x, np.ones((2, 60)), init, 2, "full")
    >>> converged.tolist(), bool((labels == init).all())
    ([True, True], True)
    """
    bic, labels, converged = _fit_grid(data, weights, np.asarray(init_labels)[None], [k], [covariance_type], None,
                                       (float(reg_covar), float(tol), int(max_iter)))
    return bic[:, 0, 0], labels[:, 0, 0], converged[:, 0, 0]


def gmm_bic_grid(data: np.ndarray, weights: np.ndarray, init_labels: np.ndarray, ks: Sequence[int],
                 covariance_types: Sequence[str], *, active: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`gmm_bic_batch` for several numbers of components and covariance types in one compiled call.

    Parameters
    ----------
    data, weights
        ``(R, n, d)`` data sets and ``(R, n)`` 0/1 case weights (0 = padding).
    init_labels
        ``(K, R, n)``: the starting labels of the fits with ``ks[g]`` components, in ``[0, ks[g])``.
    ks, covariance_types
        The K numbers of components and the T covariance types.
    active
        ``(R, K)`` booleans: the fits to run (default all); a fit not run has an infinite BIC.

    Returns
    -------
    tuple
        ``bic`` (R, K, T), ``labels`` (R, K, T, n) and ``converged`` (R, K, T); fit ``[r, g, t]`` equals
        ``gmm_bic_batch(data, weights, init_labels[g], ks[g], covariance_types[t])`` at data set ``r``
        (scikit-learn's ``reg_covar``, ``tol`` and ``max_iter``).

    References
    ----------
    scikit-learn 1.9 ``sklearn.mixture.GaussianMixture``; Dempster, Laird & Rubin (1977), the EM algorithm.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.normal(0, 1, (2, 30, 2)), rng.normal(6, 1, (2, 30, 2))], axis=1)
    >>> init = np.stack([np.zeros((2, 60), dtype=int), np.repeat([[0] * 30 + [1] * 30], 2, axis=0)])
    >>> bic, labels, converged = gmm_bic_grid(x, np.ones((2, 60)), init, [1, 2], ["full", "spherical"])
    >>> bic.shape, bool((bic[:, 1] < bic[:, 0]).all())
    ((2, 2, 2), True)
    """
    return _fit_grid(data, weights, init_labels, ks, covariance_types, active, (1e-6, 1e-3, 500))


def _fit_grid(data: np.ndarray, weights: np.ndarray, init_labels: np.ndarray, ks: Sequence[int],
              covariance_types: Sequence[str], active: np.ndarray | None, settings: tuple[float, float, int]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.ascontiguousarray(data, dtype=float)
    w = np.ascontiguousarray(weights, dtype=float)
    inits = np.ascontiguousarray(init_labels, dtype=np.int64)
    R = x.shape[0]
    run = np.ones((R, len(ks)), dtype=np.bool_) if active is None else np.ascontiguousarray(active, dtype=np.bool_)
    loglik, converged, failed, labels, total = _em_grid(
        x, w, inits, np.asarray(ks, dtype=np.int64), np.array([_TYPES[t] for t in covariance_types], dtype=np.int64),
        run, settings)
    npar = np.array([[_parameters(int(k), x.shape[2], t) for t in covariance_types] for k in ks], dtype=float)
    bic = -2.0 * loglik + npar[None] * np.log(np.maximum(total, 1.0))[:, None, None]
    bic[failed | ~run[:, :, None]] = np.inf
    return bic, labels, converged
