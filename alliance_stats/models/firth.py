"""Firth's penalised-likelihood logistic regression of one data set, with logistf's inference.

The fit itself is the batched kernel (:func:`alliance_stats.models.kernel.firth_batch`) with a batch of one:
the power analysis and :func:`alliance_stats.models.fit_logit` use the same Fisher-scoring code. What is
added here, for one data set:

- **standard errors**: the inverse of the ordinary Fisher information ``X' W X`` at the penalised estimates,
  as logistf (``fit$var``) and brglm2 (``vcov``); they equal brglm2 0.9 on ``brglm2::endometrial`` to 1e-6.
- **penalised likelihood-ratio tests**, of one coefficient or of several at once (a categorical factor, a
  contrast between configurations): the restricted maximum keeps the penalty of the full model
  (``1/2 log|X'WX|`` with the full ``X``), logistf's ``anova(..., method = "nested")`` and ``drop1``
  convention; it is the kernel's constrained fit (``L beta = c``).
- **profile penalised-likelihood intervals** (logistf's ``plconf``): the bounds are the values ``c`` where
  ``2 (pl_max - pl(beta_j = c)) = chi2_1(conf_level)``, found by Brent's root finding on constrained kernel
  fits. They equal logistf's definitions computed in R to 1e-6 (tests/models/test_against_r.py).

Why hand-written: firthmodels (which the project used before) gives the estimates and Venzon-Moolgavkar
intervals but no nested penalised LR test of several coefficients and a different covariance convention;
one kernel for the single fit and the batched power analysis keeps one Firth fitter in the package.
firthmodels remains only as the linear-programming separation detector of
:func:`alliance_stats.models.detect_separation`.

References: Firth D (1993) Biometrika 80:27-38; Heinze G, Schemper M (2002) Stat Med 21:2409-2419;
logistf 1.26 (``logistf``, ``anova.logistf``); brglm2 0.9 (Kosmidis and Firth 2021).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from scipy.special import expit

from alliance_stats.core.errors import ConvergenceWarning
from alliance_stats.core.results import warn
from alliance_stats.models.kernel import firth_batch

__all__ = [
    "FirthFit",
    "fit_firth",
    "penalised_lr_test",
    "profile_interval",
    "profile_interval_linear",
    "restricted_penalised_loglik",
]

# Largest |2 (pl_max - pl(c)) - chi2_crit| accepted at a profile bound (otherwise the profile jumps there).
ROOT_TOL = 1e-4
# Spread starts of the multistart restricted fit (a fixed seed, independent of the user's).
_N_RANDOM_STARTS = 8
_START_SEED = 20261205


@dataclass(frozen=True)
class FirthFit:
    """A Firth fit of one data set: estimates, logistf-convention covariance and log-likelihoods."""

    coef: np.ndarray
    cov: np.ndarray
    loglik_penalised: float
    loglik: float
    fitted: np.ndarray
    converged: bool
    n_iter: int


def fit_firth(X: np.ndarray, y: np.ndarray, *, max_iter: int = 200) -> FirthFit:
    """Fit Firth's logistic regression of one data set with the batched kernel (batch of one).

    Parameters
    ----------
    X
        Design matrix (n, p), intercept included.
    y
        0/1 outcome.
    max_iter
        Fisher-scoring iterations.

    Returns
    -------
    FirthFit
        ``cov`` is ``(X'WX)^-1`` at the penalised estimates (logistf/brglm2 convention).

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> round(float(fit_firth(X, np.array([0, 0, 1, 1, 1, 1.])).coef[1]), 4)
    2.4567

    References
    ----------
    Firth, D. (1993). Bias reduction of maximum likelihood estimates. Biometrika 80, 27-38.
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    fit = firth_batch(X[None], y[None], max_iter=max_iter)
    beta = fit.coef[0]
    return FirthFit(coef=beta, cov=fit.cov[0], loglik_penalised=float(fit.loglik_penalised[0]),
                    loglik=float(fit.loglik[0]), fitted=expit(X @ beta), converged=bool(fit.converged[0]),
                    n_iter=int(fit.n_iter[0]))


def restricted_penalised_loglik(X: np.ndarray, y: np.ndarray, L: np.ndarray, c: np.ndarray | None = None,
                                start: np.ndarray | None = None,
                                max_iter: int = 200) -> tuple[float, np.ndarray, bool]:
    """Maximum of the penalised log-likelihood under ``L beta = c``, penalty of the full design.

    The restricted penalised likelihood can have several local maxima (a continuous covariate that
    separates the outcome): the constrained Fisher scoring is run from several starts at once (a batch of
    the kernel) and the highest maximum is kept. The starts are ``start`` (and ``start`` rescaled so that
    ``L beta = c`` along its own direction, the path of a separating direction), half and twice ``start``,
    zero, and eight normal draws of a fixed seed scaled to the size of the estimate and of ``c``, each
    projected on the constraint set.

    Parameters
    ----------
    X, y
        Full design (intercept included) and 0/1 outcome.
    L
        Constraint rows (r, p), linearly independent.
    c
        Constraint values (default zeros).
    start
        Starting coefficients (projected on the constraint set); a 2-D array (m, p) gives m starts, tried
        together with the default ones.
    max_iter
        Fisher-scoring iterations.

    Returns
    -------
    (penalised log-likelihood, coefficients, converged)
        Of the start that reached the highest maximum.

    References
    ----------
    Heinze, G., & Schemper, M. (2002). A solution to the problem of separation in logistic regression.
    Statistics in Medicine 21, 2409-2419 (logistf's profile penalised likelihood, full-model penalty).

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> ll, beta, ok = restricted_penalised_loglik(X, np.array([0, 0, 1, 1, 1, 1.]), np.array([[0, 1.]]))
    >>> bool(ok), round(float(beta[1]), 6)
    (True, 0.0)
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    L = np.atleast_2d(np.asarray(L, float))
    starts = _starts(L, None if c is None else np.atleast_1d(np.asarray(c, float)), start, X.shape[1])
    m = len(starts)
    fit = firth_batch(np.broadcast_to(X, (m, *X.shape)), np.broadcast_to(y, (m, *y.shape)), constraints=L,
                      start=starts, max_iter=max_iter,
                      constraint_values=None if c is None else np.atleast_1d(np.asarray(c, float)))
    pll = np.where(np.isfinite(fit.loglik_penalised), fit.loglik_penalised, -np.inf)
    top = float(np.max(pll))
    # among the starts that reached the top (to rounding), prefer one whose iterations converged
    tied = pll >= top - 1e-9 * max(1.0, abs(top)) if np.isfinite(top) else np.ones(m, dtype=bool)
    order = np.flatnonzero(tied & fit.converged)
    best = int(order[np.argmax(pll[order])]) if order.size else int(np.argmax(pll))
    return float(fit.loglik_penalised[best]), fit.coef[best], bool(fit.converged[best])


def _starts(L: np.ndarray, c: np.ndarray | None, start: np.ndarray | None, p: int) -> np.ndarray:
    """Starting points of the multistart restricted fit (duplicates removed)."""
    given = np.zeros((1, p)) if start is None else np.atleast_2d(np.asarray(start, float))
    rows = [given, np.zeros((1, p))]
    base = given[0]
    if L.shape[0] == 1 and c is not None:
        now = float(L[0] @ base)
        if abs(now) > 1e-8 and np.isfinite(now):
            ratio = float(c[0]) / now
            if 0 < ratio < 1e6:
                rows.append(base[None] * ratio)
    rows.extend([base[None] * 0.5, base[None] * 2.0])
    # spread starts (a fixed seed: the same data give the same interval) reach basins that no rescaling of
    # the estimate reaches; their scale follows the size of the estimate and of the constraint values
    size = max(1.0, float(np.max(np.abs(base))), float(np.max(np.abs(c))) if c is not None else 0.0)
    rows.append(np.random.default_rng(_START_SEED).normal(scale=size / 2.0, size=(_N_RANDOM_STARTS, p)))
    stacked = np.concatenate(rows)
    stacked = stacked[np.isfinite(stacked).all(axis=1)]
    return np.unique(np.round(stacked, 12), axis=0)


def penalised_lr_test(X: np.ndarray, y: np.ndarray, fit: FirthFit, L: np.ndarray,
                      c: np.ndarray | None = None) -> tuple[float, int, float, bool]:
    """Penalised likelihood-ratio test of ``L beta = c`` (logistf ``anova(method = "nested")``).

    Returns
    -------
    (statistic, df, p, converged)
    """
    L = np.atleast_2d(np.asarray(L, float))
    ll0, _, ok = restricted_penalised_loglik(X, y, L, c, start=fit.coef)
    stat = max(0.0, 2.0 * (fit.loglik_penalised - ll0))
    df = int(np.linalg.matrix_rank(L))
    return stat, df, float(stats.chi2.sf(stat, df)), ok


def _profile_bounds(X: np.ndarray, y: np.ndarray, fit: FirthFit, L: np.ndarray, conf_level: float,
                    messages: list[str] | None = None, label: str = "") -> tuple[float, float]:
    """Both bounds of the profile interval of ``L beta`` (one row) by root finding on restricted fits.

    The profile is followed outward from the estimate (doubling steps); each restricted fit starts from the
    full estimate and from the restricted solutions of the two nearest values already visited
    (continuation), plus the default starts of :func:`restricted_penalised_loglik`, and keeps the highest
    maximum. Brent's method then works between the last value inside the interval and the first outside.
    The bound is checked to be a root (penalised deviance equal to the chi-square critical value within
    ``ROOT_TOL``); when it is not (a jump of the profile), the text is appended to ``messages`` (the caller
    issues it) or, without ``messages``, issued at once as a :class:`ConvergenceWarning`.
    """
    crit = float(stats.chi2.ppf(conf_level, 1))
    visited: dict[float, np.ndarray] = {}

    def gap(value: float) -> float:
        near = sorted(visited, key=lambda v: abs(v - value))[:2]
        starts = np.array([fit.coef, *(visited[v] for v in near)])
        ll, beta, _ = restricted_penalised_loglik(X, y, L[None, :], np.array([value]), start=starts)
        if np.isfinite(ll):
            visited[value] = beta
        return 2.0 * (fit.loglik_penalised - ll) - crit

    est = float(L @ fit.coef)
    var = float(L @ fit.cov @ L)
    width0 = max(math.sqrt(var), 1e-3) if np.isfinite(var) and var > 0 else 1.0
    out = []
    for which in (-1, 1):
        width = width0 / 4.0
        inner = est
        bound = which * math.inf
        for _ in range(16):
            other = est + which * width
            if gap(other) > 0:
                lo, hi = sorted((inner, other))
                bound = optimize.brentq(gap, lo, hi, xtol=1e-10)
                miss = abs(gap(bound))
                if not miss <= ROOT_TOL:
                    text = (f"profile interval{' of ' + label if label else ''}: the "
                            f"{'lower' if which < 0 else 'upper'} bound {bound:.4g} is not a root of the profile "
                            f"penalised deviance (off by {miss:.3g}): the profile jumps there, and the bound may "
                            "be too close to the estimate")
                    if messages is None:
                        warn(None, text, ConvergenceWarning)
                    elif text not in messages:
                        messages.append(text)
                break
            inner = other
            width *= 2
        out.append(bound)
    return out[0], out[1]


def profile_interval(X: np.ndarray, y: np.ndarray, fit: FirthFit, j: int,
                     conf_level: float = 0.95, messages: list[str] | None = None,
                     label: str = "") -> tuple[float, float, str]:
    """Profile penalised-likelihood interval of coefficient ``j`` (logistf's ``plconf``).

    Returns ``(low, high, source)``; ``source`` is ``"root finding"`` (Brent on multistart constrained
    kernel fits). A bound that is not a root is warned about (and recorded in ``messages``).
    """
    e = np.zeros(len(fit.coef))
    e[j] = 1.0
    low, high = _profile_bounds(np.asarray(X, float), np.asarray(y, float), fit, e, conf_level, messages, label)
    return low, high, "root finding"


def profile_interval_linear(X: np.ndarray, y: np.ndarray, fit: FirthFit, L: np.ndarray,
                            conf_level: float = 0.95, messages: list[str] | None = None,
                            label: str = "") -> tuple[float, float]:
    """Profile penalised-likelihood interval of a linear combination ``L beta`` (one row).

    Used for contrasts between configurations; see :func:`profile_interval` (``messages`` collects the
    warning about a bound that is not a root, ``label`` names the contrast in it).
    """
    return _profile_bounds(np.asarray(X, float), np.asarray(y, float), fit, np.asarray(L, float).ravel(),
                           conf_level, messages, label)
