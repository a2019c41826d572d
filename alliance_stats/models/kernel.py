"""The batched Newton (maximum likelihood) and Firth kernels for logistic regression: many data sets at once.

Why hand-written: a power analysis fits the same logistic model to thousands of simulated data sets. Fitting
them one by one with statsmodels costs a Python-level model construction and a line search per replicate;
here all replicates of one sample size are fitted at once by Newton-Raphson on stacked design matrices
(batched ``matmul`` for the gradients and Hessians, one batched ``numpy.linalg.solve`` per iteration). The estimates
and standard errors are the maximum-likelihood ones statsmodels' ``Logit`` returns (checked to 1e-6 in the
tests on hundreds of replicates); the information matrix is the observed (= expected, canonical link) one.

Speed (``benchmarks/bench_power.py``: 200 replicates of the plan's models at N = 200 dyads, about 270 firms and
7 coefficients, dyad-clustered SE): about 75 microseconds per replicate against 0.7 ms for a
``statsmodels.Logit(...).fit(cov_type="cluster")`` loop, 9-11x. The floor is arithmetic, not Python: about six
Newton iterations, each with ``exp``/``log1p`` of every row and an ``n x p x p`` information matrix. A fused
compiled kernel (numba 0.68, one pass per replicate and iteration, tried on 2026-11-27) took 68 microseconds per
replicate, no faster than numpy's vectorised ``exp``/``log`` and batched ``matmul``, so no compiler dependency
was added. In the power analysis the fits are about 1 % of the time of a replicate (simulation, scoring, design
matrices and the cluster check take the rest).

Separation: under complete or quasi-complete separation the likelihood has no maximum and Newton's steps let
some linear predictors run off to infinity. A replicate is flagged ``separated`` when, at the last iterate,
some fitted probability lies within 1e-10 of 0 or 1 (|eta| > 23) while the coefficients are still moving or
exceed 15 in absolute value on the logit scale; such replicates are refitted with Firth's penalised
likelihood: :func:`firth_batch` (batched here, used by the power analysis) or
:func:`alliance_stats.models.fit_logit` with ``method="firth"`` (one data set).

Frequency weights (``weights``): a row with weight ``w`` counts as ``w`` identical rows. They serve two
purposes: replicates of unequal size are padded to a common length with weight-0 rows (which contribute
exactly nothing), and a model with only categorical predictors is fitted on its grouped-binomial sufficient
statistics (one row per distinct design row, weight = number of rows, ``y`` = share of events). Both give the
same estimates, standard errors and log-likelihood as the ungrouped fit (the binomial coefficient constant is
not part of the reported log-likelihood, as in statsmodels' ``Logit``).

Dyad-clustered standard errors (``groups``): the sandwich ``c B M B`` with ``B`` the inverse observed
information, ``M = sum_g s_g s_g'`` the outer products of the per-cluster score sums and statsmodels'
default small-sample factor ``c = G / (G - 1) * (n - 1) / (n - p)`` (``Logit.fit(cov_type="cluster")``,
``use_correction=True``; = R ``sandwich::vcovCL(type = "HC1")``), with ``n`` the number of (weighted) rows
and ``G`` the number of clusters with a positive weight. Checked against statsmodels to 1e-6 in the tests.

Firth (:func:`firth_batch`): maximises ``l(beta) + 1/2 log det(X' W X)`` (Firth 1993) by Fisher scoring with
the modified score ``X' (w (y - p) + h (1/2 - p))`` (``h`` the diagonal of the weighted hat matrix) and step
halving, as logistf (Heinze and Schemper 2002), optionally under linear constraints ``L beta = 0`` with the
penalty of the *full* design (logistf's nested-model convention, used for penalised likelihood-ratio tests).
Its covariance is ``(X' W X)^-1`` at the penalised estimates (logistf and brglm2 convention). The iterations
run compiled, one replicate at a time (:mod:`alliance_stats.models.firth_scoring`, issue 17: in numpy each
iteration of a batch cost ~0.2 ms of call overhead, half of a power chunk's time at N = 40). Checked against
firthmodels 0.8.2 and a scipy-optimised nested fit in tests/models/test_kernel.py, and against brglm2 0.9 and
logistf's definitions through :func:`alliance_stats.models.fit_logit` (tests/models/test_against_r.py).
The restricted fits of the penalised likelihood-ratio tests and profile intervals of one data set use
:func:`firth_newton_batch` instead: the same penalised likelihood and constraints, Fisher scoring finished by
Newton-Raphson with the exact Hessian, compiled (:mod:`alliance_stats.models.firth_newton`, issue 17).

This is the package's one logistic fitter: :func:`alliance_stats.models.fit_logit` (a batch of one, ML and
Firth), the mediation bootstrap (:func:`alliance_stats.models.mediation`, one batch of resamples) and the power
analysis all call :func:`logit_batch` and :func:`firth_batch`.

"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit  # noqa: F401 - the doctests use it

from alliance_stats.core.errors import SpecificationError


@dataclass
class BatchFit:
    """Result of :func:`logit_batch`: arrays with one row per replicate."""

    coef: np.ndarray  # (R, p)
    se: np.ndarray  # (R, p)
    converged: np.ndarray  # (R,) bool
    separated: np.ndarray  # (R,) bool
    n_iter: np.ndarray  # (R,) int
    loglik: np.ndarray  # (R,)
    cov: np.ndarray | None = None  # (R, p, p): model-based, or cluster-robust when ``groups`` was given


def _loglik(eta: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    # log L = sum w * (y*eta - log(1 + exp(eta))), computed stably
    terms = y * eta - np.logaddexp(0.0, eta)
    return np.sum(terms if w is None else w * terms, axis=-1)


def _evaluate(eta: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood and fitted probabilities from one exponential: ``softplus(eta) = max(eta, 0) +
    log1p(exp(-|eta|))`` and ``expit(eta)`` share ``exp(-|eta|)`` (stable for any ``eta``)."""
    # the operations of ``t = exp(-|eta|)``, ``terms = y * eta - (max(eta, 0) + log1p(t))``, ``w * terms`` and
    # ``mu = where(eta >= 0, 1, t) / (1 + t)`` in this order, written into three buffers instead of a new array
    # each (the same numbers; a tenth of the mediation bootstrap's time went to allocating them)
    t = np.abs(eta)
    np.negative(t, out=t)
    np.exp(t, out=t)
    softplus = np.maximum(eta, 0.0)
    scratch = np.log1p(t)
    softplus += scratch
    terms = y * eta
    terms -= softplus
    if w is not None:
        terms *= w
    np.add(t, 1.0, out=scratch)
    mu = np.where(eta >= 0, 1.0, t)
    mu /= scratch
    return np.sum(terms, axis=-1), mu


