"""Nesting of respondents in dyads: each item's ICC(1) and design effect, and a dyad-cluster-robust CFA.

The two leaders of an alliance answer about the same alliance, so their answers are not independent: a CFA that
treats the respondents as independent understates its standard errors and misstates its test. Two checks:

- per item, Bliese's ICC(1) within dyads (:func:`alliance_stats.data.agreement.icc_bliese`) and Kish's design
  effect ``DEFF = 1 + (m - 1) ICC(1)``, ``m`` the mean number of respondents per dyad: the factor by which the
  variance of a mean is inflated by the nesting (Muthén and Satorra 1995);
- the CFA refitted with lavaan's ``cluster = "dyad_id"`` (MLR: cluster-robust standard errors, Yuan-Bentler test
  with scores summed within dyads; :func:`alliance_stats.measurement.cfa`, equal to lavaan 0.6-14) and compared
  with the same CFA ignoring the dyads: chi-square scaling factor, robust CFI and RMSEA, standard errors of the
  loadings.

Verdict rule: the nesting changes the conclusions about the measurement model when the fit verdict (robust CFI
>= .95 and robust RMSEA <= .06, Hu and Bentler 1999) differs between the two fits, or when a loading significant
at .05 without the cluster correction is not significant with it. DEFF > 2, Muthén and Satorra's threshold for
a multilevel model, cannot be reached with dyads (m <= 2), so it is not used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.i18n import tr
from alliance_stats.core.results import Result
from alliance_stats.core.table import Table
from alliance_stats.data.agreement import icc_bliese
from alliance_stats.measurement.cfa import CFAResult, cfa
from alliance_stats.measurement.syntax import parse_model

__all__ = ["NestingResult", "nesting"]

_FIT_KEYS = ("chisq", "df", "chisq.scaled", "chisq.scaling.factor", "pvalue.scaled", "cfi.robust", "tli.robust",
             "rmsea.robust", "srmr")


@dataclass(frozen=True)
class NestingResult(Result):
    """Item ICC(1) and design effects, and the CFA with and without dyad-cluster-robust inference.

    Attributes
    ----------
    items
        Per item: ``icc1``, ``design_effect``, ``n`` (respondents answering it).
    mean_cluster_size, n_clusters
        ``m`` of the design effect and the number of dyads.
    fit_naive, fit_cluster
        Fit measures of the CFA ignoring the dyads and with ``cluster =`` (``None`` if it could not be fitted).
    se_ratio
        Per free loading, cluster-robust SE / naive SE.
    lost_significance
        Loadings significant at .05 without the correction and not with it.
    verdict_changed
        True when the fit verdict or a loading's significance changes (see the module docstring).
    """

    items: pd.DataFrame
    mean_cluster_size: float
    n_clusters: int
    fit_naive: dict[str, float] | None
    fit_cluster: dict[str, float] | None
    se_ratio: pd.Series
    lost_significance: tuple[str, ...]
    verdict_changed: bool | None
    estimator: str = "MLR"
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``nesting_items`` (ICC(1) and design effect per item) and ``nesting_cfa`` (the two fits)."""
        return _tables(self, lang)


def nesting(data: pd.DataFrame, model: str, cluster: str = "dyad_id", *, estimator: str = "MLR",
            reference: CFAResult | None = None) -> NestingResult:
    """ICC(1) and design effect of each item within clusters, and the CFA with cluster-robust inference.

    Parameters
    ----------
    data
        One row per respondent: the model's items and the cluster column.
    model
        The measurement model in lavaan syntax.
    cluster
        The cluster column (the dyad of each respondent).
    estimator
        ``"MLR"`` (default) or ``"ML"``: lavaan's ``cfa(..., cluster =, estimator =)``.
    reference
        The CFA ignoring the clusters, when already fitted with the same ``estimator`` (else it is fitted here).

    Returns
    -------
    NestingResult

    Raises
    ------
    SpecificationError
        The cluster column is missing.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J. Klein & S. W. J.
    Kozlowski (Eds.), *Multilevel theory, research, and methods in organizations* (pp. 349-381). Jossey-Bass.
    Muthén, B. O., & Satorra, A. (1995). Complex sample data in structural equation modeling. *Sociological
    Methodology*, 25, 267-316.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> dyad = np.repeat(np.arange(150), 2)
    >>> f = rng.normal(size=150)[dyad] * 0.7 + rng.normal(size=300) * 0.7
    >>> data = pd.DataFrame({f"x{i}": f + rng.normal(scale=0.6, size=300) for i in range(1, 5)}).assign(d=dyad)
    >>> res = nesting(data, "F =~ x1 + x2 + x3 + x4", cluster="d")
    >>> bool(res.items["icc1"].between(0.2, 0.6).all()), res.n_clusters
    (True, 150)
    """
    if cluster not in data.columns:
        raise SpecificationError(f"cluster column {cluster!r} is not in the data", column=cluster,
                                 fix="name the column of the dyad identifiers (dyad_id)")
    items = list(parse_model(model).items)
    block = data[items].apply(pd.to_numeric, errors="coerce").astype(float)
    groups = data[cluster]
    rows = []
    sizes = groups.dropna().value_counts()
    m = float(sizes.mean())
    for item in items:
        icc1, _ = icc_bliese(block[item].to_numpy(), groups.to_numpy())
        rows.append({"item": item, "icc1": icc1, "design_effect": 1 + (m - 1) * icc1,
                     "n": int(block[item].notna().sum())})
    frame = pd.DataFrame(rows).set_index("item")
    missing = "fiml" if block.isna().any().any() else "listwise"
    messages: list[str] = []
    naive = reference if reference is not None else _attempt(messages, "CFA without the dyads", data, model,
                                                             estimator=estimator, missing=missing)
    clustered = _attempt(messages, "dyad-cluster-robust CFA", data, model, estimator=estimator, missing=missing,
                         cluster=cluster)
    ratio, lost, changed = _compare(naive, clustered)
    return NestingResult(
        items=frame, mean_cluster_size=m, n_clusters=int(sizes.size), fit_naive=_fit(naive),
        fit_cluster=_fit(clustered), se_ratio=ratio, lost_significance=lost, verdict_changed=changed,
        estimator=estimator.upper(), warnings=tuple(messages))


