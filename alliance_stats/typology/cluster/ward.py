"""Ward's tree (scipy's ``linkage(x, method="ward")``, bit for bit), compiled: the nearest-neighbour chain on a
square distance matrix.

Ward's method is grown 301 times per cluster check above a few hundred dyads (the data or its subsample, the
gap statistic's 100 reference sets, the 200 stability resamples): 12 of the 31 s of CPU of the check at 10,000
dyads (subsample of 2,000) went to scipy's nearest-neighbour chain on the condensed distance matrix, whose scans
of a cluster's distances jump through memory.

Why numba (issue 17): the algorithm is a loop of data-dependent scans and updates (find the nearest neighbour of
the chain's last cluster; merge two reciprocal nearest neighbours; update the merged cluster's distances by the
Lance-Williams formula for Ward), which numpy cannot vectorise. Here it runs on a square matrix whose rows are
contiguous, with the same rules as scipy 1.17 (the nearest-neighbour chain of Murtagh 1983 and Muellner 2011:
scans in index order keeping the first strict minimum and preferring the chain's previous cluster; the merged
cluster takes the larger index; Ward's update ``sqrt(((n_i + n_x) d_xi^2 + (n_i + n_y) d_yi^2 - n_i d_xy^2) /
(n_x + n_y + n_i))`` with the same operations in the same order); the distances are scipy's ``pdist``, the merges
are sorted stably by height (as scipy) and numbered by union-find. The linkage matrix is therefore scipy's, bit
for bit, ties included (tests/typology/test_ward.py), and so are the clusters cut from it.

The square matrix is computed here too (:func:`_square`: each row on its own, the same operations as ``pdist``),
not by ``squareform(pdist(x))``, which wrote the transpose column by column: at 2,000 points (the cluster check's
subsample) 5 ms instead of 20 ms, the tree 1.5x faster (issue 17, session 8). Two rewrites of the chain were
measured and left out: visiting only the live clusters through an index list, and copying the matrix without
the merged clusters as the tree grows, were both slower (the gathered reads cost more than the skipped tests).

References: Murtagh, F. (1983), A survey of recent advances in hierarchical clustering algorithms, The Computer
Journal 26, 354-359; Muellner, D. (2011), Modern hierarchical, agglomerative clustering algorithms,
arXiv:1109.2378; Ward, J. H. (1963), JASA 58, 236-244.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from alliance_stats.typology.cluster.vecmath import squared_distances

__all__ = ["ward_tree"]

SQUARE_LIMIT = 4000
"""Largest number of points grown here (a square matrix of 128 MB); larger sets go to scipy (same tree)."""


@numba.njit(cache=True)
def _square(points):  # noqa: ANN001, ANN202
    """scipy's ``squareform(pdist(points))`` with an infinite diagonal, bit for bit (each distance the square root
    of the squared differences summed over the dimensions in order, as ``pdist``; ``(u - v)^2 = (v - u)^2``
    exactly, so each row is computed on its own, in contiguous memory), and whether every distance is finite
    (scipy's error otherwise)."""
    n, p = points.shape
    coordinates = np.ascontiguousarray(points.T)
    square = np.empty((n, n))
    bad = 0
    for a in range(n):
        row = square[a]
        if p == 2:  # the sum 0 + d0^2 + d1^2 in one pass
            c0, c1 = coordinates[0, a], coordinates[1, a]
            for b in range(n):
                d0 = coordinates[0, b] - c0
                d1 = coordinates[1, b] - c1
                value = math.sqrt(d0 * d0 + d1 * d1)
                bad += not value < np.inf
                row[b] = value
        else:
            squared_distances(coordinates, coordinates[:, a], row)
            for b in range(n):
                value = math.sqrt(row[b])
                bad += not value < np.inf
                row[b] = value
        row[a] = np.inf
    return square, bad == 0


@numba.njit(cache=True)
def _chain(square):  # noqa: ANN001, ANN202
    """Merges (smaller index, larger index, height, size) in the order the nearest-neighbour chain finds them."""
    n = square.shape[0]
    merges = np.empty((n - 1, 4))
    size = np.ones(n, dtype=np.int64)
    chain = np.empty(n, dtype=np.int64)
    length = 0
    first_alive = 0
    for step in range(n - 1):
        if length == 0:
            while size[first_alive] == 0:
                first_alive += 1
            chain[0] = first_alive
            length = 1
        while True:  # follow nearest neighbours until two clusters are each other's
            last = chain[length - 1]
            if length > 1:
                nearest = chain[length - 2]
                height = square[last, nearest]
            else:
                nearest = -1
                height = np.inf
            row = square[last]
            for i in range(n):
                if size[i] > 0 and row[i] < height:  # the diagonal is infinite: never its own neighbour
                    height = row[i]
                    nearest = i
            if length > 1 and nearest == chain[length - 2]:
                break
            chain[length] = nearest
            length += 1
        length -= 2
        low, high = min(last, nearest), max(last, nearest)
        n_low, n_high = size[low], size[high]
        merges[step, 0], merges[step, 1], merges[step, 2], merges[step, 3] = low, high, height, n_low + n_high
        size[low] = 0
        size[high] = n_low + n_high
        for i in range(n):
            n_i = size[i]
            if n_i == 0 or i == high:
                continue
            t = 1.0 / (n_low + n_high + n_i)
            d_low, d_high = square[low, i], square[high, i]
            value = math.sqrt((n_i + n_low) * t * d_low * d_low + (n_i + n_high) * t * d_high * d_high
                              - n_i * t * height * height)
            square[high, i] = value
            square[i, high] = value
    return merges


@numba.njit(cache=True)
def _number(merges, n):  # noqa: ANN001, ANN202
    """Merges sorted by height, renumbered in place as a linkage matrix: each side is named by the cluster that
    holds it now (a point 0..n-1 or the ``n + j``-th merge, found by union-find), the smaller name first, and
    the size is the sum of the two clusters' sizes."""
    parent = np.arange(2 * n - 1)
    sizes = np.ones(2 * n - 1, dtype=np.int64)
    for step in range(n - 1):
        roots = np.empty(2, dtype=np.int64)
        for side in range(2):
            node = int(merges[step, side])
            while parent[node] != node:
                node = parent[node]
            roots[side] = node
        low, high = min(roots[0], roots[1]), max(roots[0], roots[1])
        merged = n + step
        parent[low] = merged
        parent[high] = merged
        sizes[merged] = sizes[low] + sizes[high]
        merges[step, 0], merges[step, 1], merges[step, 3] = low, high, sizes[merged]


def ward_tree(data: np.ndarray) -> np.ndarray:
    """Ward's hierarchical clustering of ``data``: scipy's ``linkage(data, method="ward")``, bit for bit.

    Parameters
    ----------
    data
        ``(n, p)`` points (Euclidean distances).

    Returns
    -------
    numpy.ndarray
        ``(n - 1, 4)`` scipy linkage matrix (cut it with ``scipy.cluster.hierarchy.fcluster``).

    References
    ----------
    Ward, J. H. (1963), Hierarchical grouping to optimize an objective function, JASA 58, 236-244; Muellner, D.
    (2011), arXiv:1109.2378 (nearest-neighbour chain); scipy 1.17 ``scipy.cluster.hierarchy.linkage``.

    Examples
    --------
    >>> from scipy.cluster.hierarchy import linkage
    >>> x = np.random.default_rng(0).random((50, 2)).round(1)
    >>> bool((ward_tree(x) == linkage(x, method="ward")).all())
    True
    """
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import pdist

    points = np.asarray(data, dtype=float)
    n = len(points)
    if n < 2 or n > SQUARE_LIMIT:
        return linkage(points, method="ward")
    if points.ndim != 2:
        pdist(points)  # scipy's error for points that are not rows of coordinates
    square, finite = _square(np.ascontiguousarray(points))
    if not finite:
        return linkage(points, method="ward")  # scipy's error message
    merges = _chain(square)
    merges = merges[np.argsort(merges[:, 2], kind="mergesort")]
    _number(merges, n)
    return merges
