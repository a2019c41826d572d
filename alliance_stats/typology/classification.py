"""Theory-driven (crisp) classification of dyads into the four configurations, and configuration counts.

The paper's typology (Jaouen, Figure 2) crosses two dimensions: the *link* (social, high score, versus
economic, low score) and the *interest* (symmetric, high score on perceived symmetry, versus asymmetric).

==================  ==================  ==================
\\                  economic link       social link
==================  ==================  ==================
symmetric interest  ``survie``          ``entraide``
asymmetric          ``contre_nature``   ``parrainage``
==================  ==================  ==================

The crisp rule (:func:`classify`)
---------------------------------
- A dyad's link is **social when ``link >= cut``** and economic when ``link < cut``: a score exactly at the
  cut counts as high (social). The same holds for perceived symmetry: **symmetric when ``symmetry >= cut``**.
- ``cut="midpoint"`` is the scale midpoint ``(min + max) / 2`` (4 on the 1-7 scale); ``cut="median"`` is the
  sample median of each dimension (computed on the dyads given, missing values ignored); a number is used
  as is for both dimensions.
- ``asymmetry`` says which measure decides the interest dimension:

  * ``"perceived"`` (default): perceived symmetry (SYM, dyad mean), symmetric when ``symmetry >= cut``;
  * ``"dep_asymmetry"``: the behavioural measure ``dep_asymmetry = |DEP_a - DEP_b|`` (0 = both partners
    equally dependent), symmetric when ``dep_asymmetry <= dep_cut`` (a gap exactly at ``dep_cut`` counts
    as symmetric). ``dep_cut`` defaults to one scale point (1.0), or to the sample median of
    ``dep_asymmetry`` when ``cut="median"``;
  * ``"both"``: symmetric only when both measures say symmetric (``symmetry >= cut`` **and**
    ``dep_asymmetry <= dep_cut``); asymmetric as soon as either says asymmetric.

- A dyad with a missing score on a dimension the rule needs gets no configuration (missing value); a
  :class:`~alliance_stats.core.errors.DataQualityWarning` says how many.

Reference: Jaouen (2006), Figure 2 (the 2 x 2 typology); the cut and tie rule are this project's choice,
stated in the analysis plan (``typology.cut``, ``typology.asymmetry``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from alliance_stats.core.errors import DataQualityWarning, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.core.typology import CONFIGURATIONS, QUADRANTS, scale_midpoint

__all__ = [
    "classify",
    "resolve_cuts",
    "configuration_of",
    "typology_counts",
    "TypologyCounts",
    "dyad_frame",
    "ASYMMETRY_MEASURES",
]

ASYMMETRY_MEASURES: tuple[str, ...] = ("perceived", "dep_asymmetry", "both")
DEFAULT_DEP_CUT = 1.0  # one scale point of |DEP_a - DEP_b|

Cut = Literal["midpoint", "median"] | float


def dyad_frame(dyads: Any) -> pd.DataFrame:
    """The dyad table of ``dyads``: a DataFrame, or an object with a ``.table`` DataFrame (``Dyads``)."""
    frame = getattr(dyads, "table", dyads)
    if not isinstance(frame, pd.DataFrame):
        raise SpecificationError(
            f"expected a DataFrame of dyad scores (or a Dyads object), got {type(dyads).__name__}",
            fix="pass build_dyads(...).table or a DataFrame with one row per dyad",
        )
    return frame


def _numeric_column(frame: pd.DataFrame, column: str, role: str) -> pd.Series:
    if column not in frame.columns:
        raise SpecificationError(
            f"the {role} column {column!r} is not in the dyad table",
            column=column,
            fix=f"pass the name of the {role} column (available: {', '.join(map(str, frame.columns[:12]))})",
        )
    values = frame[column]
    if not (pd.api.types.is_numeric_dtype(values) or values.isna().all()):
        bad = values[pd.to_numeric(values, errors="coerce").isna() & values.notna()]
        raise SpecificationError(
            f"the {role} column {column!r} is not numeric",
            column=column,
            row=int(frame.index.get_loc(bad.index[0])) + 1 if len(bad) else None,
            value=bad.iloc[0] if len(bad) else None,
            fix="score the dyads first (score_responses, build_dyads) or recode the column as numbers",
        )
    return values.astype(float)


def _check_range(values: pd.Series, column: str, low: float, high: float, what: str) -> None:
    finite = values.dropna()
    outside = finite[(finite < low - 1e-9) | (finite > high + 1e-9) | ~np.isfinite(finite)]
    if len(outside):
        position = int(values.index.get_loc(outside.index[0])) + 1
        raise SpecificationError(
            f"{column} has {len(outside)} value(s) outside {what} [{low:g}, {high:g}]",
            column=column,
            row=position,
            value=float(outside.iloc[0]),
            fix="pass scale=(min, max) matching the response scale, or check the scores",
        )


def _check_scale(scale: Sequence[float]) -> tuple[float, float]:
    if len(scale) != 2 or not float(scale[0]) < float(scale[1]):
        raise SpecificationError(
            f"scale must be (min, max) with min < max, got {tuple(scale)!r}", fix="pass scale=(1, 7)"
        )
    return float(scale[0]), float(scale[1])


def _resolve_one(cut: Cut, values: pd.Series, low: float, high: float, column: str) -> float:
    if isinstance(cut, str):
        if cut == "midpoint":
            return scale_midpoint(low, high)
        if cut == "median":
            if values.notna().sum() == 0:
                raise SpecificationError(f"cannot take the median of {column}: no score", column=column,
                                         fix='score the dyads first, or use cut="midpoint" or a number')
            return float(values.median())
        raise SpecificationError(
            f"unknown cut {cut!r}", value=cut, fix='use "midpoint", "median" or a number on the scale'
        )
    value = float(cut)
    if not low <= value <= high:
        raise SpecificationError(
            f"the cut {value:g} lies outside the scale [{low:g}, {high:g}]",
            value=value,
            fix="choose a cut inside the response scale",
        )
    return value


def resolve_cuts(
    dyads: Any,
    *,
    link: str = "link",
    symmetry: str = "symmetry",
    cut: Cut = "midpoint",
    scale: tuple[float, float] = (1, 7),
    asymmetry: str = "perceived",
    dep_asymmetry: str = "dep_asymmetry",
    dep_cut: float | Literal["median"] | None = None,
) -> dict[str, float]:
    """The numeric cuts :func:`classify` uses on these dyads.

    Parameters
    ----------
    dyads
        One row per dyad (DataFrame or ``Dyads``).
    link, symmetry, dep_asymmetry
        Column names of the two dimensions and of the dependence gap.
    cut, scale, asymmetry, dep_cut
        The crisp rule's options, as in :func:`classify`.

    Returns
    -------
    dict
        ``{"link": ..., "symmetry": ...}`` (perceived), ``{"link": ..., "dep_asymmetry": ...}`` or all three
        (``asymmetry="both"``), keyed by the role (not the column name).

    References
    ----------
    Jaouen, A. (2006), Figure 2 (the 2 x 2 typology of alliances between very small firms: link x interest);
    the cut and the tie rule are this project's choice, stated in the analysis plan.

    Examples
    --------
    >>> import pandas as pd
    >>> resolve_cuts(pd.DataFrame({"link": [2.0, 6.0], "symmetry": [3.0, 5.0]}))
    {'link': 4.0, 'symmetry': 4.0}
    """
    frame = dyad_frame(dyads)
    low, high = _check_scale(scale)
    if asymmetry not in ASYMMETRY_MEASURES:
        raise SpecificationError(
            f"unknown asymmetry measure {asymmetry!r}", value=asymmetry,
            fix=f"use one of {', '.join(ASYMMETRY_MEASURES)}",
        )
    cuts = {"link": _resolve_one(cut, _numeric_column(frame, link, "link"), low, high, link)}
    if asymmetry in ("perceived", "both"):
        cuts["symmetry"] = _resolve_one(cut, _numeric_column(frame, symmetry, "symmetry"), low, high, symmetry)
    if asymmetry in ("dep_asymmetry", "both"):
        values = _numeric_column(frame, dep_asymmetry, "dependence asymmetry")
        chosen = dep_cut if dep_cut is not None else ("median" if cut == "median" else DEFAULT_DEP_CUT)
        cuts["dep_asymmetry"] = _resolve_one(chosen, values, 0.0, high - low, dep_asymmetry)
    return cuts


def configuration_of(social: np.ndarray, symmetric: np.ndarray) -> np.ndarray:
    """Configuration ids from two boolean arrays (vectorised quadrant rule).

    Parameters
    ----------
    social, symmetric
        Booleans: social link (else economic), symmetric interest (else asymmetric).

    Returns
    -------
    numpy.ndarray
        Object array of configuration ids.

    References
    ----------
    Jaouen, A. (2006), Figure 2 (the 2 x 2 typology of alliances between very small firms: link x interest);
    the cut and the tie rule are this project's choice, stated in the analysis plan.

    Examples
    --------
    >>> configuration_of(np.array([True, True, False, False]), np.array([True, False, True, False])).tolist()
    ['entraide', 'parrainage', 'survie', 'contre_nature']
    """
    social = np.asarray(social, dtype=bool)
    symmetric = np.asarray(symmetric, dtype=bool)
    return np.where(
        social,
        np.where(symmetric, QUADRANTS[(True, True)], QUADRANTS[(True, False)]),
        np.where(symmetric, QUADRANTS[(False, True)], QUADRANTS[(False, False)]),
    ).astype(object)


def _classify_with_cuts(
    frame: pd.DataFrame,
    cuts: dict[str, float],
    link: str,
    symmetry: str,
    dep_asymmetry: str,
) -> tuple[np.ndarray, np.ndarray]:
    """(configurations as object array with None for missing, mask of complete rows)."""
    link_values = frame[link].to_numpy(dtype=float)
    complete = ~np.isnan(link_values)
    symmetric = np.ones(len(frame), dtype=bool)
    if "symmetry" in cuts:
        sym_values = frame[symmetry].to_numpy(dtype=float)
        complete &= ~np.isnan(sym_values)
        symmetric &= sym_values >= cuts["symmetry"]
    if "dep_asymmetry" in cuts:
        dep_values = frame[dep_asymmetry].to_numpy(dtype=float)
        complete &= ~np.isnan(dep_values)
        symmetric &= dep_values <= cuts["dep_asymmetry"]
    social = link_values >= cuts["link"]
    labels = configuration_of(social, symmetric)
    labels[~complete] = None
    return labels, complete


def classify(
    dyads: Any,
    *,
    link: str = "link",
    symmetry: str = "symmetry",
    cut: Cut = "midpoint",
    scale: tuple[float, float] = (1, 7),
    asymmetry: Literal["perceived", "dep_asymmetry", "both"] = "perceived",
    dep_asymmetry: str = "dep_asymmetry",
    dep_cut: float | Literal["median"] | None = None,
) -> pd.Series:
    """Crisp configuration of each dyad (quadrant rule; see the module docstring for the exact rule).

    Parameters
    ----------
    dyads
        One row per dyad (``build_dyads(...).table`` or any DataFrame, or the ``Dyads`` object itself).
    link, symmetry
        Columns of the two dimensions (dyad means of LINK and SYM).
    cut
        ``"midpoint"`` (scale midpoint, 4 on 1-7), ``"median"`` (sample median of each dimension) or a number.
        **A score exactly at the cut counts as high** (social link, symmetric interest).
    scale
        Response scale ``(min, max)`` of link and symmetry; scores outside it raise a SpecificationError.
    asymmetry
        ``"perceived"`` (SYM), ``"dep_asymmetry"`` (``|DEP_a - DEP_b| <= dep_cut`` is symmetric) or ``"both"``
        (symmetric only when both measures say so).
    dep_asymmetry
        Column of the dependence gap ``|DEP_a - DEP_b|`` (0 to max - min).
    dep_cut
        Largest dependence gap still called symmetric; default 1.0 scale point (``"median"`` when
        ``cut="median"``).

    Returns
    -------
    pandas.Series
        Categorical with categories ``CONFIGURATIONS`` (``entraide``, ``parrainage``, ``survie``,
        ``contre_nature``), same index as the dyads, name ``configuration``; missing where a needed score is
        missing. ``series.attrs["cuts"]`` holds the numeric cuts used.

    References
    ----------
    Jaouen, A. (2006), Figure 2 (the 2 x 2 typology of alliances between very small firms: link x interest);
    the cut and the tie rule are this project's choice, stated in the analysis plan.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"link": [6.0, 6.0, 2.0, 2.0, 4.0], "symmetry": [6.0, 2.0, 6.0, 2.0, 4.0]})
    >>> classify(d).tolist()
    ['entraide', 'parrainage', 'survie', 'contre_nature', 'entraide']
    """
    frame = dyad_frame(dyads)
    low, high = _check_scale(scale)
    cuts = resolve_cuts(frame, link=link, symmetry=symmetry, cut=cut, scale=scale, asymmetry=asymmetry,
                        dep_asymmetry=dep_asymmetry, dep_cut=dep_cut)
    _check_range(_numeric_column(frame, link, "link"), link, low, high, "the scale")
    if "symmetry" in cuts:
        _check_range(_numeric_column(frame, symmetry, "symmetry"), symmetry, low, high, "the scale")
    if "dep_asymmetry" in cuts:
        _check_range(_numeric_column(frame, dep_asymmetry, "dependence asymmetry"), dep_asymmetry, 0.0,
                     high - low, "the possible gaps")
    labels, complete = _classify_with_cuts(frame, cuts, link, symmetry, dep_asymmetry)
    n_missing = int((~complete).sum())
    if n_missing:
        warn(None, f"{n_missing} of {len(frame)} dyads have no configuration: a score the rule needs is missing",
             DataQualityWarning)
    result = pd.Series(pd.Categorical(labels, categories=list(CONFIGURATIONS)), index=frame.index,
                       name="configuration")
    result.attrs["cuts"] = dict(cuts)
    result.attrs["asymmetry"] = asymmetry
    return result


# ------------------------------------------------------------------------------- configuration counts


@dataclass(frozen=True)
class TypologyCounts(Result):
    """Configuration counts under the crisp rule and the fuzzy-set rule.

    Attributes
    ----------
    frame
        Index: the four configurations, then ``unclassified`` and ``total``. Columns: ``n_crisp`` and
        ``pct_crisp`` (crisp quadrant rule), ``n_fuzzy`` and ``pct_fuzzy`` (dyads with membership > .5 in
        the configuration: at most one configuration per dyad can exceed .5), ``sum_fuzzy`` (sum of the
        memberships: the fuzzy "size" of the set), ``n_agree`` (dyads placed in the configuration by both
        rules). Percentages are of all dyads.
    n_dyads
        Dyads counted.
    warnings
        Messages about the inputs.
    """

    frame: pd.DataFrame
    n_dyads: int
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``typology_counts``: the counts table, labelled in ``lang``."""
        check_lang(lang)
        frame = self.frame.copy()
        frame.index = [tr(key if key in CONFIGURATIONS else f"typology.{key}", lang) for key in frame.index]
        headers = {c: tr(f"typology.counts.{c}", lang) for c in frame.columns}
        frame.columns = [headers[c] for c in frame.columns]
        formats = {headers[c]: f for c, f in
                   {"n_crisp": "int", "pct_crisp": "pct", "n_fuzzy": "int", "pct_fuzzy": "pct",
                    "sum_fuzzy": "f1", "n_agree": "int"}.items()}
        table = Table(key="typology_counts", title=tr("typology.counts.title", lang), frame=frame,
                      note=tr("typology.counts.note", lang), formats=formats, lang=lang)
        return {"typology_counts": table}


