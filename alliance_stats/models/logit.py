"""Logistic models of crossing the start-up phase (issue 6).

``fit_logit`` fits one model from declared column names (see :mod:`alliance_stats.models.design`):

- ``method="ml"``: maximum likelihood by the package's one logistic kernel
  (:func:`alliance_stats.models.kernel.logit_batch`, Newton-Raphson with step halving, a batch of one), the
  same code the power analysis and the mediation bootstrap use. With ``cluster="dyad_id"`` the covariance is
  the cluster-robust sandwich (:func:`~alliance_stats.models.kernel.cluster_sandwich`) with statsmodels'
  small-sample factor ``G/(G-1) (n-1)/(n-k)``, equal to R ``sandwich::vcovCL(type = "HC1")``. With
  ``gee=True``: statsmodels
  ``GEE`` with an exchangeable working correlation within clusters and the robust (sandwich) covariance, as
  R ``geepack::geeglm(corstr = "exchangeable")`` (moment estimator of the correlation without degrees-of-
  freedom correction, ``ddof_scale=0``, which is geepack's).
- ``method="firth"``: Firth's penalised likelihood by the same kernel
  (:func:`~alliance_stats.models.kernel.firth_batch`; :mod:`alliance_stats.models.firth` adds the profile
  penalised-likelihood intervals and penalised likelihood-ratio p values, as logistf).
- ``method="auto"``: ML unless the data are separated (complete or quasi-complete, found by linear
  programming, Konis 2007, as R detectseparation) or there are fewer than 10 events per parameter
  (``min(events, non-events) / number of slopes``), then Firth; ``method_reason`` says which and why.

Conventions
-----------
- Intervals: ML Wald intervals (``confint.default``), cluster-robust when clustered; Firth: profile
  penalised likelihood. Odds ratios and their limits are ``exp`` of the log-odds values.
- Separation under ``ml``: a coefficient whose ML estimate is infinite is not reported: its coefficient,
  odds ratio, SE, p and interval are NaN, its ``flag`` says why, and a :class:`SeparationWarning` names the
  predictor and says to use Firth. Finite coefficients of a quasi-separated model are kept (they are
  identified, Konis 2007).
- Fit statistics: log-likelihood, deviance, AIC (``-2 logL + 2k``), BIC (``-2 logL + k log n``) and
  McFadden's R2 use the ordinary (unpenalised) log-likelihood, also for Firth fits (the penalised value is
  reported separately); GEE has no likelihood, so they are NaN. Tjur's R2 is the difference of the mean
  fitted probabilities of events and non-events; AUC is the Mann-Whitney statistic with mid-ranks.
  Hosmer-Lemeshow: ResourceSelection::hoslem.test's convention -- groups cut at the quantiles (R type 7) of
  the fitted probabilities, ``include.lowest``, statistic summed over both outcome columns, df = groups - 2
  (10 groups: df = 8); tied quantiles are merged and df reduced.
- Likelihood-ratio tests (``lr_tests``) are done for every term that is not part of an interaction (R
  ``drop1`` scope): the whole factor for a categorical predictor (the configuration: 3 df). ML: LR test by
  refitting; cluster-robust or GEE: the robust Wald test of the same columns is the one used (``test``),
  the naive LR test is shown beside it for ML; Firth: penalised LR test with the full model's penalty.
- Collinearity: generalised VIF of each term (Fox and Monette 1992) from the model-based coefficient
  covariance, as ``car::vif``; a warning when ``GVIF^(1/df) > 10``.

Libraries kept: statsmodels ``GEE`` (the kernel has no GEE) and firthmodels' linear program for the separation
check (:func:`~alliance_stats.models.diagnostics.detect_separation`). Every ML and Firth estimate, standard
error, clustered standard error and log-likelihood comes from the kernel and still matches R's glm, sandwich
and brglm2 fixtures at their tolerances (tests/models/test_against_r.py).

Structure: :class:`LogitSpec` (the declared model and its settings, validated), the estimation phases
below (design, choice of method, data notes, ML / Firth / GEE fit, collinearity) and
:class:`~alliance_stats.models.logit_result.LogitResult`, whose derived statistics are computed lazily.

References: Hosmer, Lemeshow and Sturdivant (2013) Applied Logistic Regression, 3rd ed.; Tjur (2009) Am Stat
63:366-372; Konis (2007) DPhil thesis, Oxford; Heinze and Schemper (2002) Stat Med 21:2409-2419; R 4.2.2
``glm``, sandwich 3.0-2, geepack 1.3.9, brglm2 0.9, car 3.1-1.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from alliance_stats.core.constants import DEFAULT_CONF_LEVEL, EPV_THRESHOLD
from alliance_stats.core.errors import (
    CollinearityWarning,
    ConvergenceWarning,
    DataQualityWarning,
    SeparationWarning,
    SparseDataWarning,
    SpecificationError,
)
from alliance_stats.core.results import warn
from alliance_stats.models import firth as _firth
from alliance_stats.models.design import Design, build_design, level_text
from alliance_stats.models.diagnostics import SeparationCheck, detect_separation, gvif, hosmer_lemeshow
from alliance_stats.models.kernel import logit_batch, logit_covariance
from alliance_stats.models.logit_result import LogitResult, models_side_by_side, term_label

__all__ = [
    "EPV_THRESHOLD",
    "LogitResult",
    "LogitSettings",
    "LogitSpec",
    "SeparationCheck",
    "detect_separation",
    "fit_logit",
    "hosmer_lemeshow",
    "models_side_by_side",
    "term_label",
]

VIF_THRESHOLD = 10.0
SPARSE_CELL = 5
_DEFAULT_CATEGORICAL = {"configuration": "survie"}
_METHODS = ("ml", "firth", "auto")
Note = tuple[str, type[Warning]]


@dataclass(frozen=True)
class LogitSettings:
    """Estimation settings of :func:`fit_logit` beyond the model's declaration.

    Attributes
    ----------
    gee
        GEE with an exchangeable working correlation within the cluster column (ML only).
    standardize
        Continuous predictors entered as z-scores.
    conf_level
        Confidence level of the intervals (0.95).
    """

    gee: bool = False
    standardize: tuple[str, ...] = ()
    conf_level: float = DEFAULT_CONF_LEVEL


@dataclass(frozen=True)
class LogitSpec:
    """A declared logistic model and its estimation settings (validated on creation).

    See :func:`fit_logit` for the meaning of each field; ``categorical=None`` means the default
    ``{"configuration": "survie"}`` when ``configuration`` is a predictor.

    Raises
    ------
    SpecificationError
        Unknown method, confidence level outside (0, 1), GEE without a cluster or with Firth.
    """

    outcome: str
    predictors: tuple[str, ...]
    categorical: Mapping[str, Any] | None = None
    interactions: tuple[tuple[str, ...], ...] = ()
    method: Literal["ml", "firth", "auto"] = "ml"
    cluster: str | None = None
    gee: bool = False
    standardize: tuple[str, ...] = ()
    conf_level: float = DEFAULT_CONF_LEVEL

    def __post_init__(self) -> None:
        if self.method not in _METHODS:
            raise SpecificationError("unknown estimation method", value=self.method, fix="use 'ml', 'firth' or 'auto'")
        if not 0 < self.conf_level < 1:
            raise SpecificationError("conf_level must be between 0 and 1", value=self.conf_level,
                                     fix="give a confidence level such as 0.95")
        if self.gee and self.cluster is None:
            raise SpecificationError("GEE needs the cluster column", value="gee=True", fix="pass cluster='dyad_id'")
        if self.gee and self.method == "firth":
            raise SpecificationError("GEE is not available with Firth's penalised likelihood", value="gee=True",
                                     fix="use method='ml' (or 'auto') with gee=True, or Firth without GEE")

    def design(self, data: pd.DataFrame) -> Design:
        """The design matrix of this model on ``data`` (:func:`~alliance_stats.models.design.build_design`)."""
        categorical = self.categorical
        if categorical is None:
            categorical = {k: v for k, v in _DEFAULT_CATEGORICAL.items() if k in self.predictors}
        return build_design(data, self.outcome, self.predictors, categorical=categorical,
                            interactions=self.interactions, standardize=self.standardize, cluster=self.cluster)


@dataclass(frozen=True)
class _Choice:
    """The method fitted and why."""

    method: str
    reason: str
    code: str
    detail: str


@dataclass
class _Estimate:
    """What one estimation produced (before the derived statistics)."""

    params: np.ndarray
    cov: np.ndarray
    cov_model: np.ndarray
    loglik: float
    cov_type: str
    loglik_penalised: float = math.nan
    gee_alpha: float | None = None
    firth_fit: _firth.FirthFit | None = None
    firth_inference: pd.DataFrame | None = None
    notes: list[Note] = field(default_factory=list)


def _events_per_parameter(design: Design) -> float:
    y = design.y.to_numpy()
    events = int(y.sum())
    return min(events, len(y) - events) / max(design.X.shape[1] - 1, 1)


def _choose_method(spec: LogitSpec, separation: SeparationCheck, epv: float) -> _Choice:
    """``auto``: Firth under separation or fewer than ``EPV_THRESHOLD`` events per parameter, else ML."""
    if spec.method != "auto":
        return _Choice(spec.method, f"method '{spec.method}' requested", "requested", spec.method)
    if separation.separated:
        terms = ", ".join(separation.directions)
        return _Choice("firth", f"{separation.kind} separation ({terms}): Firth's penalised likelihood",
                       "separation", f"{separation.kind}: {terms}")
    if epv < EPV_THRESHOLD:
        return _Choice("firth", f"{epv:.1f} events per parameter (< {EPV_THRESHOLD:g}): Firth's penalised "
                       "likelihood", "epv", f"{epv:.1f}")
    return _Choice("ml", f"no separation and {epv:.1f} events per parameter (>= {EPV_THRESHOLD:g}): maximum "
                   "likelihood", "ok", f"{epv:.1f}")


def _data_notes(spec: LogitSpec, design: Design, choice: _Choice, separation: SeparationCheck,
                epv: float) -> list[Note]:
    """Warnings about the data and the method: dropped rows, separation, few events, sparse cells."""
    notes: list[Note] = []
    if design.n_dropped:
        detail = ", ".join(f"{c}: {m}" for c, m in design.dropped_by_column.items())
        notes.append((f"{design.n_dropped} of {design.n_input} rows dropped for missing values (listwise; {detail})",
                      DataQualityWarning))
    if choice.method == "firth" and spec.gee:
        notes.append(("GEE replaced by Firth's penalised likelihood because of " + choice.reason.split(":")[0] +
                      "; intervals do not account for clustering within " + str(spec.cluster), SparseDataWarning))
    if choice.method == "ml" and separation.separated:
        for col, d in separation.directions.items():
            notes.append((f"{separation.kind} separation: the maximum-likelihood estimate of '{col}' "
                          f"(predictor '{_predictor_of(col, design)}') is {'+' if d > 0 else '-'}infinite; its odds "
                          f"ratio is not reported. Use method='firth' (or 'auto') for a finite estimate.",
                          SeparationWarning))
    if choice.method == "ml" and epv < EPV_THRESHOLD:
        notes.append((f"{epv:.1f} events per parameter (< {EPV_THRESHOLD:g}): maximum-likelihood estimates may be "
                      "biased away from zero; consider method='firth'", SparseDataWarning))
    notes.extend(_sparse_cells(design))
    if spec.cluster is not None and choice.method == "firth":
        notes.append((f"Firth's profile intervals and penalised LR tests assume independent rows: they do not "
                      f"account for clustering within {spec.cluster}", SparseDataWarning))
    return notes


def _sparse_cells(design: Design) -> list[Note]:
    y = design.y.to_numpy()
    notes: list[Note] = []
    for name, coding in design.factors.items():
        text = design.frame[name].astype(object).map(level_text)
        for level in coding.levels:
            mask = (text == level_text(level)).to_numpy()
            ev = int(y[mask].sum())
            nev = int(mask.sum()) - ev
            if ev < SPARSE_CELL or nev < SPARSE_CELL:
                notes.append((f"sparse cell: level '{level_text(level)}' of '{name}' has {ev} events and {nev} "
                              f"non-events (< {SPARSE_CELL})", SparseDataWarning))
    return notes


def _predictor_of(column: str, design: Design) -> str:
    for term, cols in design.terms.items():
        if column in cols:
            return term
    return column


def _group_codes(groups: pd.Series) -> np.ndarray:
    return pd.factorize(groups.astype(object).map(str), sort=True)[0]


def _estimate_ml(design: Design, clustered: bool, separated: bool) -> _Estimate:
    """Maximum likelihood by the kernel (a batch of one); model-based or dyad-clustered covariance."""
    X = design.X.to_numpy(float)[None]
    y = design.y.to_numpy(float)[None]
    groups = _group_codes(design.groups)[None] if clustered and design.groups is not None else None
    fit = logit_batch(X, y, max_iter=100)
    model, robust = logit_covariance(X, y, fit.coef, groups=groups)
    notes: list[Note] = []
    if not fit.converged[0] and not separated:
        notes.append(("maximum-likelihood iterations did not converge", ConvergenceWarning))
    cov = model[0] if robust is None else robust[0]
    return _Estimate(params=fit.coef[0], cov=cov, cov_model=model[0], loglik=float(fit.loglik[0]),
                     cov_type="model" if robust is None else "cluster", notes=notes)


def _estimate_gee(design: Design) -> _Estimate:
    """statsmodels GEE, exchangeable working correlation, robust covariance, geepack's ``ddof_scale=0``."""
    import statsmodels.api as sm
    from statsmodels.tools import sm_exceptions as smx

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GEE(design.y.to_numpy(), design.X, groups=_group_codes(design.groups),
                       family=sm.families.Binomial(), cov_struct=sm.cov_struct.Exchangeable())
        res = model.fit(maxiter=200, ctol=1e-10, ddof_scale=0)
    converged = not any(issubclass(w.category, smx.IterationLimitWarning | smx.ConvergenceWarning) for w in caught)
    messages = [str(w.message).splitlines()[0] for w in caught
                if issubclass(w.category, smx.ConvergenceWarning | smx.HessianInversionWarning | RuntimeWarning)]
    notes: list[Note] = []
    params = np.asarray(res.params, float)
    finite = bool(np.isfinite(params).all() and np.isfinite(np.asarray(res.cov_robust, float)).all())
    if not finite:
        # statsmodels may stop without any warning once the iterates overflow: non-finite estimates are a
        # non-convergence, whatever statsmodels said (geepack then stops with an error or a warning too)
        bad = [str(c) for c, v in zip(design.X.columns, params, strict=True) if not np.isfinite(v)]
        notes.append((f"GEE iterations did not converge: the estimates are not finite ("
                      f"{', '.join(bad) if bad else 'the robust covariance'}); the coefficients, standard errors "
                      f"and tests of this model are not usable (try fewer predictors, method='firth' without "
                      f"GEE, or cluster-robust ML without gee)", ConvergenceWarning))
    elif not converged:
        notes.append(("GEE iterations did not converge" + (f" ({messages[0]})" if messages else ""),
                      ConvergenceWarning))
    return _Estimate(params=params, cov=np.asarray(res.cov_robust),
                     cov_model=np.asarray(res.cov_naive), loglik=math.nan, cov_type="gee",
                     gee_alpha=float(np.atleast_1d(res.cov_struct.dep_params)[0]), notes=notes)