def _attempt(messages: list[str], what: str, data: pd.DataFrame, model: str, **options: Any) -> CFAResult | None:
    from alliance_stats.core.results import warn

    try:
        return cfa(data, model, **options)
    except SpecificationError as exc:
        warn(messages, f"{what} not computed: {exc.message}")
        return None


def _fit(res: CFAResult | None) -> dict[str, float] | None:
    if res is None:
        return None
    return {key: float(res.fit.get(key, math.nan)) for key in _FIT_KEYS}


def _fit_ok(fit: dict[str, float]) -> bool:
    cfi, rmsea = fit.get("cfi.robust", fit["cfi"]), fit.get("rmsea.robust", fit["rmsea"])
    return bool(cfi >= 0.95 and rmsea <= 0.06)


def _compare(naive: CFAResult | None, clustered: CFAResult | None) -> tuple[pd.Series, tuple[str, ...], bool | None]:
    if naive is None or clustered is None:
        return pd.Series(dtype=float), (), None
    key = ["factor", "item"]
    a = naive.loadings[~naive.loadings["fixed"]].set_index(key)
    b = clustered.loadings[~clustered.loadings["fixed"]].set_index(key)
    ratio = (b["se"] / a["se"]).rename("se_ratio")
    ratio.index = [f"{f} =~ {i}" for f, i in ratio.index]
    p_naive, p_cluster = a["pvalue"].to_numpy(), b["pvalue"].reindex(a.index).to_numpy()  # (the same loadings)
    lost = tuple(f"{f} =~ {i}" for (f, i), naive_p, cluster_p in zip(a.index, p_naive, p_cluster, strict=True)
                 if naive_p < 0.05 <= cluster_p)
    changed = _fit_ok(naive.fit) != _fit_ok(clustered.fit) or bool(lost)
    return ratio, lost, changed


def _tables(res: NestingResult, lang: str) -> dict[str, Table]:
    items = res.items.rename(columns={"icc1": "ICC(1)", "design_effect": tr("checks.nesting.deff", lang)})
    items.index.name = tr("measurement.item", lang)
    deff = res.items["design_effect"]
    note = tr("checks.nesting.items_note", lang).format(
        m=_f(res.mean_cluster_size, "f2", lang), k=res.n_clusters, low=_f(deff.min(), "f2", lang),
        high=_f(deff.max(), "f2", lang))
    tables = {"nesting_items": Table("nesting_items", tr("checks.nesting.items_title", lang), items, note,
                                     {"ICC(1)": "r3", items.columns[1]: "f2", "n": "int"}, lang)}
    fits = {tr("checks.nesting.naive", lang): res.fit_naive or dict.fromkeys(_FIT_KEYS, math.nan),
            tr("checks.nesting.clustered", lang): res.fit_cluster or dict.fromkeys(_FIT_KEYS, math.nan)}
    frame = pd.DataFrame(fits).T[list(_FIT_KEYS)]
    frame.columns = ["χ²", tr("checks.df", lang), tr("checks.nesting.chisq_scaled", lang),
                     tr("checks.nesting.scaling", lang), "p", tr("checks.nesting.cfi_robust", lang),
                     tr("checks.nesting.tli_robust", lang), tr("checks.nesting.rmsea_robust", lang), "SRMR"]
    mean_ratio = float(np.nanmean(res.se_ratio)) if len(res.se_ratio) else math.nan
    frame[tr("checks.nesting.se_ratio", lang)] = [1.0, mean_ratio]
    frame.index.name = tr("checks.model", lang)
    if res.verdict_changed is None:
        verdict = tr("checks.nesting.verdict_none", lang)
    else:
        verdict = tr("checks.nesting.verdict_changed" if res.verdict_changed else "checks.nesting.verdict_same",
                     lang).format(lost=", ".join(res.lost_significance) or "-")
    formats = dict.fromkeys(frame.columns, "r3")
    formats.update({"χ²": "f2", frame.columns[1]: "int", frame.columns[2]: "f2", frame.columns[3]: "f3", "p": "p",
                    frame.columns[-1]: "f2"})
    tables["nesting_cfa"] = Table("nesting_cfa", tr("checks.nesting.cfa_title", lang), frame,
                                  tr("checks.nesting.cfa_note", lang).format(estimator=res.estimator) + " " + verdict,
                                  formats, lang)
    return tables


def _f(value: float, spec: str, lang: str) -> str:
    from alliance_stats.core.i18n import fmt_number

    return fmt_number(value, spec, lang)