def _check_inputs(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray,
                                                                                      np.ndarray | None]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 3 or y.ndim != 2 or X.shape[:2] != y.shape:
        raise SpecificationError(f"X must be (replicates, n, p) and y (replicates, n); got {X.shape} and {y.shape}")
    if weights is None:
        return X, y, None
    w = np.asarray(weights, dtype=float)
    if w.shape != y.shape:
        raise SpecificationError(f"weights must have the shape of y {y.shape}, got {w.shape}")
    if (w < 0).any() or not np.isfinite(w).all():
        raise SpecificationError("weights must be finite and >= 0")
    return X, y, w


def _lin(X: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Linear predictors of a stack of fits: (R, n, p) @ (R, p) -> (R, n)."""
    return np.matmul(X, beta[..., None])[..., 0]


def _cross(X: np.ndarray, v: np.ndarray, Xt: np.ndarray | None = None) -> np.ndarray:
    """X' diag(v) X for a stack of fits: (R, n, p), (R, n) -> (R, p, p); ``Xt`` a contiguous X' if known."""
    if Xt is None:
        Xt = np.ascontiguousarray(np.swapaxes(X, 1, 2))
    return np.matmul(Xt * v[:, None, :], X)


def _transposed(X: np.ndarray) -> np.ndarray:
    """A contiguous X' of each fit, (R, n, p) -> (R, p, n); one copy shared by every fit when ``X`` is one design
    broadcast over the fits (the mediation bootstrap: resamples are weights on one design), as a read-only view."""
    if (R := X.shape[0]) and X.strides[0] == 0:
        return np.broadcast_to(np.ascontiguousarray(X[0].T), (R, *X.shape[:0:-1]))
    return np.ascontiguousarray(np.swapaxes(X, 1, 2))


def _batched_inverse(matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverses of a stack of matrices; singular ones give NaN. Returns (inverses, ok mask)."""
    out = np.full(matrices.shape, np.nan)
    ok = np.zeros(matrices.shape[0], dtype=bool)
    if matrices.shape[0] == 0:
        return out, ok
    try:
        out = np.linalg.inv(matrices)
        ok[:] = np.isfinite(out).all(axis=(1, 2))
        out[~ok] = np.nan
    except np.linalg.LinAlgError:
        for r in range(matrices.shape[0]):
            try:
                out[r] = np.linalg.inv(matrices[r])
                ok[r] = bool(np.isfinite(out[r]).all())
            except np.linalg.LinAlgError:
                out[r] = np.nan
    return out, ok


def cluster_sandwich(X: np.ndarray, resid: np.ndarray, bread: np.ndarray, groups: np.ndarray,
                     weights: np.ndarray | None = None) -> np.ndarray:
    """Cluster-robust covariance of many fits at once, statsmodels' ``cov_type="cluster"`` convention.

    Parameters
    ----------
    X : (R, n, p) design matrices.
    resid : (R, n) ``y - p`` (score of each row is ``w * resid * x``).
    bread : (R, p, p) inverse observed information.
    groups : (R, n) integer cluster codes (any values; rows with weight 0 are ignored).
    weights : (R, n) frequency weights (0 = padding), default 1.

    Returns
    -------
    numpy.ndarray
        (R, p, p) covariance ``c B M B`` with ``c = G/(G-1) (n-1)/(n-p)``; NaN for a fit with fewer than two
        clusters or no more rows than coefficients.

    References
    ----------
    Zeileis, A., Koell, S., & Graham, N. (2020). Various versatile variances: an object-oriented
    implementation of clustered covariances in R. Journal of Statistical Software 95(1) (``vcovCL``, HC1);
    statsmodels ``cov_type="cluster"``.

    Examples
    --------
    >>> X = np.column_stack([np.ones(8), [0, 1, 2, 3, 4, 5, 6, 7.]])[None]
    >>> y = np.array([[0, 0, 1, 0, 1, 0, 1, 1.]])
    >>> fit = logit_batch(X, y)
    >>> resid = y - expit(X[0] @ fit.coef[0])[None]
    >>> cov = cluster_sandwich(X, resid, fit.cov, np.array([[0, 0, 1, 1, 2, 2, 3, 3]]))
    >>> cov.shape, bool(np.isfinite(cov).all())
    ((1, 2, 2), True)
    """
    R, n, p = X.shape
    w = np.ones((R, n)) if weights is None else np.asarray(weights, dtype=float)
    real = w > 0
    codes = np.asarray(groups).astype(np.int64)
    low = int(codes[real].min()) if real.any() else 0
    span = int(codes[real].max()) - low + 1 if real.any() else 1
    if span <= 4 * n:  # small codes (e.g. factorised dyads): one slot per possible code
        slot = np.where(real, codes - low, 0)
    else:  # arbitrary labels: number the clusters of each replicate 0, 1, ...
        slot = np.zeros((R, n), dtype=np.int64)
        for r in range(R):
            slot[r, real[r]] = np.unique(codes[r, real[r]], return_inverse=True)[1].ravel()
        span = int(slot.max()) + 1
    key = (np.arange(R)[:, None] * span + slot).ravel()
    # cluster score sums s_g = sum over the rows of g of w * (y - p) * x, for every replicate at once: one
    # bincount per column over the (replicate, cluster) keys, in row order (padding rows add 0); the sums of a
    # sparse (replicate-cluster x row) matrix product, without building the matrix
    scores = (w * resid).ravel()[:, None] * X.reshape(R * n, p)
    sums = np.stack([np.bincount(key, weights=scores[:, k], minlength=R * span) for k in range(p)],
                    axis=1).reshape(R, span, p)
    meat = np.matmul(np.swapaxes(sums, 1, 2), sums)
    G = (np.bincount(key, weights=real.ravel().astype(float), minlength=R * span).reshape(R, span) > 0).sum(axis=1)
    G = G.astype(float)
    n_obs = w.sum(axis=1)
    cov = np.full((R, p, p), np.nan)
    ok = (G >= 2) & (n_obs > p)
    factor = np.where(ok, G / np.where(ok, G - 1.0, 1.0) * (n_obs - 1.0) / np.where(ok, n_obs - p, 1.0), np.nan)
    cov[ok] = factor[ok, None, None] * (bread[ok] @ meat[ok] @ bread[ok])
    return cov


def logit_batch(X: np.ndarray, y: np.ndarray, max_iter: int = 50, tol: float = 1e-10,
                weights: np.ndarray | None = None, groups: np.ndarray | None = None) -> BatchFit:
    """Fit many logistic regressions at once by Newton-Raphson with step halving.

    Parameters
    ----------
    X : array of shape (replicates, n, p)
        Design matrices, an intercept column included by the caller.
    y : array of shape (replicates, n)
        Binary outcomes (0/1), or shares of events in [0, 1] for grouped rows (with ``weights`` = trials).
    max_iter : int
        Maximum Newton iterations.
    tol : float
        Convergence when the largest absolute coefficient change is below ``tol``.
    weights : array of shape (replicates, n), optional
        Frequency weights (number of identical rows; 0 for padding rows). Default: all 1.
    groups : array of shape (replicates, n), optional
        Cluster codes (e.g. the dyad of each firm): ``se`` and ``cov`` are then the cluster-robust sandwich
        of statsmodels' ``cov_type="cluster"`` (see the module docstring).

    Returns
    -------
    BatchFit
        ``coef`` and ``se`` of shape (replicates, p); ``cov`` of shape (replicates, p, p); ``converged`` and
        ``separated`` of shape (replicates,). Rows that did not converge or separated have their ``se`` and
        ``cov`` set to NaN.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X = np.concatenate([np.ones((3, 200, 1)), rng.normal(size=(3, 200, 1))], axis=2)
    >>> y = (rng.random((3, 200)) < expit(0.5 * X[..., 1])).astype(float)
    >>> fit = logit_batch(X, y)
    >>> fit.coef.shape, bool(fit.converged.all())
    ((3, 2), True)

    References
    ----------
    McCullagh, P., & Nelder, J. A. (1989). Generalized Linear Models (2nd ed.), section 4.4.
    """
    X, y, w = _check_inputs(X, y, weights)
    R, _, p = X.shape
    Xt = _transposed(X)
    beta = np.zeros((R, p))
    eta = np.zeros(y.shape)
    ll, mu = _evaluate(eta, y, w)
    converged = np.zeros(R, dtype=bool)
    n_iter = np.zeros(R, dtype=int)
    active = np.ones(R, dtype=bool)
    for it in range(1, max_iter + 1):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        if idx.size == R:
            Xa, Xta, ya, ba, wa, mua, lla = X, Xt, y, beta.copy(), w, mu, ll
        else:
            Xa, Xta, ya, ba, mua, lla = X[idx], Xt[idx], y[idx], beta[idx], mu[idx], ll[idx]
            wa = None if w is None else w[idx]
        v = mua * (1.0 - mua) if wa is None else wa * mua * (1.0 - mua)
        resid = ya - mua if wa is None else wa * (ya - mua)
        grad = np.matmul(Xta, resid[..., None])[..., 0]
        hess = _cross(Xa, v, Xta)
        try:
            step = np.linalg.solve(hess, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([np.linalg.lstsq(h, g, rcond=None)[0] for h, g in zip(hess, grad, strict=True)])
        # step halving: accept the largest step that does not decrease the log-likelihood
        scale = np.ones(idx.size)
        new_beta = ba + step
        new_eta = _lin(Xa, new_beta)
        new_ll, new_mu = _evaluate(new_eta, ya, wa)
        for _ in range(30):
            worse = new_ll < lla - 1e-12 * np.abs(lla)
            if not worse.any():
                break
            scale[worse] /= 2.0
            new_beta[worse] = ba[worse] + scale[worse, None] * step[worse]
            new_eta[worse] = _lin(Xa[worse], new_beta[worse])
            new_ll[worse], new_mu[worse] = _evaluate(new_eta[worse], ya[worse], None if wa is None else wa[worse])
        change = np.max(np.abs(new_beta - ba), axis=1)
        beta[idx], eta[idx], ll[idx], mu[idx] = new_beta, new_eta, new_ll, new_mu
        n_iter[idx] = it
        done = change < tol
        converged[idx[done]] = True
        active[idx[done]] = False
    real = np.ones(y.shape, dtype=bool) if w is None else w > 0
    extreme = np.any((np.abs(eta) > 23.0) & real, axis=1)
    separated = extreme & (~converged | (np.max(np.abs(beta), axis=1) > 15.0))
    v = mu * (1.0 - mu) if w is None else w * mu * (1.0 - mu)
    hess = _cross(X, v, Xt)
    se = np.full((R, p), np.nan)
    cov = np.full((R, p, p), np.nan)
    ok = converged & ~separated
    if ok.any():
        inverse, invertible = _batched_inverse(hess[ok])
        rows = np.flatnonzero(ok)
        if groups is not None:
            inverse = cluster_sandwich(X[rows], y[rows] - mu[rows], inverse, np.asarray(groups)[rows],
                                       None if w is None else w[rows])
        cov[rows] = inverse
        se[rows] = np.sqrt(np.clip(np.diagonal(inverse, axis1=1, axis2=2), 0.0, None))
        bad = rows[~invertible]
        se[bad] = np.nan
        cov[bad] = np.nan
    return BatchFit(coef=beta, se=se, converged=converged, separated=separated, n_iter=n_iter, loglik=ll,
                    cov=cov)


def logit_covariance(X: np.ndarray, y: np.ndarray, coef: np.ndarray, *, weights: np.ndarray | None = None,
                     groups: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Model-based and cluster-robust coefficient covariances of many logistic fits at given coefficients.

    :func:`logit_batch` sets the covariance of separated fits to NaN; :func:`alliance_stats.models.fit_logit`
    still reports the finite coefficients of a quasi-separated model, so it asks for them here.

    Parameters
    ----------
    X : array of shape (replicates, n, p)
        Design matrices.
    y : array of shape (replicates, n)
        Outcomes.
    coef : array of shape (replicates, p)
        Coefficients at which the information is evaluated.
    weights : array of shape (replicates, n), optional
        Frequency weights.
    groups : array of shape (replicates, n), optional
        Cluster codes: the second item is then the sandwich of :func:`cluster_sandwich`.

    Returns
    -------
    (model, robust)
        ``(X' W X)^-1`` of shape (replicates, p, p) (NaN when singular) and the cluster-robust covariance, or
        ``None`` without ``groups``.

    Examples
    --------
    >>> X = np.column_stack([np.ones(8), [0, 1, 2, 3, 4, 5, 6, 7.]])[None]
    >>> y = np.array([[0, 0, 1, 0, 1, 0, 1, 1.]])
    >>> model, robust = logit_covariance(X, y, logit_batch(X, y).coef)
    >>> round(float(np.sqrt(model[0, 1, 1])), 4), robust is None
    (0.4322, True)

    References
    ----------
    Zeileis, A., Koell, S., & Graham, N. (2020). Various versatile variances: an object-oriented
    implementation of clustered covariances in R. Journal of Statistical Software 95(1).
    """
    X, y, w = _check_inputs(X, y, weights)
    _, mu = _evaluate(_lin(X, np.asarray(coef, dtype=float)), y, w)
    v = mu * (1.0 - mu) if w is None else w * mu * (1.0 - mu)
    model, _ = _batched_inverse(_cross(X, v))
    if groups is None:
        return model, None
    return model, cluster_sandwich(X, y - mu, model, np.asarray(groups), w)


@dataclass
class FirthBatchFit:
    """Result of :func:`firth_batch`: arrays with one row per replicate."""

    coef: np.ndarray  # (R, p), satisfying the constraints when any
    cov: np.ndarray  # (R, p, p): (X'WX)^-1 at the estimates (logistf / brglm2 convention)
    loglik_penalised: np.ndarray  # (R,)
    loglik: np.ndarray  # (R,)
    converged: np.ndarray  # (R,) bool
    n_iter: np.ndarray  # (R,) int
    score: np.ndarray | None = None  # (R, p): gradient of the penalised log-likelihood (firth_newton_batch)

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diagonal(self.cov, axis1=1, axis2=2), 0.0, None))


def _constraint_basis(p: int, R: int, constraints: np.ndarray | None,
                      values: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """``beta = offset + N gamma``: ``N`` a basis of the null space of ``L``, ``offset`` (R, p) solving ``L b = c``."""
    if constraints is None:
        return np.eye(p), np.zeros((R, p))
    from scipy.linalg import null_space

    L = np.atleast_2d(np.asarray(constraints, dtype=float))
    N = null_space(L)
    if values is None:
        return N, np.zeros((R, p))
    c = np.broadcast_to(np.asarray(values, dtype=float), (R, L.shape[0]))
    offset = np.linalg.lstsq(L, c.T, rcond=None)[0].T
    return N, np.ascontiguousarray(offset)


def firth_batch(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None,
                constraints: np.ndarray | None = None, start: np.ndarray | None = None,
                max_iter: int = 200, tol: float = 1e-10, *,
                constraint_values: np.ndarray | None = None) -> FirthBatchFit:
    """Firth's penalised-likelihood logistic regression of many data sets at once.

    Parameters
    ----------
    X : array of shape (replicates, n, p)
        Design matrices, intercept column included.
    y : array of shape (replicates, n)
        0/1 outcomes (or shares of events with ``weights`` = trials).
    weights : array of shape (replicates, n), optional
        Frequency weights (0 for padding rows).
    constraints : array of shape (r, p), optional
        ``L``: maximise under ``L beta = 0`` with the penalty of the full design (logistf's nested
        convention; the restricted fit of a penalised likelihood-ratio test).
    start : array of shape (replicates, p), optional
        Starting values (projected on the constraint set); default 0.
    max_iter, tol : int, float
        Fisher-scoring iterations; convergence when the largest step is below ``tol``.
    constraint_values : array of shape (r,) or (replicates, r), optional
        ``c``: maximise under ``L beta = c`` instead of ``L beta = 0`` (profile penalised-likelihood
        intervals); default zeros.

    Returns
    -------
    FirthBatchFit

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])[None]
    >>> round(float(firth_batch(X, np.array([[0, 0, 1, 1, 1, 1.]])).coef[0, 1]), 4)
    2.4567

    References
    ----------
    Firth, D. (1993). Bias reduction of maximum likelihood estimates. Biometrika 80, 27-38. Heinze, G., &
    Schemper, M. (2002). A solution to the problem of separation in logistic regression. Statistics in
    Medicine 21, 2409-2419 (logistf 1.26).
    """
    from alliance_stats.models.firth_scoring import fisher_scoring

    X, y, w = _check_inputs(X, y, weights)
    R, _, p = X.shape
    w = np.ones(y.shape) if w is None else w
    N, offset = _constraint_basis(p, R, constraints, constraint_values)
    q = N.shape[1]
    gamma = np.zeros((R, q)) if start is None else np.ascontiguousarray((np.asarray(start, dtype=float) - offset) @ N)
    pll, info, converged, n_iter = fisher_scoring(X, y, w, N, offset, gamma, max_iter, tol)
    beta = offset + gamma @ N.T
    cov, _ = _batched_inverse(info)
    eta = _lin(X, beta)
    return FirthBatchFit(coef=beta, cov=cov, loglik_penalised=pll, loglik=_loglik(eta, y, w),
                         converged=converged, n_iter=n_iter)



def firth_newton_batch(X: np.ndarray, y: np.ndarray, constraints: np.ndarray, constraint_values: np.ndarray,
                       start: np.ndarray, max_iter: int = 100, tol: float = 1e-10,
                       explore: float = 0.0) -> FirthBatchFit:
    """Restricted Firth fits of many starts at once by Newton-Raphson on the penalised log-likelihood (compiled:
    :mod:`alliance_stats.models.firth_newton`).

    The restricted fits of the penalised likelihood-ratio tests and of the profile intervals
    (:mod:`alliance_stats.models.firth`) maximise ``l(beta) + 1/2 log|X'WX|`` (penalty of the full design)
    under ``L beta = c``, as :func:`firth_batch` does, but with the exact Hessian of the penalised
    log-likelihood (Newton-Raphson with step halving) instead of Fisher scoring: on a separated model Fisher
    scoring converges linearly (often not within 200 iterations), Newton quadratically (under 40 iterations
    on the separated fixtures, usually under 15). Where the reduced Hessian is not negative definite (far from
    a maximum) the step is the Fisher-scoring one, an ascent direction; with step halving every iterate
    raises the penalised log-likelihood, so each start ends on a local maximum.

    Parameters
    ----------
    X : array of shape (replicates, n, p)
        Design matrices, intercept column included (one row per start for a multistart).
    y : array of shape (replicates, n)
        0/1 outcomes.
    constraints : array of shape (r, p)
        ``L``.
    constraint_values : array of shape (r,) or (replicates, r)
        ``c``.
    start : array of shape (replicates, p)
        Starting values (projected on the constraint set).
    max_iter, tol : int, float
        Iterations; convergence when the largest step taken is below ``tol``.
    explore : float
        Fisher-scoring steps until the largest step taken is below ``explore``, then Newton steps (0: Newton
        from the start). Far from a maximum, Newton's steps jump to the nearest local maximum, while Fisher
        scoring's (those of :func:`firth_batch`) climb towards the higher ones more often: a multistart explores
        with Fisher scoring and finishes with Newton; a continuation start, already near its maximum, uses
        Newton throughout.

    Returns
    -------
    FirthBatchFit
        With ``score``, the gradient of the penalised log-likelihood at the estimates (at a restricted
        maximum, ``L' lambda``: ``lambda`` is the derivative of the maximum with respect to ``c``).

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])[None]
    >>> fit = firth_newton_batch(X, np.array([[0, 0, 1, 1, 1, 1.]]), np.array([[0, 1.]]), np.array([1.0]),
    ...                          np.zeros((1, 2)))
    >>> round(float(fit.coef[0, 1]), 6), bool(fit.converged[0])
    (1.0, True)

    References
    ----------
    Heinze, G., & Schemper, M. (2002). A solution to the problem of separation in logistic regression.
    Statistics in Medicine 21, 2409-2419 (the restricted fits of logistf's profile penalised likelihood).
    """
    from alliance_stats.models.firth_newton import newton_restricted

    X, y, _ = _check_inputs(X, y, None)
    R, _, p = X.shape
    N, offset = _constraint_basis(p, R, constraints, constraint_values)
    gamma = np.ascontiguousarray((np.asarray(start, dtype=float) - offset) @ N)
    pll, score, info, converged, n_iter = newton_restricted(X, y, N, offset, gamma, max_iter, tol, explore)
    beta = offset + gamma @ N.T
    cov, _ = _batched_inverse(info)
    return FirthBatchFit(coef=beta, cov=cov, loglik_penalised=pll, loglik=_loglik(_lin(X, beta), y),
                         converged=converged, n_iter=n_iter, score=score)
