"""Analytic power of a logistic slope: Wald power of a binary predictor (Demidenko 2007), Hsieh, Bloch and
Larsen's (1998) binary and continuous formulas.

The dependency-light core of :mod:`alliance_stats.power.analytic`, kept here (models layer) so that the plan
runner, which sits below ``power/``, can give a hypothesis "not supported" the power its design had for the
planned effect (docs/decision-rules.md, "Power context"). ``power.analytic`` re-exports these functions.
"""

from __future__ import annotations

import math

from scipy import stats
from scipy.special import expit, logit


def wald_power_binary(n: int, exposed_share: float, p_unexposed: float, odds_ratio: float,
                      alpha: float = 0.05) -> float:
    """Power of the two-sided Wald test of a single binary predictor in a logistic regression.

    Demidenko's (2007) formula: the Wald statistic uses the variance of the maximum-likelihood estimate at the
    alternative, ``V = 1 / ((1 - B) w0) + 1 / (B w1)`` per observation with ``w = p (1 - p)`` in the unexposed
    (``x = 0``) and exposed (``x = 1``) groups and ``B`` the share exposed, so
    ``power = Phi(sqrt(n) |b1| / sqrt(V) - z) + Phi(-sqrt(n) |b1| / sqrt(V) - z)``, ``z = z_{1 - alpha/2}``.

    Parameters
    ----------
    n
        Sample size.
    exposed_share
        Share of the sample with ``x = 1`` (B).
    p_unexposed
        Event probability when ``x = 0``.
    odds_ratio
        Odds ratio of ``x`` (``exp(b1)``).
    alpha
        Two-sided significance level.

    Returns
    -------
    float

    Examples
    --------
    >>> round(wald_power_binary(200, 0.5, 0.3, 2.0), 3)
    0.647

    References
    ----------
    Demidenko, E. (2007). Sample size determination for logistic regression revisited. Statistics in Medicine
    26, 3385-3397 (Wald test, variance at the alternative).
    """
    b1 = math.log(odds_ratio)
    p0 = p_unexposed
    p1 = float(expit(logit(p0) + b1))
    variance = 1.0 / ((1.0 - exposed_share) * p0 * (1.0 - p0)) + 1.0 / (exposed_share * p1 * (1.0 - p1))
    shift = math.sqrt(n) * abs(b1) / math.sqrt(variance)
    z = float(stats.norm.isf(alpha / 2))
    return float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))


def hsieh_power_binary(n: int, exposed_share: float, p_unexposed: float, odds_ratio: float,
                       alpha: float = 0.05) -> float:
    """Power for a binary predictor by Hsieh, Bloch and Larsen (1998), equation (2), solved for the power.

    ``n = [z sqrt(P(1-P)/B) + z_power sqrt(P1(1-P1) + P2(1-P2)(1-B)/B)]^2 / ((P1 - P2)^2 (1 - B))`` with ``P1``
    and ``P2`` the event probabilities at ``x = 0`` and ``x = 1``, ``B`` the share with ``x = 1`` and
    ``P = (1 - B) P1 + B P2``: a test of two proportions (variance under the null for the critical value).
    Demidenko (2007) shows it differs from the power of the Wald test that software reports
    (:func:`wald_power_binary`); both are given for comparison.

    Parameters
    ----------
    n
        Sample size.
    exposed_share
        Share of the sample with ``x = 1`` (B).
    p_unexposed
        Event probability when ``x = 0`` (P1).
    odds_ratio
        Odds ratio of ``x``.
    alpha
        Two-sided significance level.

    Returns
    -------
    float
        The power.

    Examples
    --------
    >>> round(hsieh_power_binary(200, 0.5, 0.3, 2.0), 3)
    0.655

    References
    ----------
    Hsieh, F. Y., Bloch, D. A., & Larsen, M. D. (1998). A simple method of sample size calculation for linear
    and logistic regression. Statistics in Medicine 17, 1623-1634.
    """
    B = exposed_share
    p1 = p_unexposed
    p2 = float(expit(logit(p1) + math.log(odds_ratio)))
    pooled = (1.0 - B) * p1 + B * p2
    z = float(stats.norm.isf(alpha / 2))
    numerator = math.sqrt(n * (p1 - p2) ** 2 * (1.0 - B)) - z * math.sqrt(pooled * (1.0 - pooled) / B)
    z_power = numerator / math.sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2) * (1.0 - B) / B)
    return float(stats.norm.cdf(z_power))


def wald_power_continuous(n: int, event_rate: float, odds_ratio_per_sd: float, alpha: float = 0.05) -> float:
    """Power of the two-sided Wald test of one normally distributed predictor in a logistic regression.

    Hsieh, Bloch and Larsen's (1998) equation (1), ``n = (z_{1-alpha/2} + z_power)^2 / (P (1 - P) b^2)``, solved
    for the power: ``Phi(sqrt(n P (1 - P)) |b| - z_{1-alpha/2})`` (plus the negligible opposite tail), with ``P``
    the overall event rate and ``b`` the log odds ratio per standard deviation of the predictor.

    Parameters
    ----------
    n
        Sample size.
    event_rate
        Overall event probability (P).
    odds_ratio_per_sd
        Odds ratio for one standard deviation of the predictor.
    alpha
        Two-sided significance level (a one-sided test at ``a`` is about ``alpha = 2 a``).

    Returns
    -------
    float
        The power.

    Examples
    --------
    >>> round(wald_power_continuous(200, 0.3, 1.5), 3)
    0.748

    References
    ----------
    Hsieh, F. Y., Bloch, D. A., & Larsen, M. D. (1998). A simple method of sample size calculation for linear
    and logistic regression. Statistics in Medicine 17, 1623-1634.
    """
    b = abs(math.log(odds_ratio_per_sd))
    shift = math.sqrt(n * event_rate * (1.0 - event_rate)) * b
    z = float(stats.norm.isf(alpha / 2))
    return float(stats.norm.cdf(shift - z) + stats.norm.cdf(-shift - z))
