"""Composite reliability (omega) and average variance extracted from one group's CFA estimates.

semTools 0.5-6 ``compRelSEM()`` with its defaults (``obs.var = TRUE``, ``tau.eq = FALSE``): for factor f with
items I_f, ``omega_f = (sum_i lambda_if)^2 * psi_ff / (1' S_If 1)``, ``S`` the sample covariance matrix (divisor
N; the EM estimate under FIML), so residual covariances enter through the observed variance of the sum score.
``AVE_f = sum_i lambda_if^2 * psi_ff / sum_i s_ii`` as semTools ``AVE()`` (``obs.var = TRUE``), undefined (NaN)
when an item of f loads on another factor. Version matters: semTools 0.5-8 rewrote compRelSEM.

Its own module because both :mod:`alliance_stats.measurement.cfa` (which reports omega and AVE) and
:mod:`alliance_stats.measurement.validity` (Fornell-Larcker, which reads a CFA result) need it: here neither
imports the other to get it. Hand-written because these are a few lines of algebra on the CFA's own estimates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["composite_reliability"]


def composite_reliability(lam: np.ndarray, psi: np.ndarray, sample_cov: np.ndarray, items: tuple[str, ...]
                          | list[str], factors: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Omega (compRelSEM) and AVE per factor from one group's estimates.

    Parameters
    ----------
    lam
        Loadings (items x factors).
    psi
        Factor covariance matrix.
    sample_cov
        Sample covariance matrix of the items (divisor N, lavaan's ``sampstat``).
    items, factors
        Names of the rows/columns of ``lam``.

    Returns
    -------
    DataFrame
        Indexed by factor with columns ``omega`` and ``ave`` (NaN for a factor with fewer than two items,
        as semTools' ``dropSingle``; AVE NaN when an item of the factor loads on another factor).

    Examples
    --------
    >>> import numpy as np
    >>> lam = np.array([[1.0], [0.8], [0.6]])
    >>> s = lam @ lam.T + np.diag([0.5, 0.5, 0.5])
    >>> composite_reliability(lam, np.eye(1), s, ["a", "b", "c"], ["f"]).round(4)
    ... # doctest: +NORMALIZE_WHITESPACE
            omega     ave
    factor
    f       0.7934  0.5714

    References
    ----------
    semTools 0.5-6 ``compRelSEM(obs.var = TRUE, tau.eq = FALSE)`` and ``AVE(obs.var = TRUE)``.
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables
    and measurement error. *Journal of Marketing Research*, 18(1), 39-50.
    Raykov, T. (1997). Estimation of composite reliability for congeneric measures. *Applied Psychological
    Measurement*, 21(2), 173-184.
    """
    nonzero = lam != 0
    cross = nonzero.sum(axis=1) > 1
    omega = []
    ave = []
    for f, _ in enumerate(factors):
        idx = np.flatnonzero(nonzero[:, f])
        if idx.size < 2:  # dropSingle = TRUE
            omega.append(np.nan)
            ave.append(np.nan)
            continue
        loadings = lam[idx, f]
        total = sample_cov[np.ix_(idx, idx)]
        omega.append(float(np.sum(np.outer(loadings, loadings)) * psi[f, f] / np.sum(total)))
        ave.append(np.nan if cross[idx].any() else float(np.sum(loadings**2) * psi[f, f] / np.trace(total)))
    return pd.DataFrame(np.array([omega, ave], dtype=float).T, index=pd.Index(list(factors), name="factor"),
                        columns=_COLUMNS.view())  # the dict constructor's frame (one float block), faster


_COLUMNS = pd.Index(["omega", "ave"])
