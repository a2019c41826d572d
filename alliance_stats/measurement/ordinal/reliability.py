"""Reliability of ordinal items: ordinal alpha and categorical omega.

- :func:`ordinal_alpha`: coefficient alpha computed on the polychoric correlation matrix (Zumbo, Gadermann &
  Zeisser 2007), ``k / (k - 1) * (1 - k / sum(R))``, as ``psych::alpha(R)`` on that matrix.
- :func:`categorical_omega`: Green and Yang's (2009) omega for the sum of the observed codes of a
  one-factor ordinal CFA, as ``semTools::compRelSEM(fit, ord.scale = TRUE)`` (semTools' ``omegaCat``, with
  ``obs.var = TRUE``: the denominator uses the sample polychoric matrix). It takes the fitted model's
  standardized loadings and thresholds as arguments, so it works with any estimator's output.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import ndtr

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement.ordinal._bvn import bvn_cdf
from alliance_stats.measurement.ordinal.polychoric import PolychoricResult, polychoric

__all__ = ["ordinal_alpha", "categorical_omega"]


def ordinal_alpha(items: pd.DataFrame | PolychoricResult, *, missing: str = "pairwise") -> float:
    """Ordinal alpha: coefficient alpha on the polychoric correlation matrix.

    Parameters
    ----------
    items
        The items of one scale (integer codes), or a :class:`PolychoricResult` already computed on them.
    missing
        Passed to :func:`polychoric` when ``items`` is a DataFrame.

    Returns
    -------
    float
        ``k / (k - 1) * (1 - k / sum(R))`` with ``R`` the k x k polychoric matrix (``psych::alpha(R)``'s
        ``raw_alpha``).

    References
    ----------
    Zumbo, B. D., Gadermann, A. M., & Zeisser, C. (2007). Ordinal versions of coefficients alpha and theta for
    Likert rating scales. *Journal of Modern Applied Statistical Methods*, 6(1), 21-29.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(3)
    >>> eta = rng.normal(size=(2000, 1))
    >>> latent = 0.7 * eta + np.sqrt(1 - 0.49) * rng.normal(size=(2000, 4))
    >>> data = pd.DataFrame(np.digitize(latent, [-1.5, -0.5, 0.5, 1.5]) + 1, columns=list("abcd"))
    >>> round(ordinal_alpha(data), 1)  # 4 * .49 / (1 + 3 * .49)
    0.8
    """
    result = items if isinstance(items, PolychoricResult) else polychoric(items, missing=missing)
    r = result.correlation.to_numpy(dtype=float)
    k = r.shape[0]
    if k < 2:
        raise SpecificationError("ordinal alpha needs at least two items", fix="pass the items of one scale")
    return float(k / (k - 1) * (1.0 - k / r.sum()))


def _threshold_lists(thresholds: pd.Series | Mapping[str, list[float]], items: list[str]) -> list[np.ndarray]:
    if isinstance(thresholds, pd.Series):
        out = []
        for item in items:
            keys = [k for k in thresholds.index if str(k).rsplit("|", 1)[0] == item]
            if not keys:
                raise SpecificationError(f"no threshold for item {item!r}", column=item,
                                         fix="pass thresholds named 'item|t1', 'item|t2', ...")
            out.append(np.asarray(thresholds[keys], dtype=float))
        return out
    missing = [i for i in items if i not in thresholds]
    if missing:
        raise SpecificationError(f"no threshold for item {missing[0]!r}", column=missing[0],
                                 fix="give a list of thresholds for every item")
    return [np.asarray(thresholds[i], dtype=float) for i in items]


def categorical_omega(loadings: pd.Series, thresholds: pd.Series | Mapping[str, list[float]],
                      correlation: pd.DataFrame) -> float:
    """Categorical omega (Green & Yang 2009) of a one-factor ordinal CFA, as semTools 0.5-6.

    ``sum_{j, j'} [sum_{c, c'} Phi2(t_jc, t_j'c'; l_j l_j') - sum_c Phi(t_jc) sum_c' Phi(t_j'c')]`` divided by the
    same sum with ``Phi2(t_jc, t_j'c'; r_jj')``, where ``l`` are the standardized loadings, ``t`` the thresholds
    and ``r`` the polychoric correlations (1 on the diagonal): the share of the variance of the sum of the
    observed codes due to the factor (``compRelSEM(fit, ord.scale = TRUE)`` with its default ``obs.var =
    TRUE``).

    Parameters
    ----------
    loadings
        Standardized loadings (``std.all``) of the items on the factor, indexed by item.
    thresholds
        The fitted thresholds, a Series named ``"item|t1"``, ... (lavaan's names) or a mapping item -> list.
    correlation
        The sample polychoric correlations of the items (``lavInspect(fit, "sampstat")$cov``).

    Returns
    -------
    float
        Categorical omega.

    References
    ----------
    Green, S. B., & Yang, Y. (2009). Reliability of summed item scores using structural equation modeling: An
    alternative to coefficient alpha. *Psychometrika*, 74(1), 155-167.
    semTools 0.5-6 ``compRelSEM(object, ord.scale = TRUE)`` (internal ``omegaCat``).

    Examples
    --------
    >>> lam = pd.Series({"a": .7, "b": .7, "c": .7})
    >>> th = {"a": [-1.0, 0.0, 1.0], "b": [-1.0, 0.0, 1.0], "c": [-1.0, 0.0, 1.0]}
    >>> r = pd.DataFrame(np.full((3, 3), .49) + np.eye(3) * .51, index=list("abc"), columns=list("abc"))
    >>> round(categorical_omega(lam, th, r), 3)
    0.698
    """
    items = [str(i) for i in loadings.index]
    lam = loadings.to_numpy(dtype=float)
    ths = _threshold_lists(thresholds, items)
    try:
        denom = correlation.loc[items, items].to_numpy(dtype=float)
    except KeyError as exc:
        raise SpecificationError(f"the correlation matrix lacks item(s) of the loadings: {exc}",
                                 fix="pass the polychoric matrix of the same items") from None
    sd = np.sqrt(np.diag(denom))
    denom = denom / np.outer(sd, sd)
    true = np.outer(lam, lam)
    sum_phi = np.array([ndtr(t).sum() for t in ths])
    num = den = 0.0
    for j, tj in enumerate(ths):  # k x k small blocks; each block vectorised over the threshold pairs
        for jp, tjp in enumerate(ths):
            xx, yy = np.meshgrid(tj, tjp, indexing="ij")
            num += bvn_cdf(xx, yy, true[j, jp]).sum() - sum_phi[j] * sum_phi[jp]
            den += bvn_cdf(xx, yy, denom[j, jp]).sum() - sum_phi[j] * sum_phi[jp]
    return float(num / den)
