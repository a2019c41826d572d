"""The numpy batched EM that the compiled :func:`alliance_stats.typology.cluster.gmm.gmm_bic_batch` replaced,
kept as a test reference only (tests/typology/test_gmm.py compares the two; one implementation ships)."""

# ruff: noqa: N806

from __future__ import annotations

import numpy as np


def _gmm_m_step(x: np.ndarray, w: np.ndarray, resp: np.ndarray, covariance_type: str, reg: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weights, means and covariances from responsibilities (scikit-learn's estimators, with case weights)."""
    d = x.shape[2]
    rw = np.swapaxes(resp * w[..., None], 1, 2)  # (R, k, n)
    nk = rw.sum(axis=2) + 10 * np.finfo(float).eps  # (R, k)
    means = (rw @ x) / nk[..., None]  # (R, k, d)
    eye = np.eye(d)
    if covariance_type == "full":
        diff = x[:, None, :, :] - means[:, :, None, :]  # (R, k, n, d)
        cov = np.swapaxes(diff * rw[..., None], -1, -2) @ diff / nk[..., None, None] + reg * eye
    elif covariance_type == "tied":
        avg_x2 = np.swapaxes(x * w[..., None], 1, 2) @ x
        avg_means2 = np.swapaxes(means * nk[..., None], 1, 2) @ means
        cov = (avg_x2 - avg_means2) / nk.sum(axis=1)[:, None, None] + reg * eye
    else:
        cov = (rw @ (x * x)) / nk[..., None] - means**2 + reg
        if covariance_type == "spherical":
            cov = cov.mean(axis=2)
    weights = nk / w.sum(axis=1, keepdims=True)
    return weights, means, cov


def _cholesky(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factors of a stack of matrices (R, k, d, d); non positive-definite ones flagged (identity)."""
    try:
        return np.linalg.cholesky(stack), np.ones(stack.shape[:-2], dtype=bool)
    except np.linalg.LinAlgError:
        flat = stack.reshape(-1, *stack.shape[-2:])
        out = np.empty_like(flat)
        good = np.ones(len(flat), dtype=bool)
        for i, matrix in enumerate(flat):
            try:
                out[i] = np.linalg.cholesky(matrix)
            except np.linalg.LinAlgError:
                out[i] = np.eye(matrix.shape[0])
                good[i] = False
        return out.reshape(stack.shape), good.reshape(stack.shape[:-2])


def _gmm_log_prob(x: np.ndarray, means: np.ndarray, cov: np.ndarray, covariance_type: str) -> np.ndarray:
    """log N(x | mean_k, cov_k) for every point and component: (R, n, k); NaN where a covariance is not PD."""
    R, n, d = x.shape
    k = means.shape[1]
    diff = x[:, None, :, :] - means[:, :, None, :]  # (R, k, n, d)
    if covariance_type in ("full", "tied"):
        stack = cov if covariance_type == "full" else np.broadcast_to(cov[:, None], (R, k, d, d))
        chol, good = _cholesky(stack)
        precision_chol = np.swapaxes(np.linalg.inv(chol), -1, -2)  # scikit-learn's precisions_cholesky_
        log_det = np.log(np.diagonal(precision_chol, axis1=-2, axis2=-1)).sum(axis=-1)  # (R, k)
        y = diff @ precision_chol
        log_prob = (y * y).sum(axis=-1)  # (R, k, n)
    elif covariance_type == "diag":
        good = (cov > 0).all(axis=-1)
        precision = 1.0 / np.where(cov > 0, cov, 1.0)  # (R, k, d)
        log_det = 0.5 * np.log(precision).sum(axis=-1)
        log_prob = (diff * diff) @ precision[..., None]
        log_prob = log_prob[..., 0]
    else:
        good = cov > 0
        precision = 1.0 / np.where(cov > 0, cov, 1.0)  # (R, k)
        log_det = 0.5 * d * np.log(precision)
        log_prob = (diff * diff).sum(axis=-1) * precision[..., None]
    out = -0.5 * (d * np.log(2 * np.pi) + log_prob) + log_det[..., None]
    out = np.where(good[..., None], out, np.nan)
    return np.swapaxes(out, 1, 2)


def _logsumexp(a: np.ndarray) -> np.ndarray:
    top = a.max(axis=-1, keepdims=True)
    return (top + np.log(np.exp(a - top).sum(axis=-1, keepdims=True)))[..., 0]


def _gmm_parameters(k: int, d: int, covariance_type: str) -> int:
    cov = {"full": k * d * (d + 1) / 2, "diag": k * d, "tied": d * (d + 1) / 2, "spherical": k}[covariance_type]
    return int(cov + k * d + k - 1)


def numpy_gmm_bic_batch(data: np.ndarray, weights: np.ndarray, init_labels: np.ndarray, k: int, covariance_type: str,
                  *, reg_covar: float = 1e-6, tol: float = 1e-3, max_iter: int = 500
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EM for Gaussian mixtures of many data sets at once, started from given hard labels.

    The algorithm of scikit-learn 1.9 ``GaussianMixture`` (``init_params="kmeans"`` gives the starting
    labels): M-step from the one-hot labels, then E/M steps until the mean log-likelihood changes by less
    than ``tol``, a last E-step for the labels; BIC ``-2 logL + npar log n`` (scikit-learn's sign: lower is
    better; ``-BIC`` is mclust's). Case weights (0 = padding) make data sets of unequal size one batch.

    Parameters
    ----------
    data
        ``(R, n, d)``: R data sets.
    weights
        ``(R, n)`` 0/1 case weights (0 = padding).
    init_labels
        ``(R, n)`` starting labels in ``[0, k)``.
    k, covariance_type
        Number of components and scikit-learn covariance type.
    reg_covar, tol, max_iter
        scikit-learn's regularisation, convergence tolerance and iteration limit.

    Returns
    -------
    tuple
        ``bic`` (R,), ``labels`` (R, n) and ``converged`` (R,); ``bic`` is ``inf`` where a covariance became
        singular.

    References
    ----------
    scikit-learn 1.9 ``sklearn.mixture.GaussianMixture``; mclust 6.0.0 ``mclustBIC`` (models VII, VVI,
    EEE, VVV); Dempster, Laird & Rubin (1977), the EM algorithm.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.concatenate([rng.normal(0, 1, (2, 30, 2)), rng.normal(6, 1, (2, 30, 2))], axis=1)
    >>> init = np.repeat([[0] * 30 + [1] * 30], 2, axis=0)
    >>> bic, labels, converged = gmm_bic_batch(x, np.ones((2, 60)), init, 2, "full")
    >>> converged.tolist(), bool((labels == init).all())
    ([True, True], True)
    """
    x = np.asarray(data, dtype=float)
    w = np.asarray(weights, dtype=float)
    R, n, d = x.shape
    total = w.sum(axis=1)
    resp = np.zeros((R, n, k))
    np.put_along_axis(resp, np.clip(init_labels, 0, k - 1)[..., None], 1.0, axis=2)
    params = list(_gmm_m_step(x, w, resp, covariance_type, reg_covar))
    lower = np.full(R, -np.inf)
    converged = np.zeros(R, dtype=bool)
    failed = np.zeros(R, dtype=bool)
    active = np.ones(R, dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        xa, wa = x[idx], w[idx]
        weighted = _gmm_log_prob(xa, params[1][idx], params[2][idx], covariance_type) + \
            np.log(params[0][idx])[:, None, :]
        bad = ~np.isfinite(weighted).all(axis=(1, 2)) & (wa > 0).any(axis=1)
        weighted = np.where(np.isfinite(weighted), weighted, -1e300)
        norm = _logsumexp(weighted)
        new_lower = (norm * wa).sum(axis=1) / total[idx]
        resp_a = np.exp(weighted - norm[..., None])
        new = _gmm_m_step(xa, wa, resp_a, covariance_type, reg_covar)
        for slot, value in enumerate(new):
            params[slot][idx] = value
        change = new_lower - lower[idx]
        lower[idx] = new_lower
        done = np.abs(change) < tol
        failed[idx[bad]] = True
        converged[idx[done]] = True
        active[idx[done | bad]] = False
    weighted = _gmm_log_prob(x, params[1], params[2], covariance_type) + np.log(params[0])[:, None, :]
    failed |= ~np.isfinite(weighted).all(axis=(1, 2))
    weighted = np.where(np.isfinite(weighted), weighted, -1e300)
    norm = _logsumexp(weighted)
    labels = weighted.argmax(axis=2)
    loglik = (norm * w).sum(axis=1)
    bic = -2.0 * loglik + _gmm_parameters(k, d, covariance_type) * np.log(np.maximum(total, 1.0))
    bic[failed] = np.inf
    return bic, labels, converged

