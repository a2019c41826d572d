"""Batched fits: k-means and Gaussian mixtures of many data sets at once, beside the reference fits.

The reference fits of the cluster check (:mod:`.fitting`) are scikit-learn's ``KMeans`` and
``GaussianMixture``. Refitting them hundreds of times (stability resamples, gap reference sets, power
replicates) dominates the run time, so this module holds the one batched version of each:

- :func:`kmeans_batch`: Lloyd's algorithm with scikit-learn's greedy k-means++ seeding, all starts and data sets
  of a chunk iterated together in numpy (the tests check that it reaches scikit-learn's inertia;
  ``benchmarks/bench_typology.py`` prints the speed-up);
- :func:`gmm_bic_batch` (compiled, in :mod:`.gmm`, re-exported here): EM for Gaussian mixtures of many data sets
  at once, reproducing scikit-learn's ``GaussianMixture`` (``reg_covar=1e-6``, ``tol=1e-3``, ``max_iter=500``)
  from the same starting labels; used by the power analysis's cluster criterion.

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
from alliance_stats.typology.cluster.gmm import gmm_bic_batch

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
