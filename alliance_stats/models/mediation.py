"""Indirect effect of a predictor on a binary outcome through a continuous mediator (exploratory H5).

Product of coefficients with a bootstrap percentile interval:

- ``a``: slope of ``x`` in the linear regression (OLS) of the mediator on ``x`` and the covariates;
- ``b``: slope of the mediator in the logistic regression of the outcome on the mediator, ``x`` and the
  covariates (``c'``, the direct effect, is the slope of ``x`` in that model);
- indirect effect ``a * b``; ``c`` (total) is the slope of ``x`` in the logistic regression of the outcome on
  ``x`` and the covariates.

The bootstrap refits both models on ``n_boot`` resamples (rows, or whole clusters when ``cluster`` is given
so that both firms of a dyad stay together), all at once: a resample is a vector of frequency weights, the
OLS fits are one batched solve and the logistic fits the package's one batched Newton-Raphson kernel
(:func:`alliance_stats.models.kernel.logit_batch`, hand-written because statsmodels in a loop would take
~100 times longer); the point estimates are the same kernel with a batch of one. The interval is the
percentile interval (numpy's linear quantiles, R type 7) of the resampled products. Resamples whose
logistic fit does not converge or separates (the kernel's ``converged`` and ``separated`` flags) are dropped
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from alliance_stats.core.constants import DEFAULT_CONF_LEVEL, DEFAULT_SEED
from alliance_stats.core.errors import ConvergenceWarning, DataQualityWarning, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, to_jsonable, warn
from alliance_stats.core.table import Table
from alliance_stats.models.kernel import logit_batch

__all__ = ["MediationResult", "MediationSettings", "mediation"]

_OUTCOME_COMPONENTS = {"crossed": ("AWARE", "TRANSF")}
_CHUNK = 500
#: Resamples per chunk are also bounded so that a chunk's stacked design (resamples x rows x columns) holds at most
#: this many numbers (32 MB; the kernel holds a few such arrays at once): with 100,000 dyads a chunk of 200
#: resamples held about 12 GB (issue 17); at 10,000 dyads a bound of 20 million numbers still peaked at 1.1 GB,
#: this one at 0.34 GB, for about the same CPU time and the same draws.
_CHUNK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class MediationSettings:
    """Bootstrap settings of :func:`mediation`: resamples, seed and confidence level of the interval."""

    n_boot: int = 2000
    seed: int | None = DEFAULT_SEED
    conf_level: float = DEFAULT_CONF_LEVEL

    def __post_init__(self) -> None:
        if not isinstance(self.n_boot, int | np.integer) or self.n_boot < 100:
            raise SpecificationError("the bootstrap needs at least 100 resamples", value=self.n_boot)
        if not 0 < self.conf_level < 1:
            raise SpecificationError("conf_level must be between 0 and 1", value=self.conf_level,
                                     fix="give a confidence level such as 0.95")


def _logit(X: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted logistic fits sharing one design (the kernel): coefficients (B, p) and usable (B,)."""
    B = weights.shape[0]
    fit = logit_batch(np.broadcast_to(X, (B, *X.shape)), np.broadcast_to(y, (B, len(y))), weights=weights)
    ok = fit.converged & ~fit.separated & np.all(np.isfinite(fit.coef), axis=1)
    return fit.coef, ok


