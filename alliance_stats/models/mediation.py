"""Indirect effect of a predictor on a binary outcome through a continuous mediator (exploratory H5).

Product of coefficients with a bootstrap percentile interval:

- ``a``: slope of ``x`` in the linear regression (OLS) of the mediator on ``x`` and the covariates;
- ``b``: slope of the mediator in the logistic regression of the outcome on the mediator, ``x`` and the
  covariates (``c'``, the direct effect, is the slope of ``x`` in that model);
- indirect effect ``a * b``; ``c`` (total) is the slope of ``x`` in the logistic regression of the outcome on
  ``x`` and the covariates.

The bootstrap refits both models on ``n_boot`` resamples (rows, or whole clusters when ``cluster`` is given
so that both firms of a dyad stay together), all at once: a resample is a vector of frequency weights, the
OLS fits are one batched solve and the logistic fits one batched Newton-Raphson in numpy (statsmodels in a
loop would take ~100 times longer). The interval is the percentile interval (numpy's linear quantiles, R
type 7) of the resampled products. Resamples whose logistic fit does not converge (separation) are dropped
and counted.

Scale caveat
------------
``a`` is on the mediator's scale (mediator units per unit of ``x``) and ``b`` on the log-odds scale (per
mediator unit), so ``a * b`` is a change in the log odds of the outcome per unit of ``x`` transmitted through
the mediator: a product on a mixed scale. Because logistic coefficients are not collapsible (the latent
residual variance is fixed), ``c`` is not equal to ``c' + a b`` and is not on the same footing: do not form a
"proportion mediated" from these numbers. Under no unmeasured confounding, ``a b`` approximates the log of
the natural indirect effect odds ratio only when the outcome is rare (VanderWeele and Vansteelandt 2010).
The product is reported for its sign and its interval, as an exploratory result.

References: MacKinnon DP (2008) Introduction to Statistical Mediation Analysis, ch. 11 (binary outcomes);
MacKinnon DP, Dwyer JH (1993) Evaluation Review 17:144-158; VanderWeele TJ, Vansteelandt S (2010) American
Journal of Epidemiology 172:1339-1348; VanderWeele TJ (2015) Explanation in Causal Inference, ch. 2.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from alliance_stats.core.errors import ConvergenceWarning, DataQualityWarning, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.table import Table

__all__ = ["MediationResult", "mediation", "logit_newton"]

_OUTCOME_COMPONENTS = {"crossed": ("AWARE", "TRANSF")}


def logit_newton(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, max_iter: int = 50,
                 tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logistic regressions sharing one design, fitted together by Newton-Raphson.

    Parameters
    ----------
    X
        (n, p) design with the intercept column.
    y
        (n,) 0/1 outcome.
    weights
        (B, n) frequency weights, one row per fit (default: one unweighted fit).
    max_iter, tol
        Iterations and convergence tolerance on the largest coefficient change.

    Returns
    -------
    (coef of shape (B, p), converged of shape (B,))

    Examples
    --------
    >>> X = np.column_stack([np.ones(8), [0, 1, 2, 3, 4, 5, 6, 7.]])
    >>> coef, ok = logit_newton(X, np.array([0, 0, 1, 0, 1, 0, 1, 1.]))
    >>> bool(ok[0]), round(float(coef[0, 1]), 4)
    (True, 0.5941)
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    W = np.ones((1, len(y))) if weights is None else np.atleast_2d(np.asarray(weights, float))
    B, p = W.shape[0], X.shape[1]
    beta = np.zeros((B, p))
    active = np.ones(B, bool)
    converged = np.zeros(B, bool)
    eye = np.eye(p)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        eta = beta[idx] @ X.T
        prob = expit(eta)
        w = W[idx] * prob * (1 - prob)
        H = np.einsum("ni,bn,nj->bij", X, w, X, optimize=True)
        g = np.einsum("ni,bn->bi", X, W[idx] * (y - prob), optimize=True)
        try:
            step = np.linalg.solve(H + 1e-12 * eye, g[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([np.linalg.lstsq(H[i], g[i], rcond=None)[0] for i in range(len(idx))])
        largest = np.max(np.abs(step), axis=1)
        factor = np.where(largest > 10.0, 10.0 / np.maximum(largest, 1e-300), 1.0)
        beta[idx] += step * factor[:, None]
        done = largest < tol
        converged[idx[done]] = True
        active[idx[done]] = False
    blown = np.any(np.abs(beta) > 30, axis=1) | ~np.all(np.isfinite(beta), axis=1)
    converged &= ~blown
    return beta, converged


def _ols(X: np.ndarray, m: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched weighted least squares; returns (coef (B, p), ok (B,))."""
    XtWX = np.einsum("ni,bn,nj->bij", X, weights, X, optimize=True)
    XtWm = np.einsum("ni,bn,n->bi", X, weights, m, optimize=True)
    ok = np.linalg.matrix_rank(XtWX) == X.shape[1]
    coef = np.full((weights.shape[0], X.shape[1]), np.nan)
    if ok.any():
        coef[ok] = np.linalg.solve(XtWX[ok], XtWm[ok][..., None])[..., 0]
    return coef, ok


