"""Compiled passes over the answers of many data sets (numba): longest runs, answers off the scale, the centring
of the pairwise-complete covariance and construct scores.

Why numba (issue 17): the power analysis applies the careless-responding rules to every replicate, 25 data sets
of up to 800 respondents x 53 items per chunk. In numpy the longest run (:func:`longstring_runs`) is four
passes over the respondents per item (compare, extend or restart, maximum) and the centring (:func:`centre`)
seven passes over the stack (missing mask, zeros for missing, sums, counts, deviations, zeros again, the mask
as floats): together as long as the covariance products themselves. Compiled, the runs are one pass and the
centring two (sums and counts, then deviations and masks); likewise the answers off the scale
(:func:`off_scale_to_nan`: five numpy passes and a masked assignment) and the construct scores
(:func:`item_means`: three passes per item) are one pass. The results are the same numbers: runs are
counts; an item's mean is the sum of its answers in row order divided by their count, which for answers on an
integer scale (every Likert answer) is exact whatever the order; a construct score adds the items in their
order, as the numpy loop did (tests/data/test_kernels.py, test_pairwise_cov.py, test_quality.py). Every pass
runs on the item-major view of its arrays (items first): a power chunk's stacks are contiguous there, so the
loops over respondents vectorise; the outputs are allocated in the input's memory layout, so the covariance
products that follow see the arrays they saw before.

Reference: careless 1.2.2 ``longstring``; R Core Team, ``stats::cov`` with ``use = "pairwise.complete.obs"``.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["centre", "item_means", "longstring_runs", "off_scale_to_nan"]


@numba.njit(cache=True)
def _longstring_runs(answers: np.ndarray) -> np.ndarray:
    """On the item-major array ``(p, n)`` (contiguous rows for a power chunk's stack: the loops vectorise)."""
    p, n = answers.shape
    run = np.empty(n, dtype=np.int64)  # the run ending at the current item (0 where it is missing)
    best = np.empty(n, dtype=np.int64)
    first = answers[0]
    for i in range(n):
        run[i] = 1 if first[i] == first[i] else 0
        best[i] = run[i]
    for j in range(1, p):  # item by item
        previous, current = answers[j - 1], answers[j]
        for i in range(n):
            # an answer equal to the previous one (neither missing) extends the run; any other answer starts one
            value = current[i]
            run[i] = run[i] + 1 if value == previous[i] else (1 if value == value else 0)
            best[i] = max(best[i], run[i])
    out = np.empty(n)
    for i in range(n):
        out[i] = best[i] if best[i] > 0 else np.nan
    return out


def longstring_runs(arr: np.ndarray) -> np.ndarray:
    """:func:`~alliance_stats.data.quality.longstring` of a 2-D array with at least one column.

    Parameters
    ----------
    arr
        Respondents x items, NaN for missing (any memory layout).

    Returns
    -------
    numpy.ndarray
        The longest run of identical consecutive answers per row (NaN when the row has no answer).

    References
    ----------
    careless 1.2.2 ``longstring`` (Yentes & Wilhelm 2023).

    Examples
    --------
    >>> longstring_runs(np.array([[4.0, 4.0, np.nan, 4.0], [np.nan, np.nan, np.nan, np.nan]])).tolist()
    [2.0, nan]
    """
    return _longstring_runs(arr.T)



@numba.njit(cache=True)
def _centre(x: np.ndarray, centred: np.ndarray, observed: np.ndarray, mask: np.ndarray) -> None:
    """On item-major arrays ``(p, R, n)`` (contiguous for a power chunk's stack: the loops then vectorise)."""
    p, R, n = x.shape
    for j in range(p):
        for r in range(R):
            answers = x[j, r]
            total = 0.0
            count = 0
            for i in range(n):  # the answers in row order (a missing one adds 0.0: the same sum)
                value = answers[i]
                known = value == value
                total += value if known else 0.0
                count += known
            mean = total / count if count else np.nan
            out_centred, out_observed, out_mask = centred[j, r], observed[j, r], mask[j, r]
            for i in range(n):
                value = answers[i]
                known = value == value
                out_centred[i] = value - mean if known else 0.0
                out_observed[i] = known
                out_mask[i] = 1.0 if known else 0.0


def centre(x: np.ndarray, centred: np.ndarray, observed: np.ndarray, mask: np.ndarray) -> None:
    """The deviations of :func:`~alliance_stats.data.pairwise_cov.centred_answers` and the answered masks of a
    stack ``x`` ``(R, n, p)``, written into ``centred``, ``observed`` (booleans) and ``mask`` (floats).

    Parameters
    ----------
    x
        ``R`` data sets of ``n`` rows and ``p`` items, NaN for missing (any memory layout).
    centred, observed, mask
        Arrays of ``x``'s shape, filled in place.

    Returns
    -------
    None

    References
    ----------
    R Core Team, ``stats::cov`` with ``use = "pairwise.complete.obs"`` (the centring of the one-pass formula).

    Examples
    --------
    >>> x = np.array([[[1.0, np.nan], [3.0, 4.0]]])
    >>> centred, observed, mask = np.empty_like(x), np.empty(x.shape, dtype=bool), np.empty_like(x)
    >>> centre(x, centred, observed, mask)
    >>> centred.tolist(), mask.tolist()
    ([[[-1.0, 0.0], [1.0, 0.0]]], [[[1.0, 0.0], [1.0, 1.0]]])
    """
    _centre(*(np.moveaxis(a, -1, 0) for a in (x, centred, observed, mask)))


@numba.njit(cache=True)
def _off_scale_to_nan(values: np.ndarray, low: float, high: float) -> None:
    """On the item-major array ``(p, R, n)``."""
    p, R, n = values.shape
    for j in range(p):
        for r in range(R):
            answers = values[j, r]
            for i in range(n):
                value = answers[i]
                if not (value >= low and value <= high and math.floor(value) == value):
                    answers[i] = np.nan


def off_scale_to_nan(values: np.ndarray, low: float, high: float) -> None:
    """Set to NaN, in place, every answer of a stack ``(R, n, p)`` that is not an integer from ``low`` to ``high``
    (declared missing codes, out-of-scale codes; NaN stays NaN).

    Parameters
    ----------
    values
        ``R`` data sets of ``n`` rows and ``p`` items (any memory layout), changed in place.
    low, high
        The scale's first and last points (integers).

    Returns
    -------
    None

    References
    ----------
    careless 1.2.2 (indices computed on the answers on the scale).

    Examples
    --------
    >>> x = np.array([[[1.0, 99.0], [2.5, 7.0]]])
    >>> off_scale_to_nan(x, 1, 7)
    >>> x.tolist()
    [[[1.0, nan], [nan, 7.0]]]
    """
    _off_scale_to_nan(np.moveaxis(values, -1, 0), float(low), float(high))


@numba.njit(cache=True)
def _item_means(block: np.ndarray, required: int) -> np.ndarray:
    """On the item-major array ``(k, R, n)``: each item added to the running sums in turn."""
    k, R, n = block.shape
    total = np.zeros((R, n))
    answered = np.zeros((R, n), dtype=np.int64)
    for j in range(k):
        for r in range(R):
            answers, sums, counts = block[j, r], total[r], answered[r]
            for i in range(n):
                value = answers[i]
                known = value == value
                sums[i] += value if known else 0.0
                counts[i] += known
    out = np.empty((R, n))
    for r in range(R):
        for i in range(n):
            out[r, i] = total[r, i] / answered[r, i] if answered[r, i] >= required else np.nan
    return out


def item_means(block: np.ndarray, required: int) -> np.ndarray:
    """Mean of the answered items of each row of a stack ``(R, n, k)``, the answers summed item after item;
    NaN below ``required`` answers.

    Parameters
    ----------
    block
        ``R`` data sets of ``n`` rows and ``k`` items (any memory layout), NaN for missing.
    required
        Fewest answered items for a mean (at least 1).

    Returns
    -------
    numpy.ndarray
        ``(R, n)`` means.

    References
    ----------
    docs/design.md section 3 (scores are item means).

    Examples
    --------
    >>> item_means(np.array([[[1.0, 2.0, np.nan], [np.nan, np.nan, 4.0]]]), 2).tolist()
    [[1.5, nan]]
    """
    return _item_means(np.moveaxis(block, -1, 0), int(required))
