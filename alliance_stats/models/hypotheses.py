"""Pre-registered hypotheses: estimates, one-sided tests, Holm correction, verdicts.

A :class:`Hypothesis` targets one fitted model (by its key in the ``results`` mapping) and either

- a **term**: one coefficient (``trust_shared``, ``configuration[entraide]``), or
- a **contrast** between levels of a categorical predictor on the logit scale: the mean of the ``plus``
  levels' log odds minus the mean of the ``minus`` levels' log odds, computed from the coefficient vector
  (the reference level's coefficient is 0). H1 "social-link configurations have higher odds than
  economic-link ones" is ``plus = [entraide, parrainage]``, ``minus = [survie, contre_nature]``.

Inference per hypothesis (estimate ``L beta``):

- ML models: Wald ``z = L beta / sqrt(L V L')`` with the model's covariance (dyad-clustered sandwich or GEE
  robust when the model was fitted so); two-sided Wald interval.
- Firth models: the signed root of the penalised likelihood-ratio statistic for ``L beta = 0`` (restricted
  fit with the full model's penalty, logistf's nested convention) and the profile penalised-likelihood
  interval of ``L beta``.

A directional hypothesis (``greater``/``less``) gets the one-sided p value; ``two-sided`` the two-sided one.
The confirmatory hypotheses form the family: their p values are adjusted with Holm's step-down procedure
(:func:`alliance_stats.models.multiplicity.adjust_pvalues`, equal to statsmodels
``multipletests(method="holm")``; not statsmodels' default Holm-Sidak). A confirmatory
hypothesis is "supported" when its adjusted p is below ``alpha`` and "not supported" otherwise -- never
"proven". Exploratory hypotheses get estimates and unadjusted p values but no verdict.

The intervals are two-sided ``1 - alpha`` intervals (as in the model tables); the verdict rests on the
adjusted one-sided p value.

Fast path (power analysis, issue 7): :func:`hypothesis_weights` gives the ``L`` vector once per design,
:func:`wald_tests` tests many replicates at once and :func:`~alliance_stats.models.multiplicity.adjust_pvalues`
adjusts a (replicates x hypotheses) array; they give the same numbers as :func:`test_hypotheses` for ML models.

Reference: Holm S (1979) Scand J Stat 6:65-70; statsmodels 0.15 ``multipletests``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, model_validator
from scipy import stats

from alliance_stats.core.errors import ConvergenceWarning, PlanError, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, to_jsonable, warn
from alliance_stats.core.schema import Bilingual, FrozenStrict
from alliance_stats.core.table import Table
from alliance_stats.models import firth as _firth
from alliance_stats.models.design import INTERCEPT, FactorCoding, level_text
from alliance_stats.models.multiplicity import adjust_pvalues

__all__ = [
    "Contrast",
    "Hypothesis",
    "Statement",
    "test_hypotheses",
    "hypothesis_weights",
    "wald_tests",
    "directional_p",
    "hypotheses_table",
    "HypothesesResult",
]

Direction = Literal["greater", "less", "two-sided"]


class Statement(Bilingual):
    """The hypothesis as pre-registered, in French and English (immutable)."""

    model_config = FrozenStrict.model_config


class Contrast(FrozenStrict):
    """Levels whose mean log odds is compared: mean(plus) - mean(minus)."""

    plus: list[str] = Field(min_length=1)
    minus: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _disjoint(self) -> Contrast:
        both = set(self.plus) & set(self.minus)
        if both:
            raise ValueError(f"level(s) {sorted(both)} on both sides of the contrast")
        if len(set(self.plus)) != len(self.plus) or len(set(self.minus)) != len(self.minus):
            raise ValueError("a level is repeated in the contrast")
        return self


class Hypothesis(FrozenStrict):
    """One pre-registered hypothesis.

    Examples
    --------
    >>> h = Hypothesis(id="H1", statement={"fr": "Les configurations sociales ...", "en": "Social-link ..."},
    ...                model="M1", contrast={"plus": ["entraide", "parrainage"],
    ...                                      "minus": ["survie", "contre_nature"]},
    ...                factor="configuration", direction="greater")
    >>> h.confirmatory
    True
    """

    id: str = Field(min_length=1)
    statement: Statement
    model: str
    term: str | None = None
    contrast: Contrast | None = None
    factor: str | None = None
    direction: Direction = "greater"
    confirmatory: bool = True
    mediation: dict[str, str] | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Hypothesis:
        if self.mediation is not None:
            if self.term is not None or self.contrast is not None:
                raise ValueError("a mediation hypothesis has no 'term' or 'contrast'")
            if self.confirmatory:
                raise ValueError("a mediation hypothesis is exploratory: set 'confirmatory: false'")
            missing = {"x", "mediator"} - set(self.mediation)
            if missing:
                raise ValueError(f"mediation needs {sorted(missing)}")
            return self
        if (self.term is None) == (self.contrast is None):
            raise ValueError("give either 'term' (one coefficient) or 'contrast' (levels of a factor), not both")
        if self.factor is not None and self.contrast is None:
            raise ValueError("'factor' is only used with a contrast")
        return self

    def target(self) -> str:
        """Readable description of what is tested."""
        if self.term is not None:
            return self.term
        if self.mediation is not None:
            return f"{self.mediation['x']} -> {self.mediation['mediator']} -> outcome (a x b)"
        assert self.contrast is not None
        return f"mean({', '.join(self.contrast.plus)}) - mean({', '.join(self.contrast.minus)})"


# ------------------------------------------------------------------------------------------ fast path


def hypothesis_weights(
    hypothesis: Hypothesis, columns: Sequence[str], factors: Mapping[str, FactorCoding]
) -> np.ndarray:
    """The vector ``L`` with ``L @ beta`` = the hypothesis' estimate on the logit scale.

    Parameters
    ----------
    hypothesis
        The hypothesis.
    columns
        Design columns of the model (``LogitResult.terms``), intercept first.
    factors
        Categorical predictors of the model (``LogitResult.design.factors``).

    Returns
    -------
    numpy.ndarray
        ``L`` of length ``len(columns)``: 1 on a term's coefficient; for a contrast, ``+1/len(plus)`` on each
        ``plus`` level and ``-1/len(minus)`` on each ``minus`` level (0 for the reference level).

    Raises
    ------
    PlanError
        Unknown term, unknown factor or level; a categorical predictor given as a term.

    References
    ----------
    Hothorn, T., Bretz, F., & Westfall, P. (2008). Simultaneous inference in general parametric models.
    Biometrical Journal 50, 346-363 (linear hypotheses ``L beta``).

    Examples
    --------
    >>> from alliance_stats.models.design import FactorCoding
    >>> coding = FactorCoding("configuration", ("survie", "entraide", "parrainage", "contre_nature"), "survie")
    >>> h = Hypothesis(id="H1", statement={"fr": "...", "en": "..."}, model="M1", factor="configuration",
    ...                contrast={"plus": ["entraide", "parrainage"], "minus": ["survie", "contre_nature"]})
    >>> hypothesis_weights(h, ["(Intercept)", *coding.columns], {"configuration": coding}).tolist()
    [0.0, 0.5, 0.5, -0.5]
    """
    columns = list(columns)
    L = np.zeros(len(columns))
    if hypothesis.term is not None:
        term = hypothesis.term
        if term in columns and term != INTERCEPT:
            L[columns.index(term)] = 1.0
            return L
        if term in factors:
            raise PlanError(f"hypothesis {hypothesis.id}: '{term}' is a categorical predictor with several "
                            f"coefficients", value=term,
                            fix="test one level (e.g. 'configuration[entraide]') or declare a contrast")
        raise PlanError(f"hypothesis {hypothesis.id}: term '{term}' is not a coefficient of model "
                        f"{hypothesis.model}", value=term,
                        fix=f"choose one of: {', '.join(c for c in columns if c != INTERCEPT)}")
    assert hypothesis.contrast is not None
    factor = hypothesis.factor
    if factor is None:
        if len(factors) != 1:
            raise PlanError(f"hypothesis {hypothesis.id}: say which categorical predictor the contrast is about",
                            value=", ".join(factors) or "(none)", fix="add 'factor: configuration'")
        factor = next(iter(factors))
    if factor not in factors:
        raise PlanError(f"hypothesis {hypothesis.id}: '{factor}' is not a categorical predictor of model "
                        f"{hypothesis.model}", value=factor,
                        fix=f"choose one of: {', '.join(factors) or '(none: add it to the model)'}")
    coding = factors[factor]
    known = [level_text(lv) for lv in coding.levels]
    for side, weight in ((hypothesis.contrast.plus, 1.0), (hypothesis.contrast.minus, -1.0)):
        for level in side:
            if level_text(level) not in known:
                raise PlanError(f"hypothesis {hypothesis.id}: '{level}' is not a level of '{factor}'", value=level,
                                fix=f"choose among: {', '.join(known)}")
            if level_text(level) == level_text(coding.reference):
                continue  # the reference level's coefficient is 0
            L[columns.index(coding.column(level))] += weight / len(side)
    return L


def directional_p(z: np.ndarray | float, direction: Direction) -> np.ndarray:
    """p value of a z (or signed-root) statistic: one-sided for ``greater``/``less``, else two-sided."""
    z = np.asarray(z, float)
    if direction == "greater":
        return stats.norm.sf(z)
    if direction == "less":
        return stats.norm.cdf(z)
    return 2 * stats.norm.sf(np.abs(z))


def wald_tests(coef: np.ndarray, cov: np.ndarray, L: np.ndarray, directions: Sequence[Direction]
               ) -> dict[str, np.ndarray]:
    """Wald tests of several hypotheses on many fits at once.

    Parameters
    ----------
    coef
        (replicates, p) coefficients (or (p,)).
    cov
        (replicates, p, p) covariances (or (p, p)).
    L
        (hypotheses, p) weights from :func:`hypothesis_weights`.
    directions
        One direction per hypothesis.

    Returns
    -------
    dict
        ``estimate``, ``se``, ``z``, ``p`` arrays of shape (replicates, hypotheses); ``p`` one-sided for a
        directional hypothesis (:func:`directional_p`).

    References
    ----------
    Wald, A. (1943). Tests of statistical hypotheses concerning several parameters when the number of
    observations is large. Transactions of the American Mathematical Society 54, 426-482.

    Examples
    --------
    >>> out = wald_tests(np.array([[0.0, 1.0]]), np.eye(2)[None] * 0.25, np.array([[0.0, 1.0]]), ["greater"])
    >>> round(float(out["z"][0, 0]), 3), round(float(out["p"][0, 0]), 4)
    (2.0, 0.0228)
    """
    coef = np.atleast_2d(np.asarray(coef, float))
    cov = np.asarray(cov, float)
    if cov.ndim == 2:
        cov = cov[None]
    L = np.atleast_2d(np.asarray(L, float))
    est = coef @ L.T
    var = np.einsum("hp,rpq,hq->rh", L, cov, L)
    se = np.sqrt(np.clip(var, 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est / se
    p = np.column_stack([directional_p(z[:, h], d) for h, d in enumerate(directions)])
    return {"estimate": est, "se": se, "z": z, "p": p}


# ------------------------------------------------------------------------------------------ main entry


@dataclass(frozen=True, eq=False)
class HypothesesResult(Result):
    """The tested hypotheses: ``frame`` indexed by hypothesis id (see :func:`test_hypotheses`)."""

    frame: pd.DataFrame
    alpha: float
    correction: str
    warnings: tuple[str, ...] = ()

    @property
    def verdicts(self) -> dict[str, str | None]:
        """Hypothesis id -> "supported" / "not supported" (None for exploratory hypotheses)."""
        return {str(k): v for k, v in self.frame["verdict"].items()}

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """The hypotheses with their verdicts (key ``hypotheses``)."""
        return {"hypotheses": hypotheses_table(self, lang)}

    def to_dict(self) -> dict[str, Any]:
        """The frame, the level and the correction, JSON-ready."""
        return to_jsonable({"frame": self.frame, "alpha": self.alpha, "correction": self.correction,
                            "warnings": list(self.warnings)})


_COLUMNS = ["statement_fr", "statement_en", "model", "target", "direction", "confirmatory", "estimate", "se",
            "ci_low", "ci_high", "odds_ratio", "or_ci_low", "or_ci_high", "test", "statistic", "p", "p_adjusted",
            "verdict", "note"]
_CORRECTIONS = {"holm": "holm", "bonferroni": "bonferroni", "none": "none"}


def _parse(hypotheses: Sequence[Hypothesis | Mapping[str, Any]]) -> list[Hypothesis]:
    """Validate the hypotheses (a malformed one or a repeated id is a :class:`PlanError`)."""
    parsed: list[Hypothesis] = []
    for h in hypotheses:
        try:
            parsed.append(h if isinstance(h, Hypothesis) else Hypothesis.model_validate(dict(h)))
        except ValidationError as exc:
            ident = h.get("id") if isinstance(h, Mapping) else None
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise PlanError(f"hypothesis {ident or '?'} is malformed: {where + ': ' if where else ''}{first['msg']}",
                            fix="see alliance_stats.models.hypotheses.Hypothesis") from None
    ids = [h.id for h in parsed]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise PlanError("hypothesis id used twice", value=sorted(dup)[0])
    return parsed


def _firth_test(h: Hypothesis, res: Any, L: np.ndarray, est: float, alpha: float) -> dict[str, Any]:
    """Signed root of the penalised LR statistic and the profile interval of ``L beta`` (Firth models)."""
    X = res.design.X.to_numpy()
    y = res.design.y.to_numpy()
    chi2, _, _, ok = _firth.penalised_lr_test(X, y, res.firth_fit, L[None, :])
    stat = math.copysign(math.sqrt(chi2), est)
    messages: list[str] = []
    if h.term is not None:
        j = res.terms.index(h.term)
        lo, hi = math.log(res.coefficients["ci_low"].iloc[j]), math.log(res.coefficients["ci_high"].iloc[j])
    else:
        # a bound that is not a root of the profile (several local maxima) is said in the hypothesis' note
        lo, hi = _firth.profile_interval_linear(X, y, res.firth_fit, L, 1 - alpha, messages=messages, label=h.id)
    for text in messages:  # issued (it reaches the report's warnings) and kept in the hypothesis' note
        warn(None, text, ConvergenceWarning)
    notes = ([] if ok else ["restricted penalised fit did not converge"]) + messages
    return {"ci_low": lo, "ci_high": hi, "test": "signed root of penalised LR", "statistic": stat,
            "p": float(directional_p(stat, h.direction)), "note": "; ".join(notes)}


def _model_row(h: Hypothesis, results: Mapping[str, Any], alpha: float) -> dict[str, Any]:
    """Estimate, interval and p value of one hypothesis on its fitted model."""
    if h.model not in results:
        raise PlanError(f"hypothesis {h.id}: model '{h.model}' was not fitted", value=h.model,
                        fix=f"choose one of: {', '.join(results) or '(no model)'}")
    res = results[h.model]
    L = hypothesis_weights(h, res.terms, res.design.factors)
    est = float(L @ res.params.to_numpy())
    se = float(math.sqrt(max(L @ res.cov.to_numpy() @ L, 0.0)))
    involved = [c for c, w in zip(res.terms, L, strict=True) if w != 0]
    if any(c in res.infinite_terms for c in involved):
        est = se = math.nan
        out = {"ci_low": math.nan, "ci_high": math.nan, "test": "none", "statistic": math.nan, "p": math.nan,
               "note": "infinite ML estimate (separation): refit the model with method='firth'"}
    elif res.method == "firth":
        out = _firth_test(h, res, L, est, alpha)
    else:
        z_crit = float(stats.norm.ppf(1 - alpha / 2))
        stat = est / se if se > 0 else math.nan
        out = {"ci_low": est - z_crit * se, "ci_high": est + z_crit * se, "statistic": stat, "note": "",
               "p": float(directional_p(stat, h.direction)),
               "test": {"cluster": "Wald z (cluster-robust)", "gee": "Wald z (GEE robust)"}.get(res.cov_type, "Wald z")}
    lo, hi = out["ci_low"], out["ci_high"]
    return {
        "id": h.id, "statement_fr": h.statement.fr, "statement_en": h.statement.en, "model": h.model,
        "target": h.target(), "direction": h.direction, "confirmatory": h.confirmatory, "estimate": est, "se": se,
        "odds_ratio": math.exp(est) if np.isfinite(est) else math.nan,
        "or_ci_low": math.exp(lo) if np.isfinite(lo) else (0.0 if lo == -math.inf else math.nan),
        "or_ci_high": math.exp(hi) if np.isfinite(hi) else (math.inf if hi == math.inf else math.nan), **out,
    }


def _verdicts(frame: pd.DataFrame, alpha: float, correction: str) -> pd.DataFrame:
    """Adjust the confirmatory family's p values and give each confirmatory hypothesis its verdict."""
    frame["p_adjusted"] = np.nan
    frame["verdict"] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    family = frame.index[frame["confirmatory"].astype(bool) & frame["p"].notna()] if len(frame) else []
    if len(family):
        frame.loc[family, "p_adjusted"] = adjust_pvalues(frame.loc[family, "p"].to_numpy(float), correction)
    for ident in frame.index:
        if bool(frame.at[ident, "confirmatory"]):
            padj = frame.at[ident, "p_adjusted"]
            frame.at[ident, "verdict"] = "supported" if np.isfinite(padj) and padj < alpha else "not supported"
    return frame[_COLUMNS]


