"""Logistic models of crossing the start-up phase (issue 6).

``fit_logit`` fits one model from declared column names (see :mod:`alliance_stats.models.design`):

- ``method="ml"``: maximum likelihood with statsmodels ``Logit`` (Newton). With ``cluster="dyad_id"`` the
  covariance is the cluster-robust sandwich ``cov_type="cluster"`` with statsmodels' small-sample factor
  ``G/(G-1) (n-1)/(n-k)``, equal to R ``sandwich::vcovCL(type = "HC1")``. With ``gee=True``: statsmodels
  ``GEE`` with an exchangeable working correlation within clusters and the robust (sandwich) covariance, as
  R ``geepack::geeglm(corstr = "exchangeable")`` (moment estimator of the correlation without degrees-of-
  freedom correction, ``ddof_scale=0``, which is geepack's).
- ``method="firth"``: Firth's penalised likelihood (:mod:`alliance_stats.models.firth`), profile
  penalised-likelihood intervals and penalised likelihood-ratio p values, as logistf.
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
from scipy import optimize, stats
from scipy.special import expit

from alliance_stats.core.errors import (
    AnalysisWarning,
    CollinearityWarning,
    ConvergenceWarning,
    DataQualityWarning,
    SeparationWarning,
    SparseDataWarning,
    SpecificationError,
)
from alliance_stats.core.i18n import check_lang, fmt_number, tr
from alliance_stats.core.table import Table
from alliance_stats.models import firth as _firth
from alliance_stats.models.design import INTERCEPT, Design, build_design, level_text

__all__ = [
    "LogitResult",
    "SeparationCheck",
    "fit_logit",
    "detect_separation",
    "hosmer_lemeshow",
    "models_side_by_side",
    "term_label",
    "EPV_THRESHOLD",
]

EPV_THRESHOLD = 10.0
VIF_THRESHOLD = 10.0
SPARSE_CELL = 5
_DEFAULT_CATEGORICAL = {"configuration": "survie"}


# ----------------------------------------------------------------------------------------- separation


@dataclass
class SeparationCheck:
    """Result of the linear-programming separation check.

    ``kind`` is ``"none"``, ``"quasi-complete"`` or ``"complete"``; ``directions`` maps each design column
    with an infinite ML estimate to +1 or -1.
    """

    kind: str
    directions: dict[str, int]

    @property
    def separated(self) -> bool:
        return self.kind != "none"


def detect_separation(X: pd.DataFrame, y: np.ndarray | pd.Series) -> SeparationCheck:
    """Detect complete or quasi-complete separation by linear programming.

    The columns are rescaled to unit maximum (directions do not depend on scale) and firthmodels'
    ``detect_separation`` (Konis 2007 (4.23), the detectseparation algorithm) finds the coefficients with
    an infinite ML estimate. Separation is complete when a direction ``d`` gives ``(2y - 1) x_i'd > 0`` for
    every row (second LP maximising the smallest margin), else quasi-complete.

    Parameters
    ----------
    X
        Design matrix with the intercept column.
    y
        0/1 outcome.

    Returns
    -------
    SeparationCheck

    Examples
    --------
    >>> X = pd.DataFrame({"(Intercept)": 1.0, "x": [0., 0, 0, 1, 1, 1]})
    >>> detect_separation(X, np.array([0, 0, 1, 1, 1, 1])).kind
    'quasi-complete'
    """
    from firthmodels import detect_separation as _konis

    A = X.to_numpy(dtype=float)
    y = np.asarray(y, dtype=float)
    scale = np.max(np.abs(A), axis=0)
    scale[scale == 0] = 1.0
    As = A / scale
    result = _konis(As, y, fit_intercept=False, tol=1e-6)
    directions = {X.columns[j]: int(d) for j, d in enumerate(result.directions) if d != 0}
    if not directions:
        return SeparationCheck("none", {})
    signed = As * (2 * y - 1)[:, None]
    n, p = signed.shape
    # maximise t subject to signed @ b >= t, -1 <= b <= 1, t <= 1
    c = np.zeros(p + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-signed, np.ones((n, 1))])
    lp = optimize.linprog(c, A_ub=A_ub, b_ub=np.zeros(n), bounds=[(-1, 1)] * p + [(None, 1)], method="highs")
    kind = "complete" if lp.success and -lp.fun > 1e-7 else "quasi-complete"
    return SeparationCheck(kind, directions)


# ------------------------------------------------------------------------------------ fit statistics


def hosmer_lemeshow(y: np.ndarray, p: np.ndarray, groups: int = 10) -> tuple[float, int, float, int]:
    """Hosmer-Lemeshow statistic as ResourceSelection::hoslem.test (see module docstring).

    Returns
    -------
    (statistic, df, p value, number of groups used)

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> p = rng.uniform(0.1, 0.9, 200); y = (rng.uniform(size=200) < p).astype(float)
    >>> hosmer_lemeshow(y, p)[1]
    8
    """
    y = np.asarray(y, float)
    p = np.asarray(p, float)
    breaks = np.unique(np.quantile(p, np.linspace(0, 1, groups + 1)))
    if len(breaks) < 3:
        return math.nan, 0, math.nan, len(breaks) - 1
    index = np.clip(np.searchsorted(breaks, p, side="left") - 1, 0, len(breaks) - 2)
    stat = 0.0
    used = 0
    for g in range(len(breaks) - 1):
        mask = index == g
        if not mask.any():
            continue
        used += 1
        obs1, exp1 = y[mask].sum(), p[mask].sum()
        obs0, exp0 = mask.sum() - obs1, mask.sum() - exp1
        stat += (obs1 - exp1) ** 2 / exp1 + (obs0 - exp0) ** 2 / exp0
    df = used - 2
    return float(stat), int(df), float(stats.chi2.sf(stat, df)) if df > 0 else math.nan, used


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    ranks = stats.rankdata(p)
    n1 = float(y.sum())
    n0 = len(y) - n1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _gvif(cov: np.ndarray, columns: list[str], terms: dict[str, list[str]]) -> dict[str, tuple[float, int]]:
    """Generalised VIF per term from the coefficient covariance (car::vif)."""
    slopes = [c for c in columns if c != INTERCEPT]
    if len(slopes) < 2:
        return {}
    idx = [columns.index(c) for c in slopes]
    V = cov[np.ix_(idx, idx)]
    if not np.all(np.isfinite(V)):
        return {}
    sd = np.sqrt(np.diag(V))
    R = V / np.outer(sd, sd)
    det_all = np.linalg.det(R)
    out: dict[str, tuple[float, int]] = {}
    for term, cols in terms.items():
        a = [slopes.index(c) for c in cols]
        b = [i for i in range(len(slopes)) if i not in a]
        det_a = np.linalg.det(R[np.ix_(a, a)])
        det_b = np.linalg.det(R[np.ix_(b, b)]) if b else 1.0
        out[term] = (float(det_a * det_b / det_all), len(a))
    return out


# --------------------------------------------------------------------------------------------- result


@dataclass
class LogitResult:
    """A fitted logistic model of a binary outcome.

    Attributes
    ----------
    method : str
        ``"ml"`` or ``"firth"`` (what was fitted); ``requested_method`` is what was asked.
    method_reason : str
        Why this method (``auto``: separation, events per parameter).
    cov_type : str
        ``"model"``, ``"cluster"`` (dyad-clustered sandwich) or ``"gee"`` (GEE robust).
    table : DataFrame
        One row per design column: coef, se, z, p, p_method, odds_ratio, ci_low, ci_high (odds-ratio
        scale), ci_method, flag.
    lr_tests : DataFrame
        One row per term outside interactions: df, test, statistic, p, and the LR and Wald versions.
    fit_stats : Series
        n, events, events_per_parameter, loglik, deviance, aic, bic, mcfadden_r2, tjur_r2, auc, hl_* ...
    params, cov
        Coefficient vector and covariance used for Wald inference (cluster-robust when clustered).
    separation : SeparationCheck
    warnings : list of str
    """

    outcome: str
    requested_method: str
    method: str
    method_reason: str
    cov_type: str
    cluster: str | None
    alpha: float
    design: Design = field(repr=False)
    params: pd.Series = field(repr=False)
    cov: pd.DataFrame = field(repr=False)
    table: pd.DataFrame
    lr_tests: pd.DataFrame
    fit_stats: pd.Series
    separation: SeparationCheck
    fitted: np.ndarray = field(repr=False)
    warnings: list[str] = field(default_factory=list)
    firth_fit: _firth.FirthFit | None = field(default=None, repr=False)
    vif: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    reason_code: str = "requested"
    reason_detail: str = ""

    # -------------------------------------------------------------------- helpers
    @property
    def terms(self) -> list[str]:
        """Design columns (coefficient names)."""
        return list(self.params.index)

    @property
    def infinite_terms(self) -> list[str]:
        """Coefficients with an infinite ML estimate (separation under ``ml``); empty for Firth."""
        return list(self.separation.directions) if self.method == "ml" else []

    def _z(self) -> float:
        return float(stats.norm.ppf(1 - self.alpha / 2))

    # -------------------------------------------------------------------- marginal effects
    def marginal_effects(self) -> pd.DataFrame:
        """Average marginal effects (AME) on the probability scale, delta-method SE.

        Continuous predictor: mean over the sample of ``dp/dx = p(1-p) d eta/dx`` (interactions included),
        per unit of the predictor as modelled (one SD when standardised). Categorical predictor: for each
        non-reference level, the mean over the sample of ``p(level) - p(reference)`` with every firm set to
        that level (discrete change). SE by the delta method with the model's covariance (cluster-robust when
        clustered). Reference: Stata ``margins, dydx()``; R marginaleffects ``avg_slopes``.

        Returns
        -------
        DataFrame indexed by ``predictor`` or ``factor[level]``: ame, se, z, p, ci_low, ci_high, kind.
        """
        beta = self.params.to_numpy()
        V = self.cov.to_numpy()
        X = self.design.X.to_numpy()
        rows: dict[str, dict[str, Any]] = {}
        for name in self.design.predictors:
            if name in self.design.factors:
                coding = self.design.factors[name]
                X_ref = self.design.counterfactual(name, coding.reference)
                p_ref = expit(X_ref @ beta)
                for level in coding.levels[1:]:
                    X_lev = self.design.counterfactual(name, level)
                    p_lev = expit(X_lev @ beta)
                    ame = float(np.mean(p_lev - p_ref))
                    grad = ((p_lev * (1 - p_lev))[:, None] * X_lev - (p_ref * (1 - p_ref))[:, None] * X_ref).mean(0)
                    rows[coding.column(level)] = {"ame": ame, "grad": grad,
                                                  "kind": f"discrete change vs {level_text(coding.reference)}"}
            else:
                D = self.design.derivative(name)
                eta = X @ beta
                p = expit(eta)
                s = p * (1 - p)
                slope = D @ beta
                ame = float(np.mean(s * slope))
                grad = ((s * (1 - 2 * p) * slope)[:, None] * X + s[:, None] * D).mean(0)
                unit = "per SD" if name in self.design.scaling else "per unit"
                rows[name] = {"ame": ame, "grad": grad, "kind": f"derivative ({unit})"}
        z = self._z()
        out = []
        unreliable = bool(self.infinite_terms)
        for key, r in rows.items():
            se = float(np.sqrt(r["grad"] @ V @ r["grad"])) if not unreliable else math.nan
            zval = r["ame"] / se if se > 0 else math.nan
            out.append({"term": key, "ame": r["ame"], "se": se, "z": zval,
                        "p": float(2 * stats.norm.sf(abs(zval))) if np.isfinite(zval) else math.nan,
                        "ci_low": r["ame"] - z * se, "ci_high": r["ame"] + z * se, "kind": r["kind"]})
        frame = pd.DataFrame(out).set_index("term")
        if unreliable:
            self._note("average marginal effects: standard errors not computed because of separation under ML "
                       "(use method='firth')", SeparationWarning)
        return frame

    # -------------------------------------------------------------------- predictions
    def predict_by(self, factor: str = "configuration") -> pd.DataFrame:
        """Predicted probability of the outcome for each level of a categorical predictor.

        For level ``L``, every firm of the sample is given level ``L`` (other predictors unchanged) and the
        predicted probabilities are averaged ("average predicted probability", counterfactual margins as Stata
        ``margins factor``). The CI is computed on the logit scale: ``logit(P) +- z se(P) / (P(1-P))`` with
        ``se(P)`` from the delta method, then transformed back (stays inside 0-1).

        Returns
        -------
        DataFrame indexed by level: probability, se, ci_low, ci_high, n (firms observed at the level),
        observed (their observed event share).
        """
        if factor not in self.design.factors:
            raise SpecificationError("predictions per level need a categorical predictor of the model", column=factor,
                                     fix=f"choose one of: {', '.join(self.design.factors) or '(none)'}")
        coding = self.design.factors[factor]
        beta = self.params.to_numpy()
        V = self.cov.to_numpy()
        z = self._z()
        text = self.design.frame[factor].astype(object).map(level_text)
        y = self.design.y.to_numpy()
        rows = []
        unreliable = bool(self.infinite_terms)
        for level in sorted(coding.levels, key=lambda lv: _level_rank(factor, lv, coding.levels)):
            Xl = self.design.counterfactual(factor, level)
            p = expit(Xl @ beta)
            prob = float(p.mean())
            grad = ((p * (1 - p))[:, None] * Xl).mean(0)
            se = float(np.sqrt(grad @ V @ grad)) if not unreliable else math.nan
            if 0 < prob < 1 and np.isfinite(se):
                half = z * se / (prob * (1 - prob))
                logit = math.log(prob / (1 - prob))
                lo, hi = float(expit(logit - half)), float(expit(logit + half))
            else:
                lo = hi = math.nan
            mask = (text == level_text(level)).to_numpy()
            rows.append({"level": level_text(level), "probability": prob, "se": se, "ci_low": lo, "ci_high": hi,
                         "n": int(mask.sum()), "observed": float(y[mask].mean()) if mask.any() else math.nan})
        if unreliable:
            self._note("predicted probabilities: intervals not computed because of separation under ML "
                       "(use method='firth')", SeparationWarning)
        return pd.DataFrame(rows).set_index("level")

    # -------------------------------------------------------------------- tables
    def to_table(self, lang: str = "en", key: str = "logit") -> Table:
        """Odds ratios with confidence intervals and p values, localised."""
        check_lang(lang)
        level = _ci_level(self.alpha)
        t = self.table
        frame = pd.DataFrame({
            tr("models.or", lang): t["odds_ratio"],
            tr("models.ci_low", lang).format(level=level): t["ci_low"],
            tr("models.ci_high", lang).format(level=level): t["ci_high"],
            "p": t["p"],
            "B": t["coef"],
            tr("models.se", lang): t["se"],
        })
        frame.index = [term_label(term, self.design, lang) for term in t.index]
        frame.index.name = tr("models.term", lang)
        formats = dict(zip(frame.columns, ["f2", "f2", "f2", "p", "f2", "f2"], strict=True))
        title = tr("models.title", lang).format(outcome=tr(self.outcome, lang))
        return Table(key=key, title=title, frame=frame, note=self.note(lang), formats=formats, lang=lang)

    def to_tables(self, lang: str = "en", key: str = "logit") -> dict[str, Table]:
        """All tables of the model: coefficients, term tests, fit statistics, predictions per factor."""
        check_lang(lang)
        out = {"coefficients": self.to_table(lang, key)}
        tests = self.lr_tests
        frame = pd.DataFrame({
            tr("models.test", lang): [tr(f"models.test.{t}", lang) for t in tests["test"]],
            tr("models.statistic", lang): tests["statistic"].to_numpy(float),
            tr("measurement.df", lang): tests["df"].to_numpy(int),
            "p": tests["p"].to_numpy(float),
        }, index=[term_label(term, self.design, lang) for term in tests.index])
        out["tests"] = Table(key=f"{key}_tests", title=tr("models.tests_title", lang), frame=frame,
                             formats=dict(zip(frame.columns, ["text", "f2", "int", "p"], strict=True)), lang=lang)
        shown = [k for k, v in self.fit_stats.items() if np.isfinite(v)]
        stats_frame = pd.DataFrame(
            {tr("models.value", lang): [fmt_number(self.fit_stats[k], _STAT_FORMATS.get(k, "f2"), lang)
                                        for k in shown]},
            index=[tr(f"models.stat.{k}", lang) for k in shown])
        out["fit"] = Table(key=f"{key}_fit", title=tr("models.fit_title", lang), frame=stats_frame,
                           note=tr("models.fit_note", lang), formats={tr("models.value", lang): "text"}, lang=lang)
        for factor in self.design.factors:
            pred = self.predict_by(factor)
            level = _ci_level(self.alpha)
            frame = pd.DataFrame({
                tr("models.probability", lang): pred["probability"],
                tr("models.ci_low", lang).format(level=level): pred["ci_low"],
                tr("models.ci_high", lang).format(level=level): pred["ci_high"],
                "n": pred["n"],
                tr("models.observed", lang): pred["observed"],
            })
            frame.index = [tr(lv, lang) for lv in pred.index]
            out[f"predicted_{factor}"] = Table(
                key=f"{key}_predicted_{factor}",
                title=tr("models.predicted_title", lang).format(factor=tr(factor, lang).lower()),
                frame=frame, note=tr("models.predicted_note", lang),
                formats=dict(zip(frame.columns, ["r3", "r3", "r3", "int", "r3"], strict=True)), lang=lang)
        return out

    def note(self, lang: str = "en") -> str:
        """The note printed under the coefficient table."""
        fs = self.fit_stats
        parts = [tr(f"models.method.{self.method}", lang)]
        parts.append(tr(f"models.cov.{self.cov_type}", lang).format(cluster=self.cluster or "",
                                                                     g=int(fs.get("n_clusters", 0) or 0)))
        if self.requested_method == "auto":
            reason = tr(f"models.reason.{self.reason_code}", lang).format(detail=self.reason_detail)
            parts.append(tr("models.auto_reason", lang).format(reason=reason))
        parts.append(tr("models.sample", lang).format(n=int(fs["n"]), events=int(fs["events"]),
                                                      epv=fmt_number(fs["events_per_parameter"], "f1", lang)))
        refs = [f"{tr(name, lang)}: {tr(level_text(c.reference), lang)}" for name, c in self.design.factors.items()]
        if refs:
            parts.append(tr("models.references", lang) + " " + "; ".join(refs))
        if self.design.scaling:
            parts.append(tr("models.standardised", lang) + " " + ", ".join(tr(n, lang) for n in self.design.scaling))
        if self.infinite_terms:
            parts.append(tr("models.separation_note", lang).format(
                terms=", ".join(term_label(t, self.design, lang) for t in self.infinite_terms)))
        return " ".join(p.rstrip(".") + "." for p in parts)

    def _note(self, message: str, category: type[Warning] = AnalysisWarning) -> None:
        warnings.warn(message, category, stacklevel=3)
        if message not in self.warnings:
            self.warnings.append(message)


_STAT_FORMATS = {"n": "int", "events": "int", "non_events": "int", "n_parameters": "int", "n_clusters": "int",
                 "n_dropped_missing": "int", "hl_df": "int", "hl_groups": "int", "events_per_parameter": "f1",
                 "mcfadden_r2": "r3", "tjur_r2": "r3", "auc": "r3", "hl_p": "p", "gee_alpha": "r3"}


def _ci_level(alpha: float) -> str:
    return f"{100 * (1 - alpha):g}"


def _level_rank(factor: str, level: Any, levels: Sequence[Any]) -> int:
    """Levels in their natural order (the declared order, not reference first)."""
    from alliance_stats.models.design import CONFIGURATION_LEVELS

    text = level_text(level)
    if text in CONFIGURATION_LEVELS and all(level_text(lv) in CONFIGURATION_LEVELS for lv in levels):
        return CONFIGURATION_LEVELS.index(text)
    return list(levels).index(level)


# ---------------------------------------------------------------------------------------------- labels


def term_label(term: str, design: Design | None = None, lang: str = "en") -> str:
    """Readable label of a design column: ``configuration[entraide]`` -> ``Configuration: Mutual aid``."""
    if term == INTERCEPT:
        return tr("models.intercept", lang)
    if ":" in term:
        return " \u00d7 ".join(term_label(part, design, lang) for part in term.split(":"))
    if term.endswith("]") and "[" in term:
        name, level = term[:-1].split("[", 1)
        label = f"{tr(name, lang)}: {tr(level, lang)}"
        if design is not None and name in design.factors:
            ref = tr(level_text(design.factors[name].reference), lang)
            label += f" ({tr('models.vs', lang)} {ref})"
        return label
    label = tr(term, lang)
    if design is not None and term in design.scaling:
        label += " (z)"
    return label


# ------------------------------------------------------------------------------------------------- fit


def _group_codes(groups: pd.Series) -> np.ndarray:
    return pd.factorize(groups.astype(object).map(str), sort=True)[0]


def _fit_ml(X: pd.DataFrame, y: np.ndarray, groups: pd.Series | None, gee: bool) -> dict[str, Any]:
    import statsmodels.api as sm
    from statsmodels.tools import sm_exceptions as smx

    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if gee:
            model = sm.GEE(y, X, groups=_group_codes(groups), family=sm.families.Binomial(),
                           cov_struct=sm.cov_struct.Exchangeable())
            # ddof_scale=0: Pearson scale and exchangeable correlation without a df correction, as geepack
            res = model.fit(maxiter=200, ctol=1e-10, ddof_scale=0)
            params = np.asarray(res.params)
            cov = np.asarray(res.cov_robust)
            cov_model = np.asarray(res.cov_naive)
            converged = not any(issubclass(w.category, smx.IterationLimitWarning | smx.ConvergenceWarning)
                                for w in caught)
            extra = {"gee_alpha": float(np.atleast_1d(res.cov_struct.dep_params)[0])}
            loglik = math.nan
        else:
            model = sm.Logit(y, X)
            fit_kw: dict[str, Any] = {"method": "newton", "maxiter": 100, "disp": 0}
            if groups is not None:
                fit_kw.update(cov_type="cluster", cov_kwds={"groups": _group_codes(groups)})
            try:
                res = model.fit(**fit_kw)
            except (np.linalg.LinAlgError, ValueError, OverflowError):
                fit_kw["method"] = "bfgs"
                fit_kw["maxiter"] = 2000
                res = model.fit(**fit_kw)
            params = np.asarray(res.params)
            cov = np.asarray(res.cov_params())
            try:
                cov_model = np.linalg.inv(-model.hessian(params))
            except np.linalg.LinAlgError:
                cov_model = np.full_like(cov, np.nan)
            converged = bool(res.mle_retvals.get("converged", False))
            extra = {}
            loglik = float(res.llf)
    for w in caught:
        if issubclass(w.category, smx.ConvergenceWarning | smx.HessianInversionWarning | RuntimeWarning):
            notes.append(str(w.message).splitlines()[0])
    return {"params": params, "cov": cov, "cov_model": cov_model, "converged": converged, "loglik": loglik,
            "notes": notes, **extra}


def _ml_loglik_without(X: pd.DataFrame, y: np.ndarray, drop: list[str]) -> float:
    import statsmodels.api as sm

    keep = [c for c in X.columns if c not in drop]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.Logit(y, X[keep]).fit(method="newton", maxiter=100, disp=0)
        except (np.linalg.LinAlgError, ValueError, OverflowError):
            res = sm.Logit(y, X[keep]).fit(method="bfgs", maxiter=2000, disp=0)
    return float(res.llf)


def _testable_terms(design: Design) -> list[str]:
    in_interaction = {name for pair in design.interactions for name in pair}
    return [t for t in design.terms if t not in in_interaction]


def fit_logit(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    categorical: Mapping[str, Any] | None = None,
    interactions: Sequence[Sequence[str]] = (),
    method: Literal["ml", "firth", "auto"] = "ml",
    cluster: str | None = None,
    gee: bool = False,
    standardize: Sequence[str] = (),
    alpha: float = 0.05,
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
    gee
        GEE with an exchangeable working correlation within ``cluster`` (ML only).
    standardize
        Continuous predictors entered as z-scores.
    alpha
        1 - confidence level of the intervals.

    Returns
    -------
    LogitResult

    Raises
    ------
    SpecificationError
        Bad declaration or data (see :func:`alliance_stats.models.design.build_design`), ``gee`` without
        ``cluster``, ``gee`` with ``method="firth"``.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> df = pd.DataFrame({"x": rng.normal(size=300)})
    >>> df["y"] = (rng.uniform(size=300) < 1 / (1 + np.exp(-df.x))).astype(int)
    >>> res = fit_logit(df, "y", ["x"])
    >>> res.method, round(float(res.table.loc["x", "odds_ratio"]), 2)
    ('ml', 2.67)

    Reference: R 4.2.2 ``glm(family = binomial)``; sandwich 3.0-2 ``vcovCL(type = "HC1")``; geepack 1.3.9
    ``geeglm``; logistf 1.26 / brglm2 0.9 for Firth.
    """
    if method not in ("ml", "firth", "auto"):
        raise SpecificationError("unknown estimation method", value=method, fix="use 'ml', 'firth' or 'auto'")
    if not 0 < alpha < 1:
        raise SpecificationError("alpha must be between 0 and 1", value=alpha)
    if gee and cluster is None:
        raise SpecificationError("GEE needs the cluster column", value="gee=True",
                                 fix="pass cluster='dyad_id'")
    if gee and method == "firth":
        raise SpecificationError("GEE is not available with Firth's penalised likelihood", value="gee=True",
                                 fix="use method='ml' (or 'auto') with gee=True, or Firth without GEE")
    if categorical is None:
        categorical = {k: v for k, v in _DEFAULT_CATEGORICAL.items() if k in predictors}
    design = build_design(data, outcome, predictors, categorical, interactions, standardize, cluster)
    notes: list[tuple[str, type[Warning]]] = []

    X = design.X
    y = design.y.to_numpy()
    n = len(y)
    events = int(y.sum())
    k = X.shape[1]
    epv = min(events, n - events) / max(k - 1, 1)
    if design.n_dropped:
        detail = ", ".join(f"{c}: {m}" for c, m in design.dropped_by_column.items())
        notes.append((f"{design.n_dropped} of {design.n_input} rows dropped for missing values (listwise; {detail})",
                      DataQualityWarning))

    separation = detect_separation(X, y)
    n_clusters = int(design.groups.nunique()) if design.groups is not None else 0

    # ---------------------------------------------------------------- choice of method
    if method == "auto":
        if separation.separated:
            chosen = "firth"
            reason_code, reason_detail = "separation", f"{separation.kind}: {', '.join(separation.directions)}"
            reason = (f"{separation.kind} separation ({', '.join(separation.directions)}): Firth's penalised "
                      f"likelihood")
        elif epv < EPV_THRESHOLD:
            chosen = "firth"
            reason_code, reason_detail = "epv", f"{epv:.1f}"
            reason = f"{epv:.1f} events per parameter (< {EPV_THRESHOLD:g}): Firth's penalised likelihood"
        else:
            chosen = "ml"
            reason_code, reason_detail = "ok", f"{epv:.1f}"
            reason = f"no separation and {epv:.1f} events per parameter (>= {EPV_THRESHOLD:g}): maximum likelihood"
        if chosen == "firth" and gee:
            notes.append(("GEE replaced by Firth's penalised likelihood because of " + reason.split(":")[0] +
                          "; intervals do not account for clustering within " + str(cluster), SparseDataWarning))
    else:
        chosen = method
        reason = f"method '{method}' requested"
        reason_code, reason_detail = "requested", method
    use_gee = gee and chosen == "ml"

    if chosen == "ml" and separation.separated:
        for col, d in separation.directions.items():
            notes.append((f"{separation.kind} separation: the maximum-likelihood estimate of '{col}' "
                          f"(predictor '{_predictor_of(col, design)}') is {'+' if d > 0 else '-'}infinite; its odds "
                          f"ratio is not reported. Use method='firth' (or 'auto') for a finite estimate.",
                          SeparationWarning))
    if chosen == "ml" and epv < EPV_THRESHOLD:
        notes.append((f"{epv:.1f} events per parameter (< {EPV_THRESHOLD:g}): maximum-likelihood estimates may be "
                      "biased away from zero; consider method='firth'", SparseDataWarning))
    for name, coding in design.factors.items():
        text = design.frame[name].astype(object).map(level_text)
        for level in coding.levels:
            mask = (text == level_text(level)).to_numpy()
            ev = int(y[mask].sum())
            nev = int(mask.sum()) - ev
            if ev < SPARSE_CELL or nev < SPARSE_CELL:
                notes.append((f"sparse cell: level '{level_text(level)}' of '{name}' has {ev} events and {nev} "
                              f"non-events (< {SPARSE_CELL})", SparseDataWarning))
    if cluster is not None and chosen == "firth":
        notes.append((f"Firth's profile intervals and penalised LR tests assume independent rows: they do not "
                      f"account for clustering within {cluster}", SparseDataWarning))

    # ---------------------------------------------------------------- fit
    firth_fit = None
    z = float(stats.norm.ppf(1 - alpha / 2))
    cols = list(X.columns)
    extra: dict[str, float] = {}
    if chosen == "ml":
        fit = _fit_ml(X, y, design.groups if (cluster is not None) else None, use_gee)
        params, cov, cov_model = fit["params"], fit["cov"], fit["cov_model"]
        loglik = fit["loglik"]
        if not fit["converged"] and not separation.separated:
            notes.append(("maximum-likelihood iterations did not converge" +
                          (f" ({fit['notes'][0]})" if fit["notes"] else ""), ConvergenceWarning))
        if use_gee:
            extra["gee_alpha"] = fit["gee_alpha"]
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        zval = params / se
        pval = 2 * stats.norm.sf(np.abs(zval))
        lo, hi = params - z * se, params + z * se
        cov_type = "gee" if use_gee else ("cluster" if cluster is not None else "model")
        ci_method = {"gee": "Wald (GEE robust)", "cluster": "Wald (cluster-robust)", "model": "Wald"}[cov_type]
        p_method = {"gee": "Wald z (GEE robust)", "cluster": "Wald z (cluster-robust)", "model": "Wald z"}[cov_type]
        ci_methods = [ci_method] * k
        loglik_pen = math.nan
    else:
        firth_fit = _firth.fit_firth(X.to_numpy(), y)
        if not firth_fit.converged:
            notes.append(("Firth's penalised-likelihood iterations did not converge", ConvergenceWarning))
        params, cov = firth_fit.coef, firth_fit.cov
        cov_model = cov
        loglik, loglik_pen = firth_fit.loglik, firth_fit.loglik_penalised
        se = np.sqrt(np.diag(cov))
        zval = params / se
        pval = np.empty(k)
        lo = np.empty(k)
        hi = np.empty(k)
        ci_methods = []
        for j in range(k):
            e = np.zeros(k)
            e[j] = 1.0
            _, _, pval[j], ok = _firth.penalised_lr_test(X.to_numpy(), y, firth_fit, e)
            if not ok:
                notes.append((f"penalised LR test of '{cols[j]}' did not converge", ConvergenceWarning))
            lo[j], hi[j], _source = _firth.profile_interval(X.to_numpy(), y, firth_fit, j, alpha)
            ci_methods.append("profile penalised likelihood")
        cov_type = "model"
        p_method = "penalised LR"
        for message in firth_fit.notes:
            notes.append((f"Firth fit: {message}", ConvergenceWarning))

    table = pd.DataFrame({
        "coef": params, "se": se, "z": zval, "p": pval, "p_method": p_method,
        "odds_ratio": np.exp(params), "ci_low": np.exp(lo), "ci_high": np.exp(hi), "ci_method": ci_methods,
        "flag": "",
    }, index=pd.Index(cols, name="term"))
    if chosen == "ml" and separation.separated:
        for col in separation.directions:
            table.loc[col, ["coef", "se", "z", "p", "odds_ratio", "ci_low", "ci_high"]] = np.nan
            table.loc[col, "flag"] = "infinite ML estimate (separation): use Firth"

    # ---------------------------------------------------------------- term tests
    tests = []
    for term in _testable_terms(design):
        tcols = design.terms[term]
        idx = [cols.index(c) for c in tcols]
        L = np.zeros((len(idx), k))
        L[np.arange(len(idx)), idx] = 1.0
        row: dict[str, Any] = {"term": term, "df": len(idx)}
        b = L @ params
        try:
            wald = float(b @ np.linalg.solve(L @ cov @ L.T, b))
        except np.linalg.LinAlgError:
            wald = math.nan
        row["wald_statistic"] = wald
        row["wald_p"] = float(stats.chi2.sf(wald, len(idx))) if np.isfinite(wald) else math.nan
        if chosen == "firth":
            stat, df, p, _ok = _firth.penalised_lr_test(X.to_numpy(), y, firth_fit, L)
            row.update(lr_statistic=stat, lr_p=p, test="penalised LR", statistic=stat, p=p)
        elif use_gee:
            row.update(lr_statistic=math.nan, lr_p=math.nan, test="Wald (GEE robust)", statistic=wald,
                       p=row["wald_p"])
        else:
            lr = max(0.0, 2 * (loglik - _ml_loglik_without(X, y, tcols)))
            row.update(lr_statistic=lr, lr_p=float(stats.chi2.sf(lr, len(idx))))
            if cluster is not None:
                row.update(test="Wald (cluster-robust)", statistic=wald, p=row["wald_p"])
            else:
                row.update(test="LR", statistic=lr, p=row["lr_p"])
        tests.append(row)
    lr_tests = pd.DataFrame(tests, columns=["term", "df", "test", "statistic", "p", "lr_statistic", "lr_p",
                                            "wald_statistic", "wald_p"]).set_index("term")

    # ---------------------------------------------------------------- fit statistics
    fitted = expit(X.to_numpy() @ params)
    ll_null = events * math.log(events / n) + (n - events) * math.log((n - events) / n)
    have_ll = np.isfinite(loglik)
    hl = hosmer_lemeshow(y, fitted)
    fit_stats = pd.Series({
        "n": n, "events": events, "non_events": n - events, "n_parameters": k, "events_per_parameter": epv,
        "n_clusters": n_clusters, "n_dropped_missing": design.n_dropped,
        "loglik": loglik, "loglik_penalised": loglik_pen, "loglik_null": ll_null,
        "deviance": -2 * loglik if have_ll else math.nan, "null_deviance": -2 * ll_null,
        "aic": -2 * loglik + 2 * k if have_ll else math.nan,
        "bic": -2 * loglik + k * math.log(n) if have_ll else math.nan,
        "mcfadden_r2": 1 - loglik / ll_null if have_ll else math.nan,
        "tjur_r2": float(fitted[y == 1].mean() - fitted[y == 0].mean()),
        "auc": _auc(y, fitted),
        "hl_statistic": hl[0], "hl_df": hl[1], "hl_p": hl[2], "hl_groups": hl[3],
        **extra,
    }, dtype=float)

    # ---------------------------------------------------------------- collinearity
    gvif = _gvif(np.asarray(cov_model), cols, {t: c for t, c in design.terms.items()})
    vif = pd.DataFrame([{"term": t, "gvif": g, "df": d, "gvif_adjusted": g ** (1 / d)} for t, (g, d) in gvif.items()],
                       columns=["term", "gvif", "df", "gvif_adjusted"]).set_index("term")
    for term, row in vif.iterrows():
        if row["gvif_adjusted"] > VIF_THRESHOLD:
            notes.append((f"collinearity: variance inflation of '{term}' is {row['gvif_adjusted']:.1f} (> "
                          f"{VIF_THRESHOLD:g}); its coefficient is imprecise (centre or standardise the variables "
                          "of an interaction, or drop a redundant predictor)", CollinearityWarning))

    result = LogitResult(
        outcome=outcome, requested_method=method, method=chosen, method_reason=reason, cov_type=cov_type,
        cluster=cluster, alpha=alpha, design=design,
        params=pd.Series(params, index=cols), cov=pd.DataFrame(cov, index=cols, columns=cols),
        table=table, lr_tests=lr_tests, fit_stats=fit_stats, separation=separation, fitted=fitted,
        firth_fit=firth_fit, vif=vif, reason_code=reason_code, reason_detail=reason_detail,
    )
    for message, category in notes:
        result._note(message, category)
    return result


