"""Fuzzy-set membership in the four configurations (Ragin's direct calibration) and QCA sufficiency.

Direct calibration (Ragin 2008, *Redesigning Social Inquiry*, ch. 5)
--------------------------------------------------------------------
Each condition is calibrated from three anchors: full non-membership ``e``, crossover ``c`` and full
membership ``i``. A score ``x`` is mapped to the log odds of membership

- ``3 (x - c) / (i - c)`` when ``x`` lies on the full-membership side of the crossover,
- ``3 (x - c) / (c - e)`` when it lies on the non-membership side,

so that ``e``, ``c`` and ``i`` get log odds -3, 0 and +3 (memberships .047, .5, .953), and the membership is
``1 / (1 + exp(-log odds))``. Anchors may decrease (``e > c > i``) for a condition whose membership falls as
the score rises (the dependence gap below).

Conditions and default anchors (1-7 scale; for a scale (min, max) the anchors are
``min + span/6``, the midpoint and ``max - span/6``)

- ``social`` (social link) from ``link``: (2, 4, 6);
- ``symmetric`` (symmetric interest) from perceived ``symmetry``: (2, 4, 6);
  or, with ``asymmetry="dep_asymmetry"``, from the dependence gap ``|DEP_a - DEP_b|`` with decreasing anchors
  (2, 1, 0): a gap of 2 points is fully asymmetric, 1 point the crossover (the crisp rule's default
  ``dep_cut``), 0 fully symmetric; with ``asymmetry="both"`` the fuzzy AND (minimum) of the two.

The crossovers equal the crisp rule's cuts, so crisp and fuzzy rules agree on every dyad not exactly at a
cut. A score exactly at a crossover has membership .5, which is neither in nor out (Ragin 2008): the crisp
rule calls it high, the fuzzy rule places such a dyad in no configuration.

Configurations: fuzzy AND is the minimum and NOT is ``1 - x``:
``entraide = min(S, Y)``, ``parrainage = min(S, 1 - Y)``, ``survie = min(1 - S, Y)``,
``contre_nature = min(1 - S, 1 - Y)`` (S social, Y symmetric). At most one configuration can exceed .5.

Sufficiency of a configuration X for an outcome Y (Ragin 2006): consistency ``sum(min(x, y)) / sum(x)``,
coverage ``sum(min(x, y)) / sum(y)``.

Reference: Ragin, C. C. (2008). Redesigning Social Inquiry: Fuzzy Sets and Beyond, ch. 5 (direct method)
and Ragin (2006), "Set relations in social research: evaluating their consistency and coverage",
Political Analysis 14(3). Same arithmetic as R QCA::calibrate(type = "fuzzy", logistic = TRUE) with
``idm`` = .953 (log odds 3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from alliance_stats.core.errors import DataQualityWarning, SparseDataWarning, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.core.typology import CONFIGURATIONS
from alliance_stats.typology.classification import ASYMMETRY_MEASURES, _check_scale, _numeric_column, dyad_frame

__all__ = [
    "direct_calibration",
    "default_anchors",
    "anchors_at_cuts",
    "fuzzy_membership",
    "sufficiency",
    "Sufficiency",
]

LOG_ODDS = 3.0


def default_anchors(scale: tuple[float, float] = (1, 7)) -> dict[str, tuple[float, float, float]]:
    """Default (full non-membership, crossover, full membership) anchors for a response scale.

    Parameters
    ----------
    scale
        Response scale ``(min, max)`` of link and symmetry.

    Returns
    -------
    dict
        ``{"link": (e, c, i), "symmetry": (e, c, i), "dep_asymmetry": (e, c, i)}``: ``min + span/6``, the
        midpoint and ``max - span/6`` for link and symmetry; (2, 1, 0) scale points for the dependence gap.

    References
    ----------
    Ragin, C. C. (2008), *Redesigning Social Inquiry: Fuzzy Sets and Beyond*, University of Chicago Press,
    ch. 5 (the direct method of calibration).

    Examples
    --------
    >>> default_anchors((1, 7))
    {'link': (2.0, 4.0, 6.0), 'symmetry': (2.0, 4.0, 6.0), 'dep_asymmetry': (2.0, 1.0, 0.0)}
    """
    low, high = _check_scale(scale)
    span = high - low
    dimension = (low + span / 6.0, (low + high) / 2.0, high - span / 6.0)
    return {"link": dimension, "symmetry": dimension, "dep_asymmetry": (2.0, 1.0, 0.0)}


def anchors_at_cuts(cuts: Mapping[str, float], scale: tuple[float, float] = (1, 7)
                    ) -> dict[str, tuple[float, float, float]]:
    """Anchors whose crossovers are the crisp rule's cuts, so both rules split the plane at the same place.

    Use it whenever the crisp cut is not the scale midpoint (``cut="median"`` or a number): the default
    anchors put the crossover at the midpoint, and the fuzzy and crisp rules would then disagree by
    construction. The distance from the crossover to each outer anchor stays that of the defaults
    (a third of the scale's span; one point for the dependence gap).

    Parameters
    ----------
    cuts
        ``{"link": ..., "symmetry": ..., "dep_asymmetry": ...}`` as returned by
        :func:`~alliance_stats.typology.resolve_cuts` (missing keys keep the defaults).
    scale
        Response scale of link and symmetry.

    Returns
    -------
    dict
        Anchors for :func:`fuzzy_membership` (``anchors=``).

    References
    ----------
    Ragin, C. C. (2008), *Redesigning Social Inquiry: Fuzzy Sets and Beyond*, University of Chicago Press,
    ch. 5 (the direct method of calibration): the crossover is the point of maximal ambiguity, here the crisp cut.

    Examples
    --------
    >>> anchors_at_cuts({"link": 4.5, "symmetry": 4.0})["link"]
    (2.5, 4.5, 6.5)
    >>> anchors_at_cuts({"link": 4.0, "symmetry": 4.0}) == default_anchors((1, 7))
    True
    """
    low, high = _check_scale(scale)
    half = (high - low) / 3.0
    anchors = default_anchors(scale)
    for role in ("link", "symmetry"):
        if role in cuts:
            c = float(cuts[role])
            anchors[role] = (c - half, c, c + half)
    if "dep_asymmetry" in cuts:
        c = float(cuts["dep_asymmetry"])
        anchors["dep_asymmetry"] = (c + 1.0, c, c - 1.0)
    return anchors


def _check_anchors(anchors: Sequence[float], name: str) -> tuple[float, float, float]:
    try:
        e, c, i = (float(a) for a in anchors)
    except (TypeError, ValueError):
        raise SpecificationError(
            f"the anchors of {name} must be three numbers (full non-membership, crossover, full membership)",
            value=anchors, fix="pass e.g. (2, 4, 6)",
        ) from None
    if not (e < c < i or e > c > i):
        raise SpecificationError(
            f"the anchors of {name} must be strictly monotone with the crossover in the middle",
            value=(e, c, i), fix="order them as (full non-membership, crossover, full membership), e.g. (2, 4, 6)",
        )
    return e, c, i


def direct_calibration(x: Any, anchors: Sequence[float]) -> np.ndarray:
    """Ragin's direct calibration of raw scores into fuzzy membership (log odds -3, 0, +3 at the anchors).

    Parameters
    ----------
    x
        Raw scores (array-like; NaN stays NaN).
    anchors
        ``(full non-membership, crossover, full membership)``; increasing or decreasing.

    Returns
    -------
    numpy.ndarray
        Memberships in (0, 1).

    References
    ----------
    Ragin, C. C. (2008), *Redesigning Social Inquiry: Fuzzy Sets and Beyond*, University of Chicago Press,
    ch. 5 (the direct method of calibration); same arithmetic as R QCA ``calibrate(type = "fuzzy",
    logistic = TRUE)``.

    Examples
    --------
    >>> direct_calibration([2, 4, 6, 7], (2, 4, 6)).round(3).tolist()
    [0.047, 0.5, 0.953, 0.989]
    """
    e, c, i = _check_anchors(anchors, "the condition")
    values = np.asarray(x, dtype=float)
    full_side = (values - c) * (i - c) >= 0
    log_odds = np.where(full_side, LOG_ODDS * (values - c) / (i - c), LOG_ODDS * (values - c) / (c - e))
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-log_odds))


def fuzzy_membership(
    dyads: Any,
    *,
    anchors: Mapping[str, Sequence[float]] | Sequence[float] | None = None,
    link: str = "link",
    symmetry: str = "symmetry",
    scale: tuple[float, float] = (1, 7),
    asymmetry: Literal["perceived", "dep_asymmetry", "both"] = "perceived",
    dep_asymmetry: str = "dep_asymmetry",
) -> pd.DataFrame:
    """Each dyad's fuzzy membership in a social link, a symmetric interest and the four configurations.

    Parameters
    ----------
    dyads
        One row per dyad (DataFrame or ``Dyads`` object).
    anchors
        ``{"link": (e, c, i), "symmetry": (e, c, i), "dep_asymmetry": (e, c, i)}`` (missing keys take the
        defaults), or one triple used for link and symmetry. Defaults on 1-7: (2, 4, 6) for link and
        symmetry, (2, 1, 0) for the dependence gap (see the module docstring).
    link, symmetry, dep_asymmetry
        Column names.
    scale
        Response scale of link and symmetry, for the default anchors.
    asymmetry
        ``"perceived"``, ``"dep_asymmetry"`` or ``"both"``, as in :func:`~alliance_stats.typology.classification`.

    Returns
    -------
    pandas.DataFrame
        Same index as the dyads; columns ``social``, ``symmetric`` (calibrated conditions) and
        ``entraide``, ``parrainage``, ``survie``, ``contre_nature``; NaN where a needed score is missing.
        ``frame.attrs["anchors"]`` holds the anchors used.

    References
    ----------
    Ragin, C. C. (2008), *Redesigning Social Inquiry: Fuzzy Sets and Beyond*, University of Chicago Press,
    ch. 5 (the direct method of calibration); R QCA ``calibrate(logistic = TRUE)``. Fuzzy AND is the minimum,
    NOT is ``1 - x`` (Zadeh 1965).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"link": [6.0, 2.0], "symmetry": [6.0, 2.0]})
    >>> fuzzy_membership(d)[["entraide", "contre_nature"]].round(3).values.tolist()
    [[0.953, 0.047], [0.047, 0.953]]
    """
    frame = dyad_frame(dyads)
    if asymmetry not in ASYMMETRY_MEASURES:
        raise SpecificationError(f"unknown asymmetry measure {asymmetry!r}", value=asymmetry,
                                 fix=f"use one of {', '.join(ASYMMETRY_MEASURES)}")
    used = default_anchors(scale)
    if anchors is not None:
        if isinstance(anchors, Mapping):
            unknown = set(anchors) - set(used)
            if unknown:
                raise SpecificationError(f"unknown anchor keys {sorted(unknown)}",
                                         fix="use the keys link, symmetry, dep_asymmetry")
            used.update({key: _check_anchors(value, key) for key, value in anchors.items()})
        else:
            triple = _check_anchors(anchors, "link and symmetry")
            used["link"] = used["symmetry"] = triple
    social = direct_calibration(_numeric_column(frame, link, "link").to_numpy(), used["link"])
    symmetric_parts = []
    if asymmetry in ("perceived", "both"):
        symmetric_parts.append(
            direct_calibration(_numeric_column(frame, symmetry, "symmetry").to_numpy(), used["symmetry"]))
    if asymmetry in ("dep_asymmetry", "both"):
        symmetric_parts.append(direct_calibration(
            _numeric_column(frame, dep_asymmetry, "dependence asymmetry").to_numpy(), used["dep_asymmetry"]))
    symmetric = symmetric_parts[0] if len(symmetric_parts) == 1 else np.fmin(*symmetric_parts)
    if len(symmetric_parts) == 2:
        symmetric = np.where(np.isnan(symmetric_parts[0]) | np.isnan(symmetric_parts[1]), np.nan, symmetric)
    result = pd.DataFrame(
        {
            "social": social,
            "symmetric": symmetric,
            "entraide": np.minimum(social, symmetric),
            "parrainage": np.minimum(social, 1.0 - symmetric),
            "survie": np.minimum(1.0 - social, symmetric),
            "contre_nature": np.minimum(1.0 - social, 1.0 - symmetric),
        },
        index=frame.index,
    )
    n_missing = int(result["entraide"].isna().sum())
    if n_missing:
        warn(None, f"{n_missing} of {len(frame)} dyads have no fuzzy membership: a score is missing",
             DataQualityWarning)
    keys = ["link"] + (["symmetry"] if asymmetry != "dep_asymmetry" else []) + (
        ["dep_asymmetry"] if asymmetry != "perceived" else [])
    result.attrs["anchors"] = {key: tuple(used[key]) for key in keys}
    result.attrs["asymmetry"] = asymmetry
    return result


@dataclass(frozen=True)
class Sufficiency(Result):
    """QCA sufficiency of each configuration for an outcome.

    Attributes
    ----------
    frame
        Index: configurations. Columns: ``n_members`` (cases with membership > .5), ``consistency``
        (``sum(min(x, y)) / sum(x)``), ``coverage`` (``sum(min(x, y)) / sum(y)``), ``sum_membership``.
    outcome
        Name of the outcome.
    n
        Cases used.
    warnings
        Messages (dropped cases, empty configurations).
    """

    frame: pd.DataFrame
    outcome: str
    n: int
    warnings: tuple[str, ...] = ()

    @property
    def consistency(self) -> pd.Series:
        """Consistency of each configuration as a sufficient condition."""
        return self.frame["consistency"]

    @property
    def coverage(self) -> pd.Series:
        """Coverage of the outcome by each configuration."""
        return self.frame["coverage"]

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``typology_sufficiency``: consistency and coverage table in ``lang``."""
        check_lang(lang)
        frame = self.frame.copy()
        frame.index = [tr(str(key), lang) for key in frame.index]
        headers = {c: tr(f"typology.sufficiency.{c}", lang) for c in frame.columns}
        frame.columns = [headers[c] for c in frame.columns]
        formats = {headers["n_members"]: "int", headers["sum_membership"]: "f1",
                   headers["consistency"]: "r3", headers["coverage"]: "r3"}
        table = Table(key="typology_sufficiency",
                      title=tr("typology.sufficiency.title", lang).format(outcome=tr(self.outcome, lang)),
                      frame=frame, note=tr("typology.sufficiency.note", lang).format(n=self.n), formats=formats,
                      lang=lang)
        return {"typology_sufficiency": table}


