"""Pairwise-complete covariance matrices of many data sets at once (the Mahalanobis D2 rule).

:func:`pairwise_cov` is R's ``cov(x, use = "pairwise")``: for each pair of items, the covariance over the
respondents who answered both, with both means taken over those respondents. It is computed from the data ``Z``
centred at the item means (missing answers 0) and the answered mask ``M``: cross-products ``Z'Z`` and sums
``S = Z'M`` (``S[j, k]``: item ``j`` over the rows where ``k`` is answered), two matrix products, and the pair
counts ``N``; then ``(Z'Z - S S' / N) / (N - 1)``. The one-pass formula has no cancellation to fear because the
data are centred first (each pair's means are then close to 0): it differs from the two-pass definition by
rounding only (about 1e-14 of the largest entry, tests/data/test_pairwise_cov.py), and one BLAS product per term
over a stack of ``R`` data sets replaces ``R * p * (p + 1) / 2`` passes over the respondents (the power analysis
applies the rule to every replicate). The item analysis and reliability
(:func:`alliance_stats.measurement._itemdata.pairwise_cov`) call it on one data set; :func:`centred_cov` also gives
the centred answers, which the Mahalanobis D2 uses. (Until issue 17 a compiled loop computed the two-pass
definition with numpy's pairwise summation order, bit for bit, ten times slower; the one-pass values differ from
it by rounding: 4e-15 relative on the demo's D2.)

Why compiled (:func:`_pair_terms`, issue 17, session 9): the counts ``N`` were a third product ``M'M`` and the
formula five element-wise passes over ``(R, p, p)`` arrays in numpy, together 40 % of the covariance's cost in a
power chunk (25 data sets of 400 respondents x 53 items). The counts only depend on the missing answers:
``N[j, k] = n - m[j] - m[k] + b[j, k]`` (``m`` missing answers per item, ``b`` rows missing both; integers, exact
in any order), one pass over the answered mask and a few additions per row that lacks answers; the formula then
runs in the same loop, with the same operations in the same order, so the covariances are the numpy formula's
bit for bit (tests/data/test_pairwise_cov.py). (Computing ``S`` from the missing answers too, ``S[j, k] = T[j] -``
the sum of ``Z[i, j]`` over the rows ``i`` missing ``k``, was tried: a scattered loop over ``p`` items per missing
answer, as slow as the BLAS product it replaces at 2 % missing answers.)

The centring (:func:`centred_answers`) is compiled: :mod:`alliance_stats.data.kernels` says why.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["centred_answers", "centred_cov", "pairwise_cov"]


def pairwise_cov(arr: np.ndarray) -> np.ndarray:
    """Covariance from pairwise-complete observations (R ``cov(x, use = "pairwise")``).

    Parameters
    ----------
    arr
        One data set ``(n, p)`` or a stack ``(..., n, p)`` of data sets of equal size, NaN for missing.

    Returns
    -------
    numpy.ndarray
        ``(p, p)`` or ``(..., p, p)``: each pair's covariance over the rows that answered both (NaN below two).

    References
    ----------
    R Core Team, ``stats::cov`` with ``use = "pairwise.complete.obs"``; psych 2.2.9 ``outlier``.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [4.0, 4.0]])
    >>> pairwise_cov(x).round(4).tolist()
    [[1.6667, 1.8333], [1.8333, 2.3333]]
    """
    x = np.asarray(arr, dtype=float)
    lead, (n, p) = x.shape[:-2], x.shape[-2:]
    return centred_cov(x.reshape(-1, n, p))[2].reshape(*lead, p, p)


def centred_cov(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The computation of :func:`pairwise_cov` on a stack ``(R, n, p)``, with its intermediate results.

    Parameters
    ----------
    x
        ``R`` data sets of ``n`` rows and ``p`` items, NaN for missing (any memory layout: an item-major stack
        is not copied).

    Returns
    -------
    (centred, observed, cov)
        ``centred`` ``(R, n, p)``: the answers minus their item's mean over its answers, 0 where missing (the
        deviations of psych::outlier); ``observed`` ``(R, n, p)`` booleans; ``cov`` ``(R, p, p)`` the
        pairwise-complete covariances (NaN below two rows answering both).

    References
    ----------
    R Core Team, ``stats::cov`` with ``use = "pairwise.complete.obs"``.

    Examples
    --------
    >>> x = np.array([[[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [4.0, 4.0]]])
    >>> centred, observed, cov = centred_cov(x)
    >>> centred[0, :, 1].round(4).tolist(), int(observed.sum())
    ([-1.6667, 0.0, 1.3333, 0.3333], 7)
    """
    centred, observed, mask = _centred(np.asarray(x, dtype=float))
    centred_t = np.swapaxes(centred, 1, 2)
    out = centred_t @ centred  # Z'Z (numpy calls syrk: a matrix times its own transpose)
    sums = centred_t @ mask  # S = Z'M: S[j, k] item j over the rows where k is answered (and j: 0 elsewhere)
    _pair_terms(np.moveaxis(observed, -1, 0), sums, out)
    return centred, observed, out


