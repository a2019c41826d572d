"""Descriptive statistics and Pearson correlations of scores and controls, for the APA descriptives table.

A pure function on a data frame: means, standard deviations, pairwise-complete Pearson correlations and their
two-sided p values (``t = r sqrt((n - 2) / (1 - r^2))`` on ``n - 2`` degrees of freedom, as
``scipy.stats.pearsonr`` and ``pingouin.pairwise_corr``; tests/data/test_descriptives.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from alliance_stats.core.results import Result, to_jsonable


@dataclass(frozen=True)
class Descriptives(Result):
    """Means, SDs, pairwise n, correlations and p values of the columns of a frame."""

    summary: pd.DataFrame
    r: pd.DataFrame
    p: pd.DataFrame
    n: pd.DataFrame
    warnings: tuple[str, ...] = field(default=())

    def to_tables(self, lang: str = "en") -> dict[str, Any]:
        """None of its own: the report's table (with alphas and labels) is built by the plan section."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Summary, r, p and pairwise n, JSON-ready."""
        return to_jsonable({"summary": self.summary, "r": self.r, "p": self.p, "n": self.n})


def describe_correlate(frame: pd.DataFrame) -> Descriptives:
    """Means, standard deviations and pairwise Pearson correlations (with two-sided p) of numeric columns.

    Parameters
    ----------
    frame
        One column per variable (numbers; missing values allowed: each pair uses its complete rows).

    Returns
    -------
    Descriptives
        ``summary`` (columns ``n``, ``mean``, ``sd``), ``r``, ``p`` and ``n`` (square frames, NaN on the diagonal
        of ``p``).

    References
    ----------
    APA Publication Manual, 7th ed., table 7.14 (descriptive statistics and correlations); Pearson's r and its
    t test, as ``scipy.stats.pearsonr``.

    Examples
    --------
    >>> d = describe_correlate(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 5, 9]}))
    >>> round(float(d.r.loc["a", "b"]), 3), round(float(d.p.loc["a", "b"]), 3)
    (0.965, 0.035)
    """
    data = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    columns = list(data.columns)
    k = len(columns)
    r = np.full((k, k), np.nan)
    p = np.full((k, k), np.nan)
    n = np.zeros((k, k), dtype=int)
    values = data.to_numpy()
    for i in range(k):
        for j in range(k):
            ok = np.isfinite(values[:, i]) & np.isfinite(values[:, j])
            n[i, j] = int(ok.sum())
            if i == j:
                r[i, j] = 1.0
            elif i < j and n[i, j] > 2 and np.std(values[ok, i]) > 0 and np.std(values[ok, j]) > 0:
                test = stats.pearsonr(values[ok, i], values[ok, j])
                r[i, j] = r[j, i] = float(test.statistic)
                p[i, j] = p[j, i] = float(test.pvalue)
    summary = pd.DataFrame({"n": data.notna().sum().astype(int), "mean": data.mean(), "sd": data.std(ddof=1)})
    make = lambda a: pd.DataFrame(a, index=columns, columns=columns)  # noqa: E731
    return Descriptives(summary=summary, r=make(r), p=make(p), n=make(n))