def _estimate_firth(design: Design, conf_level: float) -> _Estimate:
    """Firth by the kernel, with each coefficient's penalised LR p value and profile interval (logistf)."""
    X, y = design.X.to_numpy(float), design.y.to_numpy(float)
    cols = list(design.X.columns)
    fit = _firth.fit_firth(X, y)
    notes: list[Note] = []
    if not fit.converged:
        notes.append(("Firth's penalised-likelihood iterations did not converge", ConvergenceWarning))
    k = len(cols)
    pval, lo, hi = np.empty(k), np.empty(k), np.empty(k)
    for j in range(k):
        e = np.zeros(k)
        e[j] = 1.0
        _, _, pval[j], ok = _firth.penalised_lr_test(X, y, fit, e)
        if not ok:
            notes.append((f"penalised LR test of '{cols[j]}' did not converge", ConvergenceWarning))
        profile_notes: list[str] = []
        lo[j], hi[j], _ = _firth.profile_interval(X, y, fit, j, conf_level, profile_notes, f"'{cols[j]}'")
        notes.extend((text, ConvergenceWarning) for text in profile_notes)
    inference = pd.DataFrame({"p": pval, "ci_low": lo, "ci_high": hi}, index=cols)
    return _Estimate(params=fit.coef, cov=fit.cov, cov_model=fit.cov, loglik=fit.loglik, cov_type="model",
                     loglik_penalised=fit.loglik_penalised, firth_fit=fit, firth_inference=inference, notes=notes)


