"""Measurement invariance across groups: configural, metric, scalar (and strict) models.

:func:`invariance` fits the same measurement model in every group with increasingly strict equality
constraints, as ``lavaan::cfa(..., group = , group.equal = )`` does (lavaan 0.6-14):

- configural: same pattern of loadings, every parameter free in each group (marker loadings fixed to 1,
  intercepts free, latent means 0);
- metric (weak): loadings equal across groups (``group.equal = "loadings"``);
- scalar (strong): loadings and intercepts equal, latent means free in every group but the first
  (``group.equal = c("loadings", "intercepts")``);
- strict (optional): residual variances equal too (``"residuals"``).

For ordinal items (``estimator="WLSMV"``, ``"DWLS"`` or ``"ULSMV"``) the sequence is configural, thresholds,
loadings, intercepts in the order and identification of Wu and Estabrook (2016), as
``semTools::measEq.syntax(ID.cat = "Wu.Estabrook.2016")`` writes it, compared by ``lavTestLRT``'s scaled-shifted
difference test (:mod:`alliance_stats.measurement.invariance_ordinal`).

With ML each step is compared with the previous one by the standard chi-square difference test, as
``lavTestLRT()`` does for ML (Delta chi-square = chisq_step - chisq_previous on Delta df), and by the change
in CFI and RMSEA. With ``estimator="MLR"`` every step is fitted by robust ML and compared by lavaan's scaled
difference test (Satorra and Bentler 2001), as ``lavTestLRT()`` does for MLR, and by the change in the robust
(complete data) or scaled (FIML) CFI and RMSEA. Multi-group fit measures follow lavaan: chisq = sum over
groups of N_g * F_g, RMSEA multiplied by sqrt(G), SRMR weighted by N_g / N. Usual reading (Chen 2007):
invariance is tenable when CFI drops by no more than .010 and RMSEA rises by no more than .015.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from alliance_stats.core.errors import AnalysisWarning, ConvergenceWarning, HeywoodWarning, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.measurement.cfa.api import cfa
from alliance_stats.measurement.cfa.results import CFAResult
from alliance_stats.measurement.invariance_ordinal import ORDINAL_STEPS, run_sequence
from alliance_stats.measurement.syntax import MeasurementModel, parse_model

__all__ = ["invariance", "InvarianceTable", "INVARIANCE_STEPS"]

INVARIANCE_STEPS: dict[str, tuple[str, ...]] = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}
_ORDINAL_ESTIMATORS = ("WLSMV", "DWLS", "ULSMV")
_FIT_COLUMNS = ("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
                "srmr", "aic", "bic")



def _t(key: str, lang: str) -> str:
    return tr(f"measurement.invariance.{key}", check_lang(lang))


@dataclass(frozen=True)
class InvarianceTable(Result):
    """Result of :func:`invariance`.

    Attributes
    ----------
    steps
        One row per step (configural, metric, ...), columns as described in :func:`invariance`.
    fits
        Step -> :class:`~alliance_stats.measurement.CFAResult` of the multi-group model.
    group
        The grouping column; ``group_label`` the text shown in the table title (default: ``group``).
    estimator
        ``"ML"``, ``"MLR"`` or an ordinal estimator (``"WLSMV"``, ``"DWLS"``, ``"ULSMV"``).
    parameters
        Ordinal route: step -> lavaan's ``parameterEstimates`` of the multi-group model (``fits`` is then
        empty).
    warnings
        Warnings of every step, each prefixed by the step's name.
    """

    steps: pd.DataFrame
    fits: dict[str, CFAResult]
    group: str
    estimator: str = "ML"
    warnings: tuple[str, ...] = ()
    group_label: str | None = None
    parameters: dict[str, pd.DataFrame] = field(default_factory=dict)

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``invariance``: fit of each step and its change from the previous step."""
        check_lang(lang)
        ordinal = self.estimator in _ORDINAL_ESTIMATORS
        robust = self.estimator == "MLR" or (ordinal and self.estimator != "DWLS")
        cols = ["chisq", "df", "pvalue", "cfi", "rmsea", "srmr", "chisq_diff", "df_diff", "p_diff",
                "delta_cfi", "delta_rmsea"]
        if robust:
            cols = ["chisq.scaled", "df", "pvalue.scaled", "cfi_reported", "rmsea_reported", *cols[5:]]
        df = tr("measurement.df", lang)
        headers = ["χ²", df, "p", "CFI", "RMSEA", "SRMR", "Δχ²", f"Δ{df}", "p (Δχ²)", "ΔCFI", "ΔRMSEA"]
        frame = pd.DataFrame(self.steps[cols].to_numpy(), columns=headers)
        names = {**INVARIANCE_STEPS, **ORDINAL_STEPS}
        frame.index = pd.Index([_t(s, lang) if s in names else s for s in self.steps.index],
                               name=_t("model", lang))
        formats = dict(zip(headers, ["f2", "int", "p", "r3", "r3", "r3", "f2", "int", "p", "r3", "r3"], strict=True))
        label = self.group_label if self.group_label is not None else self.group
        return {"invariance": Table(key="invariance", title=_t("title", lang).format(group=label), frame=frame,
                                    note=self._note(lang), formats=formats, lang=lang)}

    def _note(self, lang: str) -> str:
        if self.estimator in _ORDINAL_ESTIMATORS:
            return _t("note_ordinal", lang).format(estimator=self.estimator)
        return _t("note_mlr" if self.estimator == "MLR" else "note", lang)


