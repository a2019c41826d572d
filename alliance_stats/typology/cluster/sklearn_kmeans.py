"""scikit-learn's ``KMeans`` and ``kmeans_plusplus`` on two variables, compiled: the same labels, centres, inertia.

The cluster check calls scikit-learn's k-means about 370 times on the data (``KMeans(n_init=50)`` at k = 2..8,
``KMeans(n_init=1)`` for each of the mixtures' 160 k-means starts, ``kmeans_plusplus`` for the 200 mixture
refits on resamples). On a few hundred points most of each call is scikit-learn's argument checks, thread-pool
set-up and numpy calls of a few microseconds each (~1-2 ms a fit: ~1 s of the demo's cluster check; issue 17).
This module runs the same algorithm in one compiled loop per fit, with scikit-learn's operations in its order:

- the data centred on their column means, squared norms as ``row_norms`` (``x0 * x0 + x1 * x1``), the tolerance
  ``mean(var(X)) * 1e-4`` of the uncentred data, one ``RandomState`` drawing in scikit-learn's order (the first
  centre by ``choice(n, p=w / w.sum())``, then ``2 + int(log k)`` uniforms per centre; a fit's draws are taken
  in one ``random_sample`` call, which gives the same numbers);
- greedy k-means++ (``_kmeans_plusplus``): squared distances as ``-2 x.c + |c|^2 + |x|^2`` clipped at 0, with
  the fused multiply-adds of the BLAS product numpy calls (one centre: ``fma(c0, x0, c1 * x1)``; several:
  ``fma(c1, x1, c0 * x0)``), the running sums of ``cumsum``, ``searchsorted`` on the left;
- Lloyd's iterations as ``lloyd_iter_chunked_dense`` with one OpenMP thread (the check limits the pools to one
  thread): distances ``|c|^2 - 2 fma(x1, c1, x0 * c0)`` (scikit-learn's ``_gemm``), the first nearest centre,
  sums in point order, ``1 / weight`` times the sums, the centre shift and its tolerance test, the strict
  convergence test on labels, the last E-step, ``_inertia_dense``; among the starts the lowest inertia unless
  it is the same partition (``_is_same_clustering``).

What cannot be reproduced operation for operation is checked instead: the potentials of k-means++ (sums of n
distances, ``closest @ weights``, whose order is the BLAS kernel's) are summed here in point order, and a draw or
a choice among candidates that such a rounding difference could change (a uniform within the error bound of a
boundary of ``cumsum``, two candidates' potentials within their bounds, ``n eps`` relative) makes the whole fit
fall back to scikit-learn from the same random state. So do an empty cluster during Lloyd's iterations
(scikit-learn's relocation uses ``argpartition``), a point whose two nearest centres are within rounding of
each other in Lloyd's iterations (the distances' fused multiply-adds are the BLAS kernel's, which differ between
machines), and any data that are not two finite columns: scikit-learn's operation order was read off
(tests/typology/test_sklearn_kmeans.py) for two variables, the typology's two axes. With a scikit-learn release
other than the one copied (``COPIED_RELEASE``, 1.9) every fit is scikit-learn's own, since another release may
order its operations otherwise.

The fused multiply-adds copied are those of OpenBLAS 0.3.31's double-precision kernels on the machine kind they
were read on (Haswell kernels); every decision a distance's last bit could change is guarded as above, and the
centres and the inertia come from sums in point order (scikit-learn's own loops, not BLAS), so on a kernel that
rounds otherwise the labels, centres and inertia are still scikit-learn's. The tests compare them with
scikit-learn fit by fit.

Reference: scikit-learn 1.9 ``sklearn.cluster.KMeans`` (``_kmeans_plusplus``, ``_kmeans_single_lloyd``,
``_k_means_lloyd.pyx``, ``_k_means_common.pyx``); Arthur, D. & Vassilvitskii, S. (2007), k-means++, SODA;
Lloyd, S. (1982), IEEE Trans. Information Theory 28, 129-137.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numba
import numpy as np

from alliance_stats.typology.cluster.batch import _pairwise_sum
from alliance_stats.typology.cluster.vecmath import _fma

__all__ = ["kmeans_fit", "kmeans_plusplus_indices"]

_EPS = np.finfo(float).eps


@numba.njit(cache=True, error_model="numpy")
def _first_centre(w, u):  # noqa: ANN001, ANN202
    """``RandomState.choice(n, p=w / w.sum())`` from the uniform ``u``: ``searchsorted(cdf, u, "right")``."""
    n = w.shape[0]
    total = _pairwise_sum(w, n)
    cdf = np.empty(n)
    acc = 0.0
    for i in range(n):
        acc += w[i] / total
        cdf[i] = acc
    last = cdf[n - 1]
    lo, hi = 0, n
    while lo < hi:  # first i with cdf[i] / last > u
        mid = (lo + hi) // 2
        if cdf[mid] / last > u:
            hi = mid
        else:
            lo = mid + 1
    return lo


@numba.njit(cache=True, error_model="numpy")
def _left(cum, r):  # noqa: ANN001, ANN202
    """``searchsorted(cum, r)`` (side left) clipped to the last index."""
    n = cum.shape[0]
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] >= r:
            hi = mid
        else:
            lo = mid + 1
    return min(lo, n - 1)


@numba.njit(cache=True, error_model="numpy")
def _plusplus(x, xsq, w, k, trials, u):  # noqa: ANN001, ANN202
    """scikit-learn's ``_kmeans_plusplus`` of ``x`` (n, 2) from the uniforms ``u`` (1 + (k - 1) trials): the
    indices of the k centres and whether every choice is certain (False: a potential's rounding could change it)."""
    n = x.shape[0]
    indices = np.empty(k, dtype=np.int64)
    first = _first_centre(w, u[0])
    indices[0] = first
    c0, c1 = x[first, 0], x[first, 1]
    norm = c0 * c0 + c1 * c1
    closest = np.empty(n)
    for i in range(n):
        d = (-2.0 * _fma(c0, x[i, 0], c1 * x[i, 1]) + norm) + xsq[i]
        closest[i] = d if (d >= 0.0 or math.isnan(d)) else 0.0
    pot = 0.0
    for i in range(n):
        pot += closest[i] * w[i]
    bound = 4.0 * (n + 2) * 2.220446049250313e-16
    cum = np.empty(n)
    candidates = np.empty(trials, dtype=np.int64)
    distance = np.empty((trials, n))
    pots = np.empty(trials)
    for c in range(1, k):
        acc = 0.0
        for i in range(n):
            acc += w[i] * closest[i]
            cum[i] = acc
        for t in range(trials):
            v = u[1 + (c - 1) * trials + t]
            r = v * pot
            slack = v * pot * bound + 4.0 * 2.220446049250313e-16 * r
            j = _left(cum, r)
            if _left(cum, r - slack) != j or _left(cum, r + slack) != j:
                return indices, False
            candidates[t] = j
        for t in range(trials):
            a0, a1 = x[candidates[t], 0], x[candidates[t], 1]
            norm = a0 * a0 + a1 * a1
            total = 0.0
            for i in range(n):
                d = (-2.0 * _fma(a1, x[i, 1], a0 * x[i, 0]) + norm) + xsq[i]
                d = d if (d >= 0.0 or math.isnan(d)) else 0.0
                d = closest[i] if (closest[i] <= d or math.isnan(closest[i])) else d
                distance[t, i] = d
                total += d * w[i]
            pots[t] = total
        best = 0
        for t in range(1, trials):
            if pots[t] < pots[best]:
                best = t
        for t in range(trials):  # a rival within the rounding of the sums: scikit-learn could choose it
            if t != best and abs(pots[t] - pots[best]) <= bound * (pots[t] + pots[best]):
                same = (x[candidates[t], 0] == x[candidates[best], 0] and x[candidates[t], 1] == x[candidates[best], 1])
                if not same:
                    return indices, False
        pot = pots[best]
        closest[:] = distance[best]
        indices[c] = candidates[best]
    return indices, True


@numba.njit(cache=True, error_model="numpy")
def _estep(x, w, centres, labels, sums, weights, update):  # noqa: ANN001, ANN202
    """One pass of ``lloyd_iter_chunked_dense`` (one thread): labels of the nearest centre and, with ``update``,
    the per-cluster weighted sums and weights in point order. False when a point's two nearest centres are
    within the distances' rounding error of each other (``16 eps`` of the terms' magnitude): there the choice
    could depend on how a BLAS kernel rounds (the fused multiply-adds differ between kernels and machines),
    so the caller lets scikit-learn decide; every other label is the same with any rounding of the kernel."""
    n, k = x.shape[0], centres.shape[0]
    norms = np.empty(k)
    for j in range(k):
        norms[j] = centres[j, 0] * centres[j, 0] + centres[j, 1] * centres[j, 1]
    if update:
        sums[:] = 0.0
        weights[:] = 0.0
    for i in range(n):
        x0, x1 = x[i, 0], x[i, 1]
        best = norms[0] + -2.0 * _fma(x1, centres[0, 1], x0 * centres[0, 0])
        scale = norms[0] + 2.0 * (abs(x0 * centres[0, 0]) + abs(x1 * centres[0, 1]))
        second = np.inf
        label = 0
        for j in range(1, k):
            d = norms[j] + -2.0 * _fma(x1, centres[j, 1], x0 * centres[j, 0])
            scale = max(scale, norms[j] + 2.0 * (abs(x0 * centres[j, 0]) + abs(x1 * centres[j, 1])))
            if d < best:
                second = best
                best = d
                label = j
            elif d < second:
                second = d
        if second - best <= 16.0 * _EPS * scale:
            return False
        labels[i] = label
        if update:
            weights[label] += w[i]
            sums[label, 0] += x0 * w[i]
            sums[label, 1] += x1 * w[i]
    return True


@numba.njit(cache=True, error_model="numpy")
def _lloyd(x, w, centres_init, tol, max_iter):  # noqa: ANN001, ANN202
    """``_kmeans_single_lloyd`` with one thread: (labels, inertia, centres, ok); ok is False when a cluster empties
    (scikit-learn relocates it) or a point is as near two centres as rounding can tell (:func:`_estep`): the
    caller falls back to scikit-learn."""
    n, k = x.shape[0], centres_init.shape[0]
    centres = centres_init.copy()
    new = np.zeros((k, 2))
    sums = np.empty((k, 2))
    weights = np.empty(k)
    shift = np.empty(k)
    squares = np.empty(k)
    labels = np.full(n, -1, dtype=np.int32)
    old = labels.copy()
    strict = False
    for _ in range(max_iter):
        if not _estep(x, w, centres, labels, sums, weights, True):
            return labels, 0.0, centres, False
        for j in range(k):
            if weights[j] == 0.0:
                return labels, 0.0, centres, False
            alpha = 1.0 / (0.0 + weights[j])
            new[j, 0] = (0.0 + sums[j, 0]) * alpha
            new[j, 1] = (0.0 + sums[j, 1]) * alpha
            d0, d1 = new[j, 0] - centres[j, 0], new[j, 1] - centres[j, 1]
            r = 0.0
            r += d0 * d0
            r += d1 * d1
            shift[j] = math.sqrt(r)
        centres, new = new, centres
        same = True
        for i in range(n):
            if labels[i] != old[i]:
                same = False
                break
        if same:
            strict = True
            break
        for j in range(k):
            squares[j] = shift[j] * shift[j]
        if _pairwise_sum(squares, k) <= tol:
            break
        old[:] = labels
    if not strict and not _estep(x, w, centres, labels, sums, weights, False):
        return labels, 0.0, centres, False
    inertia = 0.0
    for i in range(n):
        j = labels[i]
        d0, d1 = x[i, 0] - centres[j, 0], x[i, 1] - centres[j, 1]
        r = 0.0
        r += d0 * d0
        r += d1 * d1
        inertia += r * w[i]
    return labels, inertia, centres, True


@numba.njit(cache=True, error_model="numpy")
def _same_clustering(a, b, k):  # noqa: ANN001, ANN202
    """scikit-learn's ``_is_same_clustering``: the same partition up to the numbering."""
    mapping = np.full(k, -1, dtype=np.int64)
    for i in range(a.shape[0]):
        if mapping[a[i]] == -1:
            mapping[a[i]] = b[i]
        elif mapping[a[i]] != b[i]:
            return False
    return True


@numba.njit(cache=True, error_model="numpy")
def _start(x, xsq, w, k, trials, u, tol):  # noqa: ANN001, ANN202
    """One start of ``KMeans.fit`` on centred data (``max_iter=300``, scikit-learn's default): k-means++ from the
    uniforms ``u``, then Lloyd's iterations. (seeded, init, labels, inertia, centres, ok): ``seeded`` False when a
    draw was too close to call (the caller refits all with scikit-learn), ``ok`` False when Lloyd's iterations
    were (the caller runs scikit-learn's Lloyd from ``init``)."""
    init = np.empty((k, 2))
    indices, seeded = _plusplus(x, xsq, w, k, trials, u)
    if not seeded:
        return False, init, np.zeros(x.shape[0], dtype=np.int32), 0.0, init, False
    for j in range(k):
        init[j, 0], init[j, 1] = x[indices[j], 0], x[indices[j], 1]
    labels, inertia, centres, ok = _lloyd(x, w, init, tol, 300)
    return True, init, labels, inertia, centres, ok


def _fit(x: np.ndarray, xsq: np.ndarray, w: np.ndarray, k: int, n_init: int, trials: int, u: np.ndarray,
         tol: float) -> tuple[np.ndarray, float, np.ndarray, bool]:
    """``KMeans.fit``'s loop over starts on centred data: (labels, inertia, centres, ok); ok is False when a
    k-means++ draw could not be decided (the caller refits with scikit-learn from the same random state). A
    start whose Lloyd iterations cannot be decided here (an emptied cluster, a point as near two centres as
    rounding can tell) is run by scikit-learn's own ``_kmeans_single_lloyd`` from the same initial centres, as
    ``KMeans.fit`` runs it: the other starts stay compiled."""
    per = 1 + (k - 1) * trials
    best_labels, best_inertia, best_centres = np.zeros(len(x), dtype=np.int32), np.inf, np.zeros((k, 2))
    for start in range(n_init):
        seeded, init, labels, inertia, centres, ok = _start(x, xsq, w, k, trials, u[start * per:(start + 1) * per],
                                                            tol)
        if not seeded:
            return best_labels, best_inertia, best_centres, False
        if not ok:
            from sklearn.cluster._kmeans import _kmeans_single_lloyd

            labels, inertia, centres, _ = _kmeans_single_lloyd(x, w, init, max_iter=300, tol=tol, n_threads=1)
        if start == 0 or (inertia < best_inertia and not _same_clustering(labels, best_labels, k)):
            best_labels, best_inertia, best_centres = labels, float(inertia), centres
    return best_labels, best_inertia, best_centres, True


#: The scikit-learn release whose operation order this module copies; with another one every fit is scikit-learn's.
COPIED_RELEASE = "1.9"


def _copied_release() -> bool:
    from sklearn import __version__

    return __version__.split(".")[:2] == COPIED_RELEASE.split(".")


def _compiled_case(points: np.ndarray, k: int) -> bool:
    return (_copied_release() and points.ndim == 2 and points.shape[1] == 2 and 1 <= k <= points.shape[0]
            and bool(np.isfinite(points).all()))


def kmeans_fit(data: np.ndarray, k: int, n_init: int, random_state: Any
               ) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """``KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(data)``, compiled for two variables.

    Parameters
    ----------
    data
        ``(n, 2)`` points (other shapes are fitted by scikit-learn itself).
    k, n_init
        Number of clusters and of k-means++ starts.
    random_state
        An integer or a ``numpy.random.RandomState`` (advanced by the same draws as scikit-learn's fit).

    Returns
    -------
    (labels, centres, inertia, warned)
        scikit-learn's ``labels_`` (int32), ``cluster_centers_``, ``inertia_`` and whether it warned that fewer
        distinct clusters than k were found (duplicate points).

    Notes
    -----
    Run it with scikit-learn's OpenMP pool limited to one thread (the cluster check does): with more threads
    scikit-learn adds the points' sums chunk by chunk in another order.

    References
    ----------
    scikit-learn 1.9 ``sklearn.cluster.KMeans``.

    Examples
    --------
    >>> from sklearn.cluster import KMeans
    >>> rng = np.random.default_rng(0)
    >>> x = np.round(rng.uniform(1, 7, (120, 2)), 1)
    >>> labels, centres, inertia, _ = kmeans_fit(x, 3, 10, 7)
    >>> theirs = KMeans(3, n_init=10, random_state=7).fit(x)
    >>> bool((labels == theirs.labels_).all() and (centres == theirs.cluster_centers_).all())
    True
    """
    from sklearn.utils import check_random_state

    rng = check_random_state(random_state)
    points = np.array(data, dtype=float, order="C", copy=True)
    if _compiled_case(points, k):
        state = rng.get_state()
        tol = float(np.mean(np.var(points, axis=0))) * 1e-4  # scikit-learn's _tolerance, before centring
        mean = points.mean(axis=0)
        points -= mean
        norms = np.einsum("ij,ij->i", points, points)
        trials = 2 + int(np.log(k))
        uniforms = rng.random_sample(n_init * (1 + (k - 1) * trials))
        labels, inertia, centres, ok = _fit(points, norms, np.ones(len(points)), int(k), int(n_init), trials,
                                            uniforms, tol)
        if ok:
            centres = centres + mean
            return labels, centres, float(inertia), len(np.unique(labels)) < k
        rng.set_state(state)
    return _sklearn_fit(data, k, n_init, rng)


def _sklearn_fit(data: np.ndarray, k: int, n_init: int, rng: np.random.RandomState
                 ) -> tuple[np.ndarray, np.ndarray, float, bool]:
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = KMeans(n_clusters=k, n_init=n_init, random_state=rng).fit(data)
    warned = any(issubclass(w.category, SklearnConvergenceWarning) for w in caught)
    return model.labels_, model.cluster_centers_, float(model.inertia_), warned


def kmeans_plusplus_indices(data: np.ndarray, k: int, seed: int) -> np.ndarray:
    """``sklearn.cluster.kmeans_plusplus(data, k, random_state=seed)[1]``, compiled for two variables.

    Parameters
    ----------
    data
        ``(n, 2)`` points (other shapes: scikit-learn itself).
    k
        Number of centres.
    seed
        ``random_state`` of scikit-learn's call.

    Returns
    -------
    numpy.ndarray
        ``(k,)`` indices of the chosen points.

    References
    ----------
    scikit-learn 1.9 ``sklearn.cluster.kmeans_plusplus``; Arthur & Vassilvitskii (2007).

    Examples
    --------
    >>> from sklearn.cluster import kmeans_plusplus
    >>> x = np.random.default_rng(1).normal(size=(50, 2))
    >>> bool((kmeans_plusplus_indices(x, 4, 3) == kmeans_plusplus(x, 4, random_state=3)[1]).all())
    True
    """
    points = np.ascontiguousarray(data, dtype=float)
    if _compiled_case(points, k):
        rng = np.random.RandomState(seed)
        trials = 2 + int(np.log(k))
        norms = np.einsum("ij,ij->i", points, points)
        indices, ok = _plusplus(points, norms, np.ones(len(points)), int(k), trials,
                                rng.random_sample(1 + (k - 1) * trials))
        if ok:
            return indices
    from sklearn.cluster import kmeans_plusplus

    return np.asarray(kmeans_plusplus(points, k, random_state=seed)[1], dtype=np.int64)
