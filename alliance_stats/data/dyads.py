"""Dyads and firms at risk: from respondent scores to the units of the typology and the crossing models.

* :func:`build_dyads` - one row per alliance: the dyad score of every dyad-level construct (mean of the two
  partners: ``link``, ``symmetry``, ``trust_shared``, ``trust_constrained``, and the lower-case code of any
  other dyad-level construct), each partner's dependence ``dep_a``/``dep_b`` and ``dep_asymmetry`` =
  |DEP(a) - DEP(b)| (docs/design.md section 3), plus within-dyad agreement (:mod:`.agreement`).
* :func:`firms_at_risk` - one row per firm in its start-up phase when the alliance began
  (``STARTUP_AT_ALLIANCE == 1``): its facts and scores, ``crossed``, the controls (``firm_age`` =
  ALLIANCE_START_YEAR - FOUNDING_YEAR, ``EMPLOYEES``, ``FOUNDER_EXPERIENCE``) and its dyad's predictors,
  with ``dyad_id`` as the cluster (docs/design.md section 4).

A dyad whose partner is missing (not yet answered, or excluded as a careless respondent) keeps the one
partner's scores as its dyad scores; ``n_partners`` says so and ``dep_asymmetry`` is then missing.

Reference: Kenny, Kashy and Cook (2006), Dyadic data analysis (dyad layout; consensus constructs averaged
after agreement is shown); docs/design.md sections 3-4.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import DataError, DataQualityWarning
from alliance_stats.core.i18n import tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.data.agreement import RWG_THRESHOLD, dyad_agreement, icc_bliese
from alliance_stats.data.scoring import DYAD_COLUMNS, check_dyad_roles, crossed_outcome

if TYPE_CHECKING:
    from alliance_stats.instrument import Instrument

__all__ = ["Dyads", "build_dyads", "firms_at_risk", "dyad_column"]

#: Columns of the dyad table that firms_at_risk attaches to each firm besides the dyad-level scores.
_DYAD_EXTRA = ("dep_asymmetry", "n_partners")


def dyad_column(code: str) -> str:
    """Name of the dyad-score column of a dyad-level construct (``LINK`` -> ``link``, ``XYZ`` -> ``xyz``).

    Parameters
    ----------
    code
        A construct code of the instrument.

    Returns
    -------
    str
        The column of :attr:`Dyads.table` holding the dyad score.

    References
    ----------
    docs/design.md section 3 (dyad scores).

    Examples
    --------
    >>> dyad_column("LINK"), dyad_column("XYZ")
    ('link', 'xyz')
    """
    return DYAD_COLUMNS.get(code, code.lower())


@dataclass(frozen=True)
class Dyads(Result):
    """Output of :func:`build_dyads`.

    Attributes
    ----------
    table
        One row per dyad (index ``dyad_id``, sorted): ``resp_a``, ``resp_b``, ``n_partners``, one column per
        dyad-level construct (``link``, ``symmetry``, ``trust_shared``, ``trust_constrained``, ...),
        ``dep_a``, ``dep_b``, ``dep_asymmetry``, ``n_at_risk`` (firms with STARTUP_AT_ALLIANCE == 1).
    agreement
        One row per dyad-level construct: ``n_dyads``, ``n_items``, ``rwg_mean``, ``rwg_median``,
        ``rwg_share_70``, ``icc1``, ``icc2`` (see :func:`alliance_stats.data.agreement.dyad_agreement`).
    construct_labels
        The instrument's label of each construct (``{code: {"fr": ..., "en": ...}}``), for the tables.
    warnings
        Data-quality messages (dyads scored from one partner, agreement below .70, ...).
    """

    # ``table`` is the dyad table (README API), so the protocol's ``table(key, lang)`` accessor is not available
    # on Dyads: use ``to_tables(lang)[key]``. ``field()`` keeps the inherited method from becoming a default.
    table: pd.DataFrame = field()
    agreement: pd.DataFrame = field()
    construct_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``dyad_agreement``: within-dyad agreement per dyad-level construct."""
        frame = self.agreement.copy()
        frame.index = [self.construct_labels[c][lang] if c in self.construct_labels else c for c in frame.index]
        frame.index.name = tr("data.construct", lang)
        keys = ["n_dyads", "n_items", "rwg_mean", "rwg_median", "rwg_share_70", "icc1", "icc2"]
        formats_by_key = dict(zip(keys, ["int", "int", "r2", "r2", "pct", "r2", "r2"], strict=True))
        frame = frame[keys]
        frame.columns = [tr(f"data.agr_{k}", lang) for k in keys]
        formats = {tr(f"data.agr_{k}", lang): formats_by_key[k] for k in keys}
        table = Table(key="dyad_agreement", title=tr("data.agr_title", lang), frame=frame,
                      note=tr("data.agr_note", lang), formats=formats, lang=lang)
        return {"dyad_agreement": table}