def _predictor_of(column: str, design: Design) -> str:
    for term, cols in design.terms.items():
        if column in cols:
            return term
    return column


# -------------------------------------------------------------------------------------- side by side


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def models_side_by_side(results: Mapping[str, LogitResult], lang: str = "en", stars: bool = False,
                        key: str = "models") -> Table:
    """Several models side by side (M1-M3): odds ratio [CI] per term, fit statistics at the foot.

    Cells are formatted text in ``lang`` (decimal comma in French, ``[low; high]`` intervals); the numbers
    themselves are in each model's ``table`` and ``fit_stats``. A term absent from a model is left empty; an
    infinite ML estimate shows a dash and is explained in the note.

    Parameters
    ----------
    results
        Model name -> fitted model, in the column order wanted.
    lang
        ``"fr"`` or ``"en"``.
    stars
        Append significance stars (* < .05, ** < .01, *** < .001).

    Returns
    -------
    Table
    """
    check_lang(lang)
    if not results:
        raise SpecificationError("no model to show side by side")
    sep = " ; " if lang == "fr" else ", "
    order: list[str] = []
    labels: dict[str, str] = {}
    for res in results.values():
        for term in res.table.index:
            if term == INTERCEPT:
                continue
            if term not in order:
                order.append(term)
                labels[term] = term_label(term, res.design, lang)
    rows: dict[str, dict[str, str]] = {labels[t]: {} for t in order}
    for name, res in results.items():
        for term in order:
            if term not in res.table.index:
                rows[labels[term]][name] = ""
                continue
            r = res.table.loc[term]
            if r["flag"]:
                rows[labels[term]][name] = "\u2014"
                continue
            cell = (f"{fmt_number(r['odds_ratio'], 'f2', lang)} [{fmt_number(r['ci_low'], 'f2', lang)}{sep}"
                    f"{fmt_number(r['ci_high'], 'f2', lang)}]")
            rows[labels[term]][name] = cell + (_stars(r["p"]) if stars else "")
    foot = [("n", "int"), ("events", "int"), ("loglik", "f2"), ("aic", "f2"), ("bic", "f2"),
            ("mcfadden_r2", "r3"), ("tjur_r2", "r3"), ("auc", "r3"), ("hl_p", "p")]
    for stat, spec in foot:
        label = tr(f"models.stat.{stat}", lang)
        rows[label] = {name: fmt_number(res.fit_stats.get(stat, math.nan), spec, lang) for name, res in results.items()}
    method_row = tr("models.estimation", lang)
    rows[method_row] = {name: tr(f"models.short.{res.method}.{res.cov_type}", lang) for name, res in results.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")[list(results)]
    frame.index.name = tr("models.term", lang)
    level = _ci_level(next(iter(results.values())).alpha)
    note = tr("models.side_note", lang).format(level=level)
    if stars:
        note += " " + tr("models.stars_note", lang)
    flagged = sorted({term_label(t, r.design, lang) for r in results.values() for t in r.infinite_terms})
    if flagged:
        note += " " + tr("models.separation_note", lang).format(terms=", ".join(flagged))
    refs = {f"{tr(f, lang)}: {tr(level_text(c.reference), lang)}" for r in results.values()
            for f, c in r.design.factors.items()}
    if refs:
        note += " " + tr("models.references", lang) + " " + "; ".join(sorted(refs)) + "."
    return Table(key=key, title=tr("models.side_title", lang), frame=frame, note=note,
                 formats={c: "text" for c in frame.columns}, lang=lang)
