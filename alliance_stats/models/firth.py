"""Firth's penalised-likelihood logistic regression of one data set, with logistf's inference.

The fit itself is the batched kernel (:func:`alliance_stats.models.kernel.firth_batch`) with a batch of one:
the power analysis and :func:`alliance_stats.models.fit_logit` use the same Fisher-scoring code. What is
added here, for one data set:

- **standard errors**: the inverse of the ordinary Fisher information ``X' W X`` at the penalised estimates,
  as logistf (``fit$var``) and brglm2 (``vcov``); they equal brglm2 0.9 on ``brglm2::endometrial`` to 1e-6.
- **penalised likelihood-ratio tests**, of one coefficient or of several at once (a categorical factor, a
  contrast between configurations): the restricted maximum keeps the penalty of the full model
  (``1/2 log|X'WX|`` with the full ``X``), logistf's ``anova(..., method = "nested")`` and ``drop1``
  convention; it is the kernel's constrained fit (``L beta = c``), a multistart of
  :func:`alliance_stats.models.kernel.firth_newton_batch` (Fisher scoring, finished by Newton-Raphson).
- **profile penalised-likelihood intervals** (logistf's ``plconf``): the bounds are the values ``c`` where
  ``2 (pl_max - pl(beta_j = c)) = chi2_1(conf_level)``, found by root finding on restricted fits
  (:class:`_Profile`). They equal logistf's definitions computed in R to 1e-6 (tests/models/test_against_r.py)
  and a global multistart profile computed in R on a separated set (tests/models/test_firth_profile.py).

Speed of the profile (issue 17). On a separated model the restricted penalised likelihood has several local
maxima, hence a multistart; the earlier profile ran it (about 15 starts of up to 200 Fisher-scoring iterations)
at every value Brent's method visited, about 14 values per bound: 0.9-1.2 s of CPU per interval on the 12-dyad
pilot's models (136 s for its 154 intervals). Now (i) each restricted fit is compiled and finishes by Newton's
method with the exact Hessian (quadratic convergence instead of Fisher scoring's linear crawl), (ii) the profile
follows each local maximum found (its branches, also rescaled along their own direction) from the nearest values
visited on either side, and runs the multistart only where a value
looks outside the interval and at each bound (a continuation maximum is never above the multistart's, so a
continuation deviance below the critical value is inside whatever the multistart would add), and (iii) the root
is found by Newton's method on the profile deviance, whose derivative is the Lagrange multiplier of the
restricted fit (envelope theorem), with bisection as a safeguard: 35-80 ms per interval (9.5 s for the pilot's
154; 14x less CPU than before in one process). On the pilot's 154 intervals the bounds equal the earlier ones to
1e-10 except three, where the earlier multistart missed the global maximum along the profile (a search with 240
starts per value agrees with today's bounds); tests/models/test_firth_profile_random.py compares 400 bounds on
random separated sets.

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
from scipy import stats
from scipy.special import expit

from alliance_stats.core.errors import ConvergenceWarning
from alliance_stats.core.results import warn
from alliance_stats.models.kernel import FirthBatchFit, firth_batch, firth_newton_batch

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
# Local maxima of the restricted penalised likelihood followed along the profile, per value visited.
_BRANCHES = 4
# Restricted fits: Fisher scoring until the largest step is below EXPLORE, then Newton (MAX_ITER in all).
EXPLORE = 1e-3
MAX_ITER = 300


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
                                max_iter: int = MAX_ITER) -> tuple[float, np.ndarray, bool]:
    """Maximum of the penalised log-likelihood under ``L beta = c``, penalty of the full design.

    The restricted penalised likelihood can have several local maxima (a continuous covariate that
    separates the outcome): the constrained fit (Newton-Raphson on the penalised log-likelihood,
    :func:`alliance_stats.models.kernel.firth_newton_batch`) is run from several starts at once and the
    highest maximum is kept. The starts are ``start`` (and ``start`` rescaled so that ``L beta = c`` along
    its own direction, the path of a separating direction), half and twice ``start``, zero, and eight normal
    draws of a fixed seed scaled to the size of the estimate and of ``c``, each projected on the constraint
    set.

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
        Newton iterations.

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
    values = np.zeros(L.shape[0]) if c is None else np.atleast_1d(np.asarray(c, float))
    fit = _restricted_fits(X, y, L, values, _starts(L, None if c is None else values, start, X.shape[1]),
                           max_iter)
    best = _best(fit)
    return float(fit.loglik_penalised[best]), fit.coef[best], bool(fit.converged[best])