def build_dyads(scores: pd.DataFrame, instrument: Instrument, responses: pd.DataFrame | None = None) -> Dyads:
    """Dyad scores, dependence asymmetry and within-dyad agreement.

    Parameters
    ----------
    scores
        Output of :func:`alliance_stats.data.scoring.score_responses` (index ``resp_id``). Not modified.
    instrument
        The instrument (which constructs are dyad-level).
    responses
        The item-level responses the scores come from (same respondents). When given, ``agreement`` has
        rwg(j) as well as ICC(1)/ICC(2); without it rwg(j) cannot be computed (it needs the items) and its
        columns are NaN.

    Returns
    -------
    Dyads

    Raises
    ------
    DataError
        A role other than ``a``/``b``, or two respondents with the same role in a dyad.

    References
    ----------
    docs/design.md section 3 (dyad scores, ``dep_asymmetry``); Kenny, Kashy and Cook (2006).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> from alliance_stats.simulate import simulate_alliances
    >>> from alliance_stats.data.scoring import score_responses
    >>> inst = default_instrument()
    >>> sim = simulate_alliances(30, seed=2, instrument=inst)
    >>> dyads = build_dyads(score_responses(sim.responses, inst), inst, responses=sim.responses)
    >>> len(dyads.table), list(dyads.table.columns[3:7])
    (30, ['link', 'symmetry', 'trust_shared', 'trust_constrained'])
    """
    check_dyad_roles(scores, what="scores", fix_missing="score the responses with score_responses first")
    messages: list[str] = []
    roles = scores["role"].astype(str).to_numpy()
    dyad_codes, dyad_ids = pd.factorize(scores["dyad_id"].to_numpy(), sort=True)
    n = len(dyad_ids)
    slot = (roles == "b").astype(int)
    resp = np.full((n, 2), None, dtype=object)
    resp[dyad_codes, slot] = scores.index.to_numpy()
    columns: dict[str, Any] = {
        "resp_a": resp[:, 0],
        "resp_b": resp[:, 1],
        "n_partners": np.bincount(dyad_codes, minlength=n),
    }

    def pair(values: np.ndarray) -> np.ndarray:
        out = np.full((n, 2), np.nan)
        out[dyad_codes, slot] = values
        return out

    for code, construct in instrument.constructs.items():
        if construct.level != "dyad" or code not in scores.columns:
            continue
        both = pair(scores[code].to_numpy(dtype=float))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            columns[dyad_column(code)] = np.nanmean(both, axis=1)
    if "DEP" in scores.columns:
        dep = pair(scores["DEP"].to_numpy(dtype=float))
        columns["dep_a"], columns["dep_b"] = dep[:, 0], dep[:, 1]
        columns["dep_asymmetry"] = np.abs(dep[:, 0] - dep[:, 1])
    if "STARTUP_AT_ALLIANCE" in scores.columns:
        startup = pd.to_numeric(scores["STARTUP_AT_ALLIANCE"], errors="coerce").to_numpy(dtype=float)
        columns["n_at_risk"] = np.bincount(dyad_codes, weights=(startup == 1).astype(float), minlength=n).astype(int)
    table = pd.DataFrame(columns, index=pd.Index(dyad_ids, name="dyad_id"))
    single = int((table["n_partners"] == 1).sum())
    if single:
        messages.append(f"{single} dyad(s) have one respondent only: their dyad scores are that partner's "
                        "scores and their dependence asymmetry is missing")

    if responses is not None:
        agreement = dyad_agreement(responses, instrument)
    else:
        agreement = _icc_only(scores, instrument)
        messages.append("rwg(j) needs the item answers: pass responses= to build_dyads to compute it")
    for code, row in agreement.iterrows():
        if np.isfinite(row["rwg_mean"]) and row["rwg_mean"] < RWG_THRESHOLD:
            messages.append(f"mean within-dyad agreement on {code} is {row['rwg_mean']:.2f} (< .70): partners "
                            "disagree, so the dyad mean may not represent the alliance")
    issued: list[str] = []
    for message in messages:
        warn(issued, message, DataQualityWarning)
    labels = {code: dict(c.label) for code, c in instrument.constructs.items()}
    return Dyads(table=table, agreement=agreement, construct_labels=labels, warnings=tuple(issued))


