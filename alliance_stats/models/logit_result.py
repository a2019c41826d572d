"""The result of :func:`alliance_stats.models.fit_logit`: estimates kept, derived statistics computed lazily.

As statsmodels' results classes do, :class:`LogitResult` stores what estimation produced (coefficients,
covariances, log-likelihoods, the Firth profile inference) and computes the derived statistics on first
access (``functools.cached_property`` on a frozen dataclass): the coefficient table with odds ratios and
intervals, the term tests (refits for the LR tests), the fit statistics, average marginal effects and
predicted probabilities. Every warning is found when the result is made (:func:`fit_logit`), never while a
table is built.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.i18n import check_lang, fmt_number, tr
from alliance_stats.core.results import Result, to_jsonable
from alliance_stats.core.table import Table
from alliance_stats.models.design import CONFIGURATION_LEVELS, INTERCEPT, Design, level_text
from alliance_stats.models.diagnostics import SeparationCheck, auc, hosmer_lemeshow
from alliance_stats.models.firth import FirthFit
from alliance_stats.models.kernel import logit_batch

__all__ = ["LogitResult", "models_side_by_side", "term_label"]

_STAT_FORMATS = {"n": "int", "events": "int", "non_events": "int", "n_parameters": "int", "n_clusters": "int",
                 "n_dropped_missing": "int", "hl_df": "int", "hl_groups": "int", "events_per_parameter": "f1",
                 "mcfadden_r2": "r3", "tjur_r2": "r3", "auc": "r3", "hl_p": "p", "gee_alpha": "r3"}


@dataclass(frozen=True, eq=False)
class LogitResult(Result):
    """A fitted logistic model of a binary outcome.

    Attributes
    ----------
    method : str
        ``"ml"`` or ``"firth"`` (what was fitted); ``requested_method`` is what was asked.
    method_reason : str
        Why this method (``auto``: separation, events per parameter).
    cov_type : str
        ``"model"``, ``"cluster"`` (dyad-clustered sandwich) or ``"gee"`` (GEE robust).
    params, cov
        Coefficient vector and covariance used for Wald inference (cluster-robust when clustered).
    coefficients : DataFrame (lazy)
        One row per design column: coef, se, z, p, p_method, odds_ratio, ci_low, ci_high (odds-ratio
        scale), ci_method, flag.
    lr_tests : DataFrame (lazy)
        One row per term outside interactions: df, test, statistic, p, and the LR and Wald versions.
    fit_stats : Series (lazy)
        n, events, events_per_parameter, loglik, deviance, aic, bic, mcfadden_r2, tjur_r2, auc, hl_* ...
    """

    outcome: str
    requested_method: str
    method: str
    method_reason: str
    reason_code: str
    reason_detail: str
    cov_type: str
    cluster: str | None
    conf_level: float
    design: Design = field(repr=False)
    params: pd.Series = field(repr=False)
    cov: pd.DataFrame = field(repr=False)
    cov_model: np.ndarray = field(repr=False)
    loglik: float
    loglik_penalised: float
    separation: SeparationCheck
    vif: pd.DataFrame = field(repr=False)
    firth_fit: FirthFit | None = field(default=None, repr=False)
    firth_inference: pd.DataFrame | None = field(default=None, repr=False)
    gee_alpha: float | None = None
    warnings: tuple[str, ...] = ()

    # -------------------------------------------------------------------- basic accessors
    @property
    def terms(self) -> list[str]:
        """Design columns (coefficient names)."""
        return list(self.params.index)

    @property
    def infinite_terms(self) -> list[str]:
        """Coefficients with an infinite ML estimate (separation under ``ml``); empty for Firth."""
        return list(self.separation.directions) if self.method == "ml" else []

    def _z(self) -> float:
        alpha = round(1 - self.conf_level, 12)  # 0.05 exactly for 0.95
        return float(stats.norm.ppf(1 - alpha / 2))

    @cached_property
    def fitted(self) -> np.ndarray:
        """Fitted probabilities of the rows used."""
        return expit(self.design.X.to_numpy() @ self.params.to_numpy())

    # -------------------------------------------------------------------- coefficient table
    @cached_property
    def coefficients(self) -> pd.DataFrame:
        """Coefficients, SE, z, p, odds ratios and their interval (see the class docstring)."""
        params = self.params.to_numpy()
        k = len(params)
        if self.method == "firth":
            assert self.firth_inference is not None
            se = np.sqrt(np.diag(self.cov.to_numpy()))
            pval = self.firth_inference["p"].to_numpy()
            lo, hi = self.firth_inference["ci_low"].to_numpy(), self.firth_inference["ci_high"].to_numpy()
            p_method, ci_methods = "penalised LR", ["profile penalised likelihood"] * k
        else:
            se = np.sqrt(np.clip(np.diag(self.cov.to_numpy()), 0, None))
            pval = 2 * stats.norm.sf(np.abs(params / se))
            z = self._z()
            lo, hi = params - z * se, params + z * se
            p_method = {"gee": "Wald z (GEE robust)", "cluster": "Wald z (cluster-robust)",
                        "model": "Wald z"}[self.cov_type]
            ci_methods = [{"gee": "Wald (GEE robust)", "cluster": "Wald (cluster-robust)",
                           "model": "Wald"}[self.cov_type]] * k
        table = pd.DataFrame({
            "coef": params, "se": se, "z": params / se, "p": pval, "p_method": p_method,
            "odds_ratio": np.exp(params), "ci_low": np.exp(lo), "ci_high": np.exp(hi), "ci_method": ci_methods,
            "flag": "",
        }, index=pd.Index(self.terms, name="term"))
        for col in self.infinite_terms:
            table.loc[col, ["coef", "se", "z", "p", "odds_ratio", "ci_low", "ci_high"]] = np.nan
            table.loc[col, "flag"] = "infinite ML estimate (separation): use Firth"
        return table

    # -------------------------------------------------------------------- term tests
    @cached_property
    def lr_tests(self) -> pd.DataFrame:
        """Test of every term outside an interaction (R ``drop1`` scope), the whole factor at once."""
        tests = [self._term_test(term) for term in _testable_terms(self.design)]
        return pd.DataFrame(tests, columns=["term", "df", "test", "statistic", "p", "lr_statistic", "lr_p",
                                            "wald_statistic", "wald_p"]).set_index("term")

    def _term_test(self, term: str) -> dict[str, Any]:
        from alliance_stats.models import firth as _firth

        cols = self.terms
        idx = [cols.index(c) for c in self.design.terms[term]]
        L = np.zeros((len(idx), len(cols)))
        L[np.arange(len(idx)), idx] = 1.0
        b = L @ self.params.to_numpy()
        cov = self.cov.to_numpy()
        try:
            wald = float(b @ np.linalg.solve(L @ cov @ L.T, b))
        except np.linalg.LinAlgError:
            wald = math.nan
        row: dict[str, Any] = {"term": term, "df": len(idx), "wald_statistic": wald,
                               "wald_p": float(stats.chi2.sf(wald, len(idx))) if np.isfinite(wald) else math.nan}
        if self.method == "firth":
            assert self.firth_fit is not None
            X, y = self.design.X.to_numpy(), self.design.y.to_numpy()
            stat, _, p, _ok = _firth.penalised_lr_test(X, y, self.firth_fit, L)
            row.update(lr_statistic=stat, lr_p=p, test="penalised LR", statistic=stat, p=p)
        elif self.cov_type == "gee":
            row.update(lr_statistic=math.nan, lr_p=math.nan, test="Wald (GEE robust)", statistic=wald,
                       p=row["wald_p"])
        else:
            lr = max(0.0, 2 * (self.loglik - _ml_loglik_without(self.design, self.design.terms[term])))
            row.update(lr_statistic=lr, lr_p=float(stats.chi2.sf(lr, len(idx))))
            if self.cluster is not None:
                row.update(test="Wald (cluster-robust)", statistic=wald, p=row["wald_p"])
            else:
                row.update(test="LR", statistic=lr, p=row["lr_p"])
        return row

    # -------------------------------------------------------------------- fit statistics
    @cached_property
    def fit_stats(self) -> pd.Series:
        """Sample, likelihood, information criteria, R2, AUC and Hosmer-Lemeshow (see :mod:`.logit`)."""
        y = self.design.y.to_numpy()
        n, events, k = len(y), int(y.sum()), len(self.params)
        fitted, loglik = self.fitted, self.loglik
        ll_null = events * math.log(events / n) + (n - events) * math.log((n - events) / n)
        have_ll = np.isfinite(loglik)
        hl = hosmer_lemeshow(y, fitted)
        extra = {} if self.gee_alpha is None else {"gee_alpha": self.gee_alpha}
        groups = self.design.groups
        return pd.Series({
            "n": n, "events": events, "non_events": n - events, "n_parameters": k,
            "events_per_parameter": min(events, n - events) / max(k - 1, 1),
            "n_clusters": int(groups.nunique()) if groups is not None else 0,
            "n_dropped_missing": self.design.n_dropped,
            "loglik": loglik, "loglik_penalised": self.loglik_penalised, "loglik_null": ll_null,
            "deviance": -2 * loglik if have_ll else math.nan, "null_deviance": -2 * ll_null,
            "aic": -2 * loglik + 2 * k if have_ll else math.nan,
            "bic": -2 * loglik + k * math.log(n) if have_ll else math.nan,
            "mcfadden_r2": 1 - loglik / ll_null if have_ll else math.nan,
            "tjur_r2": float(fitted[y == 1].mean() - fitted[y == 0].mean()),
            "auc": auc(y, fitted),
            "hl_statistic": hl[0], "hl_df": hl[1], "hl_p": hl[2], "hl_groups": hl[3],
            **extra,
        }, dtype=float)

    # -------------------------------------------------------------------- marginal effects
    def marginal_effects(self) -> pd.DataFrame:
        """Average marginal effects (AME) on the probability scale, delta-method SE.

        Continuous predictor: mean over the sample of ``dp/dx = p(1-p) d eta/dx`` (interactions included),
        per unit of the predictor as modelled (one SD when standardised). Categorical predictor: for each
        non-reference level, the mean over the sample of ``p(level) - p(reference)`` with every firm set to
        that level (discrete change). SE by the delta method with the model's covariance (cluster-robust when
        clustered); not computed under separation (the warning is given by :func:`fit_logit`). Reference:
        Stata ``margins, dydx()``; R marginaleffects ``avg_slopes``.

        Returns
        -------
        DataFrame indexed by ``predictor`` or ``factor[level]``: ame, se, z, p, ci_low, ci_high, kind.
        """
        rows = {**self._factor_changes(), **self._slopes()}
        z = self._z()
        V = self.cov.to_numpy()
        unreliable = bool(self.infinite_terms)
        out = []
        for key in [*self.design.predictors]:
            for name in ([key] if key in rows else [k for k in rows if k.startswith(f"{key}[")]):
                r = rows[name]
                se = float(np.sqrt(r["grad"] @ V @ r["grad"])) if not unreliable else math.nan
                zval = r["ame"] / se if se > 0 else math.nan
                out.append({"term": name, "ame": r["ame"], "se": se, "z": zval,
                            "p": float(2 * stats.norm.sf(abs(zval))) if np.isfinite(zval) else math.nan,
                            "ci_low": r["ame"] - z * se, "ci_high": r["ame"] + z * se, "kind": r["kind"]})
        return pd.DataFrame(out).set_index("term")

    def _factor_changes(self) -> dict[str, dict[str, Any]]:
        beta = self.params.to_numpy()
        rows: dict[str, dict[str, Any]] = {}
        for name, coding in self.design.factors.items():
            X_ref = self.design.counterfactual(name, coding.reference)
            p_ref = expit(X_ref @ beta)
            for level in coding.levels[1:]:
                X_lev = self.design.counterfactual(name, level)
                p_lev = expit(X_lev @ beta)
                grad = ((p_lev * (1 - p_lev))[:, None] * X_lev - (p_ref * (1 - p_ref))[:, None] * X_ref).mean(0)
                rows[coding.column(level)] = {"ame": float(np.mean(p_lev - p_ref)), "grad": grad,
                                              "kind": f"discrete change vs {level_text(coding.reference)}"}
        return rows

    def _slopes(self) -> dict[str, dict[str, Any]]:
        beta = self.params.to_numpy()
        X = self.design.X.to_numpy()
        p = expit(X @ beta)
        s = p * (1 - p)
        rows: dict[str, dict[str, Any]] = {}
        for name in self.design.predictors:
            if name in self.design.factors:
                continue
            D = self.design.derivative(name)
            slope = D @ beta
            grad = ((s * (1 - 2 * p) * slope)[:, None] * X + s[:, None] * D).mean(0)
            unit = "per SD" if name in self.design.scaling else "per unit"
            rows[name] = {"ame": float(np.mean(s * slope)), "grad": grad, "kind": f"derivative ({unit})"}
        return rows

    # -------------------------------------------------------------------- predictions
    def predict_by(self, factor: str = "configuration") -> pd.DataFrame:
        """Predicted probability of the outcome for each level of a categorical predictor.

        For level ``L``, every firm of the sample is given level ``L`` (other predictors unchanged) and the
        predicted probabilities are averaged ("average predicted probability", counterfactual margins as Stata
        ``margins factor``). The CI is computed on the logit scale: ``logit(P) +- z se(P) / (P(1-P))`` with
        ``se(P)`` from the delta method, then transformed back (stays inside 0-1). Under separation (ML) the
        intervals are not computed (the warning is given by :func:`fit_logit`).

        Returns
        -------
        DataFrame indexed by level: probability, se, ci_low, ci_high, n (firms observed at the level),
        observed (their observed event share).
        """
        if factor not in self.design.factors:
            raise SpecificationError("predictions per level need a categorical predictor of the model", column=factor,
                                     fix=f"choose one of: {', '.join(self.design.factors) or '(none)'}")
        coding = self.design.factors[factor]
        beta, V, z = self.params.to_numpy(), self.cov.to_numpy(), self._z()
        text = self.design.frame[factor].astype(object).map(level_text)
        y = self.design.y.to_numpy()
        rows = []
        unreliable = bool(self.infinite_terms)
        for level in sorted(coding.levels, key=lambda lv: _level_rank(lv, coding.levels)):
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
        return pd.DataFrame(rows).set_index("level")

    # -------------------------------------------------------------------- tables
    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """All tables of the model, keyed ``logit`` (coefficients), ``logit_tests``, ``logit_fit`` and
        ``logit_predicted_<factor>`` for each categorical predictor."""
        check_lang(lang)
        out = {"logit": self._coefficient_table(lang), "logit_tests": self._tests_table(lang),
               "logit_fit": self._fit_table(lang)}
        for factor in self.design.factors:
            out[f"logit_predicted_{factor}"] = self._predicted_table(factor, lang)
        return out

    def _coefficient_table(self, lang: str) -> Table:
        level = _ci_level(self.conf_level)
        t = self.coefficients
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
        return Table(key="logit", title=title, frame=frame, note=self.note(lang), formats=formats, lang=lang)

    def _tests_table(self, lang: str) -> Table:
        tests = self.lr_tests
        frame = pd.DataFrame({
            tr("models.test", lang): [tr(f"models.test.{t}", lang) for t in tests["test"]],
            tr("models.statistic", lang): tests["statistic"].to_numpy(float),
            tr("measurement.df", lang): tests["df"].to_numpy(int),
            "p": tests["p"].to_numpy(float),
        }, index=[term_label(term, self.design, lang) for term in tests.index])
        return Table(key="logit_tests", title=tr("models.tests_title", lang), frame=frame,
                     formats=dict(zip(frame.columns, ["text", "f2", "int", "p"], strict=True)), lang=lang)

    def _fit_table(self, lang: str) -> Table:
        shown = [k for k, v in self.fit_stats.items() if np.isfinite(v)]
        frame = pd.DataFrame(
            {tr("models.value", lang): [fmt_number(self.fit_stats[k], _STAT_FORMATS.get(k, "f2"), lang)
                                        for k in shown]},
            index=[tr(f"models.stat.{k}", lang) for k in shown])
        return Table(key="logit_fit", title=tr("models.fit_title", lang), frame=frame,
                     note=tr("models.fit_note", lang), formats={tr("models.value", lang): "text"}, lang=lang)

    def _predicted_table(self, factor: str, lang: str) -> Table:
        pred = self.predict_by(factor)
        level = _ci_level(self.conf_level)
        frame = pd.DataFrame({
            tr("models.probability", lang): pred["probability"],
            tr("models.ci_low", lang).format(level=level): pred["ci_low"],
            tr("models.ci_high", lang).format(level=level): pred["ci_high"],
            "n": pred["n"],
            tr("models.observed", lang): pred["observed"],
        })
        frame.index = [tr(lv, lang) for lv in pred.index]
        return Table(key=f"logit_predicted_{factor}",
                     title=tr("models.predicted_title", lang).format(factor=tr(factor, lang).lower()),
                     frame=frame, note=tr("models.predicted_note", lang),
                     formats=dict(zip(frame.columns, ["r3", "r3", "r3", "int", "r3"], strict=True)), lang=lang)

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

    def to_dict(self) -> dict[str, Any]:
        """The model's numbers, JSON-ready: coefficient table, term tests, fit statistics, VIF, warnings."""
        return to_jsonable({
            "outcome": self.outcome, "requested_method": self.requested_method, "method": self.method,
            "method_reason": self.method_reason, "cov_type": self.cov_type, "cluster": self.cluster,
            "conf_level": self.conf_level, "coefficients": self.coefficients, "lr_tests": self.lr_tests,
            "fit_stats": self.fit_stats, "vif": self.vif,
            "separation": {"kind": self.separation.kind, "directions": self.separation.directions},
            "warnings": list(self.warnings),
        })