@dataclass
class MediationResult:
    """Product-of-coefficients mediation with a bootstrap percentile interval.

    ``table`` has one row per path (``a``, ``b``, ``indirect``, ``direct``, ``total``) with estimate,
    se (model-based for a, b, direct, total; bootstrap for indirect), boot_se, ci_low, ci_high (bootstrap
    percentile) and scale.
    """

    x: str
    mediator: str
    outcome: str
    covariates: tuple[str, ...]
    cluster: str | None
    n: int
    n_boot: int
    n_boot_used: int
    seed: int | None
    alpha: float
    table: pd.DataFrame
    boot_indirect: np.ndarray = field(repr=False)
    warnings: list[str] = field(default_factory=list)

    @property
    def indirect(self) -> float:
        return float(self.table.loc["indirect", "estimate"])

    def to_table(self, lang: str = "en", key: str = "mediation") -> Table:
        """The paths with bootstrap percentile intervals, localised; the note states the scale caveat."""
        check_lang(lang)
        level = f"{100 * (1 - self.alpha):g}"
        t = self.table
        frame = pd.DataFrame({
            tr("models.estimate", lang): t["estimate"],
            tr("models.ci_low", lang).format(level=level): t["ci_low"],
            tr("models.ci_high", lang).format(level=level): t["ci_high"],
            tr("models.scale", lang): [tr(f"models.scale.{s}", lang) for s in t["scale"]],
        })
        frame.index = [tr(f"models.path.{p}", lang) for p in t.index]
        note = tr("models.mediation_note", lang).format(
            x=tr(self.x, lang), m=tr(self.mediator, lang), y=tr(self.outcome, lang), b=self.n_boot_used,
            cluster=f", {tr('models.by_cluster', lang)} {self.cluster}" if self.cluster else "")
        return Table(key=key, title=tr("models.mediation_title", lang).format(m=tr(self.mediator, lang)),
                     frame=frame, note=note,
                     formats=dict(zip(frame.columns, ["f3", "f3", "f3", "text"], strict=True)), lang=lang)


