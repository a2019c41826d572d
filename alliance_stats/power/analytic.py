"""Analytic power: Wald and Hsieh power of a binary predictor in a logistic model, and the RMSEA close-fit power
and sample size of MacCallum, Browne and Sugawara (1996), equal to semTools::findRMSEApower and
findRMSEAsamplesize.

Why hand-written: statsmodels' power classes cover t, F, chi-square and normal tests but not the noncentral
RMSEA test of a covariance structure model nor Demidenko's Wald power of a logistic slope; the formulas are
short and are checked against semTools' values (tests/power/test_analytic.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scipy import stats

from alliance_stats.core.errors import SpecificationError
from alliance_stats.models.power import hsieh_power_binary, wald_power_binary  # noqa: F401 (re-exported)

if TYPE_CHECKING:

    from alliance_stats.instrument import Instrument


def rmsea_power(df: int, n: int, rmsea0: float = 0.05, rmsea_a: float = 0.08, alpha: float = 0.05) -> float:
    """Power of the RMSEA test of close (or not-close) fit, MacCallum, Browne and Sugawara (1996).

    The test statistic is noncentral chi-square with ``df`` degrees of freedom and noncentrality
    ``(n - 1) * df * rmsea**2``, under the null (``rmsea0``) and the alternative (``rmsea_a``). With
    ``rmsea0 < rmsea_a`` (test of close fit) the null is rejected in the upper tail; otherwise (test of
    not-close fit) in the lower tail. Same computation as ``semTools::findRMSEApower`` (0.5-6, one group).

    Parameters
    ----------
    df : int
        Degrees of freedom of the model.
    n : int
        Sample size (respondents).
    rmsea0, rmsea_a : float
        RMSEA under the null and under the alternative.
    alpha : float
        Significance level.

    Returns
    -------
    float
        The power.

    Raises
    ------
    SpecificationError
        ``df < 1`` or ``n < 2``.

    Examples
    --------
    >>> round(rmsea_power(24, 200), 4)
    0.51

    References
    ----------
    MacCallum, R. C., Browne, M. W., & Sugawara, H. M. (1996). Power analysis and determination of sample
    size for covariance structure modeling. Psychological Methods, 1(2), 130-149.
    """
    if df < 1 or n < 2:
        raise SpecificationError("df must be >= 1 and n >= 2", value=(df, n))
    ncp0 = (n - 1) * df * rmsea0**2
    ncpa = (n - 1) * df * rmsea_a**2
    if rmsea0 < rmsea_a:
        crit = _ncx2_isf(alpha, df, ncp0)
        return float(_ncx2_sf(crit, df, ncpa))
    crit = _ncx2_isf(1 - alpha, df, ncp0)
    return float(1.0 - _ncx2_sf(crit, df, ncpa))


def _ncx2_isf(q: float, df: float, ncp: float) -> float:
    return float(stats.chi2.isf(q, df) if ncp == 0 else stats.ncx2.isf(q, df, ncp))


def _ncx2_sf(x: float, df: float, ncp: float) -> float:
    return float(stats.chi2.sf(x, df) if ncp == 0 else stats.ncx2.sf(x, df, ncp))


def rmsea_sample_size(df: int, power: float = 0.8, rmsea0: float = 0.05, rmsea_a: float = 0.08,
                      alpha: float = 0.05) -> int:
    """Smallest sample size whose RMSEA test power exceeds ``power`` (``semTools::findRMSEAsamplesize``).

    As semTools, the search starts at n = 5 and returns the first n with power strictly above the target
    (doubling, then bisection: the power of :func:`rmsea_power` increases with n).

    Parameters
    ----------
    df : int
        Degrees of freedom of the model.
    power : float
        Power aimed at, in (0, 1).
    rmsea0, rmsea_a : float
        RMSEA under the null and under the alternative (different).
    alpha : float
        Significance level.

    Returns
    -------
    int
        Respondents needed.

    Raises
    ------
    SpecificationError
        ``power`` outside (0, 1), equal RMSEAs, no n below 10 million.

    References
    ----------
    MacCallum, R. C., Browne, M. W., & Sugawara, H. M. (1996). Psychological Methods, 1(2), 130-149;
    semTools 0.5-6 ``findRMSEAsamplesize``.

    Examples
    --------
    >>> rmsea_sample_size(24)
    375
    """
    if not 0 < power < 1:
        raise SpecificationError("power must be in (0, 1)", value=power)
    if rmsea0 == rmsea_a:
        raise SpecificationError("rmsea0 and rmsea_a must differ", value=rmsea0)
    if rmsea_power(df, 5, rmsea0, rmsea_a, alpha) > power:
        return 5
    lo, hi = 5, 10
    while rmsea_power(df, hi, rmsea0, rmsea_a, alpha) <= power:
        lo, hi = hi, hi * 2
        if hi > 10_000_000:
            raise SpecificationError("no sample size below 10 million reaches this power", value=power)
    while hi - lo > 1:  # power increases with n: bisection on the first n above the target
        mid = (lo + hi) // 2
        if rmsea_power(df, mid, rmsea0, rmsea_a, alpha) > power:
            hi = mid
        else:
            lo = mid
    return hi


def cfa_degrees_of_freedom(instrument: Instrument, constructs: Sequence[str] | None = None) -> tuple[int, int, int]:
    """Degrees of freedom of the instrument's CFA: one factor per Likert construct, marker identification.

    ``df = p (p + 1) / 2 - q`` with ``p`` items and ``q = (p - F)`` free loadings ``+ p`` residual variances
    ``+ F`` factor variances ``+ F (F - 1) / 2`` factor covariances (lavaan's ``cfa()`` defaults, no mean
    structure).

    Parameters
    ----------
    instrument
        The survey instrument.
    constructs
        Construct codes in the CFA (the plan's ``measurement.cfa_constructs``); default every construct with
        Likert items.

    Returns
    -------
    (df, p, F)
        Degrees of freedom, number of items and number of factors.

    References
    ----------
    Bollen, K. A. (1989). Structural Equations with Latent Variables, ch. 7 (counting rule); lavaan 0.6
    ``cfa()`` defaults (Rosseel 2012, Journal of Statistical Software 48(2)).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> cfa_degrees_of_freedom(default_instrument(), ["LINK", "SYM"])
    (64, 13, 2)
    """
    codes = list(constructs) if constructs else list(instrument.construct_codes())
    sizes = [len(instrument.items(code)) for code in codes]
    sizes = [s for s in sizes if s > 0]
    p, F = sum(sizes), len(sizes)
    q = (p - F) + p + F + F * (F - 1) // 2
    return p * (p + 1) // 2 - q, p, F