def typology_counts(crisp: pd.Series, fuzzy: pd.DataFrame) -> TypologyCounts:
    """Count dyads per configuration under the crisp rule and the fuzzy rule.

    Parameters
    ----------
    crisp
        Output of :func:`classify` (configuration ids, missing for unclassified dyads).
    fuzzy
        Output of :func:`~alliance_stats.typology.fuzzy_membership` (one column per configuration, same
        index as ``crisp``).

    Returns
    -------
    TypologyCounts
        ``.frame`` with crisp counts, fuzzy counts (membership > .5), sums of memberships and agreement;
        ``to_tables(lang)`` gives the report table ``typology_counts``.

    Raises
    ------
    SpecificationError
        Memberships without the configuration columns, or about other dyads than ``crisp``.

    References
    ----------
    Jaouen, A. (2006), Figure 2 (the 2 x 2 typology of alliances between very small firms: link x interest);
    the cut and the tie rule are this project's choice, stated in the analysis plan.
    Ragin, C. C. (2008), *Redesigning Social Inquiry: Fuzzy Sets and Beyond*, University of Chicago Press,
    ch. 5 (the direct method of calibration): a case belongs to a fuzzy set when its membership exceeds .5.

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.typology import classify, fuzzy_membership
    >>> d = pd.DataFrame({"link": [6.0, 6.5, 2.0, 4.0], "symmetry": [6.0, 2.0, 6.0, 4.0]})
    >>> counts = typology_counts(classify(d), fuzzy_membership(d))
    >>> counts.frame.loc["entraide", ["n_crisp", "n_fuzzy"]].tolist()
    [2.0, 1.0]
    """
    missing = [c for c in CONFIGURATIONS if c not in fuzzy.columns]
    if missing:
        raise SpecificationError(
            f"the fuzzy memberships lack the configuration columns {missing}",
            fix="pass the DataFrame returned by fuzzy_membership()",
        )
    if not crisp.index.equals(fuzzy.index):
        if len(crisp) != len(fuzzy) or not set(crisp.index) == set(fuzzy.index):
            raise SpecificationError(
                "the crisp configurations and the fuzzy memberships are not about the same dyads",
                fix="compute both from the same dyad table",
            )
        fuzzy = fuzzy.loc[crisp.index]
    n = len(crisp)
    memberships = fuzzy[list(CONFIGURATIONS)].to_numpy(dtype=float)
    crisp_values = crisp.astype(object).where(crisp.notna(), None).to_numpy()
    above = memberships > 0.5
    fuzzy_config = np.array([CONFIGURATIONS[row.argmax()] if row.any() else None for row in above], dtype=object)
    rows: dict[str, dict[str, float]] = {}
    for j, config in enumerate(CONFIGURATIONS):
        in_crisp = crisp_values == config
        in_fuzzy = fuzzy_config == config
        rows[config] = {
            "n_crisp": float(in_crisp.sum()),
            "pct_crisp": float(in_crisp.mean()) if n else np.nan,
            "n_fuzzy": float(in_fuzzy.sum()),
            "pct_fuzzy": float(in_fuzzy.mean()) if n else np.nan,
            "sum_fuzzy": float(np.nansum(memberships[:, j])),
            "n_agree": float((in_crisp & in_fuzzy).sum()),
        }
    crisp_none = np.array([v is None for v in crisp_values])
    fuzzy_none = np.array([v is None for v in fuzzy_config])
    rows["unclassified"] = {
        "n_crisp": float(crisp_none.sum()),
        "pct_crisp": float(crisp_none.mean()) if n else np.nan,
        "n_fuzzy": float(fuzzy_none.sum()),
        "pct_fuzzy": float(fuzzy_none.mean()) if n else np.nan,
        "sum_fuzzy": np.nan,
        "n_agree": float((crisp_none & fuzzy_none).sum()),
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.loc["total"] = [
        float(n), 1.0 if n else np.nan, float(n), 1.0 if n else np.nan,
        float(np.nansum(memberships)), float(table["n_agree"].sum()),
    ]
    messages: list[str] = []
    n_no_membership = int(np.isnan(memberships).any(axis=1).sum())
    if n_no_membership:
        warn(messages, f"{n_no_membership} of {n} dyads have no fuzzy membership (a score is missing)",
             DataQualityWarning)
    return TypologyCounts(frame=table, n_dyads=n, warnings=tuple(messages))