def test_hypotheses(
    results: Mapping[str, Any],
    hypotheses: Sequence[Hypothesis | Mapping[str, Any]],
    *,
    alpha: float = 0.05,
    correction: Literal["holm", "bonferroni", "none"] = "holm",
) -> HypothesesResult:
    """Test pre-registered hypotheses on fitted models and give a verdict to the confirmatory ones.

    Parameters
    ----------
    results
        Model key -> :class:`~alliance_stats.models.logit_result.LogitResult` (``{"M1": ..., "M3": ...}``);
        a mediation hypothesis' :class:`~alliance_stats.models.mediation.MediationResult` under its id.
    hypotheses
        :class:`Hypothesis` objects (or mappings validated into them).
    alpha
        Significance level of the family (a test level, not a confidence level; the intervals are
        ``1 - alpha``).
    correction
        ``"holm"`` (default), ``"bonferroni"`` or ``"none"`` over the confirmatory family.

    Returns
    -------
    HypothesesResult
        ``frame`` indexed by hypothesis id with: statement_fr, statement_en, model, target, direction,
        confirmatory, estimate (log odds), se, ci_low, ci_high, odds_ratio, or_ci_low, or_ci_high, test,
        statistic, p (one-sided where directional), p_adjusted, verdict ("supported" / "not supported"; None
        for exploratory), note.

    Raises
    ------
    PlanError
        Unknown model key, unknown term, factor or level, duplicated id.
    SpecificationError
        ``alpha`` outside (0, 1), unknown correction.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of
    Statistics 6, 65-70. Heinze, G., & Schemper, M. (2002). Statistics in Medicine 21, 2409-2419.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["y"] = (rng.uniform(size=400) < 1 / (1 + np.exp(-0.5 * df.x))).astype(int)
    >>> from alliance_stats.models import fit_logit
    >>> h = Hypothesis(id="H", statement={"fr": "x augmente y", "en": "x raises y"}, model="M", term="x")
    >>> test_hypotheses({"M": fit_logit(df, "y", ["x"])}, [h]).verdicts
    {'H': 'supported'}
    """
    if not 0 < alpha < 1:
        raise SpecificationError("alpha must be between 0 and 1", value=alpha)
    if correction not in _CORRECTIONS:
        raise SpecificationError("unknown multiplicity correction", value=correction,
                                 fix="use 'holm', 'bonferroni' or 'none'")
    rows = [_mediation_row(h, results) if h.mediation is not None else _model_row(h, results, alpha)
            for h in _parse(hypotheses)]
    frame = pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame(columns=_COLUMNS[:-3] + ["note"])
    return HypothesesResult(frame=_verdicts(frame, alpha, correction), alpha=alpha, correction=correction)