def _collinearity(estimate: _Estimate, design: Design) -> tuple[pd.DataFrame, list[Note]]:
    """Generalised VIF of each term from the model-based covariance; a note above ``VIF_THRESHOLD``."""
    values = gvif(np.asarray(estimate.cov_model), list(design.X.columns), dict(design.terms.items()))
    vif = pd.DataFrame([{"term": t, "gvif": g, "df": d, "gvif_adjusted": g ** (1 / d)} for t, (g, d) in values.items()],
                       columns=["term", "gvif", "df", "gvif_adjusted"]).set_index("term")
    notes: list[Note] = []
    for term, row in vif.iterrows():
        if row["gvif_adjusted"] > VIF_THRESHOLD:
            notes.append((f"collinearity: variance inflation of '{term}' is {row['gvif_adjusted']:.1f} (> "
                          f"{VIF_THRESHOLD:g}); its coefficient is imprecise (centre or standardise the variables "
                          "of an interaction, or drop a redundant predictor)", CollinearityWarning))
    return vif, notes


def _separation_notes(choice: _Choice, separation: SeparationCheck, design: Design) -> list[Note]:
    """Under ML with separation, the delta-method SE of margins are not computed: say so once, at the fit."""
    if choice.method != "ml" or not separation.separated:
        return []
    notes: list[Note] = [("average marginal effects: standard errors not computed because of separation under ML "
                          "(use method='firth')", SeparationWarning)]
    if design.factors:
        notes.append(("predicted probabilities: intervals not computed because of separation under ML "
                      "(use method='firth')", SeparationWarning))
    return notes


