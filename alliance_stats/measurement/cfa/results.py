"""The result of :func:`alliance_stats.measurement.cfa` and its report tables (fit, loadings, composite
reliability, factor correlations), titles and notes from the catalogue (``measurement.cfa.*`` keys)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.format import format_cell
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, to_jsonable
from alliance_stats.core.table import Table
from alliance_stats.measurement.syntax import MeasurementModel

__all__ = ["CFAResult", "SINGLE_GROUP"]

SINGLE_GROUP = "all"


def _t(key: str, lang: str) -> str:
    return tr(f"measurement.cfa.{key}", check_lang(lang))


@dataclass(frozen=True)
class CFAResult(Result):
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
    warnings: tuple[str, ...]
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

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """Report tables keyed by ``Table.key``: ``cfa_fit``, ``cfa_loadings``, ``cfa_reliability`` and
        ``cfa_factor_corr``."""
        check_lang(lang)
        tables = (self._fit_table(lang), self._loadings_table(lang), self._reliability_table(lang),
                  self._corr_table(lang))
        return {t.key: t for t in tables}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers; the model as its syntax, the parameter table, moments and covariance of the
        estimates in pandas' ``split`` layout."""
        out = {name: to_jsonable(getattr(self, name)) for name in self.__dataclass_fields__ if name != "model"}
        out["model"] = self.model.text
        return out

    def _fit_table(self, lang: str) -> Table:
        if self.estimator in ("WLSMV", "DWLS", "ULSMV"):  # the ordinal route (cfa/ordinal.py, cfa/wls_tables.py)
            from alliance_stats.measurement.cfa.wls_tables import ordinal_fit_table

            return ordinal_fit_table(self, lang)
        f = self.fit
        df = tr("measurement.df", lang)
        fit_frame = pd.DataFrame(
            {
                _t("n", lang): [int(f["ntotal"])],
                "χ²": [f["chisq"]],
                df: [int(f["df"])],
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
            _t("n", lang): "int", "χ²": "f2", df: "int", _t("p", lang): "p", "CFI": "r3", "TLI": "r3",
            "RMSEA": "r3", _t("ci_low", lang): "r3", _t("ci_high", lang): "r3", "SRMR": "r3", "AIC": "f1",
            "BIC": "f1",
        }
        note = _t("fit_note", lang).format(missing=_t(self.missing, lang))
        if self.estimator in ("MLM", "MLR"):
            fit_frame, extra = self._scaled_rows(fit_frame, lang)
            fit_formats[_t("estimator", lang)] = "text"
            note += extra
        return Table(key="cfa_fit", title=_t("fit_title", lang), frame=fit_frame, note=note, formats=fit_formats,
                     lang=lang, show_index=False)

    def _scaled_rows(self, fit_frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, str]:
        """The scaled (and robust) rows of the fit table under MLM/MLR, and the note's extra sentences."""
        f = self.fit
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
        note = _t(f"{self.estimator.lower()}_note", lang).format(c=format_cell(f["chisq.scaling.factor"], "f3", lang))
        if "cfi.robust" in f:
            note += _t("robust_note", lang)
        return fit_frame, note

    def _loadings_table(self, lang: str) -> Table:
        cols = (["group"] if "group" in self.loadings.columns else []) + ["factor", "item", "est", "se",
                                                                        "std_est", "pvalue"]
        names = {"group": _t("group", lang), "factor": _t("factor", lang), "item": _t("item", lang),
                 "est": _t("estimate", lang), "se": _t("se", lang), "std_est": _t("std", lang),
                 "pvalue": _t("p", lang)}
        lo = self.loadings[cols].copy()
        lo.loc[self.loadings["fixed"].to_numpy(), "se"] = np.nan
        lo = lo.rename(columns=names)
        return Table(
            key="cfa_loadings", title=_t("loadings_title", lang), frame=lo.reset_index(drop=True),
            note=_t("loadings_note", lang),
            formats={names["group"]: "text", names["factor"]: "text", names["item"]: "text",
                     names["est"]: "f3", names["se"]: "f3", names["std_est"]: "r3", names["pvalue"]: "p"},
            lang=lang, show_index=False,
        )

    def _reliability_table(self, lang: str) -> Table:
        rel = self.reliability.copy()
        rel["sqrt_ave"] = np.sqrt(rel["ave"])
        rel = rel.rename(columns={"omega": _t("omega", lang), "ave": _t("ave", lang),
                                  "sqrt_ave": _t("sqrt_ave", lang)})
        rel.index.names = [_t("group", lang), _t("factor", lang)] if rel.index.nlevels == 2 else [
            _t("factor", lang)]
        return Table(
            key="cfa_reliability", title=_t("reliability_title", lang), frame=rel,
            note=_t("reliability_note", lang) + (" " + tr("measurement.ordinal_cfa.reliability_note", lang)
                                                 if self.estimator in ("WLSMV", "DWLS", "ULSMV") else ""),
            formats={c: "r3" for c in rel.columns}, lang=lang,
        )

    def _corr_table(self, lang: str) -> Table:
        corr = self.factor_corr.copy()
        return Table(
            key="cfa_factor_corr", title=_t("corr_title", lang), frame=corr, note=_t("corr_note", lang),
            formats={c: "r2" for c in corr.columns}, lang=lang,
        )
