"""The numpy batched k-means (k-means++ seeding and Lloyd iterations) that the compiled kernel of
:func:`alliance_stats.typology.cluster.batch.kmeans_batch` replaced, kept as a test reference only
(tests/typology/test_batch_kernel.py checks that the two give the same labels and inertia bit for bit; one
implementation ships)."""

from __future__ import annotations

import numpy as np

from alliance_stats.core.constants import DEFAULT_SEED


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


def _nearest(data: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(R, n, p) float32 points and (R, k, p) float32 centres -> (R, n) index of the nearest centre (numpy)."""
    return _squared_distances(data, centres).argmin(axis=2)


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


def numpy_kmeans_batch(
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