def mediation(
    data: pd.DataFrame,
    x: str,
    mediator: str,
    outcome: str,
    covariates: Sequence[str] = (),
    n_boot: int = 2000,
    seed: int | None = 20261126,
    cluster: str | None = None,
    alpha: float = 0.05,
) -> MediationResult:
    """Indirect effect of ``x`` on a binary ``outcome`` through a continuous ``mediator``.

    Parameters
    ----------
    data
        One row per firm (not modified).
    x, mediator, outcome
        Column names; ``outcome`` coded 0/1; ``x`` and ``mediator`` numeric.
    covariates
        Numeric control columns entered in both models.
    n_boot
        Bootstrap resamples (at least 100).
    seed
        Seed of the resampling (same seed, same interval).
    cluster
        Resample whole clusters (``"dyad_id"``) instead of rows.
    alpha
        1 - level of the percentile interval.

    Returns
    -------
    MediationResult
        See the module docstring for the **scale caveat**: ``a`` is on the mediator scale, ``b`` on the
        log-odds scale, their product is on a mixed scale and is not comparable to the total effect
        (VanderWeele and Vansteelandt 2010; MacKinnon 2008).

    Examples
    --------
    >>> rng = np.random.default_rng(5)
    >>> df = pd.DataFrame({"t": rng.normal(size=400)})
    >>> df["m"] = 0.6 * df.t + rng.normal(size=400)
    >>> df["y"] = (rng.uniform(size=400) < 1 / (1 + np.exp(-(0.8 * df.m)))).astype(int)
    >>> res = mediation(df, "t", "m", "y", n_boot=500, seed=1)
    >>> bool(res.table.loc["indirect", "ci_low"] > 0)
    True
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("the data must be a pandas DataFrame", value=type(data).__name__)
    covariates = tuple(covariates)
    names = [x, mediator, outcome, *covariates]
    if len(set(names)) != len(names):
        raise SpecificationError("x, mediator, outcome and covariates must be different columns",
                                 value=", ".join(names))
    for name in [*names, *([cluster] if cluster else [])]:
        if name not in data.columns:
            raise SpecificationError("column not in the data", column=name)
    for name in _OUTCOME_COMPONENTS.get(outcome, ()):
        if name in (x, mediator, *covariates):
            raise SpecificationError(f"'{outcome}' is defined from {' and '.join(_OUTCOME_COMPONENTS[outcome])}, so "
                                     f"{name} cannot explain or mediate it", column=name,
                                     fix="choose another mediator (e.g. LEARN)")
    if not isinstance(n_boot, int | np.integer) or n_boot < 100:
        raise SpecificationError("the bootstrap needs at least 100 resamples", value=n_boot)
    if not 0 < alpha < 1:
        raise SpecificationError("alpha must be between 0 and 1", value=alpha)
    for name in (x, mediator, *covariates):
        col = data[name]
        if col.isna().all():
            raise SpecificationError("column is missing for every row", column=name)
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            raise SpecificationError("mediation needs numeric variables", column=name, value=col.dropna().iloc[0],
                                     fix="code a categorical covariate as 0/1 indicator columns")

    notes: list[str] = []
    cols = [*names, *([cluster] if cluster and cluster not in names else [])]
    frame = data[cols]
    keep = ~frame.isna().any(axis=1)
    if (~keep).sum():
        msg = f"mediation: {int((~keep).sum())} of {len(frame)} rows dropped for missing values (listwise)"
        notes.append(msg)
        warnings.warn(msg, DataQualityWarning, stacklevel=2)
    frame = frame.loc[keep]
    y_num = pd.to_numeric(frame[outcome], errors="coerce")
    if y_num.isna().any() or not y_num.isin([0, 1]).all():
        bad = frame[outcome][~y_num.isin([0, 1])].iloc[0]
        raise SpecificationError("the outcome must be coded 0/1", column=outcome, value=bad)
    y = y_num.to_numpy(float)
    if np.ptp(y) == 0:
        raise SpecificationError("the outcome is constant", column=outcome, value=y[0])
    for name in (x, mediator, *covariates):
        if np.ptp(frame[name].to_numpy(float)) == 0:
            raise SpecificationError("column is constant among the complete rows", column=name)
    n = len(frame)
    ones = np.ones(n)
    xv = frame[x].to_numpy(float)
    mv = frame[mediator].to_numpy(float)
    C = frame[list(covariates)].to_numpy(float) if covariates else np.empty((n, 0))
    X_a = np.column_stack([ones, xv, C])  # mediator model
    X_b = np.column_stack([ones, mv, xv, C])  # outcome model
    X_c = np.column_stack([ones, xv, C])  # total effect

    # point estimates
    unit = np.ones((1, n))
    a_coef, _ = _ols(X_a, mv, unit)
    b_coef, b_ok = logit_newton(X_b, y, unit)
    c_coef, c_ok = logit_newton(X_c, y, unit)
    if not (b_ok[0] and c_ok[0]):
        raise SpecificationError("the logistic model of the outcome does not converge (separation?)", column=outcome,
                                 fix="check the outcome's distribution across the mediator and covariates")
    a, b, direct, total = a_coef[0, 1], b_coef[0, 1], b_coef[0, 2], c_coef[0, 1]
    resid = mv - X_a @ a_coef[0]
    sigma2 = resid @ resid / (n - X_a.shape[1])
    se_a = math.sqrt(sigma2 * np.linalg.inv(X_a.T @ X_a)[1, 1])
    pb = expit(X_b @ b_coef[0])
    cov_b = np.linalg.inv(X_b.T @ (X_b * (pb * (1 - pb))[:, None]))
    pc = expit(X_c @ c_coef[0])
    cov_c = np.linalg.inv(X_c.T @ (X_c * (pc * (1 - pc))[:, None]))

    # bootstrap: frequency weights
    rng = np.random.default_rng(seed)
    if cluster:
        codes, _ = pd.factorize(frame[cluster].astype(object).map(str))
        G = int(codes.max()) + 1
        counts = rng.multinomial(G, np.full(G, 1.0 / G), size=n_boot)
        weights = counts[:, codes].astype(float)
    else:
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    boot = np.full((n_boot, 4), np.nan)
    chunk = 500
    for start in range(0, n_boot, chunk):
        W = weights[start:start + chunk]
        ca, oka = _ols(X_a, mv, W)
        cb, okb = logit_newton(X_b, y, W)
        cc, okc = logit_newton(X_c, y, W)
        ok = oka & okb & okc
        part = np.column_stack([ca[:, 1], cb[:, 1], cb[:, 2], cc[:, 1]])
        part[~ok] = np.nan
        boot[start:start + chunk] = part
    good = np.all(np.isfinite(boot), axis=1)
    n_used = int(good.sum())
    if n_used < n_boot:
        msg = (f"mediation: {n_boot - n_used} of {n_boot} bootstrap resamples dropped (logistic fit did not converge "
               f"or a resample was degenerate)")
        notes.append(msg)
        warnings.warn(msg, ConvergenceWarning, stacklevel=2)
    if n_used < 100:
        raise SpecificationError("too few usable bootstrap resamples", value=n_used,
                                 fix="the logistic model is unstable on these data (separation)")
    bs = boot[good]
    ind = bs[:, 0] * bs[:, 1]
    q = [alpha / 2, 1 - alpha / 2]

    def row(est: float, se: float, sample: np.ndarray, scale: str) -> dict[str, float | str]:
        lo, hi = np.quantile(sample, q)
        return {"estimate": float(est), "se": float(se), "boot_se": float(np.std(sample, ddof=1)),
                "ci_low": float(lo), "ci_high": float(hi), "scale": scale}

    table = pd.DataFrame({
        "a": row(a, se_a, bs[:, 0], "mediator"),
        "b": row(b, math.sqrt(cov_b[1, 1]), bs[:, 1], "log-odds"),
        "indirect": row(a * b, float(np.std(ind, ddof=1)), ind, "mixed"),
        "direct": row(direct, math.sqrt(cov_b[2, 2]), bs[:, 2], "log-odds"),
        "total": row(total, math.sqrt(cov_c[1, 1]), bs[:, 3], "log-odds"),
    }).T
    for column in ("estimate", "se", "boot_se", "ci_low", "ci_high"):
        table[column] = table[column].astype(float)
    table["p_normal"] = 2 * stats.norm.sf(np.abs(table["estimate"] / table["se"]))
    table.loc["indirect", "p_normal"] = np.nan  # judged by its bootstrap interval only
    table.index.name = "path"
    return MediationResult(x=x, mediator=mediator, outcome=outcome, covariates=covariates, cluster=cluster, n=n,
                           n_boot=n_boot, n_boot_used=n_used, seed=seed, alpha=alpha, table=table,
                           boot_indirect=ind, warnings=notes)