def _mediation_row(h: Hypothesis, results: Mapping[str, Any]) -> dict[str, Any]:
    """Row of an exploratory mediation hypothesis from the MediationResult stored under its id."""
    from alliance_stats.models.mediation import MediationResult

    med = results.get(h.id)
    if not isinstance(med, MediationResult):
        raise PlanError(f"hypothesis {h.id} is a mediation hypothesis: pass its mediation() result as "
                        f"results['{h.id}']", value=h.id,
                        fix="run alliance_stats.models.mediation(...) and add it to the results mapping")
    if med.x != h.mediation["x"] or med.mediator != h.mediation["mediator"]:
        raise PlanError(f"hypothesis {h.id}: the mediation result is {med.x} -> {med.mediator}, the plan says "
                        f"{h.mediation['x']} -> {h.mediation['mediator']}", value=h.id)
    row = med.paths.loc["indirect"]
    return {
        "id": h.id, "statement_fr": h.statement.fr, "statement_en": h.statement.en, "model": h.model,
        "target": h.target(), "direction": h.direction, "confirmatory": False,
        "estimate": float(row["estimate"]), "se": float(row["boot_se"]), "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]), "odds_ratio": math.nan, "or_ci_low": math.nan, "or_ci_high": math.nan,
        "test": "bootstrap percentile interval", "statistic": math.nan, "p": math.nan,
        "note": "indirect effect a x b on a mixed scale (mediator units x log odds); see the mediation table",
    }