def estimate(spec: LogitSpec, data: pd.DataFrame) -> LogitResult:
    """Fit a validated :class:`LogitSpec` on ``data`` (the phases of :func:`fit_logit`)."""
    design = spec.design(data)
    separation = detect_separation(design.X, design.y.to_numpy())
    epv = _events_per_parameter(design)
    choice = _choose_method(spec, separation, epv)
    notes = _data_notes(spec, design, choice, separation, epv)
    if choice.method == "firth":
        est = _estimate_firth(design, spec.conf_level)
    elif spec.gee:
        est = _estimate_gee(design)
    else:
        est = _estimate_ml(design, spec.cluster is not None, separation.separated)
    vif, vif_notes = _collinearity(est, design)
    messages: list[str] = []
    for message, category in [*notes, *est.notes, *vif_notes, *_separation_notes(choice, separation, design)]:
        if message not in messages:
            warn(messages, message, category)
    cols = list(design.X.columns)
    return LogitResult(
        outcome=spec.outcome, requested_method=spec.method, method=choice.method, method_reason=choice.reason,
        reason_code=choice.code, reason_detail=choice.detail, cov_type=est.cov_type, cluster=spec.cluster,
        conf_level=spec.conf_level, design=design, params=pd.Series(est.params, index=cols),
        cov=pd.DataFrame(est.cov, index=cols, columns=cols), cov_model=np.asarray(est.cov_model),
        loglik=est.loglik, loglik_penalised=est.loglik_penalised, separation=separation, vif=vif,
        firth_fit=est.firth_fit, firth_inference=est.firth_inference, gee_alpha=est.gee_alpha,
        warnings=tuple(messages))


