"""Pairwise-complete covariance matrices of many data sets, compiled (numba): the Mahalanobis D2 rule.

:func:`pairwise_cov` is R's ``cov(x, use = "pairwise")`` by the two-pass formula: for each pair of items, the
means over the respondents who answered both, then the sum of the centred cross-products over them. Every sum
is numpy's pairwise summation (8 accumulators over blocks of at most 128 values, halves above; the halving,
which depends on the number of respondents only, is unrolled once per call), so the result is
bit for bit the vectorised numpy computation this module replaced (tests/power/test_frames.py and the R fixtures
of tests/data check it).

Why numba: the power analysis applies the Mahalanobis rule to every replicate (about 50 items, 2N
respondents): numpy needs one pass over a (replicates, items, respondents) temporary per operation and per item,
about 4 ms per replicate at N = 200 (the largest data stage). The compiled loop makes one pass per pair without
temporaries, which vectorisation cannot express.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["pairwise_cov"]

_BLOCK = 128  # numpy's PW_BLOCKSIZE


@numba.njit(cache=True)
def _block_sum(a, lo, n):  # noqa: ANN001, ANN202
    """numpy's sum of at most 128 values: sequential below 8, else 8 accumulators combined as a tree."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    end = n - (n % 8)
    while i < end:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


def _summation_plan(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """numpy's pairwise summation of ``n`` values as a fixed program (numpy/_core/src/umath/loops_utils.h.src:
    blocks of at most 128, halves rounded down to a multiple of 8 above): the blocks' starts and sizes, and the
    order of evaluation (``i >= 0``: push the sum of block ``i``; ``-1``: replace the two top values by their
    sum, left + right). The recursion depends on ``n`` only, so it is unrolled once per data-set size."""
    starts: list[int] = []
    sizes: list[int] = []
    ops: list[int] = []

    def visit(lo: int, size: int) -> None:
        if size <= _BLOCK:
            ops.append(len(starts))
            starts.append(lo)
            sizes.append(size)
            return
        half = size // 2
        half -= half % 8
        visit(lo, half)
        visit(lo + half, size - half)
        ops.append(-1)

    visit(0, n)
    return np.array(starts, dtype=np.int64), np.array(sizes, dtype=np.int64), np.array(ops, dtype=np.int64)


@numba.njit(cache=True)
def _pairwise_sum(a, starts, sizes, ops, stack):  # noqa: ANN001, ANN202
    """numpy's pairwise sum of ``a`` by the program of :func:`_summation_plan` (same additions, same order)."""
    top = 0
    for op in ops:
        if op >= 0:
            stack[top] = _block_sum(a, starts[op], sizes[op])
            top += 1
        else:
            stack[top - 2] = stack[top - 2] + stack[top - 1]
            top -= 1
    return stack[0]


@numba.njit(cache=True)
def _cov_stack(values, observed, starts, sizes, ops, out):  # noqa: ANN001, ANN202
    """``values``/``observed`` (R, p, n) (items x respondents, 0 where missing) -> ``out`` (R, p, p)."""
    R, p, n = values.shape
    a = np.empty(n)
    b = np.empty(n)
    prod = np.empty(n)
    stack = np.empty(ops.shape[0] + 1)
    for r in range(R):
        for j in range(p):
            for k in range(j, p):
                count = 0
                for i in range(n):
                    both = observed[r, j, i] and observed[r, k, i]
                    a[i] = values[r, j, i] if both else 0.0
                    b[i] = values[r, k, i] if both else 0.0
                    count += both
                if count < 2:
                    value = np.nan
                else:
                    mean_a = _pairwise_sum(a, starts, sizes, ops, stack) / count
                    mean_b = _pairwise_sum(b, starts, sizes, ops, stack) / count
                    for i in range(n):
                        both = observed[r, j, i] and observed[r, k, i]
                        prod[i] = (a[i] - mean_a) * (b[i] - mean_b) if both else 0.0
                    value = _pairwise_sum(prod, starts, sizes, ops, stack) / (count - 1)
                out[r, j, k] = value
                out[r, k, j] = value


def pairwise_cov(arr: np.ndarray) -> np.ndarray:
    """Covariance from pairwise-complete observations (R ``cov(x, use = "pairwise")``), two-pass.

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
    flat = x.reshape(-1, n, p)
    observed = ~np.isnan(flat)
    values = np.ascontiguousarray(np.swapaxes(np.where(observed, flat, 0.0), 1, 2))
    out = np.empty((flat.shape[0], p, p))
    _cov_stack(values, np.ascontiguousarray(np.swapaxes(observed, 1, 2)), *_summation_plan(n), out)
    return out.reshape(*lead, p, p)