def _restricted_fits(X: np.ndarray, y: np.ndarray, L: np.ndarray, c: np.ndarray, starts: np.ndarray,
                     max_iter: int = MAX_ITER, explore: float = EXPLORE) -> FirthBatchFit:
    """The restricted fits of ``L beta = c`` from each start (one batch of the compiled kernel)."""
    m = len(starts)
    return firth_newton_batch(np.broadcast_to(X, (m, *X.shape)), np.broadcast_to(y, (m, *y.shape)), L, c,
                              starts, max_iter=max_iter, explore=explore)


def _best(fit: FirthBatchFit) -> int:
    """The start with the highest maximum; among those tied at the top (to rounding), a converged one."""
    pll = np.where(np.isfinite(fit.loglik_penalised), fit.loglik_penalised, -np.inf)
    top = float(np.max(pll))
    tied = pll >= top - 1e-9 * max(1.0, abs(top)) if np.isfinite(top) else np.ones(len(pll), dtype=bool)
    order = np.flatnonzero(tied & fit.converged)
    return int(order[np.argmax(pll[order])]) if order.size else int(np.argmax(pll))


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


class _Profile:
    """The profile penalised deviance ``2 (pl_max - pl(L beta = c)) - crit`` of one linear combination.

    Each value visited keeps its distinct local maxima (up to ``_BRANCHES``, highest first): the branches of
    the restricted penalised likelihood. A *warm* evaluation starts only from the branches of the nearest values
    visited below and above (continuation of every branch), each also rescaled so that ``L beta = c`` along
    its own direction (the path of a separating direction); a *full* one adds the full
    estimate and the default starts of :func:`restricted_penalised_loglik` (the multistart). A warm maximum
    is never above the full one, so a warm deviance at or below the critical value is a value inside the
    interval whatever a multistart would add; a value is declared outside only by a full evaluation.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, fit: FirthFit, L: np.ndarray, crit: float) -> None:
        self.X, self.y, self.fit, self.L, self.crit = X, y, fit, L, crit
        self.branches: dict[float, np.ndarray] = {float(L @ fit.coef): fit.coef[None]}
        self.last_pll = math.nan

    def gap(self, value: float, full: bool) -> tuple[float, float]:
        """Deviance minus the critical value at ``L beta = value``, and its derivative in ``value``."""
        below = [v for v in self.branches if v <= value]
        above = [v for v in self.branches if v > value]
        near = ([max(below)] if below else []) + ([min(above)] if above else [])
        warm = np.concatenate([self.branches[v] for v in near])
        # each branch also rescaled along its own direction to L beta = value (the path of a separating direction)
        now = warm @ self.L
        ok = np.abs(now) > 1e-8
        warm = np.concatenate([warm, warm[ok] * (value / now[ok])[:, None]])
        c = np.array([value])
        starts = _starts(self.L[None, :], c, np.concatenate([self.fit.coef[None], warm]),
                         len(self.fit.coef)) if full else warm
        res = _restricted_fits(self.X, self.y, self.L[None, :], c, starts)
        best = _best(res)
        ll = float(res.loglik_penalised[best])
        self.last_pll = ll
        if not np.isfinite(ll):
            return math.inf, math.nan
        self._keep(value, res)
        # at a restricted maximum the gradient is lambda L; lambda is d pl / d value (envelope theorem)
        slope = -2.0 * float(self.L @ res.score[best]) / float(self.L @ self.L)
        return 2.0 * (self.fit.loglik_penalised - ll) - self.crit, slope

    def _keep(self, value: float, res: FirthBatchFit) -> None:
        """Record the distinct local maxima reached at ``value`` (merged with those already there)."""
        pll = np.where(np.isfinite(res.loglik_penalised), res.loglik_penalised, -np.inf)
        rows = [res.coef[i] for i in np.argsort(-pll, kind="stable") if np.isfinite(pll[i])]
        rows += list(self.branches.get(value, ()))
        kept: list[np.ndarray] = []
        for beta in rows:
            if all(np.max(np.abs(beta - other)) > 1e-6 * max(1.0, float(np.max(np.abs(other))))
                   for other in kept):
                kept.append(beta)
            if len(kept) == _BRANCHES:
                break
        self.branches[value] = np.array(kept)

    def root(self, inner: float, g_inner: float, outer: float, g_outer: float) -> float:
        """A root of the warm deviance between ``inner`` (deviance <= crit) and ``outer`` (> crit): Newton's
        method on the deviance with its exact derivative, bisection whenever Newton leaves the bracket or
        does not halve the step."""
        x = inner - g_inner * (outer - inner) / (g_outer - g_inner) if math.isfinite(g_outer) else \
            (inner + outer) / 2.0
        previous = abs(outer - inner)
        for _ in range(200):
            g, slope = self.gap(x, full=False)
            if g <= 0:
                inner = x
            else:
                outer = x
            lo, hi = sorted((inner, outer))
            nxt = x - g / slope if math.isfinite(g) and math.isfinite(slope) and slope != 0 else math.nan
            if not (lo < nxt < hi) or abs(nxt - x) > previous / 2.0:
                nxt = (lo + hi) / 2.0
            previous = abs(nxt - x)
            if previous <= 1e-13 * max(1.0, abs(x)) or hi - lo <= 1e-13 * max(1.0, abs(x)):
                return nxt
            x = nxt
        return x


def _profile_bound(profile: _Profile, which: int, width0: float) -> tuple[float, float]:
    """One bound of the profile interval (``which`` -1 lower, +1 upper), and the full deviance's miss there.

    Doubling steps outward from the estimate find the first value outside (a full evaluation confirms each
    candidate); the root between the last value inside and it is found on the warm deviance, then checked
    by a full evaluation: when the multistart finds a higher maximum there (a branch the continuation did
    not follow), the root lies further out and the search resumes from there with that branch.
    """
    est = float(profile.L @ profile.fit.coef)
    width, inner, g_inner = width0 / 4.0, est, -profile.crit
    for _ in range(16):
        other = est + which * width
        g_other, _ = profile.gap(other, full=False)
        if g_other > 0:
            g_other, _ = profile.gap(other, full=True)
        if g_other > 0:
            break
        inner, g_inner = other, g_other
        width *= 2
    else:
        return which * math.inf, 0.0
    for _ in range(10):
        bound = profile.root(inner, g_inner, other, g_other)
        g_warm, _ = profile.gap(bound, full=False)
        warm_pll = profile.last_pll
        g_full, _ = profile.gap(bound, full=True)
        higher = profile.last_pll > warm_pll + 1e-9 * max(1.0, abs(warm_pll))
        if not (higher and g_full <= 0):
            break
        inner, g_inner = bound, g_full
    return bound, abs(g_full)


def _profile_bounds(X: np.ndarray, y: np.ndarray, fit: FirthFit, L: np.ndarray, conf_level: float,
                    messages: list[str] | None = None, label: str = "") -> tuple[float, float]:
    """Both bounds of the profile interval of ``L beta`` (one row) by root finding on restricted fits.

    See :class:`_Profile` and :func:`_profile_bound`. The bound is checked to be a root (penalised deviance
    of the multistart equal to the chi-square critical value within ``ROOT_TOL``); when it is not (a jump of
    the profile), the text is appended to ``messages`` (the caller issues it) or, without ``messages``,
    issued at once as a :class:`ConvergenceWarning`.
    """
    profile = _Profile(X, y, fit, L, float(stats.chi2.ppf(conf_level, 1)))
    var = float(L @ fit.cov @ L)
    width0 = max(math.sqrt(var), 1e-3) if np.isfinite(var) and var > 0 else 1.0
    out = []
    for which in (-1, 1):
        bound, miss = _profile_bound(profile, which, width0)
        if not miss <= ROOT_TOL:
            text = (f"profile interval{' of ' + label if label else ''}: the "
                    f"{'lower' if which < 0 else 'upper'} bound {bound:.4g} is not a root of the profile "
                    f"penalised deviance (off by {miss:.3g}): the profile jumps there, and the bound may "
                    "be too close to the estimate")
            if messages is None:
                warn(None, text, ConvergenceWarning)
            elif text not in messages:
                messages.append(text)
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
