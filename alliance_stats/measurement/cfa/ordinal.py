"""The ordinal route of :func:`alliance_stats.measurement.cfa`: answers -> polychoric statistics -> WLSMV/DWLS/ULSMV.

:func:`ordinal_cfa` checks the data (whole-number codes, at least two categories per item, no category empty in a
group), computes thresholds, polychoric correlations and lavaan's NACOV with
:func:`alliance_stats.measurement.ordinal.polychoric`, fits the model with
:func:`alliance_stats.measurement.cfa.wls.wls_cfa` and returns a :class:`CFAResult` whose ``fit`` carries the
``fitMeasures`` names of lavaan 0.6-14 for ``cfa(model, data, ordered = TRUE, estimator = ...)``. Reliability on
this route: Green and Yang's categorical omega (``semTools::compRelSEM(fit, ord.scale = TRUE)``) and the AVE of
the latent responses. Its report fit table is :func:`alliance_stats.measurement.cfa.wls_tables.ordinal_fit_table`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import (
    AnalysisWarning,
    ConvergenceWarning,
    DataQualityWarning,
    HeywoodWarning,
    SpecificationError,
)
from alliance_stats.core.results import warn
from alliance_stats.measurement.cfa.results import SINGLE_GROUP, CFAResult
from alliance_stats.measurement.cfa.wls import ORDINAL_ESTIMATORS, WLSFit, wls_cfa
from alliance_stats.measurement.composite import composite_reliability
from alliance_stats.measurement.syntax import MeasurementModel, parse_model

__all__ = ["check_categories", "ordinal_cfa"]


def _check_codes(data: pd.DataFrame, item: str) -> np.ndarray:
    """The item's observed categories; raises when a code is not a whole number or fewer than two are seen."""
    column = pd.to_numeric(data[item], errors="coerce")
    text = (data[item].notna() & column.isna()).to_numpy()
    values = column.to_numpy(dtype=float)
    bad = ~np.isnan(values) & ((values != np.round(values)) | ~np.isfinite(values))
    if text.any() or bad.any():
        row = int(np.flatnonzero(text | bad)[0])
        raise SpecificationError(
            f"item {item!r} has a code that is not a whole number: an ordinal item needs integer categories",
            row=row + 1, column=item, value=data[item].iloc[row],
            fix="score the answers as whole numbers (1, 2, ...), or treat the item as continuous (estimator ML)")
    categories = np.unique(values[~np.isnan(values)])
    if categories.size < 2:
        raise SpecificationError(
            f"item {item!r} has {categories.size} observed categor{'y' if categories.size == 1 else 'ies'}: "
            "an ordinal item needs at least two", column=item,
            value=int(categories[0]) if categories.size else None, fix="drop the item from the model")
    return categories


def check_categories(data: pd.DataFrame, items: Sequence[str], group: str | None = None) -> None:
    """Raise a :class:`SpecificationError` naming the item (and the group and category) when an item's codes are
    not whole numbers, when it has a single observed category, or when a category observed in the whole sample is
    empty in one group (lavaan then stops with an obscure message: equal thresholds across groups need every
    category in every group).

    Parameters
    ----------
    data
        The answers (integer codes, NaN for missing).
    items
        The ordinal items to check.
    group
        Optional grouping column.

    Returns
    -------
    None

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1, 2, 3, 1, 2, 3], "LANG": ["fr"] * 3 + ["en"] * 3})
    >>> check_categories(d, ["a"], "LANG")
    >>> d.loc[5, "a"] = 2
    >>> try:
    ...     check_categories(d, ["a"], "LANG")
    ... except Exception as exc:
    ...     print(exc)
    column a, value 3: item 'a': category 3 is empty in group 'en' (observed in the other groups).
    Fix: merge this category with its neighbour in every group (recode it), or drop the item from the multi-group model.
    """
    for item in items:
        categories = _check_codes(data, item)
        if group is None:
            continue
        column = pd.to_numeric(data[item], errors="coerce")
        for label, block in column.groupby(data[group], sort=False):
            seen = set(block.dropna().to_numpy().tolist())
            empty = [c for c in categories if c not in seen]
            if empty:
                code = int(empty[0])
                raise SpecificationError(
                    f"item {item!r}: category {code} is empty in group {label!r} (observed in the other groups)",
                    column=item, value=code,
                    fix="merge this category with its neighbour in every group (recode it), or drop the item "
                        "from the multi-group model")