def invariance(
    data: pd.DataFrame,
    model: str | MeasurementModel,
    group: str,
    *,
    missing: str = "listwise",
    steps: Sequence[str] | None = None,
    estimator: str = "ML",
) -> InvarianceTable:
    """Configural, metric and scalar invariance of a measurement model across groups.

    Parameters
    ----------
    data
        Responses with the model's items and the ``group`` column (not modified).
    model
        lavaan measurement syntax or a parsed :class:`MeasurementModel`.
    group
        Column defining the groups (for example the questionnaire language).
    missing
        ``"listwise"`` or ``"fiml"``, as in :func:`~alliance_stats.measurement.cfa`.
    steps
        Ordered subset of ``configural``, ``metric``, ``scalar``, ``strict`` (default: the first three); with an
        ordinal estimator an ordered subset of ``configural``, ``thresholds``, ``loadings``, ``intercepts``
        (default: all four).
    estimator
        ``"ML"`` or ``"MLR"`` (robust, for skewed Likert items): each step is then fitted with MLR, the
        difference test is lavaan's scaled difference ``satorra.bentler.2001`` (``lavTestLRT``'s default for
        MLR: ``(chisq - chisq_previous) / cd`` with ``cd = (df c - df_prev c_prev) / (df - df_prev)`` from the
        unscaled statistics and scaling factors), and the changes in CFI and RMSEA use the robust indices
        (complete data) or the scaled ones (FIML). ``"WLSMV"`` (or ``"DWLS"``, ``"ULSMV"``): every item is
        ordinal; the Wu and Estabrook (2016) sequence on each group's polychoric statistics, ``missing``
        ``"listwise"`` or ``"pairwise"`` (``"fiml"`` is read as ``"pairwise"``, every answer being used), the
        difference test of ``lavTestLRT`` for the scaled-shifted statistic (Satorra 2000), the changes in the
        scaled CFI and RMSEA. A category observed in one group but empty in another raises a
        :class:`~alliance_stats.core.errors.SpecificationError` naming the item, the group and the category.

    Returns
    -------
    InvarianceTable
        ``.steps``: a DataFrame indexed by step; columns ``npar``, ``chisq``, ``df``, ``pvalue``, ``cfi``,
        ``tli``, ``rmsea``, ``rmsea.ci.lower``, ``rmsea.ci.upper``, ``srmr``, ``aic``, ``bic`` (lavaan
        fitMeasures of the multi-group model) and, against the previous step, ``chisq_diff``, ``df_diff``, ``p_diff``
        (lavTestLRT), ``delta_cfi`` and ``delta_rmsea`` (step minus previous step). With MLR also
        ``chisq.scaled``, ``pvalue.scaled``, ``chisq.scaling.factor`` and ``cfi_reported``/``rmsea_reported``
        (the robust or scaled index the deltas use). The fitted models are in ``.fits``; warnings of every
        step in ``.warnings``; the estimator in ``.estimator``.

    Examples
    --------
    >>> import pandas as pd
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")
    >>> tab = invariance(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9",
    ...                  group="school")
    >>> tab.steps[["chisq", "df", "chisq_diff", "df_diff"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
                  chisq    df  chisq_diff  df_diff
    step
    configural  115.851  48.0         NaN      NaN
    metric      124.044  54.0       8.192      6.0
    scalar      164.103  60.0      40.059      6.0

    References
    ----------
    lavaan 0.6-14 ``cfa(group =, group.equal =)`` and ``lavTestLRT()``.
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance. *Structural
    Equation Modeling*, 14(3), 464-504.
    Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test statistic for moment structure
    analysis. *Psychometrika*, 66(4), 507-514.
    Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis models of different levels of
    invariance for ordered categorical outcomes. *Psychometrika*, 81(4), 1014-1045.
    """
    estimator = str(estimator).upper()
    ordinal = estimator in _ORDINAL_ESTIMATORS
    if estimator not in ("ML", "MLR") and not ordinal:
        raise SpecificationError(
            f"invariance is tested with estimator 'ML' or 'MLR' (or an ordinal one: WLSMV, DWLS, ULSMV), not "
            f"{estimator!r}", value=estimator, fix="use estimator='MLR' for robust tests, 'WLSMV' for ordinal items")
    known = ORDINAL_STEPS if ordinal else INVARIANCE_STEPS
    default = tuple(ORDINAL_STEPS) if ordinal else ("configural", "metric", "scalar")
    steps = default if steps is None else tuple(steps)
    _check_steps(steps, known)
    if ordinal:
        return _ordinal(data, model, group, missing, steps, estimator)
    parsed = model if isinstance(model, MeasurementModel) else parse_model(model)
    fits: dict[str, CFAResult] = {}
    messages: list[str] = []
    rows = []
    previous: dict[str, float] | None = None
    previous_row: dict[str, float] = {}
    for step in steps:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = cfa(data, parsed, missing=missing, group=group, group_equal=INVARIANCE_STEPS[step],
                         estimator=estimator)
        for w in caught:
            warnings.warn_explicit(f"{step} model: {w.message}", w.category, w.filename, w.lineno)
        messages.extend(f"{step} model: {m}" for m in result.warnings)
        fits[step] = result
        fit = result.fit
        row = {c: fit[c] for c in _FIT_COLUMNS}
        robust = estimator == "MLR"
        if robust:
            index = "robust" if "cfi.robust" in fit else "scaled"
            row.update({c: fit[c] for c in ("chisq.scaled", "pvalue.scaled", "chisq.scaling.factor")})
            row.update(cfi_reported=fit[f"cfi.{index}"], rmsea_reported=fit[f"rmsea.{index}"])
        cfi_key, rmsea_key = ("cfi_reported", "rmsea_reported") if robust else ("cfi", "rmsea")
        if previous is None:
            row.update(chisq_diff=np.nan, df_diff=np.nan, p_diff=np.nan, delta_cfi=np.nan, delta_rmsea=np.nan)
        else:
            diff = fit["chisq"] - previous["chisq"]
            ddf = fit["df"] - previous["df"]
            if robust and ddf > 0:  # lavaan's lav_test_diff_SatorraBentler2001
                cd = (fit["df"] * fit["chisq.scaling.factor"]
                      - previous["df"] * previous["chisq.scaling.factor"]) / ddf
                if cd <= 0:
                    warn(messages, f"{step} model: the scaled difference test has a negative scaling "
                         f"correction ({cd:.3f}); its chi-square is not interpretable", AnalysisWarning)
                diff = diff / cd if cd > 0 else np.nan
            row.update(
                chisq_diff=diff,
                df_diff=ddf,
                p_diff=float(special.chdtrc(ddf, max(diff, 0.0))) if ddf > 0 and diff == diff else np.nan,
                delta_cfi=row[cfi_key] - previous_row[cfi_key],
                delta_rmsea=row[rmsea_key] - previous_row[rmsea_key],
            )
        rows.append(row)
        previous, previous_row = fit, row
    return InvarianceTable(steps=pd.DataFrame(rows, index=pd.Index(list(steps), name="step")), fits=fits,
                           group=group, estimator=estimator, warnings=tuple(messages))