def _ci_level(conf_level: float) -> str:
    return f"{100 * conf_level:g}"


def _level_rank(level: Any, levels: Sequence[Any]) -> int:
    """Levels in their natural order (the declared order, not reference first)."""
    text = level_text(level)
    if text in CONFIGURATION_LEVELS and all(level_text(lv) in CONFIGURATION_LEVELS for lv in levels):
        return CONFIGURATION_LEVELS.index(text)
    return list(levels).index(level)


def _testable_terms(design: Design) -> list[str]:
    in_interaction = {name for pair in design.interactions for name in pair}
    return [t for t in design.terms if t not in in_interaction]


def _ml_loglik_without(design: Design, drop: list[str]) -> float:
    """Maximised log-likelihood of the model without the columns ``drop`` (kernel, batch of one)."""
    keep = [c for c in design.X.columns if c not in drop]
    fit = logit_batch(design.X[keep].to_numpy(float)[None], design.y.to_numpy(float)[None], max_iter=100)
    return float(fit.loglik[0])


# ---------------------------------------------------------------------------------------------- labels


def term_label(term: str, design: Design | None = None, lang: str = "en") -> str:
    """Readable label of a design column: ``configuration[entraide]`` -> ``Configuration: Mutual aid``.

    Examples
    --------
    >>> term_label("(Intercept)")
    'Intercept'
    """
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