def _usable_rows(data: pd.DataFrame, parsed: MeasurementModel, ordered: Any, missing: str,
                 messages: list[str]) -> tuple[pd.DataFrame, int]:
    items = list(parsed.items)
    if ordered not in (None, True):
        listed = [str(x) for x in (ordered or [])]
        continuous = [i for i in items if i not in listed]
        if continuous:
            raise SpecificationError(
                f"item {continuous[0]!r} is not in ordered: the ordinal estimators need every item ordered",
                column=continuous[0], line=parsed.line_of(continuous[0]),
                fix="pass ordered=True, or list every item of the model")
    block = data[items]
    check_categories(block, items)
    answered = block.notna()
    keep = (answered.all(axis=1) if missing == "listwise" else answered.any(axis=1)).to_numpy()
    n_dropped = int((~keep).sum())
    if n_dropped:
        why = ("with a missing answer (listwise deletion; missing='pairwise' keeps them)" if missing == "listwise"
               else "with every item missing")
        warn(messages, f"{n_dropped} of {len(block)} row(s) {why} were dropped", DataQualityWarning)
    block = block[keep]
    if n_dropped:
        check_categories(block, items)
    return block, n_dropped


def ordinal_cfa(data: pd.DataFrame, model: str | MeasurementModel, *, estimator: str = "WLSMV",
                ordered: bool | Sequence[str] | None = True, missing: str = "listwise",
                allow_cross_loadings: bool = False) -> CFAResult:
    """Ordinal CFA from the answers (see :func:`alliance_stats.measurement.cfa`, which routes here).

    Parameters
    ----------
    data
        One row per respondent; the model's items hold integer codes.
    model
        lavaan measurement syntax or a parsed model.
    estimator
        ``"WLSMV"``, ``"DWLS"`` or ``"ULSMV"``.
    ordered
        ``True``/``None`` (every item of the model is ordinal) or the list of the model's items (all of them).
    missing
        ``"listwise"`` (lavaan's default) or ``"pairwise"`` (lavaan's ``missing = "pairwise"``).
    allow_cross_loadings
        Accept an item on two factors.

    Returns
    -------
    CFAResult
        ``estimator`` and ``missing`` as given; ``params`` with the thresholds (``op == "|"``) and the derived
        residual variances; ``sample``/``implied`` hold the polychoric and implied correlation matrices.

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
    Software*, 48(2), 1-36 (lavaan 0.6-14).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.read_csv("tests/fixtures/ordinal_cfa/simulated_skewed.csv")
    >>> res = ordinal_cfa(d, "F1 =~ y1 + y2 + y3 + y4\\nF2 =~ y5 + y6 + y7 + y8")
    >>> round(res.fit["chisq.scaled"], 3), int(res.fit["df"])
    (12.721, 19)
    """
    from alliance_stats.measurement.ordinal import polychoric

    estimator = str(estimator).upper()
    if estimator not in ORDINAL_ESTIMATORS:
        raise SpecificationError(f"estimator {estimator!r} is not an ordinal estimator", value=estimator,
                                 fix=f"use one of {', '.join(ORDINAL_ESTIMATORS)}")
    missing_key = {"listwise": "listwise", "pairwise": "pairwise"}.get(str(missing).lower())
    if missing_key is None:
        raise SpecificationError(
            f"missing={missing!r} is not available with estimator {estimator!r}", value=missing,
            fix="use missing='pairwise' (every answer is used, as lavaan's missing = \"pairwise\") or 'listwise'")
    parsed = model if isinstance(model, MeasurementModel) else parse_model(
        model, allow_cross_loadings=allow_cross_loadings)
    parsed.check_columns(data.columns)
    messages: list[str] = []
    block, n_dropped = _usable_rows(data, parsed, ordered, missing_key, messages)
    poly = polychoric(block, missing=missing_key)
    for message in poly.warnings:
        warn(messages, message, DataQualityWarning)
    fitted = wls_cfa(parsed, poly.thresholds, poly.correlation, poly.gamma, poly.n_obs, estimator)
    if not fitted.converged:
        warn(messages, f"the ordinal CFA did not converge after {fitted.iterations} iterations; results are not "
             "trustworthy", ConvergenceWarning)
    if fitted.fit["df"] == 0:
        warn(messages, "the model is just-identified (df = 0): it reproduces the polychoric correlations exactly "
             "and its fit cannot be tested", AnalysisWarning)
    _heywood(fitted, parsed, messages)
    return _result(parsed, fitted, poly, messages, (estimator, missing_key, n_dropped))


