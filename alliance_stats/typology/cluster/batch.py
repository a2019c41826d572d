"""Batched fits: k-means and Gaussian mixtures of many data sets at once, beside the reference fits.

The reference fits of the cluster check (:mod:`.fitting`) are scikit-learn's ``KMeans`` and
``GaussianMixture``. Refitting them hundreds of times (stability resamples, gap reference sets, power
replicates) dominates the run time, so this module holds the one batched version of each:

- :func:`kmeans_batch`: Lloyd's algorithm with scikit-learn's greedy k-means++ seeding, all starts and data sets
  of a chunk iterated together in numpy (the tests check that it reaches scikit-learn's inertia;
  ``benchmarks/bench_typology.py`` prints the speed-up);
- :func:`gmm_bic_batch`: EM for Gaussian mixtures of many data sets at once, reproducing scikit-learn's
  ``GaussianMixture`` (``reg_covar=1e-6``, ``tol=1e-3``, ``max_iter=500``) from the same starting labels; used
  by the power analysis's cluster criterion.

Case weights (0 = padding) let data sets of unequal size share one array.

Why numba (issue 17): the assignment step of Lloyd's algorithm (the nearest centre of every point of every run)
is the hottest loop of the cluster check (the gap statistic's reference sets and the stability resamples). In
numpy it writes a run x point x cluster array of distances and reads it back for ``argmin``; the kernel
(:func:`_assign_kernel`) keeps each distance in a register. It does the same single-precision operations in the
same order (no fast-math), so the labels are those of the numpy expression it replaces, bit for bit.
"""

from __future__ import annotations

import numpy as np

from alliance_stats.core.constants import DEFAULT_SEED

__all__ = ["gmm_bic_batch", "kmeans_batch"]


# ---------------------------------------------------------------------------------- batched k-means


