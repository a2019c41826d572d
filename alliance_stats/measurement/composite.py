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

import functools

import numpy as np
import pandas as pd
from pandas.api.internals import create_dataframe_from_blocks

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
    loads = lam != 0
    members = loads.sum(axis=0)  # items per factor
    indicator = loads.astype(float)
    lam_psi = lam.sum(axis=0) ** 2 * np.diagonal(psi)  # (sum_i lambda_if)^2 psi_ff (lambda is 0 off the factor)
    total = np.einsum("if,ij,jf->f", indicator, sample_cov, indicator)  # 1' S_If 1
    with np.errstate(invalid="ignore", divide="ignore"):
        omega = np.where(members >= 2, lam_psi / total, np.nan)  # dropSingle = TRUE
        ave = (lam**2).sum(axis=0) * np.diagonal(psi) / (indicator.T @ np.diagonal(sample_cov))
    cross = (loads.sum(axis=1) > 1)[:, None] & loads  # an item of the factor that loads on another one
    ave = np.where((members >= 2) & ~cross.any(axis=0), ave, np.nan)
    # the DataFrame constructor's frame (one float block), without its per-call inference
    return create_dataframe_from_blocks([(np.vstack([omega, ave]), np.arange(2))],
                                        index=_factor_index(tuple(factors)).view(), columns=_COLUMNS.view())


@functools.lru_cache(maxsize=64)
def _factor_index(factors: tuple[str, ...]) -> pd.Index:
    """``pd.Index(list(factors), name="factor")``, built once (callers take a ``.view()``)."""
    return pd.Index(list(factors), name="factor")


_COLUMNS = pd.Index(["omega", "ave"])
