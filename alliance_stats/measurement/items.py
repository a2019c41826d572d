"""Item statistics of a scale: distribution, floor and ceiling effects, corrected item-total correlation.

Definitions (psych 2.2.9, the Debian reference):

- ``n``, ``mean``, ``sd`` (divisor n - 1), ``skew`` and ``kurtosis`` over each item's answers, as
  ``psych::describe`` with its default ``type = 3``: ``skew = sum((x - m)^3) / (n sd^3)`` and
  ``kurtosis = sum((x - m)^4) / (n sd^4) - 3`` (excess kurtosis; both with the n - 1 standard deviation,
  the ``b1`` and ``b2 - 3`` of Joanes & Gill 1998);
- ``floor`` and ``ceiling``: share of an item's answers at the lowest and highest point of the response
  scale: ``scale=(1, 7)`` when given, else the lowest and highest value observed over all the items (one
  item that nobody answers with 1 then still has its floor at the scale's observed minimum);
- ``r_drop`` and ``alpha_if_dropped``: psych's ``r.drop`` and ``alpha.drop$raw_alpha`` from
  :func:`~alliance_stats.measurement.reliability.cronbach_alpha` (pairwise covariances).

A floor or ceiling share above 15% is reported as a :class:`~alliance_stats.core.errors.DataQualityWarning`
(the criterion of Terwee et al. 2007, *Journal of Clinical Epidemiology*, 60, 34-42).

Reverse-keyed items (``reverse``) are reversed before everything, as in ``psych::alpha(keys=)``: with
``scale`` as ``(lo + hi) - x``, otherwise with the observed extremes over all items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliance_stats.core.errors import DataQualityWarning
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.measurement._itemdata import as_item_frame
from alliance_stats.measurement.reliability import check_scale, cronbach_alpha, reverse_key_items

__all__ = ["ItemAnalysisResult", "item_analysis", "item_analysis_table", "ITEM_COLUMNS"]

ITEM_COLUMNS = ("n", "mean", "sd", "skew", "kurtosis", "floor", "ceiling", "r_drop", "alpha_if_dropped")


@dataclass(frozen=True)
class ItemAnalysisResult(Result):
    """Result of :func:`item_analysis`.

    Attributes
    ----------
    items
        Indexed by item, columns :data:`ITEM_COLUMNS` (after reverse keying).
    scale
        The floor and ceiling values used (the declared scale, else the observed extremes).
    reverse
        The reverse-keyed items.
    warnings
        Floor or ceiling shares above 15 %, and the warnings of the underlying :func:`cronbach_alpha`.
    """

    items: pd.DataFrame
    scale: tuple[float, float]
    reverse: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``item_analysis``: one row per item (reverse-keyed items marked ``(R)``)."""
        return {"item_analysis": item_analysis_table(self, lang)}


