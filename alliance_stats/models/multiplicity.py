"""Multiplicity adjustment of p values: one function for the hypotheses table and the power analysis.

Why hand-written: statsmodels' ``multipletests`` adjusts one vector at a time; the power analysis adjusts a
(replicates x hypotheses) array of thousands of rows, so :func:`adjust_pvalues` sorts and accumulates along
the last axis in one pass. The arithmetic is statsmodels' own (``multipletests`` 0.14: Holm ``p * (m - i)``
then a running maximum; Bonferroni ``p * m``; Benjamini-Hochberg ``p / (i / m)`` then a running minimum from
the largest; every value capped at 1), so the results are equal to it (tested over random vectors with
hypothesis). Missing p values (NaN) are left out of the family of their row and stay NaN.

References: Holm S (1979) Scand J Stat 6:65-70; Benjamini Y, Hochberg Y (1995) JRSS B 57:289-300;
statsmodels ``statsmodels.stats.multitest.multipletests``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from alliance_stats.core.errors import SpecificationError

__all__ = ["ADJUSTMENTS", "adjust_pvalues"]

Adjustment = Literal["holm", "bonferroni", "fdr_bh", "none"]
ADJUSTMENTS: tuple[str, ...] = ("holm", "bonferroni", "fdr_bh", "none")


def _adjust_sorted(p: np.ndarray, method: str) -> np.ndarray:
    """Adjust complete rows (no NaN) of a 2-D array sorted ascending along axis 1."""
    m = p.shape[1]
    if method == "holm":
        out = np.maximum.accumulate(p * np.arange(m, 0, -1), axis=1)
    elif method == "bonferroni":
        out = p * float(m)
    else:  # fdr_bh
        out = np.minimum.accumulate((p / (np.arange(1, m + 1) / float(m)))[:, ::-1], axis=1)[:, ::-1]
    return np.minimum(out, 1.0)


def _adjust_rows(p: np.ndarray, method: str) -> np.ndarray:
    """Adjust complete rows of a 2-D array (any order)."""
    order = np.argsort(p, axis=1, kind="stable")
    adjusted = _adjust_sorted(np.take_along_axis(p, order, axis=1), method)
    out = np.empty_like(p)
    np.put_along_axis(out, order, adjusted, axis=1)
    return out


def adjust_pvalues(p: np.ndarray | list[float], method: Adjustment = "holm") -> np.ndarray:
    """Adjust p values for multiple testing along the last axis (one family per row).

    Parameters
    ----------
    p : array_like, 1-D (one family) or 2-D (replicates x hypotheses)
        Unadjusted p values; NaN entries are left out of their row's family and stay NaN.
    method : {"holm", "bonferroni", "fdr_bh", "none"}
        Holm's step-down (family-wise error), Bonferroni, Benjamini-Hochberg (false discovery rate) or no
        adjustment (a copy).

    Returns
    -------
    numpy.ndarray
        Adjusted p values, same shape as ``p``, capped at 1; equal to statsmodels
        ``multipletests(p, method=method)[1]`` row by row.

    Raises
    ------
    SpecificationError
        Unknown method, or ``p`` with more than two dimensions.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of
    Statistics 6, 65-70. Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. Journal of
    the Royal Statistical Society B 57, 289-300.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues(np.array([[0.01, 0.04, 0.03], [0.2, np.nan, 0.01]]), "fdr_bh").round(3).tolist()
    [[0.03, 0.04, 0.04], [0.2, nan, 0.02]]
    """
    if method not in ADJUSTMENTS:
        raise SpecificationError("unknown multiplicity adjustment", value=method,
                                 fix="use 'holm', 'bonferroni', 'fdr_bh' or 'none'")
    p = np.asarray(p, dtype=float)
    if p.ndim not in (1, 2):
        raise SpecificationError("p values must be a vector or a (replicates x hypotheses) array", value=p.shape)
    if method == "none" or p.size == 0:
        return p.copy()
    rows = np.atleast_2d(p)
    out = np.full(rows.shape, np.nan)
    complete = np.isfinite(rows).all(axis=1)
    if complete.any():
        out[complete] = _adjust_rows(rows[complete], method)
    for r in np.flatnonzero(~complete):
        ok = np.flatnonzero(np.isfinite(rows[r]))
        if ok.size:
            out[r, ok] = _adjust_rows(rows[r, ok][None], method)[0]
    return out.reshape(p.shape)