def hypotheses_table(result: HypothesesResult, lang: str = "en", key: str = "hypotheses") -> Table:
    """The hypotheses with their verdicts as a report table (odds ratio scale).

    Examples
    --------
    >>> empty = HypothesesResult(pd.DataFrame(columns=_COLUMNS), alpha=0.05, correction="holm")
    >>> hypotheses_table(empty, "fr").key
    'hypotheses'
    """
    check_lang(lang)
    frame, alpha = result.frame, result.alpha
    level = f"{100 * (1 - alpha):g}"
    out = pd.DataFrame({
        tr("models.hypothesis", lang): frame[f"statement_{lang}"],
        tr("models.direction", lang): [tr(f"models.direction.{d}", lang) for d in frame["direction"]],
        tr("models.or", lang): frame["odds_ratio"],
        tr("models.ci_low", lang).format(level=level): frame["or_ci_low"],
        tr("models.ci_high", lang).format(level=level): frame["or_ci_high"],
        "p": frame["p"],
        tr("models.p_adjusted", lang): frame["p_adjusted"],
        tr("models.verdict", lang): [tr(v, lang) if isinstance(v, str) else tr("models.exploratory", lang)
                                     for v in frame["verdict"]],
    }, index=frame.index)
    formats = dict(zip(out.columns, ["text", "text", "f2", "f2", "f2", "p", "p", "text"], strict=True))
    note = tr("models.hypotheses_note", lang).format(correction=tr(f"models.correction.{result.correction}", lang),
                                                     alpha=f"{alpha:g}".replace(".", "," if lang == "fr" else "."))
    kinds = set(frame["confirmatory"].astype(bool)) if "confirmatory" in frame.columns else {True, False}
    title = ("models.hypotheses_title" if len(kinds) != 1
             else "models.hypotheses_title_confirmatory" if kinds == {True} else "models.hypotheses_title_exploratory")
    return Table(key=key, title=tr(title, lang), frame=out, note=note, formats=formats, lang=lang)


# the name starts with "test_": tell pytest it is not a test when a test module imports it
test_hypotheses.__test__ = False  # type: ignore[attr-defined]
