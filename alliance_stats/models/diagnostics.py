"""Diagnostics of a logistic fit: separation (linear programming), Hosmer-Lemeshow, AUC, generalised VIF.

Why hand-written: the separation check wraps firthmodels' Konis linear program (the detectseparation
algorithm) and adds the complete/quasi-complete distinction; Hosmer-Lemeshow follows
ResourceSelection::hoslem.test's grouping, which no Python library reproduces; the generalised VIF of a
factor (Fox and Monette 1992, ``car::vif``) is not in statsmodels.

References: Konis (2007) DPhil thesis, Oxford; Hosmer, Lemeshow and Sturdivant (2013) Applied Logistic
Regression, 3rd ed.; Fox J, Monette G (1992) JASA 87:178-183.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from alliance_stats.models.design import INTERCEPT

__all__ = ["SeparationCheck", "detect_separation", "hosmer_lemeshow"]


@dataclass(frozen=True)
class SeparationCheck:
    """Result of the linear-programming separation check.

    ``kind`` is ``"none"``, ``"quasi-complete"`` or ``"complete"``; ``directions`` maps each design column
    with an infinite ML estimate to +1 or -1.
    """

    kind: str
    directions: dict[str, int] = field(default_factory=dict)

    @property
    def separated(self) -> bool:
        return self.kind != "none"


def detect_separation(X: pd.DataFrame, y: np.ndarray | pd.Series) -> SeparationCheck:
    """Detect complete or quasi-complete separation by linear programming.

    The columns are rescaled to unit maximum (directions do not depend on scale) and firthmodels'
    ``detect_separation`` (Konis 2007 (4.23), the detectseparation algorithm) finds the coefficients with
    an infinite ML estimate. Separation is complete when a direction ``d`` gives ``(2y - 1) x_i'd > 0`` for
    every row (second LP maximising the smallest margin), else quasi-complete.

    Parameters
    ----------
    X
        Design matrix with the intercept column.
    y
        0/1 outcome.

    Returns
    -------
    SeparationCheck

    References
    ----------
    Konis, K. (2007). Linear programming algorithms for detecting separated data in binary logistic
    regression models. DPhil thesis, University of Oxford.

    Examples
    --------
    >>> X = pd.DataFrame({"(Intercept)": 1.0, "x": [0., 0, 0, 1, 1, 1]})
    >>> detect_separation(X, np.array([0, 0, 1, 1, 1, 1])).kind
    'quasi-complete'
    """
    from firthmodels import detect_separation as _konis

    A = X.to_numpy(dtype=float)
    y = np.asarray(y, dtype=float)
    scale = np.max(np.abs(A), axis=0)
    scale[scale == 0] = 1.0
    As = A / scale
    result = _konis(As, y, fit_intercept=False, tol=1e-6)
    directions = {X.columns[j]: int(d) for j, d in enumerate(result.directions) if d != 0}
    if not directions:
        return SeparationCheck("none", {})
    signed = As * (2 * y - 1)[:, None]
    n, p = signed.shape
    # maximise t subject to signed @ b >= t, -1 <= b <= 1, t <= 1
    c = np.zeros(p + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-signed, np.ones((n, 1))])
    lp = optimize.linprog(c, A_ub=A_ub, b_ub=np.zeros(n), bounds=[(-1, 1)] * p + [(None, 1)], method="highs")
    kind = "complete" if lp.success and -lp.fun > 1e-7 else "quasi-complete"
    return SeparationCheck(kind, directions)


def hosmer_lemeshow(y: np.ndarray, p: np.ndarray, groups: int = 10) -> tuple[float, int, float, int]:
    """Hosmer-Lemeshow statistic as ResourceSelection::hoslem.test.

    Groups are cut at the quantiles (R type 7) of the fitted probabilities, ``include.lowest``; the
    statistic is summed over both outcome columns, df = groups - 2; tied quantiles are merged and df reduced.

    Parameters
    ----------
    y
        0/1 outcome.
    p
        Fitted probabilities.
    groups
        Number of groups (10).

    Returns
    -------
    (statistic, df, p value, number of groups used)

    References
    ----------
    Hosmer, D. W., Lemeshow, S., & Sturdivant, R. X. (2013). Applied Logistic Regression (3rd ed.), 5.2.2.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> p = rng.uniform(0.1, 0.9, 200); y = (rng.uniform(size=200) < p).astype(float)
    >>> hosmer_lemeshow(y, p)[1]
    8
    """
    y = np.asarray(y, float)
    p = np.asarray(p, float)
    breaks = np.unique(np.quantile(p, np.linspace(0, 1, groups + 1)))
    if len(breaks) < 3:
        return math.nan, 0, math.nan, len(breaks) - 1
    index = np.clip(np.searchsorted(breaks, p, side="left") - 1, 0, len(breaks) - 2)
    stat = 0.0
    used = 0
    for g in range(len(breaks) - 1):
        mask = index == g
        if not mask.any():
            continue
        used += 1
        obs1, exp1 = y[mask].sum(), p[mask].sum()
        obs0, exp0 = mask.sum() - obs1, mask.sum() - exp1
        stat += (obs1 - exp1) ** 2 / exp1 + (obs0 - exp0) ** 2 / exp0
    df = used - 2
    return float(stat), int(df), float(stats.chi2.sf(stat, df)) if df > 0 else math.nan, used


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve: the Mann-Whitney statistic with mid-ranks."""
    ranks = stats.rankdata(p)
    n1 = float(y.sum())
    n0 = len(y) - n1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def gvif(cov: np.ndarray, columns: list[str], terms: dict[str, list[str]]) -> dict[str, tuple[float, int]]:
    """Generalised VIF per term from the coefficient covariance (car::vif)."""
    slopes = [c for c in columns if c != INTERCEPT]
    if len(slopes) < 2:
        return {}
    idx = [columns.index(c) for c in slopes]
    V = cov[np.ix_(idx, idx)]
    if not np.all(np.isfinite(V)):
        return {}
    sd = np.sqrt(np.diag(V))
    R = V / np.outer(sd, sd)
    det_all = np.linalg.det(R)
    out: dict[str, tuple[float, int]] = {}
    for term, cols in terms.items():
        a = [slopes.index(c) for c in cols]
        b = [i for i in range(len(slopes)) if i not in a]
        det_a = np.linalg.det(R[np.ix_(a, a)])
        det_b = np.linalg.det(R[np.ix_(b, b)]) if b else 1.0
        out[term] = (float(det_a * det_b / det_all), len(a))
    return out