def item_analysis(items: pd.DataFrame, *, scale: tuple[float, float] | None = None,
                  reverse: Sequence[str] = ()) -> ItemAnalysisResult:
    """Descriptive statistics and item-total statistics of each item of a scale.

    Parameters
    ----------
    items
        One column per item, one row per respondent (missing values allowed).
    scale
        ``(lowest, highest)`` point of the response scale for the floor and ceiling shares and for reverse
        keying; default: the observed minimum and maximum over all the items.
    reverse
        Items to reverse-key first.

    Returns
    -------
    ItemAnalysisResult
        ``.items`` indexed by item, columns ``n mean sd skew kurtosis floor ceiling r_drop alpha_if_dropped``
        (:data:`ITEM_COLUMNS`); ``.scale`` (the floor and ceiling values used), ``.reverse`` and ``.warnings``.

    Raises
    ------
    SpecificationError
        Fewer than two items, a text or constant item, a value outside ``scale``.

    References
    ----------
    Revelle, W. (2022). psych 2.2.9: ``describe`` (type 3) and ``alpha``.
    Joanes, D. N., & Gill, C. A. (1998). Comparing measures of sample skewness and kurtosis. *The
    Statistician*, 47(1), 183-189.
    Terwee, C. B., et al. (2007). Quality criteria were proposed for measurement properties of health status
    questionnaires. *Journal of Clinical Epidemiology*, 60, 34-42 (floor and ceiling above 15 %).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 5, 5], "b": [2, 2, 3, 5, 4, 5], "c": [1, 3, 3, 4, 4, 5]})
    >>> res = item_analysis(items, scale=(0, 6))
    >>> res.items.loc["a", ["n", "mean", "floor"]].round(2).tolist()
    [6.0, 3.33, 0.0]
    """
    frame = as_item_frame(items, min_items=2, what="item analysis")
    if scale is not None:
        scale = check_scale(frame, scale)
    reverse = tuple(str(r) for r in reverse)
    keyed = reverse_key_items(frame, reverse, scale=scale)
    alpha = cronbach_alpha(frame, reverse=reverse, ci=None, scale=scale)  # its warnings reach the caller as they are

    X = keyed.to_numpy()
    observed = ~np.isnan(X)
    n = observed.sum(axis=0).astype(float)
    mean = np.nanmean(X, axis=0)
    sd = np.nanstd(X, axis=0, ddof=1)
    deviation = np.where(observed, X - mean, 0.0)
    skew = (deviation ** 3).sum(axis=0) / (n * sd ** 3)
    kurtosis = (deviation ** 4).sum(axis=0) / (n * sd ** 4) - 3.0
    low, high = scale if scale is not None else (float(np.nanmin(X)), float(np.nanmax(X)))
    at_floor = observed & np.equal(X, low)
    at_ceiling = observed & np.equal(X, high)
    floor = at_floor.sum(axis=0) / n
    ceiling = at_ceiling.sum(axis=0) / n

    result = pd.DataFrame(
        {
            "n": n, "mean": mean, "sd": sd, "skew": skew, "kurtosis": kurtosis, "floor": floor,
            "ceiling": ceiling, "r_drop": alpha.items["r_drop"].to_numpy(),
            "alpha_if_dropped": alpha.items["alpha_if_dropped"].to_numpy(),
        },
        index=pd.Index(list(frame.columns), name="item"),
    )
    messages = list(alpha.warnings)
    for name, f, c in zip(result.index, floor, ceiling, strict=True):
        if max(f, c) > 0.15:
            warn(messages, f"item {name}: {100 * max(f, c):.0f}% of answers at the scale's "
                 f"{'floor' if f >= c else 'ceiling'} (above 15%)", DataQualityWarning)
    return ItemAnalysisResult(items=result, scale=(low, high), reverse=reverse, warnings=tuple(messages))


def item_analysis_table(result: ItemAnalysisResult, lang: str = "en") -> Table:
    """Report table of :func:`item_analysis` (reverse-keyed items marked ``(R)``).

    Parameters
    ----------
    result
        Result of :func:`item_analysis`.
    lang
        ``"en"`` or ``"fr"``.

    Returns
    -------
    Table
        Key ``item_analysis``.

    References
    ----------
    Revelle, W. (2022). psych 2.2.9, ``describe`` and ``alpha``.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 5, 5], "b": [2, 2, 3, 5, 4, 5], "c": [1, 3, 3, 4, 4, 5]})
    >>> item_analysis_table(item_analysis(items, scale=(0, 6)), "fr").frame.columns[:3].tolist()
    ['n', 'Moyenne', 'É.-T.']
    """
    check_lang(lang)
    frame = result.items
    reverse = set(result.reverse)
    names = {c: tr(f"measurement.{c}", lang) for c in ITEM_COLUMNS}
    out = frame.loc[:, list(ITEM_COLUMNS)].rename(columns=names)
    out.index = pd.Index([f"{i} (R)" if i in reverse else str(i) for i in frame.index],
                         name=tr("measurement.item", lang))
    formats = {names["n"]: "int", names["mean"]: "f2", names["sd"]: "f2", names["skew"]: "f2",
               names["kurtosis"]: "f2", names["floor"]: "pct", names["ceiling"]: "pct", names["r_drop"]: "r2",
               names["alpha_if_dropped"]: "r2"}
    low, high = result.scale
    note = tr("measurement.items_note", lang).format(low=f"{low:g}", high=f"{high:g}")
    if reverse:
        note += " " + tr("measurement.reversed_note", lang)
    return Table(key="item_analysis", title=tr("measurement.items_title", lang), frame=out, note=note,
                 formats=formats, lang=lang, show_index=True)