def _icc_only(scores: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    rows = []
    for code, construct in instrument.constructs.items():
        if construct.level != "dyad" or code not in scores.columns:
            continue
        score = scores[code]
        both = score.groupby(scores["dyad_id"]).transform("count") == 2
        icc1, icc2 = icc_bliese(score[both].to_numpy(dtype=float), scores.loc[both, "dyad_id"].to_numpy())
        rows.append({"construct": code, "n_dyads": int(both.sum() // 2), "n_items": len(instrument.items(code)),
                     "rwg_mean": np.nan, "rwg_median": np.nan, "rwg_share_70": np.nan, "icc1": icc1, "icc2": icc2})
    columns = ["n_dyads", "n_items", "rwg_mean", "rwg_median", "rwg_share_70", "icc1", "icc2"]
    return pd.DataFrame(rows, columns=["construct", *columns]).set_index("construct")


def firms_at_risk(scores: pd.DataFrame, dyads: Dyads, definition: Any = None) -> pd.DataFrame:
    """The firms in their start-up phase when the alliance began, with outcome, controls and dyad predictors.

    Parameters
    ----------
    scores
        Output of :func:`alliance_stats.data.scoring.score_responses`. Not modified.
    dyads
        Output of :func:`build_dyads` on the same scores.
    definition
        How ``crossed`` is derived (:class:`alliance_stats.data.scoring.CrossedDefinition`, a mapping, or the
        plan's ``outcome`` section); default Sammut with cuts 5.0.

    Returns
    -------
    pandas.DataFrame
        Index ``resp_id``; columns ``dyad_id``, ``role``, ``crossed`` (0/1, NaN when undetermined),
        ``firm_age``, the firm's facts and construct scores (``EMPLOYEES``, ``FOUNDER_EXPERIENCE``, ``LEARN``,
        ...), and its dyad's ``link``, ``symmetry``, ``trust_shared``, ``trust_constrained`` (and other dyad
        scores), ``dep_asymmetry``, ``n_partners``. Only rows with ``STARTUP_AT_ALLIANCE == 1``.

    References
    ----------
    docs/design.md sections 3-4; Sammut (1995).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> from alliance_stats.simulate import simulate_alliances
    >>> from alliance_stats.data.scoring import score_responses
    >>> inst = default_instrument()
    >>> sim = simulate_alliances(30, seed=2, instrument=inst)
    >>> scores = score_responses(sim.responses, inst)
    >>> risk = firms_at_risk(scores, build_dyads(scores, inst, responses=sim.responses))
    >>> bool((scores.loc[risk.index, "STARTUP_AT_ALLIANCE"] == 1).all())
    True
    """
    if "STARTUP_AT_ALLIANCE" not in scores.columns:
        raise DataError("the scores have no STARTUP_AT_ALLIANCE column", column="STARTUP_AT_ALLIANCE",
                        fix="keep the screening variables when scoring")
    startup = pd.to_numeric(scores["STARTUP_AT_ALLIANCE"], errors="coerce")
    firms = scores.loc[(startup == 1).to_numpy()].copy()
    crossed = crossed_outcome(firms, definition)
    first = ["dyad_id", "role"]
    firms.insert(2, "crossed", crossed.to_numpy())
    if "ALLIANCE_START_YEAR" in firms.columns and "FOUNDING_YEAR" in firms.columns:
        age = (pd.to_numeric(firms["ALLIANCE_START_YEAR"], errors="coerce").to_numpy(dtype=float)
               - pd.to_numeric(firms["FOUNDING_YEAR"], errors="coerce").to_numpy(dtype=float))
        firms.insert(3, "firm_age", age)
    dyad_cols = [c for c in dyads.table.columns if c not in ("resp_a", "resp_b", "dep_a", "dep_b", "n_at_risk")]
    attached = dyads.table[dyad_cols].reindex(firms["dyad_id"].to_numpy())
    clash = [c for c in dyad_cols if c in firms.columns]
    if clash:
        raise DataError(f"dyad column(s) {clash} clash with response columns", column=clash[0])
    for column in dyad_cols:
        firms[column] = attached[column].to_numpy()
    ordered = first + [c for c in firms.columns if c not in first]
    return firms[ordered]