def fit_logit(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    categorical: Mapping[str, Any] | None = None,
    interactions: Sequence[Sequence[str]] = (),
    method: Literal["ml", "firth", "auto"] = "ml",
    cluster: str | None = None,
    settings: LogitSettings | None = None,
) -> LogitResult:
    """Fit a logistic model of a 0/1 outcome on declared predictors.

    Parameters
    ----------
    data
        One row per firm at risk (not modified).
    outcome
        0/1 outcome column (``crossed``).
    predictors
        Predictor columns.
    categorical
        Categorical predictor -> reference level. Default: ``{"configuration": "survie"}`` when
        ``configuration`` is a predictor, else none.
    interactions
        Pairs of predictors (``[("link", "symmetry")]``).
    method
        ``"ml"``, ``"firth"`` or ``"auto"`` (see module docstring).
    cluster
        Cluster column (``"dyad_id"``): dyad-clustered SE (ML) or the GEE clusters.
    settings
        :class:`LogitSettings`: ``gee`` (GEE with an exchangeable working correlation within ``cluster``,
        ML only), ``standardize`` (continuous predictors entered as z-scores), ``conf_level`` (0.95).

    Returns
    -------
    LogitResult
        Estimates and covariances; the coefficient table, term tests, fit statistics, marginal effects and
        predictions are computed on first access.

    Raises
    ------
    SpecificationError
        Bad declaration or data (see :func:`alliance_stats.models.design.build_design`), ``gee`` without
        ``cluster``, ``gee`` with ``method="firth"``, ``conf_level`` outside (0, 1).

    References
    ----------
    R 4.2.2 ``glm(family = binomial)``; Zeileis, Koell and Graham (2020) sandwich ``vcovCL(type = "HC1")``;
    geepack 1.3.9 ``geeglm``; Heinze and Schemper (2002) Stat Med 21:2409-2419 (logistf); Kosmidis and
    Firth (2021) brglm2.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> df = pd.DataFrame({"x": rng.normal(size=300)})
    >>> df["y"] = (rng.uniform(size=300) < 1 / (1 + np.exp(-df.x))).astype(int)
    >>> res = fit_logit(df, "y", ["x"])
    >>> res.method, round(float(res.coefficients.loc["x", "odds_ratio"]), 2)
    ('ml', 2.67)
    """
    settings = LogitSettings() if settings is None else settings
    spec = LogitSpec(outcome=outcome, predictors=tuple(predictors), categorical=categorical,
                     interactions=tuple(tuple(pair) for pair in interactions), method=method, cluster=cluster,
                     gee=settings.gee, standardize=tuple(settings.standardize), conf_level=settings.conf_level)
    return estimate(spec, data)