def _kmeans_pp(data: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Greedy k-means++ seeding of many runs at once (as scikit-learn: 2 + log k candidates per centre, the one
    that lowers the potential most is kept). data (R, n, p), weights (R, n) -> centres (R, k, p)."""
    runs, n, p = data.shape
    rows = np.arange(runs)
    trials = 2 + int(np.log(k))
    centres = np.empty((runs, k, p))

    def draw(mass: np.ndarray, size: int) -> np.ndarray:
        """``size`` indices per run, drawn with probability proportional to ``mass`` (one sorted search)."""
        cumulative = np.cumsum(mass, axis=1)
        empty = cumulative[:, -1] <= 0
        if empty.any():  # every point sits on a centre: draw among the real points
            cumulative[empty] = np.cumsum(weights[empty], axis=1)
        cumulative = cumulative / cumulative[:, -1:] + rows[:, None]  # row r spans (r, r + 1]
        targets = rng.random((runs, size)) + rows[:, None]
        found = np.searchsorted(cumulative.ravel(), targets.ravel(), side="left").reshape(runs, size)
        return np.clip(found - rows[:, None] * n, 0, n - 1)

    first = draw(weights, 1)[:, 0]
    centres[:, 0] = data[rows, first]
    closest = ((data - centres[:, 0][:, None, :]) ** 2).sum(axis=2)
    for j in range(1, k):
        candidates = draw(closest * weights, trials)  # (R, trials)
        points = data[rows[:, None], candidates]  # (R, trials, p)
        distance = ((data[:, None, :, :] - points[:, :, None, :]) ** 2).sum(axis=3)  # (R, trials, n)
        updated = np.minimum(closest[:, None, :], distance)
        best = (updated * weights[:, None, :]).sum(axis=2).argmin(axis=1)
        centres[:, j] = points[rows, best]
        closest = updated[rows, best]
    return centres


def _squared_distances(data: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(R, n, p) points and (R, k, p) centres -> (R, n, k) squared distances (broadcast per dimension: faster
    than batched matrix products for the few dimensions of a typology)."""
    distances = (data[:, :, 0, None] - centres[:, None, :, 0]) ** 2
    for d in range(1, data.shape[2]):
        distances += (data[:, :, d, None] - centres[:, None, :, d]) ** 2
    return distances


_KERNEL: list = []


def _assign_kernel():  # noqa: ANN202 - a numba dispatcher
    """Nearest centre of every point: ``_squared_distances(data, centres).argmin(axis=2)`` in one pass (numba)."""
    if not _KERNEL:
        import numba

        @numba.njit(cache=True, nogil=True)
        def assign(data, centres, out):  # noqa: ANN001, ANN202
            runs, n, p = data.shape
            k = centres.shape[1]
            for r in range(runs):
                for i in range(n):
                    best = np.float32(np.inf)
                    arg = 0
                    for c in range(k):
                        diff = data[r, i, 0] - centres[r, c, 0]
                        distance = diff * diff
                        for d in range(1, p):
                            diff = data[r, i, d] - centres[r, c, d]
                            distance += diff * diff
                        if distance < best:
                            best = distance
                            arg = c
                    out[r, i] = arg

        _KERNEL.append(assign)
    return _KERNEL[0]


def _nearest(data: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(R, n, p) float32 points and (R, k, p) float32 centres -> (R, n) index of the nearest centre."""
    out = np.empty(data.shape[:2], dtype=np.int64)
    _assign_kernel()(np.ascontiguousarray(data), np.ascontiguousarray(centres), out)
    return out


def _lloyd(data: np.ndarray, weights: np.ndarray, centres: np.ndarray, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd iterations of many runs at once; returns (labels (R, n), inertia (R,)).

    A run stops when its labels no longer change (a fixed point of Lloyd's algorithm); the runs still moving
    are compacted into smaller arrays whenever fewer than half of the current ones moved. Points are assigned
    with single-precision distances (centres are averaged in double precision); the final labels and the
    inertia are recomputed in double precision.
    """
    runs, n, p = data.shape
    k = centres.shape[1]
    centres = centres.copy()
    index = np.arange(runs)
    work_data, work_weights, work_centres = data, weights, centres.copy()
    work_single = data.astype(np.float32)  # assignments in single precision (1.6x faster); means in double
    work_labels = _nearest(work_single, work_centres.astype(np.float32))
    moving = np.ones(runs, dtype=bool)
    for _ in range(max_iter):
        flat = (work_labels + (np.arange(len(index)) * k)[:, None]).ravel()
        counts = np.bincount(flat, weights=work_weights.ravel(), minlength=len(index) * k).reshape(-1, k)
        sums = np.stack(
            [np.bincount(flat, weights=(work_weights * work_data[:, :, d]).ravel(), minlength=len(index) * k)
             .reshape(-1, k) for d in range(p)], axis=2)
        occupied = counts > 0
        work_centres = np.where(occupied[:, :, None], sums / np.where(occupied, counts, 1.0)[:, :, None],
                                work_centres)
        new_labels = _nearest(work_single, work_centres.astype(np.float32))
        moving = (new_labels != work_labels).any(axis=1)
        work_labels = new_labels
        if not moving.any():
            break
        if moving.mean() < 0.5:
            centres[index] = work_centres
            index = index[moving]
            work_data, work_weights, work_single = work_data[moving], work_weights[moving], work_single[moving]
            work_centres, work_labels = work_centres[moving], work_labels[moving]
    centres[index] = work_centres
    distances = _squared_distances(data, centres)
    labels = distances.argmin(axis=2)
    inertia = (np.take_along_axis(distances, labels[:, :, None], axis=2)[:, :, 0] * weights).sum(axis=1)
    return labels, inertia


def kmeans_batch(
    data: np.ndarray,
    k: int,
    *,
    n_init: int = 50,
    seed: int | np.random.Generator | np.random.SeedSequence | None = DEFAULT_SEED,
    weights: np.ndarray | None = None,
    max_iter: int = 300,
    chunk_elements: int = 2_000_000,
    init_centres: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """k-means (Lloyd, greedy k-means++ seeding, ``n_init`` starts) of many data sets at once.

    Parameters
    ----------
    data
        ``(n, p)`` or ``(B, n, p)``: B data sets of the same padded size.
    k
        Number of clusters.
    n_init
        Starts per data set; the start with the lowest inertia is kept.
    seed
        Seed or generator (default ``DEFAULT_SEED``).
    weights
        ``(n,)`` or ``(B, n)`` case weights; weight 0 marks padding (a point that is ignored).
    max_iter
        Lloyd iterations at most.
    chunk_elements
        Memory bound: runs are processed in chunks of about this many ``run x point x cluster`` cells.
    init_centres
        ``(k, p)`` or ``(B, k, p)``: one more start per data set from these centres (a warm start).

    Returns
    -------
    (labels, inertia)
        ``(B, n)`` labels (padding points get the label of their nearest centre) and ``(B,)`` inertia; without
        the batch axis when ``data`` is 2-D.

    References
    ----------
    Lloyd, S. (1982), Least squares quantization in PCM, IEEE Trans. Information Theory 28, 129-137;
    Arthur, D. & Vassilvitskii, S. (2007), k-means++: the advantages of careful seeding, SODA; scikit-learn
    ``KMeans`` (greedy k-means++ with ``2 + log k`` candidates).

    Examples
    --------
    >>> x = np.array([[0.0, 0], [0, 1], [10, 0], [10, 1]])
    >>> labels, inertia = kmeans_batch(x, 2, n_init=5, seed=1)
    >>> float(inertia), len(set(labels.tolist()))
    (1.0, 2)
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    single = np.ndim(data) == 2
    batch = np.asarray(data, dtype=float)[None] if single else np.asarray(data, dtype=float)
    n_sets, n, _ = batch.shape
    if weights is None:
        w = np.ones((n_sets, n))
    else:
        w = np.asarray(weights, dtype=float)
        w = np.broadcast_to(w[None] if w.ndim == 1 else w, (n_sets, n))
    warm = None
    if init_centres is not None:
        warm = np.asarray(init_centres, dtype=float)
        warm = np.broadcast_to(warm[None] if warm.ndim == 2 else warm, (n_sets, k, batch.shape[2]))
    starts = n_init + (warm is not None)
    best_labels = np.empty((n_sets, n), dtype=int)
    best_inertia = np.empty(n_sets)
    sets_per_chunk = max(1, int(chunk_elements // max(1, starts * n * k)))
    for start in range(0, n_sets, sets_per_chunk):
        stop = min(n_sets, start + sets_per_chunk)
        chunk = np.repeat(batch[start:stop], starts, axis=0)
        chunk_w = np.repeat(w[start:stop], starts, axis=0)
        centres = _kmeans_pp(chunk, chunk_w, k, rng)
        if warm is not None:
            centres[starts - 1 :: starts] = warm[start:stop]
        labels, inertia = _lloyd(chunk, chunk_w, centres, max_iter)
        inertia = inertia.reshape(stop - start, starts)
        best = inertia.argmin(axis=1)
        best_inertia[start:stop] = inertia[np.arange(stop - start), best]
        best_labels[start:stop] = labels.reshape(stop - start, starts, n)[np.arange(stop - start), best]
    if single:
        return best_labels[0], best_inertia[0]
    return best_labels, best_inertia


# ---------------------------------------------------------------------------- batched Gaussian mixtures


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


def gmm_bic_batch(data: np.ndarray, weights: np.ndarray, init_labels: np.ndarray, k: int, covariance_type: str,
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