# -------------------------------------------------------------------------------------- side by side


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _side_cells(results: Mapping[str, LogitResult], lang: str, stars: bool) -> dict[str, dict[str, str]]:
    sep = " ; " if lang == "fr" else ", "
    order: list[str] = []
    labels: dict[str, str] = {}
    for res in results.values():
        for term in res.coefficients.index:
            if term != INTERCEPT and term not in order:
                order.append(term)
                labels[term] = term_label(term, res.design, lang)
    rows: dict[str, dict[str, str]] = {labels[t]: {} for t in order}
    for name, res in results.items():
        for term in order:
            if term not in res.coefficients.index:
                rows[labels[term]][name] = ""
                continue
            r = res.coefficients.loc[term]
            if r["flag"]:
                rows[labels[term]][name] = "\u2014"
                continue
            cell = (f"{fmt_number(r['odds_ratio'], 'f2', lang)} [{fmt_number(r['ci_low'], 'f2', lang)}{sep}"
                    f"{fmt_number(r['ci_high'], 'f2', lang)}]")
            rows[labels[term]][name] = cell + (_stars(r["p"]) if stars else "")
    foot = [("n", "int"), ("events", "int"), ("loglik", "f2"), ("aic", "f2"), ("bic", "f2"),
            ("mcfadden_r2", "r3"), ("tjur_r2", "r3"), ("auc", "r3"), ("hl_p", "p")]
    for stat, spec in foot:
        rows[tr(f"models.stat.{stat}", lang)] = {name: fmt_number(res.fit_stats.get(stat, math.nan), spec, lang)
                                                 for name, res in results.items()}
    rows[tr("models.estimation", lang)] = {name: tr(f"models.short.{res.method}.{res.cov_type}", lang)
                                           for name, res in results.items()}
    return rows


def models_side_by_side(results: Mapping[str, LogitResult], lang: str = "en", stars: bool = False,
                        key: str = "models") -> Table:
    """Several models side by side (M1-M3): odds ratio [CI] per term, fit statistics at the foot.

    Cells are formatted text in ``lang`` (decimal comma in French, ``[low; high]`` intervals); the numbers
    themselves are in each model's ``coefficients`` and ``fit_stats``. A term absent from a model is left empty; an
    infinite ML estimate shows a dash and is explained in the note.

    Parameters
    ----------
    results
        Model name -> fitted model, in the column order wanted.
    lang
        ``"fr"`` or ``"en"``.
    stars
        Append significance stars (* < .05, ** < .01, *** < .001).
    key
        Key of the table.

    Returns
    -------
    Table
    """
    check_lang(lang)
    if not results:
        raise SpecificationError("no model to show side by side")
    frame = pd.DataFrame.from_dict(_side_cells(results, lang, stars), orient="index")[list(results)]
    frame.index.name = tr("models.term", lang)
    level = _ci_level(next(iter(results.values())).conf_level)
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