def _heywood(fitted: WLSFit, model: MeasurementModel, messages: list[str]) -> None:
    theta = 1.0 - np.diag(fitted.lam @ fitted.psi @ fitted.lam.T)
    for i, item in enumerate(model.items):
        if theta[i] < 0:
            warn(messages, f"Heywood case: the residual variance of item {item!r} is negative ({theta[i]:.4g}): "
                 "its standardized loading is above 1", HeywoodWarning)
    if np.all(np.diag(fitted.psi) > 0) and np.linalg.eigvalsh(fitted.psi)[0] < 0:
        warn(messages, "the covariance matrix of the factors is not positive definite (a factor correlation "
             "beyond 1 in absolute value)", HeywoodWarning)


def _reliability(model: MeasurementModel, fitted: WLSFit, loadings: pd.DataFrame, thresholds: pd.Series,
                 corr: pd.DataFrame) -> pd.DataFrame:
    """Categorical omega (Green and Yang 2009) per factor and the AVE of the latent responses."""
    from alliance_stats.measurement.ordinal import categorical_omega

    factors = list(model.factors)
    reliability = composite_reliability(fitted.lam, fitted.psi, corr.to_numpy(), model.items, factors)
    omegas = []
    for factor in factors:
        own = loadings[loadings["factor"] == factor]
        shared = any((loadings["item"] == i).sum() > 1 for i in own["item"])
        omegas.append(np.nan if len(own) < 2 or shared else
                      categorical_omega(own.set_index("item")["std_est"], thresholds, corr))
    return reliability.assign(omega=omegas)


def _result(model: MeasurementModel, fitted: WLSFit, poly: Any, messages: list[str],
            how: tuple[str, str, int]) -> CFAResult:
    estimator, missing, n_dropped = how
    params = fitted.params.assign(group=SINGLE_GROUP, label="")[
        ["lhs", "op", "rhs", "group", "label", "free", "est", "se", "z", "pvalue", "ci_lower", "ci_upper",
         "std_all"]]
    loadings = params[params["op"] == "=~"].rename(columns={"lhs": "factor", "rhs": "item", "std_all": "std_est"})
    loadings = loadings.assign(fixed=loadings["free"] == 0)[
        ["factor", "item", "est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_est", "fixed"]
    ].reset_index(drop=True)
    factors = list(model.factors)
    sd = np.sqrt(np.where(np.diag(fitted.psi) > 0, np.diag(fitted.psi), np.nan))
    factor_corr = pd.DataFrame(fitted.psi / np.outer(sd, sd), index=pd.Index(factors, name="factor"),
                               columns=factors)
    items = list(model.items)
    corr = poly.correlation.loc[items, items]
    th = poly.thresholds
    return CFAResult(
        model=model, fit=fitted.fit, loadings=loadings, factor_corr=factor_corr,
        reliability=_reliability(model, fitted, loadings, th, corr), params=params.reset_index(drop=True),
        warnings=tuple(messages), groups=(SINGLE_GROUP,), n_obs={SINGLE_GROUP: int(poly.n_obs)},
        n_dropped=n_dropped, converged=fitted.converged, iterations=fitted.iterations, estimator=estimator,
        missing=missing,
        implied={SINGLE_GROUP: {"cov": pd.DataFrame(fitted.implied, index=items, columns=items),
                                "mean": pd.Series(0.0, index=items), "thresholds": th.copy()}},
        sample={SINGLE_GROUP: {"cov": corr.copy(), "mean": pd.Series(0.0, index=items), "thresholds": th.copy()}},
        vcov=fitted.vcov,
    )

