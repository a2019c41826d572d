"""Confirmatory factor analysis by maximum likelihood, with lavaan's fit measures.

:func:`cfa` fits a measurement model written in lavaan syntax and returns a :class:`CFAResult` whose
numbers are lavaan's (0.6-14, the Debian reference): ``fit`` is keyed by ``fitMeasures`` names, loadings
carry ``parameterEstimates`` standard errors and ``standardizedSolution``'s ``std.all``, ``reliability``
is semTools 0.5-6's ``compRelSEM`` (omega) and ``AVE``.

Why the estimator is written here rather than taken from semopy
----------------------------------------------------------------
semopy 2.3.11 reproduces lavaan's chi-square, CFI and TLI on the classic three-factor model, but it has no
SRMR and no RMSEA interval, computes RMSEA with N - 1 and AIC/BIC from its fit function rather than from
the multivariate normal log-likelihood, has no FIML with lavaan's saturated-model conventions, no
multi-group equality constraints in lavaan's ``group.equal`` sense, and has had no release since early
2024. Adding all of that on top of it would have left us depending on its optimiser and parameter
conventions for little gain, so the ML estimator is written here (``_cfa_engine.py``), following lavaan
step by step:

- identification by marker variable (first loading fixed to 1), factor covariances free, residual
  covariances only where written; with several groups, or with FIML, a mean structure (free intercepts,
  latent means fixed to 0, free in groups 2+ when intercepts are constrained equal);
- sample covariance with divisor N; objective the normal log-likelihood; ``chisq = N * F_ML`` (sum over
  groups of ``N_g * F_g``); minimised by Fisher scoring on the analytic gradient with step halving;
- standard errors from the expected information evaluated at the model-implied moments (lavaan's
  ``information = "expected"``, ``h1.information = "structured"``) for complete data, from the observed
  information (the Hessian of the log-likelihood) for FIML, as lavaan does for ``missing = "ml"``;
- ``logl``/``unrestricted.logl``/``aic``/``bic``/``bic2`` from the multivariate normal log-likelihood; CFI,
  TLI against the independence model; RMSEA ``sqrt(max(chisq/N/df - 1/N, 0)) * sqrt(G)`` and its 90 %
  interval by inverting the noncentral chi-square (``lav_fit_rmsea_ci``); SRMR as lavaan's ``srmr``
  (Bentler's, means included when the model has a mean structure, groups weighted by N_g / N);
- FIML (``missing="fiml"``): casewise likelihood by missingness pattern; the saturated model by lavaan's
  EM algorithm (same start, same 1e-5 stopping rule), which also supplies the "sample" moments used by
  SRMR, compRelSEM and AVE; rows with every item missing are dropped, as lavaan does;
- ``estimator="MLM"`` (complete data, one group): the same estimates, robust (``robust.sem``) standard
  errors, the Satorra-Bentler scaled test with lavaan's scaled and robust CFI/TLI/RMSEA;
  ``estimator="MLR"`` (complete data or FIML, any number of groups): observed information, Huber-White standard
  errors from the casewise scores and the Yuan-Bentler T2* test (lavaan's ``yuan.bentler.mplus``)
  (:mod:`alliance_stats.measurement._robust`; both checked by ``make_fixtures_mlm.R``).

Every number is checked against lavaan 0.6-14 / semTools 0.5-6 in ``tests/measurement`` (fixtures made by
``tests/fixtures/measurement/make_fixtures_lavaan.R``; all agree to 1e-4 or better). Speed: Fisher scoring
switches to Newton steps with the exact Hessian (derivatives written as sums of rank-2 terms, so the
information costs small matrix products, even under FIML with many missingness patterns), and BLAS runs
single-threaded on these small matrices. On HolzingerSwineford1939 one ``cfa()`` call (with every fit
measure, SE, std.all, omega and AVE) takes well under semopy's time for ``Model.fit`` alone
(``benchmarks/bench_measurement.py``).
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, optimize, special
from threadpoolctl import ThreadpoolController

from alliance_stats.core.errors import (
    AnalysisWarning,
    ConvergenceWarning,
    DataQualityWarning,
    HeywoodWarning,
    SparseDataWarning,
    SpecificationError,
)
from alliance_stats.core.format import format_cell
from alliance_stats.core.i18n import check_lang
from alliance_stats.core.table import Table
from alliance_stats.measurement import _cfa_engine as engine
from alliance_stats.measurement import _robust
from alliance_stats.measurement.syntax import MeasurementModel, parse_model
from alliance_stats.measurement.validity import composite_reliability

__all__ = ["CFAResult", "cfa", "FIT_MEASURES"]

FIT_MEASURES = (
    "npar", "fmin", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "baseline.pvalue", "cfi",
    "tli", "logl", "unrestricted.logl", "aic", "bic", "ntotal", "bic2", "rmsea", "rmsea.ci.lower",
    "rmsea.ci.upper", "rmsea.pvalue", "srmr",
)
SINGLE_GROUP = "all"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_Z975 = float(special.ndtri(0.975))

_TEXT: dict[str, dict[str, str]] = {
    "fit_title": {"en": "Confirmatory factor analysis: fit", "fr": "Analyse factorielle confirmatoire : ajustement"},
    "loadings_title": {"en": "Confirmatory factor analysis: loadings",
                       "fr": "Analyse factorielle confirmatoire : saturations"},
    "reliability_title": {"en": "Composite reliability and average variance extracted",
                          "fr": "Fiabilité composite et variance moyenne extraite"},
    "corr_title": {"en": "Factor correlations", "fr": "Corrélations entre facteurs"},
    "group": {"en": "Group", "fr": "Groupe"},
    "factor": {"en": "Factor", "fr": "Facteur"},
    "item": {"en": "Item", "fr": "Item"},
    "estimate": {"en": "Estimate", "fr": "Estimation"},
    "se": {"en": "SE", "fr": "ET"},
    "std": {"en": "Standardized", "fr": "Standardisée"},
    "p": {"en": "p", "fr": "p"},
    "n": {"en": "N", "fr": "N"},
    "ci_low": {"en": "RMSEA 90% CI low", "fr": "RMSEA IC 90 % bas"},
    "ci_high": {"en": "RMSEA 90% CI high", "fr": "RMSEA IC 90 % haut"},
    "fit_note": {
        "en": "Maximum likelihood ({missing}); chi-square = N x F_ML, RMSEA with its 90% confidence interval, "
              "SRMR (Bentler), AIC and BIC from the log-likelihood, as lavaan 0.6-14 fitMeasures. "
              "Usual cut-offs: CFI and TLI >= .95, RMSEA <= .06, SRMR <= .08 (Hu & Bentler, 1999).",
        "fr": "Maximum de vraisemblance ({missing}) ; khi-deux = N x F_ML, RMSEA avec son intervalle de "
              "confiance à 90 %, SRMR (Bentler), AIC et BIC issus de la log-vraisemblance, comme "
              "fitMeasures de lavaan 0.6-14. Seuils usuels : CFI et TLI >= ,95, RMSEA <= ,06, SRMR <= ,08 "
              "(Hu et Bentler, 1999).",
    },
    "mlm_note": {
        "en": " Satorra-Bentler row (estimator MLM, as lavaan's estimator = \"MLM\"): the same estimates with "
              "chi-square divided by the scaling factor c = {c} (c > 1: the items have heavier tails than "
              "the normal), scaled CFI, TLI and RMSEA, and robust standard errors in the loadings table.",
        "fr": " Ligne Satorra-Bentler (estimateur MLM, comme estimator = \"MLM\" de lavaan) : les mêmes "
              "estimations, khi-deux divisé par le facteur d'échelle c = {c} (c > 1 : les items ont des "
              "queues plus épaisses que la loi normale), CFI, TLI et RMSEA corrigés, et erreurs types "
              "robustes dans le tableau des saturations.",
    },
    "mlr_note": {
        "en": " Yuan-Bentler row (estimator MLR, as lavaan's estimator = \"MLR\", test yuan.bentler.mplus): the "
              "same estimates with chi-square divided by the scaling factor c = {c} (c > 1: heavier tails than "
              "the normal), scaled CFI, TLI and RMSEA, and Huber-White robust standard errors in the loadings "
              "table.",
        "fr": " Ligne Yuan-Bentler (estimateur MLR, comme estimator = \"MLR\" de lavaan, test "
              "yuan.bentler.mplus) : les mêmes estimations, khi-deux divisé par le facteur d'échelle c = {c} "
              "(c > 1 : queues plus épaisses que la loi normale), CFI, TLI et RMSEA corrigés, et erreurs types "
              "robustes de Huber-White dans le tableau des saturations.",
    },
    "robust_note": {
        "en": " Robust indices: CFI, TLI and RMSEA of Brosseau-Liard, Savalei and Li (2012, 2014), lavaan's "
              "*.robust, which estimate the population values consistently under non-normality: report these.",
        "fr": " Indices robustes : CFI, TLI et RMSEA de Brosseau-Liard, Savalei et Li (2012, 2014), *.robust de "
              "lavaan, qui estiment sans biais les valeurs de la population hors normalité : ce sont eux à "
              "rapporter.",
    },
    "estimator": {"en": "Test", "fr": "Test"},
    "ml_row": {"en": "ML (normal theory)", "fr": "MV (théorie normale)"},
    "mlm_row": {"en": "Satorra-Bentler (scaled)", "fr": "Satorra-Bentler (corrigé)"},
    "mlr_row": {"en": "Yuan-Bentler (scaled)", "fr": "Yuan-Bentler (corrigé)"},
    "robust_row": {"en": "Robust indices", "fr": "Indices robustes"},
    "listwise": {"en": "listwise deletion", "fr": "suppression par liste"},
    "fiml": {"en": "full information, missing answers kept", "fr": "information complète, réponses manquantes "
             "conservées"},
    "loadings_note": {
        "en": "Unstandardized estimates with standard errors; the first item of each factor is the marker "
              "(loading fixed to 1, no SE). Standardized: lavaan's std.all.",
        "fr": "Estimations non standardisées avec erreurs types ; le premier item de chaque facteur sert de "
              "marqueur (saturation fixée à 1, sans erreur type). Standardisée : std.all de lavaan.",
    },
    "reliability_note": {
        "en": "Omega: composite reliability as semTools 0.5-6 compRelSEM (observed variance of the sum "
              "score); AVE as semTools AVE. Usual thresholds: omega >= .70, AVE >= .50.",
        "fr": "Oméga : fiabilité composite comme compRelSEM de semTools 0.5-6 (variance observée du score "
              "somme) ; VME comme AVE de semTools. Seuils usuels : oméga >= ,70, VME >= ,50.",
    },
    "omega": {"en": "Omega", "fr": "Oméga"},
    "ave": {"en": "AVE", "fr": "VME"},
    "sqrt_ave": {"en": "sqrt(AVE)", "fr": "racine(VME)"},
    "corr_note": {"en": "Latent correlations (standardized factor covariances).",
                  "fr": "Corrélations latentes (covariances factorielles standardisées)."},
}


_THREADPOOLS: ThreadpoolController | None = None


def _single_threaded_blas():  # noqa: ANN202 - a context manager
    """BLAS limited to one thread: our matrices are small (items x items, parameters x parameters), where
    multi-threaded OpenBLAS only adds overhead, and is dramatically slower on a busy machine."""
    global _THREADPOOLS
    if _THREADPOOLS is None:
        _THREADPOOLS = ThreadpoolController()
    return _THREADPOOLS.limit(limits=1, user_api="blas")


def _t(key: str, lang: str) -> str:
    return _TEXT[key][check_lang(lang)]


def _warn(messages: list[str], text: str, category: type[Warning]) -> None:
    """Warn (pointing at the user's call, outside this package) and keep the message for the report."""
    level, frame = 1, sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(text, category, stacklevel=level)
    messages.append(text)


# --------------------------------------------------------------------------------------------- result
@dataclass
class CFAResult:
    """Result of :func:`cfa`.

    Attributes
    ----------
    fit
        lavaan ``fitMeasures`` names -> value (see :data:`FIT_MEASURES`).
    loadings
        One row per loading: ``factor``, ``item``, ``est``, ``se``, ``z``, ``pvalue``, ``ci_lower``,
        ``ci_upper`` (95 %), ``std_est`` (std.all), ``fixed`` (the marker); a ``group`` column first when
        the model has groups.
    factor_corr
        Factor correlations (factors x factors; rows indexed by (group, factor) when there are groups).
    reliability
        ``omega`` (compRelSEM) and ``ave`` (AVE) indexed by factor (by (group, factor) with groups).
    params
        Every parameter as lavaan's ``parameterEstimates(standardized=TRUE)``: ``lhs``, ``op``, ``rhs``,
        ``group``, ``label``, ``free``, ``est``, ``se``, ``z``, ``pvalue``, ``ci_lower``, ``ci_upper``,
        ``std_all``.
    warnings
        Messages of every warning raised (non-convergence, Heywood cases, non-positive-definite matrices).
    groups
        Group labels in lavaan's order (order of appearance); ``("all",)`` without groups.
    n_obs
        Observations used per group; ``n_dropped`` rows dropped (listwise deletion or empty rows).
    """

    model: MeasurementModel
    fit: dict[str, float]
    loadings: pd.DataFrame
    factor_corr: pd.DataFrame
    reliability: pd.DataFrame
    params: pd.DataFrame
    warnings: list[str]
    groups: tuple[str, ...]
    n_obs: dict[str, int]
    n_dropped: int
    converged: bool
    iterations: int
    estimator: str = "ML"
    missing: str = "listwise"
    group: str | None = None
    group_equal: tuple[str, ...] = ()
    implied: dict[str, dict[str, pd.DataFrame | pd.Series]] = field(default_factory=dict, repr=False)
    sample: dict[str, dict[str, pd.DataFrame | pd.Series]] = field(default_factory=dict, repr=False)
    vcov: pd.DataFrame | None = field(default=None, repr=False)

    def to_table(self, lang: str = "en") -> dict[str, Table]:
        """Report tables keyed by ``Table.key``: ``cfa_fit``, ``cfa_loadings``, ``cfa_reliability`` and
        ``cfa_factor_corr``."""
        check_lang(lang)
        f = self.fit
        fit_frame = pd.DataFrame(
            {
                _t("n", lang): [int(f["ntotal"])],
                "χ²": [f["chisq"]],
                ("ddl" if lang == "fr" else "df"): [int(f["df"])],
                _t("p", lang): [f["pvalue"]],
                "CFI": [f["cfi"]],
                "TLI": [f["tli"]],
                "RMSEA": [f["rmsea"]],
                _t("ci_low", lang): [f["rmsea.ci.lower"]],
                _t("ci_high", lang): [f["rmsea.ci.upper"]],
                "SRMR": [f["srmr"]],
                "AIC": [f["aic"]],
                "BIC": [f["bic"]],
            },
            index=pd.Index(["ML"], name="model"),
        )
        fit_formats = {
            _t("n", lang): "int", "χ²": "f2", ("ddl" if lang == "fr" else "df"): "int", _t("p", lang): "p",
            "CFI": "r3", "TLI": "r3",
            "RMSEA": "r3", _t("ci_low", lang): "r3", _t("ci_high", lang): "r3", "SRMR": "r3", "AIC": "f1",
            "BIC": "f1",
        }
        note = _TEXT["fit_note"][lang].format(missing=_t(self.missing, lang))
        if self.estimator in ("MLM", "MLR"):
            scaled = dict(zip(fit_frame.columns, [
                int(f["ntotal"]), f["chisq.scaled"], int(f["df"]), f["pvalue.scaled"], f["cfi.scaled"],
                f["tli.scaled"], f["rmsea.scaled"], f["rmsea.ci.lower.scaled"], f["rmsea.ci.upper.scaled"],
                np.nan, np.nan, np.nan], strict=True))
            rows, labels = [scaled], [_t("ml_row", lang), _t(f"{self.estimator.lower()}_row", lang)]
            if "cfi.robust" in f:
                rows.append(dict(zip(fit_frame.columns, [
                    int(f["ntotal"]), np.nan, np.nan, np.nan, f["cfi.robust"], f["tli.robust"], f["rmsea.robust"],
                    f["rmsea.ci.lower.robust"], f["rmsea.ci.upper.robust"], np.nan, np.nan, np.nan], strict=True)))
                labels.append(_t("robust_row", lang))
            fit_frame = pd.concat([fit_frame, pd.DataFrame(
                rows, index=pd.Index([self.estimator, "robust"][: len(rows)], name="model"))])
            fit_frame.insert(0, _t("estimator", lang), labels)
            fit_formats[_t("estimator", lang)] = "text"
            note += _TEXT[f"{self.estimator.lower()}_note"][lang].format(
                c=format_cell(f["chisq.scaling.factor"], "f3", lang))
            if "cfi.robust" in f:
                note += _TEXT["robust_note"][lang]
        fit_table = Table(
            key="cfa_fit", title=_t("fit_title", lang), frame=fit_frame, note=note, formats=fit_formats,
            lang=lang, show_index=False,
        )
        cols = (["group"] if "group" in self.loadings.columns else []) + ["factor", "item", "est", "se",
                                                                        "std_est", "pvalue"]
        names = {"group": _t("group", lang), "factor": _t("factor", lang), "item": _t("item", lang),
                 "est": _t("estimate", lang), "se": _t("se", lang), "std_est": _t("std", lang),
                 "pvalue": _t("p", lang)}
        lo = self.loadings[cols].copy()
        lo.loc[self.loadings["fixed"].to_numpy(), "se"] = np.nan
        lo = lo.rename(columns=names)
        loadings_table = Table(
            key="cfa_loadings", title=_t("loadings_title", lang), frame=lo.reset_index(drop=True),
            note=_t("loadings_note", lang),
            formats={names["group"]: "text", names["factor"]: "text", names["item"]: "text",
                     names["est"]: "f3", names["se"]: "f3", names["std_est"]: "r3", names["pvalue"]: "p"},
            lang=lang, show_index=False,
        )
        rel = self.reliability.copy()
        rel["sqrt_ave"] = np.sqrt(rel["ave"])
        rel = rel.rename(columns={"omega": _t("omega", lang), "ave": _t("ave", lang),
                                  "sqrt_ave": _t("sqrt_ave", lang)})
        rel.index.names = [_t("group", lang), _t("factor", lang)] if rel.index.nlevels == 2 else [
            _t("factor", lang)]
        reliability_table = Table(
            key="cfa_reliability", title=_t("reliability_title", lang), frame=rel,
            note=_t("reliability_note", lang), formats={c: "r3" for c in rel.columns}, lang=lang,
        )
        corr = self.factor_corr.copy()
        corr_table = Table(
            key="cfa_factor_corr", title=_t("corr_title", lang), frame=corr, note=_t("corr_note", lang),
            formats={c: "r2" for c in corr.columns}, lang=lang,
        )
        return {t.key: t for t in (fit_table, loadings_table, reliability_table, corr_table)}


# ---------------------------------------------------------------------------------------- input
def _numeric_items(data: pd.DataFrame, model: MeasurementModel) -> np.ndarray:
    """The items as a float matrix (NaN for missing); a text or infinite value raises, naming the cell."""
    block = data[list(model.items)]
    if not all(pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt) for dt in block.dtypes):
        converted = {}
        for item in model.items:
            column = data[item]
            if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
                converted[item] = column.astype(float)
                continue
            numbers = pd.to_numeric(column, errors="coerce")
            bad = (numbers.isna() & column.notna()).to_numpy()
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise SpecificationError(
                    f"item {item!r} is not numeric",
                    row=row + 1, column=item, value=column.iloc[row], line=model.line_of(item),
                    fix="score the answers as numbers (the data stage does this) or drop the item",
                )
            converted[item] = numbers.astype(float)
        block = pd.DataFrame(converted)
    values = block.to_numpy(dtype=float, na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        r, c = np.argwhere(infinite)[0]
        raise SpecificationError("an item has an infinite value", row=int(r) + 1, column=model.items[c],
                                 value=values[r, c], fix="replace infinite values by valid answers or missing values")
    return values


def _check_group_sample(values: np.ndarray, items: tuple[str, ...], label: str, model: MeasurementModel,
                        multi: bool) -> None:
    where = f" in group {label!r}" if multi else ""
    n, p = values.shape
    if n < 2:
        raise SpecificationError(
            f"{n} usable observation{where}: a CFA needs many more",
            fix="collect more responses (at least 5 per free parameter is a common minimum)",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(values, axis=0)
    for j, item in enumerate(items):
        if not np.isfinite(sd[j]) or sd[j] == 0:
            observed = values[~np.isnan(values[:, j]), j]
            value = observed[0] if observed.size else None
            raise SpecificationError(
                f"item {item!r} is constant{where} (every answer is {value})"
                if value is not None else f"item {item!r} has no observed answer{where}",
                column=item, line=model.line_of(item), value=value,
                fix="drop the item from the model: it carries no information",
            )
    if np.isnan(values).any():
        return
    if n <= p:
        raise SpecificationError(
            f"{n} complete observations{where} for {p} items: the sample covariance matrix is singular",
            fix="collect more responses than there are items (at least 5 per free parameter), or use "
            "fewer items",
        )
    centred = values - values.mean(axis=0)
    corr = np.corrcoef(centred, rowvar=False)
    eigval, eigvec = np.linalg.eigh(corr)
    if eigval[0] < 1e-10 * max(eigval[-1], 1.0):
        weights = np.abs(eigvec[:, 0])
        involved = [items[j] for j in np.argsort(-weights) if weights[j] > 0.1]
        raise SpecificationError(
            f"the covariance matrix of the items{where} is singular: items {', '.join(involved)} are "
            "linearly dependent (one is an exact combination of the others, or two are duplicates)",
            column=involved[0], line=model.line_of(involved[0]),
            fix="drop one of these items from the model",
        )


def _prepare(data: pd.DataFrame, model: MeasurementModel, missing: str, group: str | None,
             messages: list[str]) -> tuple[list[engine.GroupData], tuple[str, ...], int]:
    values = _numeric_items(data, model)
    if group is not None:
        labels_all = data[group]
        keep = labels_all.notna().to_numpy()
        if not keep.all():
            _warn(messages, f"{int((~keep).sum())} row(s) with no value in the group column {group!r} were "
                  "dropped", DataQualityWarning)
    else:
        labels_all = None
        keep = np.ones(len(data), dtype=bool)
    # listwise: rows with any missing item go; FIML: only rows with every item missing (as lavaan)
    usable = ~np.isnan(values).any(axis=1) if missing == "listwise" else ~np.isnan(values).all(axis=1)
    if missing != "listwise" and not usable.all():
        _warn(messages, f"{int((~usable).sum())} row(s) with every item missing were dropped (lavaan does "
              "the same)", DataQualityWarning)
    if missing == "listwise" and not (usable | ~keep).all():
        _warn(messages, f"{int((~usable & keep).sum())} of {int(keep.sum())} row(s) with a missing answer were "
              "dropped (listwise deletion; missing='fiml' keeps them)", DataQualityWarning)
    keep = keep & usable
    n_dropped = int(len(data) - keep.sum())
    values = values[keep]
    if group is None:
        group_labels: tuple[str, ...] = (SINGLE_GROUP,)
        blocks = [values]
    else:
        kept_labels = labels_all.to_numpy()[keep]  # type: ignore[union-attr]
        uniques = pd.unique(kept_labels)
        if len(uniques) < 2:
            raise SpecificationError(
                f"group column {group!r} has {len(uniques)} distinct value among the usable rows",
                column=group, fix="use a grouping column with at least two groups, or group=None",
            )
        group_labels = tuple(str(u) for u in uniques)
        blocks = [values[kept_labels == u] for u in uniques]
    groups = []
    for label, block in zip(group_labels, blocks, strict=True):
        _check_group_sample(block, model.items, label, model, group is not None)
        if missing != "listwise":
            seen = (~np.isnan(block)).astype(float)
            never = np.argwhere(np.triu(seen.T @ seen == 0, k=1))
            if never.size:
                where = f" in group {label!r}" if group is not None else ""
                pairs = ", ".join(f"{model.items[i]}-{model.items[j]}" for i, j in never[:5])
                _warn(messages, f"{len(never)} pair(s) of items are never answered by the same respondent{where} "
                      f"({pairs}{', ...' if len(never) > 5 else ''}): their covariance comes from the model alone "
                      "(lavaan's 0% coverage warning)", DataQualityWarning)
        if missing != "listwise" and block.shape[0] <= block.shape[1]:
            where = f"group {label!r} has" if group is not None else "the data have"
            _warn(messages, f"{where} {block.shape[0]} respondents for {block.shape[1]} items: fewer "
                  "respondents than items, so its estimates and fit measures are not trustworthy",
                  SparseDataWarning)
        if missing == "listwise":
            groups.append(engine.group_data_complete(label, block))
        else:
            gd = engine.group_data_missing(label, block)
            if np.linalg.eigvalsh(gd.cov)[0] < 1e-8 * np.max(np.diag(gd.cov)):
                few = block.shape[0] <= block.shape[1]
                raise SpecificationError(
                    "the EM estimate of the items' covariance matrix"
                    + (f" in group {label!r}" if group is not None else "") + " is singular"
                    + (f" ({block.shape[0]} respondents for {block.shape[1]} items)" if few else ""),
                    fix="collect more responses than there are items, or fit fewer constructs at a time" if few
                    else "drop an item that duplicates another one or collect more responses",
                )
            groups.append(gd)
    return groups, group_labels, n_dropped


# -------------------------------------------------------------------------------------- fit indices
def _rmsea(chisq: float, df: float, n: float, g: int, c_hat: float = 1.0) -> float:
    """lavaan's ``lav_fit_rmsea`` (``c_hat``: the scaling factor of the robust RMSEA)."""
    if df <= 0:
        return 0.0
    return math.sqrt(max(chisq / n / df - c_hat / n, 0.0)) * math.sqrt(g)


def _cfi(chisq: float, df: float, base_chisq: float, base_df: float, c_hat: float = 1.0,
         c_base: float = 1.0) -> float:
    """lavaan's ``lav_fit_cfi`` (``c_hat``, ``c_base``: scaling factors of the robust CFI)."""
    t1 = max(chisq - c_hat * df, 0.0)
    t2 = max(chisq - c_hat * df, base_chisq - c_base * base_df, 0.0)
    return 1.0 if (abs(t1) < 1.5e-8 and abs(t2) < 1.5e-8) else 1.0 - t1 / t2


def _tli(chisq: float, df: float, base_chisq: float, base_df: float, c_hat: float = 1.0,
         c_base: float = 1.0) -> float:
    """lavaan's ``lav_fit_tli`` (``c_hat``, ``c_base``: scaling factors of the robust TLI)."""
    tt2 = (base_chisq - c_base * base_df) * df
    return 1.0 - (chisq - c_hat * df) * base_df / tt2 if (df > 0 and abs(tt2) > 0) else 1.0


def _pchisq(x: float, df: float, ncp: float) -> float:
    """R's ``pchisq(x, df, ncp)`` (scipy.special ufuncs: the same values as scipy.stats, without its
    per-call overhead)."""
    return float(special.chdtr(df, x) if ncp <= 0 else special.chndtr(x, df, ncp))


def _rmsea_ci(chisq: float, df: float, n: float, g: int, level: float = 0.90,
              c_hat: float = 1.0) -> tuple[float, float]:
    """lavaan's ``lav_fit_rmsea_ci``: noncentrality parameters where the noncentral chi-square puts
    ``chisq`` at the 95th and 5th percentiles (times ``c_hat`` for the robust RMSEA)."""
    if df < 1 or not math.isfinite(chisq):
        return 0.0, 0.0
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2
    if _pchisq(chisq, df, 0.0) - upper_p < 0:
        lower = 0.0
    else:
        lam = optimize.brentq(lambda x: _pchisq(chisq, df, x) - upper_p, 0.0, chisq, xtol=1e-12)
        lower = math.sqrt(c_hat * lam / (n * df)) * math.sqrt(g)
    n_rmsea = max(n, chisq * 4)
    if _pchisq(chisq, df, n_rmsea) - lower_p > 0 or _pchisq(chisq, df, 0.0) - lower_p < 0:
        upper = 0.0
    else:
        lam = optimize.brentq(lambda x: _pchisq(chisq, df, x) - lower_p, 0.0, n_rmsea, xtol=1e-12)
        upper = math.sqrt(c_hat * lam / (n * df)) * math.sqrt(g)
    return lower, upper


def _srmr(groups: list[engine.GroupData], implied: list[tuple[np.ndarray, np.ndarray]], meanstructure: bool,
          n_total: int) -> float:
    """lavaan's ``srmr`` (``srmr_bentler``): residuals scaled by the observed standard deviations
    (``lav_residuals_rescale``: residuals below 1e-5 left unscaled), root mean square over the
    non-duplicated elements (and the means with a mean structure), groups weighted by N_g / N."""
    total = 0.0
    for data, (sigma, mu) in zip(groups, implied, strict=True):
        s, m = data.cov, data.mean
        sd = np.sqrt(np.diag(s))
        resid = s - sigma
        scale = 1.0 / np.outer(sd, sd)
        scale[np.abs(resid) < 1e-5] = 1.0
        r = (resid * scale)[np.tril_indices(len(sd))]
        pieces = [r]
        if meanstructure:
            mres = m - mu
            mscale = 1.0 / sd
            mscale[np.abs(mres) < 1e-5] = 1.0
            pieces.append(mres * mscale)
        values = np.concatenate(pieces)
        total += data.n / n_total * math.sqrt(np.sum(values**2) / values.size)
    return total


def _baseline_minus2logl(groups: list[engine.GroupData]) -> float:
    """-2 log L of lavaan's baseline (independence) model: free means and variances, no covariances.
    Its ML estimates are the (available-case) means and variances of each item."""
    total = 0.0
    for data in groups:
        if data.patterns is None:
            total += data.n * (np.sum(np.log(np.diag(data.cov))) + data.cov.shape[0] * (1 + engine.LOG_2PI))
            continue
        p = data.cov.shape[0]
        for j in range(p):
            column = np.concatenate([pat.data[:, list(pat.observed).index(j)]
                                     for pat in data.patterns if j in pat.observed])
            total += column.size * (math.log(column.var()) + 1 + engine.LOG_2PI)
    return total


def _saturated_minus2logl(groups: list[engine.GroupData]) -> float:
    total = 0.0
    for data in groups:
        p = data.cov.shape[0]
        if data.patterns is None:
            sign, logdet = np.linalg.slogdet(data.cov)
            total += data.n * (logdet + p + p * engine.LOG_2PI)
            continue
        for pat in data.patterns:
            o = pat.observed
            sub = data.cov[np.ix_(o, o)]
            inv = np.linalg.inv(sub)
            d = pat.mean - data.mean[o]
            total += pat.n * (np.linalg.slogdet(sub)[1] + np.sum(inv * pat.cov) + d @ inv @ d
                              + o.size * engine.LOG_2PI)
    return total


def _fit_measures(model: engine.CFAModel, outcome: engine.FitOutcome, groups: list[engine.GroupData],
                  implied: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    p = model.p
    n_groups = len(groups)
    n_total = model.n_total
    moments = n_groups * (p * (p + 1) // 2 + (p if model.meanstructure else 0))
    npar = model.k
    df = moments - npar
    m2ll = outcome.minus2logl
    m2ll_h1 = _saturated_minus2logl(groups)
    m2ll_base = _baseline_minus2logl(groups)
    chisq = max(m2ll - m2ll_h1, 0.0) if abs(m2ll - m2ll_h1) < 1e-9 * abs(m2ll_h1) else m2ll - m2ll_h1
    base_chisq = m2ll_base - m2ll_h1
    base_df = n_groups * (p * (p - 1) // 2)
    logl = -0.5 * m2ll
    fit: dict[str, float] = {
        "npar": float(npar),
        "fmin": chisq / (2.0 * n_total),
        "chisq": chisq,
        "df": float(df),
        "pvalue": float(special.chdtrc(df, chisq)) if df > 0 else math.nan,
        "baseline.chisq": base_chisq,
        "baseline.df": float(base_df),
        "baseline.pvalue": float(special.chdtrc(base_df, base_chisq)),
    }
    fit["cfi"] = _cfi(chisq, df, base_chisq, base_df)
    fit["tli"] = _tli(chisq, df, base_chisq, base_df)
    fit["logl"] = logl
    fit["unrestricted.logl"] = -0.5 * m2ll_h1
    fit["aic"] = -2.0 * logl + 2.0 * npar
    fit["bic"] = -2.0 * logl + npar * math.log(n_total)
    fit["ntotal"] = float(n_total)
    fit["bic2"] = -2.0 * logl + npar * math.log((n_total + 2.0) / 24.0)
    fit["rmsea"] = _rmsea(chisq, df, n_total, n_groups)
    fit["rmsea.ci.lower"], fit["rmsea.ci.upper"] = _rmsea_ci(chisq, df, n_total, n_groups)
    fit["rmsea.pvalue"] = (1.0 - _pchisq(chisq, df, n_total * df * 0.05**2 / n_groups)) if df > 0 else math.nan
    fit["srmr"] = _srmr(groups, implied, model.meanstructure, n_total)
    return {key: float(value) for key, value in fit.items()}


# ------------------------------------------------------------------------------------------ cfa
def cfa(
    data: pd.DataFrame,
    model: str | MeasurementModel,
    estimator: str = "ML",
    missing: str = "listwise",
    group: str | None = None,
    *,
    group_equal: Sequence[str] = (),
    allow_cross_loadings: bool = False,
) -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood, numbers as lavaan's ``cfa()``.

    Parameters
    ----------
    data
        One row per respondent; the items named in ``model`` must be numeric columns. Not modified.
    model
        lavaan measurement syntax (``f =~ a + b + c``, ``a ~~ b``; see
        :mod:`alliance_stats.measurement.syntax`) or a parsed :class:`MeasurementModel`.
    estimator
        ``"ML"`` (normal-theory maximum likelihood); ``"MLM"`` (lavaan's ``estimator = "MLM"``: the ML
        estimates with ``robust.sem`` standard errors and the Satorra-Bentler scaled test; complete data,
        one group); ``"MLR"`` (lavaan's ``estimator = "MLR"``: Huber-White standard errors and the
        Yuan-Bentler T2* scaled test, ``yuan.bentler.mplus``; complete data or ``missing="fiml"``, one or
        more groups). Both add to ``.fit`` lavaan's ``chisq.scaled``, ``pvalue.scaled``, ``chisq.scaling.factor``,
        ``baseline.chisq.scaled``, ``cfi.scaled``, ``tli.scaled``, ``rmsea.scaled`` (and CI) and the
        robust ``cfi.robust``, ``tli.robust``, ``rmsea.robust`` (and CI) of Brosseau-Liard and Savalei (under
        FIML with lavaan's FIML correction, ``lav_fit_fiml_corrected``), the ones to report for skewed Likert
        items.
    missing
        ``"listwise"`` (lavaan's default: rows with a missing item are dropped) or ``"fiml"`` (``"ml"``
        is accepted as lavaan's name): full-information ML using every answer.
    group
        Column defining groups for a multi-group model (lavaan's ``group=``); groups are ordered by first
        appearance, as lavaan does.
    group_equal
        lavaan's ``group.equal``: any of ``loadings``, ``intercepts``, ``means``, ``residuals``,
        ``residual.covariances``, ``lv.variances``, ``lv.covariances``.
    allow_cross_loadings
        Accept an item on two factors.

    Returns
    -------
    CFAResult

    Raises
    ------
    SpecificationError
        A model line that is not valid syntax or names a missing column (the line is named), a non-numeric
        or constant item, too few observations, a singular covariance matrix, an unidentified model.

    Warns
    -----
    ConvergenceWarning, HeywoodWarning, SparseDataWarning, DataQualityWarning
        Also listed in ``result.warnings``.

    Examples
    --------
    >>> import pandas as pd
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")
    >>> res = cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9")
    >>> round(res.fit["chisq"], 3), int(res.fit["df"]), round(res.fit["rmsea"], 3)
    (85.306, 24, 0.092)

    Reference: lavaan 0.6-14 ``cfa()``, ``fitMeasures()``, ``parameterEstimates()``,
    ``standardizedSolution()``; semTools 0.5-6 ``compRelSEM()`` and ``AVE()``.
    """
    with _single_threaded_blas():
        return _cfa(data, model, estimator, missing, group, tuple(group_equal), allow_cross_loadings)


def _cfa(data: pd.DataFrame, model: str | MeasurementModel, estimator: str, missing: str, group: str | None,
         group_equal: tuple[str, ...], allow_cross_loadings: bool) -> CFAResult:
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"data must be a pandas DataFrame, got {type(data).__name__}",
                                 fix="pass the scored responses as a DataFrame")
    estimator_key = str(estimator).upper()
    if estimator_key not in ("ML", "MLM", "MLR"):
        raise SpecificationError(f"estimator {estimator!r} is not available", value=estimator,
                                 fix="use estimator='ML', 'MLM' (Satorra-Bentler) or 'MLR' (Huber-White and "
                                     "Yuan-Bentler); categorical estimators (WLSMV) are not implemented")
    missing_key = {"listwise": "listwise", "fiml": "fiml", "ml": "fiml"}.get(str(missing).lower())
    if missing_key is None:
        raise SpecificationError(f"missing={missing!r} is not one of 'listwise', 'fiml'", value=missing,
                                 fix="use missing='listwise' or missing='fiml'")
    if estimator_key == "MLM" and (missing_key == "fiml" or group is not None):
        raise SpecificationError("estimator='MLM' (Satorra-Bentler) needs complete data in a single group",
                                 value=estimator, fix="use estimator='MLR' with missing answers, missing='listwise' "
                                                      "and group=None with MLM, or estimator='ML'")
    unknown = [g for g in group_equal if g not in engine.GROUP_EQUAL_KINDS]
    if unknown:
        raise SpecificationError(f"group_equal has unknown constraint {unknown[0]!r}", value=unknown[0],
                                 fix=f"use any of {', '.join(engine.GROUP_EQUAL_KINDS)}")
    if group_equal and group is None:
        raise SpecificationError("group_equal needs a group column", fix="pass group='<column>'")
    parsed = model if isinstance(model, MeasurementModel) else parse_model(
        model, allow_cross_loadings=allow_cross_loadings)
    parsed.check_columns(data.columns)
    if group is not None:
        if group not in data.columns:
            raise SpecificationError(f"group column {group!r} is not in the data", column=group,
                                     fix="name an existing column")
        if group in parsed.items:
            raise SpecificationError(f"group column {group!r} is also an item of the model", column=group,
                                     line=parsed.line_of(group), fix="group by a column that is not an item")

    messages: list[str] = []
    groups, group_labels, n_dropped = _prepare(data, parsed, missing_key, group, messages)
    meanstructure = group is not None or missing_key == "fiml"  # lavaan's defaults, also for MLM and MLR
    table = engine.build_parameter_table(parsed, len(groups), meanstructure, tuple(group_equal))
    cfa_model = engine.CFAModel(table, groups)
    p = len(parsed.items)
    moments = len(groups) * (p * (p + 1) // 2 + (p if meanstructure else 0))
    if table.n_free > moments:
        raise SpecificationError(
            f"the model has {table.n_free} free parameters but the data give only {moments} moments "
            f"(df = {moments - table.n_free}): it is not identified",
            fix="add items (three or more per factor) or fix parameters",
        )
    if estimator_key != "ML":
        _check_robust_sample(groups, group_labels, p, table.n_free, estimator_key, group is not None)
    start = cfa_model.start_values()
    _, _, info0 = cfa_model.gradient_information(start)
    _check_identified(info0, table)
    n_total = cfa_model.n_total
    if n_total < 5 * table.n_free:
        _warn(messages, f"{n_total} observations for {table.n_free} free parameters: fewer than 5 per "
              "parameter, estimates and fit indices may be unstable", SparseDataWarning)

    if moments == table.n_free:
        _warn(messages, "the model is just-identified (df = 0): it reproduces the data exactly and its fit "
              "cannot be tested (chi-square 0, CFI 1, RMSEA 0)", AnalysisWarning)
    outcome = engine.fit(cfa_model, start)
    if not outcome.converged:
        _warn(messages, f"the CFA did not converge after {outcome.iterations} iterations "
              f"({outcome.message}); results are not trustworthy", ConvergenceWarning)

    # lavaan's defaults: expected information for complete data, observed information for FIML and MLR
    observed = missing_key == "fiml" or estimator_key == "MLR"
    information = cfa_model.observed_information(outcome.theta) if observed else outcome.information
    vcov, vcov_ok = _vcov(information)
    if not vcov_ok:
        _warn(messages, "the information matrix is singular or not positive definite: standard errors "
              "could not be computed (the model may not be identified)", ConvergenceWarning)
    implied = []
    mats = []
    for g in range(len(groups)):
        sigma, mu, mg = cfa_model.implied(outcome.theta, g)
        implied.append((sigma, mu))
        mats.append(mg)
    fit = _fit_measures(cfa_model, outcome, groups, implied)
    try:
        if estimator_key == "MLM" and vcov_ok:
            vcov = _satorra_bentler(cfa_model, outcome.theta, groups[0], implied[0][0], fit)
        if estimator_key == "MLR" and vcov_ok:
            vcov = _yuan_bentler(cfa_model, outcome.theta, groups, implied, information, fit)
    except np.linalg.LinAlgError:
        raise SpecificationError(
            f"estimator {estimator_key!r}: a matrix its robust corrections need is singular (for example two items "
            "never answered by the same respondent, or too few respondents)", value=estimator_key,
            fix="use estimator='ML', or collect answers to every pair of items") from None
    se_free = np.sqrt(np.clip(np.diag(vcov), 0.0, None)) if vcov_ok else np.full(table.n_free, np.nan)
    params = _parameter_frame(table, outcome.theta, se_free, mats, implied, group_labels)
    multi = group is not None
    _check_solution(mats, table, group_labels, messages, multi)

    loadings = params[params["op"] == "=~"].rename(columns={"lhs": "factor", "rhs": "item",
                                                            "std_all": "std_est"})
    loadings = loadings.assign(fixed=~loadings["free"])
    lcols = ["factor", "item", "est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_est", "fixed"]
    loadings = loadings[(["group"] if multi else []) + lcols].reset_index(drop=True)

    factors = list(parsed.factors)
    corr_frames = []
    rel_frames = []
    for g in range(len(group_labels)):
        psi = mats[g]["psi"]
        sd = np.sqrt(np.where(np.diag(psi) > 0, np.diag(psi), np.nan))
        corr = psi / np.outer(sd, sd)
        corr_frames.append(pd.DataFrame(corr, index=pd.Index(factors, name="factor"), columns=factors))
        rel = composite_reliability(mats[g]["lambda"], psi, groups[g].cov, parsed.items, factors)
        rel_frames.append(rel)
    if multi:
        factor_corr = pd.concat(corr_frames, keys=list(group_labels), names=["group", "factor"])
        reliability = pd.concat(rel_frames, keys=list(group_labels), names=["group", "factor"])
    else:
        factor_corr = corr_frames[0]
        reliability = rel_frames[0]
    lam0 = mats[0]["lambda"]
    for f, factor in enumerate(factors):
        if (lam0[:, f] < 0).any() and (lam0[:, f] > 0).any():
            neg = [parsed.items[i] for i in np.flatnonzero(lam0[:, f] < 0)]
            pos = [parsed.items[i] for i in np.flatnonzero(lam0[:, f] > 0)]
            _warn(messages, f"factor {factor!r} has loadings of both signs (positive: {', '.join(pos)}; "
                  f"negative: {', '.join(neg)}): omega sums raw loadings and is then meaningless; reverse-key "
                  "the items of one sign before the CFA", DataQualityWarning)

    items = list(parsed.items)
    implied_out = {
        label: {"cov": pd.DataFrame(implied[g][0], index=items, columns=items),
                "mean": pd.Series(implied[g][1], index=items)}
        for g, label in enumerate(group_labels)
    }
    sample_out = {
        label: {"cov": pd.DataFrame(groups[g].cov, index=items, columns=items),
                "mean": pd.Series(groups[g].mean, index=items)}
        for g, label in enumerate(group_labels)
    }
    names = table.free_names()
    return CFAResult(
        model=parsed, fit=fit, loadings=loadings, factor_corr=factor_corr, reliability=reliability,
        params=params, warnings=messages, groups=group_labels,
        n_obs={label: groups[g].n for g, label in enumerate(group_labels)}, n_dropped=n_dropped,
        converged=outcome.converged, iterations=outcome.iterations, estimator=estimator_key, missing=missing_key,
        group=group, group_equal=tuple(group_equal), implied=implied_out, sample=sample_out,
        vcov=pd.DataFrame(vcov, index=names, columns=names),
    )


def _satorra_bentler(model: engine.CFAModel, theta: np.ndarray, data: engine.GroupData, sigma: np.ndarray,
                     fit: dict[str, float]) -> np.ndarray:
    """Robust covariance of the estimates (``robust.sem``) and, added to ``fit``, lavaan's Satorra-Bentler
    scaled statistics (see :mod:`alliance_stats.measurement._robust`)."""
    assert data.values is not None
    gamma = _robust.gamma_adf(data.values)
    delta = _moment_jacobian(model, theta, 0)[model.p:]  # no mean structure: the covariance rows
    vcov, trace = _robust.robust_vcov(delta, _robust.normal_weight(sigma), gamma, data.n)
    _scaled_fit(fit, trace, _robust.baseline_trace(data.cov, gamma), data.n, 1, robust=True)
    return vcov


@dataclass
class _SaturatedParts:
    """One group's pieces shared by the Yuan-Bentler test and the FIML-corrected robust indices (per
    observation, parameters (mu, vech Sigma) of the saturated model)."""

    patterns: list[engine.Pattern]
    a1: np.ndarray  # observed information of the saturated model at its estimates
    b1: np.ndarray  # first-order information (mean outer product of the casewise scores) there
    delta: np.ndarray  # d (mu, vech Sigma) / d theta' of the fitted model
    base_mean: np.ndarray  # independence model's estimates (available-case means and variances)
    base_var: np.ndarray


def _moment_jacobian(model: engine.CFAModel, theta: np.ndarray, g: int) -> np.ndarray:
    """``d (mu, vech Sigma) / d theta'`` of group ``g`` (means first, vech in lavaan's order)."""
    rows, cols = _robust.vech_indices(model.p)
    _, _, d_mu = model.derivatives(model.matrices(theta, g), g)
    return np.hstack([d_mu, model.d_sigma(theta, g)[:, rows, cols]]).T


def _yuan_bentler(model: engine.CFAModel, theta: np.ndarray, groups: list[engine.GroupData],
                  implied: list[tuple[np.ndarray, np.ndarray]], information: np.ndarray,
                  fit: dict[str, float]) -> np.ndarray:
    """Huber-White robust covariance of the estimates (``robust.huber.white``) and, added to ``fit``, lavaan's
    Yuan-Bentler scaled statistics (``yuan.bentler.mplus``, T2*), for complete or missing data and any number
    of groups (see :mod:`alliance_stats.measurement._robust`; groups weighted by N_g / N as lavaan's
    ``lav_test_yuan_bentler_mplus_trace``)."""
    p, n_total = model.p, model.n_total
    a0_inv = np.linalg.inv(0.5 * (information + information.T) / (2.0 * n_total))  # per observation
    b0 = np.zeros_like(a0_inv)
    trace = trace_base = 0.0
    # without a mean structure (complete data, one group), lavaan's h1 and baseline parameters are the
    # covariances only
    keep = slice(0, None) if model.meanstructure else slice(p, None)
    parts = []
    for g, data in enumerate(groups):
        n, share = data.n, data.n / n_total
        patterns = data.patterns or [engine.Pattern(np.arange(p), data.values, n, data.mean, data.cov)]
        # h1: the saturated model at its estimates (EM moments under FIML, sample moments for complete data)
        scores_h1 = _robust.casewise_scores(patterns, data.mean, data.cov)
        part = _SaturatedParts(patterns, _robust.observed_information_h1(patterns, data.mean, data.cov) / n,
                               scores_h1.T @ scores_h1 / n, _moment_jacobian(model, theta, g),
                               *_available_case_moments(patterns, p))
        parts.append(part)
        trace_h1 = _robust.trace_solve(part.a1[keep, keep], part.b1[keep, keep])
        # h0: the fitted model (observed information, casewise scores at the implied moments)
        sigma, mu = implied[g]
        if not model.meanstructure:  # the means are then the sample means, as lavaan's implied means
            mu = data.mean
        scores_h0 = _robust.casewise_scores(patterns, mu, sigma) @ part.delta
        b0_group = scores_h0.T @ scores_h0 / n
        b0 += share * b0_group
        trace += trace_h1 - share * float(np.sum(b0_group * a0_inv))
        # baseline (independence) model: free means and variances, at their (available-case) estimates
        trace_base += trace_h1 - _robust.baseline_trace_casewise(patterns, part.base_mean, part.base_var,
                                                                 model.meanstructure)
    complete = all(d.patterns is None for d in groups)
    _scaled_fit(fit, trace, trace_base, n_total, len(groups), robust=complete)
    if not complete:
        try:
            _fiml_corrected_robust(model, groups, implied, parts, fit)
        except np.linalg.LinAlgError:  # a pair of items never answered together: the scaled test stays
            warnings.warn("the robust CFI, TLI and RMSEA under FIML could not be computed (singular saturated "
                          "information, e.g. two items never answered by the same respondent)",
                          ConvergenceWarning, stacklevel=2)
    return a0_inv @ b0 @ a0_inv / n_total


def _fiml_corrected_robust(model: engine.CFAModel, groups: list[engine.GroupData],
                           implied: list[tuple[np.ndarray, np.ndarray]], parts: list[_SaturatedParts],
                           fit: dict[str, float]) -> None:
    """lavaan's robust CFI, TLI and RMSEA under FIML (``lav_fit_fiml_corrected``, version V3 for a scaled
    test; Zhang and Savalei 2023): the model's and the baseline's normal-theory statistics recomputed on the EM
    moments at the FIML estimates, with a scaling factor built from the missing-data (``Wm`` = ``a1``, ``Jm`` =
    ``b1``) and complete-data (``Wc``) saturated informations."""
    p, n_total = model.p, model.n_total
    rows, cols = _robust.vech_indices(p)
    size = p + rows.size
    select = np.zeros((size, 2 * p))  # the independence model's parameters: means and variances
    select[np.arange(p), np.arange(p)] = 1.0
    select[p + np.flatnonzero(rows == cols), p + np.arange(p)] = 1.0
    blocks_wm, blocks_wc, blocks_wmi, blocks_gamma = [], [], [], []
    xx3 = xx3_null = 0.0
    for g, (data, part) in enumerate(zip(groups, parts, strict=True)):
        share = data.n / n_total
        wc = np.zeros((size, size))
        wc[:p, :p] = np.linalg.inv(data.cov)
        wc[p:, p:] = _robust.normal_weight(data.cov)
        wm_inv = _robust.inverse_skipping_zero_rows(part.a1)
        blocks_wm.append(share * part.a1)
        blocks_wc.append(share * wc)
        blocks_wmi.append(wm_inv / share)
        blocks_gamma.append(wm_inv @ part.b1 @ wm_inv / share)
        sigma, mu = implied[g]
        xx3 += _normal_discrepancy(sigma, mu, data.cov, data.mean, data.n)
        xx3_null += _normal_discrepancy(np.diag(part.base_var), part.base_mean, data.cov, data.mean, data.n)
    wm_all, wc_all = linalg.block_diag(*blocks_wm), linalg.block_diag(*blocks_wc)
    wmi_all, gamma_all = linalg.block_diag(*blocks_wmi), linalg.block_diag(*blocks_gamma)
    middle = wmi_all @ wc_all @ wmi_all

    def trace(delta: np.ndarray) -> float:
        wd = wm_all @ delta
        u = wm_all - wd @ np.linalg.solve(delta.T @ wd, wd.T)
        return float(np.sum((u @ middle @ u) * gamma_all.T))

    df, base_df = fit["df"], fit["baseline.df"]
    if df <= 0:
        return
    c_hat = trace(np.vstack([part.delta for part in parts])) / df
    c_null = trace(linalg.block_diag(*[select] * len(groups))) / base_df
    _robust_indices(fit, xx3, xx3_null, c_hat, c_null, n_total, len(groups))


def _normal_discrepancy(sigma: np.ndarray, mu: np.ndarray, cov: np.ndarray, mean: np.ndarray, n: int) -> float:
    """``N x (log|Sigma| - log|S| + tr(S Sigma^-1) - p + (m - mu)' Sigma^-1 (m - mu))``: the ML statistic of
    implied moments against sample (here EM) moments."""
    inv = np.linalg.inv(sigma)
    d = mean - mu
    return float(n * (np.linalg.slogdet(sigma)[1] - np.linalg.slogdet(cov)[1] + np.sum(cov * inv) - sigma.shape[0]
                      + d @ inv @ d))


def _available_case_moments(patterns: list[engine.Pattern], p: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance (divisor n) of each item over the rows that answered it: the ML estimates of the
    independence model under FIML (its likelihood factorises by item)."""
    total, square, count = np.zeros(p), np.zeros(p), np.zeros(p)
    for pat in patterns:
        total[pat.observed] += pat.data.sum(axis=0)
        count[pat.observed] += pat.n
    mean = total / count
    for pat in patterns:
        square[pat.observed] += ((pat.data - mean[pat.observed]) ** 2).sum(axis=0)
    return mean, square / count


def _scaled_fit(fit: dict[str, float], trace: float, trace_base: float, n: int, g: int, robust: bool) -> None:
    """Add lavaan's scaled (and, when ``robust``, Brosseau-Liard and Savalei's robust) test and fit indices to
    ``fit`` from ``tr(U Gamma)`` of the model and of the baseline model."""
    df, base_df = fit["df"], fit["baseline.df"]
    trace = trace if df > 0 else 0.0
    c = trace / df if df > 0 else math.nan
    c_base = trace_base / base_df
    chisq = fit["chisq"] / c if df > 0 else 0.0
    base_chisq = fit["baseline.chisq"] / c_base
    fit.update({
        "chisq.scaled": chisq, "df.scaled": df,
        "pvalue.scaled": float(special.chdtrc(df, chisq)) if df > 0 else math.nan,
        "chisq.scaling.factor": c,
        "baseline.chisq.scaled": base_chisq, "baseline.df.scaled": base_df,
        "baseline.pvalue.scaled": float(special.chdtrc(base_df, base_chisq)),
        "baseline.chisq.scaling.factor": c_base,
    })
    fit["cfi.scaled"] = _cfi(chisq, df, base_chisq, base_df)
    fit["tli.scaled"] = _tli(chisq, df, base_chisq, base_df)
    # lavaan 0.6 (lav_fit_rmsea_lavobject, Satorra-Bentler and Yuan-Bentler): the unscaled statistic on
    # df2 = tr(U Gamma) degrees of freedom; the point estimate equals the one from the scaled statistic on df
    fit["rmsea.scaled"] = _rmsea(fit["chisq"], trace, n, g) if df > 0 else 0.0
    fit["rmsea.ci.lower.scaled"], fit["rmsea.ci.upper.scaled"] = (
        _rmsea_ci(fit["chisq"], trace, n, g) if df > 0 else (0.0, 0.0))
    if not robust:  # with missing data the robust indices come from _fiml_corrected_robust
        return
    # robust CFI, TLI and RMSEA (Brosseau-Liard, Savalei and Li 2012; Brosseau-Liard and Savalei 2014), as
    # lavaan's lav_fit_cfi / lav_fit_tli / lav_fit_rmsea with c.hat: population values of the fit indices
    # estimated consistently under non-normality, unlike the "scaled" ones
    _robust_indices(fit, fit["chisq"], fit["baseline.chisq"], c, c_base, n, g)


def _robust_indices(fit: dict[str, float], chisq: float, base_chisq: float, c_hat: float, c_base: float, n: int,
                    g: int) -> None:
    """Add lavaan's robust CFI, TLI and RMSEA (with its interval) to ``fit`` from the model's and the baseline's
    normal-theory statistics and scaling factors (lav_fit_cfi / lav_fit_tli / lav_fit_rmsea with c.hat)."""
    df, base_df = fit["df"], fit["baseline.df"]
    if df <= 0:
        fit.update({"cfi.robust": 1.0, "tli.robust": 1.0, "rmsea.robust": 0.0, "rmsea.ci.lower.robust": 0.0,
                    "rmsea.ci.upper.robust": 0.0})
        return
    fit["cfi.robust"] = _cfi(chisq, df, base_chisq, base_df, c_hat, c_base)
    fit["tli.robust"] = _tli(chisq, df, base_chisq, base_df, c_hat, c_base)
    fit["rmsea.robust"] = _rmsea(chisq, df, n, g, c_hat)
    fit["rmsea.ci.lower.robust"], fit["rmsea.ci.upper.robust"] = _rmsea_ci(chisq / c_hat, df, n, g, c_hat=c_hat)


#: Fewest respondents per item (per group) for MLM/MLR: below it the fourth-moment estimates behind the scaled
#: statistics are biased (scaling factors of 0.6-0.8 on normal data at 1.3-1.7 respondents per item, about 1
#: from 3 on; and 132 with 54 respondents for 53 items), see tests/measurement/test_cfa_mlm.py.
ROBUST_MIN_PER_ITEM = 3


def _check_robust_sample(groups: list[engine.GroupData], labels: tuple[str, ...], p: int, n_free: int,
                         estimator: str, multi: bool) -> None:
    """Refuse MLM/MLR where their corrections cannot be estimated, rather than print absurd numbers."""
    n_total = sum(g.n for g in groups)
    if n_total <= n_free:
        raise SpecificationError(
            f"estimator {estimator!r} needs more respondents than free parameters: {n_total} for {n_free} (the "
            "robust standard errors would rest on a rank-deficient score matrix)",
            value=estimator, fix="use estimator='ML', fewer constructs at a time, or collect more responses")
    for data, label in zip(groups, labels, strict=True):
        if data.n < ROBUST_MIN_PER_ITEM * p:
            where = f" in group {label!r}" if multi else ""
            raise SpecificationError(
                f"estimator {estimator!r} needs at least {ROBUST_MIN_PER_ITEM} respondents per item{where}: "
                f"{data.n} for {p} items (its fourth-moment corrections are not estimable below that)",
                value=estimator, fix="use estimator='ML', fewer constructs at a time, or collect more responses")


def _check_identified(info: np.ndarray | None, table: engine.ParameterTable) -> None:
    if info is None or not np.all(np.isfinite(info)):
        return
    eigval, eigvec = np.linalg.eigh(0.5 * (info + info.T))
    if eigval[0] > 1e-9 * max(eigval[-1], 1.0):
        return
    weights = np.abs(eigvec[:, 0])
    names = table.free_names()
    involved = [names[j] for j in np.argsort(-weights) if weights[j] > 0.1][:4]
    raise SpecificationError(
        f"the model is not identified: parameters {', '.join(involved)} cannot be estimated separately",
        fix="keep a marker loading fixed to 1 (or fix the factor variance with f ~~ 1*f), give each factor "
        "at least two items (three for a one-factor model) and remove redundant covariances",
    )


def _vcov(information: np.ndarray) -> tuple[np.ndarray, bool]:
    """Covariance matrix of the estimates: 2 x inverse of the Hessian of -2 log L."""
    sym = 0.5 * (information + information.T)
    try:
        eig = np.linalg.eigvalsh(sym)
        if eig[0] <= 1e-12 * max(abs(eig[-1]), 1.0):
            return np.full_like(sym, np.nan), False
        return 2.0 * np.linalg.inv(sym), True
    except np.linalg.LinAlgError:
        return np.full_like(sym, np.nan), False


def _parameter_frame(table: engine.ParameterTable, theta: np.ndarray, se_free: np.ndarray,
                     mats: list[dict[str, np.ndarray]], implied: list[tuple[np.ndarray, np.ndarray]],
                     group_labels: tuple[str, ...]) -> pd.DataFrame:
    """lavaan's parameterEstimates(standardized = TRUE) with std.all (lav_standardize_all): loadings times
    the factor SD over the implied item SD, residual variances over the implied item variance, residual
    covariances over the residual SDs, factor covariances as correlations, intercepts and latent means
    over the item / factor SD."""
    rows = table.rows
    free_index = np.array([r.free for r in rows])
    is_free = free_index >= 0
    fixed_value = np.array([r.value for r in rows])
    est = np.where(is_free, theta[np.maximum(free_index, 0)], fixed_value)
    se = np.where(is_free, se_free[np.maximum(free_index, 0)], 0.0)
    std = np.empty(len(rows))
    with np.errstate(invalid="ignore", divide="ignore"):
        for g in range(table.n_groups):
            sigma = implied[g][0]
            psi, th = mats[g]["psi"], mats[g]["theta"]
            ov_var = np.diag(sigma)
            ov_sd = np.sqrt(np.where(ov_var > 0, ov_var, np.nan))
            lv_sd = np.sqrt(np.where(np.diag(psi) > 0, np.diag(psi), np.nan))
            rv_sd = np.sqrt(np.abs(np.diag(th)))
            for n, r in enumerate(rows):
                if r.group != g:
                    continue
                if r.matrix == "lambda":
                    std[n] = est[n] * lv_sd[r.col] / ov_sd[r.row]
                elif r.matrix == "theta":
                    std[n] = (est[n] / ov_var[r.row] if r.row == r.col
                              else est[n] / (rv_sd[r.row] * rv_sd[r.col]))
                elif r.matrix == "psi":
                    std[n] = est[n] / (lv_sd[r.row] * lv_sd[r.col])
                elif r.matrix == "nu":
                    std[n] = est[n] / ov_sd[r.row]
                else:
                    std[n] = est[n] / lv_sd[r.row]
        z = np.where(is_free, est / np.where(is_free, se, 1.0), np.nan)
    return pd.DataFrame({
        "lhs": [r.lhs for r in rows],
        "op": [r.op for r in rows],
        "rhs": [r.rhs for r in rows],
        "group": [group_labels[r.group] for r in rows],
        "label": [r.label for r in rows],
        "free": is_free,
        "free_index": free_index,
        "est": est,
        "se": se,
        "z": z,
        "pvalue": np.where(is_free, 2.0 * special.ndtr(-np.abs(z)), np.nan),
        "ci_lower": est - _Z975 * se,
        "ci_upper": est + _Z975 * se,
        "std_all": std,
    })


def _check_solution(mats: list[dict[str, np.ndarray]], table: engine.ParameterTable,
                    group_labels: tuple[str, ...], messages: list[str], multi: bool) -> None:
    """Heywood cases and non-positive-definite matrices, as lavaan's post-fit checks."""
    for g, label in enumerate(group_labels):
        where = f" in group {label!r}" if multi else ""
        th = mats[g]["theta"]
        psi = mats[g]["psi"]
        for i, item in enumerate(table.items):
            if th[i, i] < 0:
                _warn(messages, f"Heywood case{where}: the residual variance of item {item!r} is negative "
                      f"({th[i, i]:.4g})", HeywoodWarning)
        for f, factor in enumerate(table.factors):
            if psi[f, f] <= 0:
                _warn(messages, f"Heywood case{where}: the variance of factor {factor!r} is not positive "
                      f"({psi[f, f]:.4g})", HeywoodWarning)
        lam = mats[g]["lambda"]
        sigma_diag = np.einsum("if,fh,ih->i", lam, psi, lam) + np.diag(th)
        with np.errstate(invalid="ignore", divide="ignore"):
            std = lam * np.sqrt(np.diag(psi))[None, :] / np.sqrt(sigma_diag)[:, None]
        for i, f in zip(*np.nonzero(np.isfinite(std) & (np.abs(std) > 1)), strict=True):
            _warn(messages, f"Heywood case{where}: the standardized loading of {table.items[i]!r} on "
                  f"{table.factors[f]!r} is {std[i, f]:.3f} (above 1 in absolute value)", HeywoodWarning)
        if np.all(np.diag(psi) > 0) and np.linalg.eigvalsh(psi)[0] < 0:
            _warn(messages, f"the covariance matrix of the factors{where} is not positive definite (a factor "
                  "correlation beyond 1 in absolute value)", HeywoodWarning)
        if np.all(np.diag(th) >= 0) and np.linalg.eigvalsh(th)[0] < -1e-12:
            _warn(messages, f"the residual covariance matrix (theta){where} is not positive definite (a "
                  "residual correlation beyond 1 in absolute value)", HeywoodWarning)