def _check_steps(steps: tuple[str, ...], known: dict[str, tuple[str, ...]]) -> None:
    unknown = [s for s in steps if s not in known]
    if unknown or not steps:
        raise SpecificationError(f"unknown invariance step {unknown[0] if unknown else '(none)'}",
                                 fix=f"use an ordered subset of {', '.join(known)}")
    order = list(known)
    if [order.index(s) for s in steps] != sorted(order.index(s) for s in steps) or len(set(steps)) != len(steps):
        raise SpecificationError("invariance steps must be given once each, from the weakest to the strictest",
                                 fix=f"for example steps={tuple(order[:3])!r}")


def _ordinal(data: pd.DataFrame, model: str | MeasurementModel, group: str, missing: str, steps: tuple[str, ...],
             estimator: str) -> InvarianceTable:
    """The ordinal route of :func:`invariance` (Wu and Estabrook 2016, lavTestLRT's scaled-shifted test)."""
    how = {"listwise": "listwise", "pairwise": "pairwise", "fiml": "pairwise"}.get(str(missing).lower())
    if how is None:
        raise SpecificationError(f"missing={missing!r} is not available with estimator {estimator!r}",
                                 value=missing, fix="use missing='pairwise' or 'listwise'")
    parsed = model if isinstance(model, MeasurementModel) else parse_model(model)
    parsed.check_columns(data.columns)
    table, params, found = run_sequence(data, parsed, group, steps, how, estimator)
    messages: list[str] = []
    for message in found:
        category = (ConvergenceWarning if "did not converge" in message else
                    HeywoodWarning if "Heywood" in message else AnalysisWarning)
        warn(messages, message, category)
    return InvarianceTable(steps=table, fits={}, group=group, estimator=estimator, warnings=tuple(messages),
                           parameters=params)