def sufficiency(
    memberships: pd.DataFrame,
    outcome: pd.Series,
    *,
    dyad_id: pd.Series | None = None,
    configurations: Sequence[str] = CONFIGURATIONS,
) -> Sufficiency:
    """QCA consistency and coverage of each configuration as a sufficient condition for ``outcome``.

    Parameters
    ----------
    memberships
        Output of :func:`fuzzy_membership` (one row per dyad).
    outcome
        Crisp (0/1) or fuzzy ([0, 1]) outcome. Without ``dyad_id`` it must share the memberships' index (one
        value per dyad); rows present in only one of them are dropped with a warning.
    dyad_id
        For a firm-level outcome (``firms_at_risk``): the dyad of each firm, same index as ``outcome``; each
        firm then carries its dyad's memberships.
    configurations
        Columns of ``memberships`` to assess.

    Returns
    -------
    Sufficiency
        ``.frame`` with ``n_members``, ``consistency``, ``coverage``, ``sum_membership``.

    References
    ----------
    Ragin, C. C. (2006), Set relations in social research: evaluating their consistency and coverage,
    Political Analysis 14(3), 291-310.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"entraide": [0.9, 0.8, 0.1], "survie": [0.1, 0.2, 0.9]})
    >>> s = sufficiency(m, pd.Series([1, 1, 0]), configurations=["entraide", "survie"])
    >>> s.consistency.round(3).tolist(), s.coverage.round(3).tolist()
    ([0.944, 0.25], [0.85, 0.15])
    """
    missing = [c for c in configurations if c not in memberships.columns]
    if missing:
        raise SpecificationError(f"the memberships lack the columns {missing}",
                                 fix="pass the DataFrame returned by fuzzy_membership()")
    name = str(outcome.name) if outcome.name is not None else "outcome"
    y = pd.to_numeric(outcome, errors="coerce")
    if dyad_id is not None:
        if not dyad_id.index.equals(outcome.index):
            raise SpecificationError("dyad_id must have the same index as the outcome (one row per firm)",
                                     fix="pass firms['dyad_id'] and firms['crossed'] from the same table")
        unknown = ~dyad_id.isin(memberships.index)
        x = memberships.reindex(dyad_id.to_numpy())[list(configurations)]
        x.index = outcome.index
        n_unknown = int(unknown.sum())
    else:
        n_unknown = 0
        x = memberships[list(configurations)]
    messages: list[str] = []
    joined = pd.concat([x, y.rename("__outcome__")], axis=1, join="outer")
    complete = joined.notna().all(axis=1)
    n_dropped = int((~complete).sum())
    if n_unknown or n_dropped:
        message = (f"{n_dropped} of {len(joined)} cases dropped from the sufficiency analysis: missing outcome, "
                   "missing membership or no matching dyad")
        warn(messages, message, DataQualityWarning)
    joined = joined[complete]
    yv = joined["__outcome__"].to_numpy(dtype=float)
    if len(yv) and (yv.min() < 0 or yv.max() > 1):
        raise SpecificationError(f"the outcome {name!r} must be 0/1 or a fuzzy membership in [0, 1]",
                                 column=name, value=float(yv.max() if yv.max() > 1 else yv.min()),
                                 fix="recode the outcome as 0/1")
    rows = {}
    for config in configurations:
        xv = joined[config].to_numpy(dtype=float)
        overlap = float(np.minimum(xv, yv).sum())
        sum_x, sum_y = float(xv.sum()), float(yv.sum())
        rows[config] = {
            "n_members": float((xv > 0.5).sum()),
            "sum_membership": sum_x,
            "consistency": overlap / sum_x if sum_x > 0 else np.nan,
            "coverage": overlap / sum_y if sum_y > 0 else np.nan,
        }
        if (xv > 0.5).sum() == 0:
            message = f"no case has a membership above .5 in {config}: its consistency rests on partial members"
            warn(messages, message, SparseDataWarning)
    if len(yv) and yv.sum() == 0:
        message = f"no case has the outcome {name!r}: coverage is undefined"
        warn(messages, message, SparseDataWarning)
    table = pd.DataFrame.from_dict(rows, orient="index")[["n_members", "sum_membership", "consistency", "coverage"]]
    return Sufficiency(frame=table, outcome=name, n=len(yv), warnings=tuple(messages))
