"""Firth's penalised-likelihood logistic regression, with logistf's inference.

Estimation and profile penalised-likelihood intervals come from firthmodels 0.8.2
(``FirthLogisticRegression``, ``conf_int(method="pl")``), run with tight tolerances (gradient and step 1e-10,
relaxed to 1e-8 when float64 cannot reach it) on our own design matrix (intercept column included,
``fit_intercept=False``). Checked against R (tests/fixtures/models/make_fixtures_glm.R): coefficients equal
brglm2 0.9 ``brglmFit(type = "AS_mean")`` on ``brglm2::endometrial`` to 1e-6, and the profile intervals and
penalised LR p values equal logistf's definitions (computed by hand in R, logistf is not packaged in Debian)
to 1e-5 (and the published logistf values of Heinze and Schemper 2002).

Written here, because firthmodels does not provide them:

- **standard errors**: firthmodels' ``bse_`` inverts the Fisher information of the *penalised* likelihood,
  ``X' diag((1 + h) w) X``. logistf (``fit$var``) and brglm2 (``vcov``) report the inverse of the ordinary
  Fisher information ``X' W X`` evaluated at the penalised estimates; we follow logistf and brglm2 and
  match brglm2's standard errors to 1e-6.
- **penalised likelihood-ratio tests**, of one coefficient or of several at once (a categorical factor, a
  contrast between configurations). firthmodels' ``lrt()`` is 1-df only and did not converge for ``EH`` on
  endometrial (``max_iter``), so all penalised LR tests use our restricted fit, which keeps the penalty of
  the full model (``1/2 log|X'WX|`` with the full ``X``), logistf's ``anova(..., method = "nested")`` and
  ``drop1`` convention. The restricted maximum is found by Fisher scoring with the modified score
  ``X'(y - p + h (1/2 - p))`` and step halving (Heinze and Schemper 2002), in the parametrisation
  ``beta = beta_0 + N gamma`` with ``N`` a basis of the null space of the constraints ``L beta = c``.
- a fallback profile interval (root finding on restricted fits) used only when firthmodels'
  Venzon-Moolgavkar iterations do not converge.

References: Firth D (1993) Biometrika 80:27-38; Heinze G, Schemper M (2002) Stat Med 21:2409-2419;
logistf 1.26 (``logistf``, ``anova.logistf``); brglm2 0.9 (Kosmidis and Firth 2021).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg
from scipy import optimize, stats
from scipy.special import expit

__all__ = [
    "FirthFit",
    "fit_firth",
    "penalised_loglik",
    "restricted_penalised_loglik",
    "penalised_lr_test",
    "profile_interval",
    "profile_interval_linear",
]

_TOL = 1e-10


@dataclass
class FirthFit:
    """A Firth fit: estimates, logistf-convention covariance and log-likelihoods."""

    coef: np.ndarray
    cov: np.ndarray
    loglik_penalised: float
    loglik: float
    fitted: np.ndarray
    converged: bool
    n_iter: int
    estimator: Any = field(repr=False, default=None)
    notes: list[str] = field(default_factory=list)


def _loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    eta = X @ beta
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def penalised_loglik(X: np.ndarray, y: np.ndarray, beta: np.ndarray) -> float:
    """``l(beta) + 1/2 log det(X' W(beta) X)`` (Firth 1993; logistf's ``loglik``)."""
    eta = X @ beta
    p = expit(eta)
    w = p * (1.0 - p)
    sign, logdet = np.linalg.slogdet(X.T @ (X * w[:, None]))
    if sign <= 0:
        return -math.inf
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)) + 0.5 * logdet)


def fit_firth(X: np.ndarray, y: np.ndarray, *, max_iter: int = 200) -> FirthFit:
    """Fit Firth's logistic regression with firthmodels (design ``X`` includes the intercept column).

    Parameters
    ----------
    X
        Design matrix (n, p), intercept included.
    y
        0/1 outcome.
    max_iter
        Newton-Raphson iterations.

    Returns
    -------
    FirthFit
        ``cov`` is ``(X'WX)^-1`` at the penalised estimates (logistf/brglm2 convention).

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> round(float(fit_firth(X, np.array([0, 0, 1, 1, 1, 1.])).coef[1]), 4)
    2.4567
    """
    from firthmodels import FirthLogisticRegression
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning

    notes: list[str] = []
    # gradient and step tolerance 1e-10, relaxed to 1e-8 then 1e-6 when float64 cannot reach it
    for tol in (_TOL, 1e-8, 1e-6):
        model = FirthLogisticRegression(fit_intercept=False, max_iter=max_iter, gtol=tol, xtol=tol, backend="numpy")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(np.asarray(X, float), np.asarray(y, float))
        if model.converged_:
            break
    for w in caught:
        if issubclass(w.category, SkConvergenceWarning | RuntimeWarning):
            notes.append(str(w.message))
    beta = np.asarray(model.coef_, float)
    cov = _inverse_information(X, beta)
    return FirthFit(coef=beta, cov=cov, loglik_penalised=penalised_loglik(X, y, beta), loglik=_loglik(X, y, beta),
                    fitted=expit(X @ beta), converged=bool(model.converged_), n_iter=int(model.n_iter_),
                    estimator=model, notes=notes)


def _inverse_information(X: np.ndarray, beta: np.ndarray) -> np.ndarray:
    p = expit(X @ beta)
    info = X.T @ (X * (p * (1 - p))[:, None])
    try:
        return np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return np.full(info.shape, np.nan)


def restricted_penalised_loglik(
    X: np.ndarray,
    y: np.ndarray,
    L: np.ndarray,
    c: np.ndarray | None = None,
    start: np.ndarray | None = None,
    max_iter: int = 200,
) -> tuple[float, np.ndarray, bool]:
    """Maximum of the penalised log-likelihood under ``L beta = c``, penalty of the full design.

    Parameters
    ----------
    X, y
        Full design (intercept included) and 0/1 outcome.
    L
        Constraint rows (r, p), linearly independent.
    c
        Constraint values (default zeros).
    start
        Starting coefficients (projected on the constraint set).

    Returns
    -------
    (penalised log-likelihood, coefficients, converged)
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    L = np.atleast_2d(np.asarray(L, float))
    c = np.zeros(L.shape[0]) if c is None else np.atleast_1d(np.asarray(c, float))
    beta0 = np.linalg.lstsq(L, c, rcond=None)[0]
    N = scipy.linalg.null_space(L)
    if N.shape[1] == 0:
        return penalised_loglik(X, y, beta0), beta0, True
    gamma = np.zeros(N.shape[1]) if start is None else N.T @ (np.asarray(start, float) - beta0)
    beta = beta0 + N @ gamma
    ll = penalised_loglik(X, y, beta)
    if not np.isfinite(ll):
        gamma = np.zeros(N.shape[1])
        beta = beta0 + N @ gamma
        ll = penalised_loglik(X, y, beta)
    converged = False
    for _ in range(max_iter):
        p = expit(X @ beta)
        w = p * (1 - p)
        info = X.T @ (X * w[:, None])
        try:
            info_inv = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            break
        h = np.einsum("ij,jk,ik->i", X, info_inv, X) * w
        score = N.T @ (X.T @ (y - p + h * (0.5 - p)))
        reduced = N.T @ info @ N
        try:
            step = np.linalg.solve(reduced, score)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(reduced, score, rcond=None)[0]
        largest = np.max(np.abs(step)) if step.size else 0.0
        if largest > 5.0:
            step = step * (5.0 / largest)
        accepted = False
        for half in range(40):
            trial = gamma + step / 2**half
            ll_trial = penalised_loglik(X, y, beta0 + N @ trial)
            if ll_trial >= ll - 1e-12 * max(1.0, abs(ll)):
                accepted = True
                break
        if not accepted:
            break
        gamma, ll_old, ll = trial, ll, ll_trial
        beta = beta0 + N @ gamma
        if np.max(np.abs(step)) < _TOL or (abs(ll - ll_old) < 1e-14 and np.max(np.abs(score)) < 1e-8):
            converged = True
            break
    return ll, beta, converged


def penalised_lr_test(
    X: np.ndarray, y: np.ndarray, fit: FirthFit, L: np.ndarray, c: np.ndarray | None = None
) -> tuple[float, int, float, bool]:
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


def profile_interval(
    X: np.ndarray, y: np.ndarray, fit: FirthFit, j: int, alpha: float = 0.05
) -> tuple[float, float, str]:
    """Profile penalised-likelihood interval of coefficient ``j`` (logistf's ``plconf``).

    firthmodels' Venzon-Moolgavkar solver first; a bound it does not reach is found by root finding on
    restricted fits. Returns ``(low, high, source)``.
    """
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning

    source = "firthmodels"
    ci = np.array([np.nan, np.nan])
    if fit.estimator is not None and fit.converged:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SkConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                ci = np.asarray(fit.estimator.conf_int(alpha=alpha, method="pl", features=j, max_iter=100,
                                                       tol=1e-9)[j], float)
            except (np.linalg.LinAlgError, scipy.linalg.LinAlgError, ValueError):
                ci = np.array([np.nan, np.nan])
    if np.all(np.isfinite(ci)):
        return float(ci[0]), float(ci[1]), source
    crit = float(stats.chi2.ppf(1 - alpha, 1))
    e = np.zeros(len(fit.coef))
    e[j] = 1.0

    def gap(value: float) -> float:
        ll, _, _ = restricted_penalised_loglik(X, y, e, np.array([value]), start=fit.coef)
        return 2.0 * (fit.loglik_penalised - ll) - crit

    bhat = float(fit.coef[j])
    se = float(np.sqrt(fit.cov[j, j])) if np.isfinite(fit.cov[j, j]) else 1.0
    out = []
    for which, k in ((-1, 0), (1, 1)):
        if np.isfinite(ci[k]):
            out.append(float(ci[k]))
            continue
        width = max(se, 1e-3)
        bound = math.nan
        for _ in range(12):
            other = bhat + which * width
            if gap(other) > 0:
                lo, hi = sorted((bhat, other))
                bound = optimize.brentq(gap, lo, hi, xtol=1e-10)
                break
            width *= 2
        out.append(bound if np.isfinite(bound) else which * math.inf)
    return out[0], out[1], "root finding"


def profile_interval_linear(
    X: np.ndarray, y: np.ndarray, fit: FirthFit, L: np.ndarray, alpha: float = 0.05
) -> tuple[float, float]:
    """Profile penalised-likelihood interval of a linear combination ``L beta`` (one row).

    The bounds are the values ``c`` where ``2 (pl_max - pl(L beta = c)) = chi2_1(1 - alpha)``, found by
    root finding on restricted fits (penalty of the full model). Used for contrasts between configurations.
    """
    L = np.asarray(L, float).ravel()
    crit = float(stats.chi2.ppf(1 - alpha, 1))

    def gap(value: float) -> float:
        ll, _, _ = restricted_penalised_loglik(X, y, L[None, :], np.array([value]), start=fit.coef)
        return 2.0 * (fit.loglik_penalised - ll) - crit

    est = float(L @ fit.coef)
    var = float(L @ fit.cov @ L)
    width0 = max(math.sqrt(var), 1e-3) if np.isfinite(var) and var > 0 else 1.0
    out = []
    for which in (-1, 1):
        width = width0
        bound = which * math.inf
        for _ in range(12):
            other = est + which * width
            if gap(other) > 0:
                lo, hi = sorted((est, other))
                bound = optimize.brentq(gap, lo, hi, xtol=1e-10)
                break
            width *= 2
        out.append(bound)
    return out[0], out[1]