def _ols(X: np.ndarray, m: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched weighted least squares; returns (coef (B, p), ok (B,))."""
    XtWX = np.einsum("ni,bn,nj->bij", X, weights, X, optimize=True)
    XtWm = np.einsum("ni,bn,n->bi", X, weights, m, optimize=True)
    ok = np.linalg.matrix_rank(XtWX) == X.shape[1]
    coef = np.full((weights.shape[0], X.shape[1]), np.nan)
    if ok.any():
        coef[ok] = np.linalg.solve(XtWX[ok], XtWm[ok][..., None])[..., 0]
    return coef, ok


@dataclass(frozen=True, eq=False)
class MediationResult(Result):
    """Product-of-coefficients mediation with a bootstrap percentile interval.

    ``paths`` has one row per path (``a``, ``b``, ``indirect``, ``direct``, ``total``) with estimate,
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
    conf_level: float
    paths: pd.DataFrame
    boot_indirect: np.ndarray = field(repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def indirect(self) -> float:
        return float(self.paths.loc["indirect", "estimate"])

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """The paths with bootstrap percentile intervals (key ``mediation``); the note states the scale caveat."""
        check_lang(lang)
        level = f"{100 * self.conf_level:g}"
        t = self.paths
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
        table = Table(key="mediation", title=tr("models.mediation_title", lang).format(m=tr(self.mediator, lang)),
                      frame=frame, note=note,
                      formats=dict(zip(frame.columns, ["f3", "f3", "f3", "text"], strict=True)), lang=lang)
        return {"mediation": table}

    def to_dict(self) -> dict[str, Any]:
        """The paths and the bootstrap summary, JSON-ready (the resampled products are left out)."""
        return to_jsonable({"x": self.x, "mediator": self.mediator, "outcome": self.outcome,
                            "covariates": list(self.covariates), "cluster": self.cluster, "n": self.n,
                            "n_boot": self.n_boot, "n_boot_used": self.n_boot_used, "seed": self.seed,
                            "conf_level": self.conf_level, "paths": self.paths, "warnings": list(self.warnings)})


def _check_columns(data: pd.DataFrame, names: list[str], cluster: str | None, outcome: str) -> None:
    """The columns exist, differ, are numeric and may explain the outcome."""
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("the data must be a pandas DataFrame", value=type(data).__name__)
    if len(set(names)) != len(names):
        raise SpecificationError("x, mediator, outcome and covariates must be different columns",
                                 value=", ".join(names))
    for name in [*names, *([cluster] if cluster else [])]:
        if name not in data.columns:
            raise SpecificationError("column not in the data", column=name)
    explanatory = [n for n in names if n != outcome]
    for name in _OUTCOME_COMPONENTS.get(outcome, ()):
        if name in explanatory:
            raise SpecificationError(f"'{outcome}' is defined from {' and '.join(_OUTCOME_COMPONENTS[outcome])}, so "
                                     f"{name} cannot explain or mediate it", column=name,
                                     fix="choose another mediator (e.g. LEARN)")
    for name in explanatory:
        col = data[name]
        if col.isna().all():
            raise SpecificationError("column is missing for every row", column=name)
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            raise SpecificationError("mediation needs numeric variables", column=name, value=col.dropna().iloc[0],
                                     fix="code a categorical covariate as 0/1 indicator columns")


def _complete_rows(data: pd.DataFrame, names: list[str], cluster: str | None, outcome: str,
                   notes: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Listwise deletion (counted in ``notes``) and the 0/1 outcome; constant columns are refused."""
    cols = [*names, *([cluster] if cluster and cluster not in names else [])]
    frame = data[cols]
    keep = ~frame.isna().any(axis=1)
    if (~keep).sum():
        warn(notes, f"mediation: {int((~keep).sum())} of {len(frame)} rows dropped for missing values (listwise)",
             DataQualityWarning)
    frame = frame.loc[keep]
    y_num = pd.to_numeric(frame[outcome], errors="coerce")
    if y_num.isna().any() or not y_num.isin([0, 1]).all():
        bad = frame[outcome][~y_num.isin([0, 1])].iloc[0]
        raise SpecificationError("the outcome must be coded 0/1", column=outcome, value=bad)
    y = y_num.to_numpy(float)
    if np.ptp(y) == 0:
        raise SpecificationError("the outcome is constant", column=outcome, value=y[0])
    for name in names:
        if name != outcome and np.ptp(frame[name].to_numpy(float)) == 0:
            raise SpecificationError("column is constant among the complete rows", column=name)
    return frame, y


@dataclass(frozen=True)
class _Designs:
    """The three models' designs: mediator (a), outcome (b, direct) and total effect (c)."""

    X_a: np.ndarray
    X_b: np.ndarray
    X_c: np.ndarray
    m: np.ndarray
    y: np.ndarray

    def fit(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Coefficients of the three models under each row of frequency weights, and which fits are usable."""
        ca, oka = _ols(self.X_a, self.m, weights)
        cb, okb = _logit(self.X_b, self.y, weights)
        cc, okc = _logit(self.X_c, self.y, weights)
        return ca, cb, cc, oka & okb & okc


def _designs(frame: pd.DataFrame, x: str, mediator: str, covariates: tuple[str, ...], y: np.ndarray) -> _Designs:
    n = len(frame)
    ones = np.ones(n)
    xv = frame[x].to_numpy(float)
    mv = frame[mediator].to_numpy(float)
    C = frame[list(covariates)].to_numpy(float) if covariates else np.empty((n, 0))
    return _Designs(X_a=np.column_stack([ones, xv, C]), X_b=np.column_stack([ones, mv, xv, C]),
                    X_c=np.column_stack([ones, xv, C]), m=mv, y=y)


def _point_estimates(d: _Designs, outcome: str) -> tuple[np.ndarray, dict[str, float]]:
    """Estimates of a, b, direct and total, and their model-based standard errors (kernel, batch of one)."""
    n = len(d.y)
    ca, _ = _ols(d.X_a, d.m, np.ones((1, n)))
    fb = logit_batch(d.X_b[None], d.y[None], weights=np.ones((1, n)))
    fc = logit_batch(d.X_c[None], d.y[None], weights=np.ones((1, n)))
    if not (fb.converged[0] and fc.converged[0]) or fb.separated[0] or fc.separated[0]:
        raise SpecificationError("the logistic model of the outcome does not converge (separation?)", column=outcome,
                                 fix="check the outcome's distribution across the mediator and covariates")
    resid = d.m - d.X_a @ ca[0]
    sigma2 = resid @ resid / (n - d.X_a.shape[1])
    estimates = np.array([ca[0, 1], fb.coef[0, 1], fb.coef[0, 2], fc.coef[0, 1]])
    se = {"a": math.sqrt(sigma2 * np.linalg.inv(d.X_a.T @ d.X_a)[1, 1]), "b": float(fb.se[0, 1]),
          "direct": float(fb.se[0, 2]), "total": float(fc.se[0, 1])}
    return estimates, se


def _resample(d: _Designs, frame: pd.DataFrame, cluster: str | None, settings: MediationSettings) -> np.ndarray:
    """(n_boot, 4) bootstrap estimates of a, b, direct, total (NaN rows: unusable resamples)."""
    n = len(d.y)
    rng = np.random.default_rng(settings.seed)
    if cluster:
        codes, _ = pd.factorize(frame[cluster].astype(object).map(str))
        units = int(codes.max()) + 1
    else:
        codes, units = None, n
    boot = np.full((settings.n_boot, 4), np.nan)
    # the resampling counts are drawn chunk by chunk (the same stream as one draw of n_boot rows), so that memory
    # stays at one chunk x n whatever the sample size (issue 17: 2.5 GB at 10,000 dyads when drawn at once)
    chunk = max(1, min(_CHUNK, _CHUNK_ELEMENTS // max(n * d.X_b.shape[1], 1)))
    for start in range(0, settings.n_boot, chunk):
        size = min(chunk, settings.n_boot - start)
        counts = rng.multinomial(units, np.full(units, 1.0 / units), size=size)
        weights = (counts[:, codes] if codes is not None else counts).astype(float)
        ca, cb, cc, ok = d.fit(weights)
        part = np.column_stack([ca[:, 1], cb[:, 1], cb[:, 2], cc[:, 1]])
        part[~ok] = np.nan
        boot[start:start + size] = part
    return boot


def _path_table(estimates: np.ndarray, se: dict[str, float], bs: np.ndarray, conf_level: float) -> pd.DataFrame:
    """One row per path: estimate, se, bootstrap se, percentile interval, scale, normal-theory p."""
    ind = bs[:, 0] * bs[:, 1]
    alpha = round(1 - conf_level, 12)  # 0.05 exactly for 0.95
    q = [alpha / 2, 1 - alpha / 2]

    def row(est: float, s: float, sample: np.ndarray, scale: str) -> dict[str, float | str]:
        lo, hi = np.quantile(sample, q)
        return {"estimate": float(est), "se": float(s), "boot_se": float(np.std(sample, ddof=1)),
                "ci_low": float(lo), "ci_high": float(hi), "scale": scale}

    a, b, direct, total = estimates
    table = pd.DataFrame({
        "a": row(a, se["a"], bs[:, 0], "mediator"),
        "b": row(b, se["b"], bs[:, 1], "log-odds"),
        "indirect": row(a * b, float(np.std(ind, ddof=1)), ind, "mixed"),
        "direct": row(direct, se["direct"], bs[:, 2], "log-odds"),
        "total": row(total, se["total"], bs[:, 3], "log-odds"),
    }).T
    for column in ("estimate", "se", "boot_se", "ci_low", "ci_high"):
        table[column] = table[column].astype(float)
    table["p_normal"] = 2 * stats.norm.sf(np.abs(table["estimate"] / table["se"]))
    table.loc["indirect", "p_normal"] = np.nan  # judged by its bootstrap interval only
    table.index.name = "path"
    return table


def mediation(
    data: pd.DataFrame,
    x: str,
    mediator: str,
    outcome: str,
    *,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    settings: MediationSettings | None = None,
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
    cluster
        Resample whole clusters (``"dyad_id"``) instead of rows.
    settings
        :class:`MediationSettings`: ``n_boot`` resamples (at least 100; 2000), ``seed`` of the resampling
        (same seed, same interval) and ``conf_level`` of the percentile interval (0.95).

    Returns
    -------
    MediationResult
        See the module docstring for the **scale caveat**: ``a`` is on the mediator scale, ``b`` on the
        log-odds scale, their product is on a mixed scale and is not comparable to the total effect
        (VanderWeele and Vansteelandt 2010; MacKinnon 2008).

    References
    ----------
    MacKinnon, D. P. (2008). Introduction to Statistical Mediation Analysis, ch. 11. VanderWeele, T. J., &
    Vansteelandt, S. (2010). American Journal of Epidemiology 172, 1339-1348.

    Examples
    --------
    >>> rng = np.random.default_rng(5)
    >>> df = pd.DataFrame({"t": rng.normal(size=400)})
    >>> df["m"] = 0.6 * df.t + rng.normal(size=400)
    >>> df["y"] = (rng.uniform(size=400) < 1 / (1 + np.exp(-(0.8 * df.m)))).astype(int)
    >>> res = mediation(df, "t", "m", "y", settings=MediationSettings(n_boot=500, seed=1))
    >>> bool(res.paths.loc["indirect", "ci_low"] > 0)
    True
    """
    settings = MediationSettings() if settings is None else settings
    covariates = tuple(covariates)
    names = [x, mediator, outcome, *covariates]
    _check_columns(data, names, cluster, outcome)
    notes: list[str] = []
    frame, y = _complete_rows(data, names, cluster, outcome, notes)
    d = _designs(frame, x, mediator, covariates, y)
    estimates, se = _point_estimates(d, outcome)
    boot = _resample(d, frame, cluster, settings)
    good = np.all(np.isfinite(boot), axis=1)
    n_used = int(good.sum())
    if n_used < settings.n_boot:
        warn(notes, f"mediation: {settings.n_boot - n_used} of {settings.n_boot} bootstrap resamples dropped "
             "(logistic fit did not converge or a resample was degenerate)", ConvergenceWarning)
    if n_used < 100:
        raise SpecificationError("too few usable bootstrap resamples", value=n_used,
                                 fix="the logistic model is unstable on these data (separation)")
    bs = boot[good]
    return MediationResult(x=x, mediator=mediator, outcome=outcome, covariates=covariates, cluster=cluster,
                           n=len(frame), n_boot=settings.n_boot, n_boot_used=n_used, seed=settings.seed,
                           conf_level=settings.conf_level, paths=_path_table(estimates, se, bs, settings.conf_level),
                           boot_indirect=bs[:, 0] * bs[:, 1], warnings=tuple(notes))