def centred_answers(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Answers minus their item's mean over its answers, 0 where missing, and the answered mask.

    Parameters
    ----------
    x
        ``(..., n, p)``: data sets of ``n`` rows and ``p`` items, NaN for missing.

    Returns
    -------
    (centred, observed)
        ``centred`` of ``x``'s shape (0 where missing) and ``observed`` booleans.

    Examples
    --------
    >>> centred, observed = centred_answers(np.array([[1.0, np.nan], [3.0, 4.0]]))
    >>> centred.tolist(), observed.tolist()
    ([[-1.0, 0.0], [1.0, 0.0]], [[True, False], [True, True]])
    """
    centred, observed, _ = _centred(np.asarray(x, dtype=float))
    return centred, observed


def _centred(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`centred_answers` and the answered mask as floats, each in ``x``'s memory layout."""
    stack = x.reshape(-1, *x.shape[-2:])  # a (R, n, p) stack is itself
    centred = np.empty_like(stack)  # order "K": the same layout (an item-major stack stays item-major)
    observed = np.empty_like(stack, dtype=bool)
    mask = np.empty_like(stack)
    from alliance_stats.data.kernels import centre

    centre(stack, centred, observed, mask)
    return centred.reshape(x.shape), observed.reshape(x.shape), mask.reshape(x.shape)


@numba.njit(cache=True)
def _pair_terms(observed: np.ndarray, sums: np.ndarray, out: np.ndarray) -> None:
    """``out[r]`` from ``Z'Z`` to the pairwise covariances, in place, with ``sums`` ``(R, p, p)`` = ``S = Z'M``;
    ``observed`` item-major ``(p, R, n)`` (contiguous for a power chunk's stack)."""
    p, R, n = observed.shape
    lacking = np.empty(n, dtype=np.int64)  # the number of items each row lacks
    items = np.empty((n, p), dtype=np.int64)  # items[i, :lacking[i]]: which
    missing = np.empty(p, dtype=np.int64)  # m[j]: item j's missing answers
    both = np.empty((p, p), dtype=np.int64)  # b[j, k]: the rows missing j and k
    for r in range(R):
        lacking[:] = 0
        both[:] = 0
        for j in range(p):
            count = 0
            for i in range(n):
                if not observed[j, r, i]:
                    items[i, lacking[i]] = j
                    lacking[i] += 1
                    count += 1
            missing[j] = count
        for i in range(n):
            for a in range(lacking[i]):
                for b in range(lacking[i]):
                    both[items[i, a], items[i, b]] += 1
        cross, total = out[r], sums[r]
        for j in range(p):
            for k in range(p):
                size = n - missing[j] - missing[k] + both[j, k]  # N[j, k]: the rows answering j and k
                cross[j, k] = (cross[j, k] - total[j, k] * total[k, j] / size) / (size - 1) if size >= 2 else np.nan
