"""Scoring: reverse-keyed items, construct scores per respondent, and the outcome ``crossed``.

* :func:`reverse_items` - reverse-keyed items as ``(min + max) - x`` on the item's scale (the instrument's
  scale, not the observed range as psych::alpha's ``keys`` would use), leaving missing values and declared
  missing codes untouched, so that reversing twice gives the input back.
* :func:`clean_items` - the Likert items as floats with declared missing codes (e.g. 99 = "don't know")
  set to NaN and reverse-keyed items reversed; an answer outside the scale is a :class:`DataError`.
* :func:`score_responses` - one row per respondent: identifiers, firm facts and one score per construct,
  the mean of the answered items when at least ``min_share`` of the construct's items are answered.
* :func:`crossed_outcome` - ``crossed`` per firm from a :class:`CrossedDefinition` (docs/design.md section 3).

Reference: docs/design.md sections 3-4; Sammut (1995) for the end of the start-up phase (strategic awareness,
organisational transfer, break-even).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from alliance_stats.core.errors import DataError, SpecificationError

if TYPE_CHECKING:
    from alliance_stats.instrument import Instrument

__all__ = [
    "construct_scores_stack",
    "CrossedDefinition",
    "DYAD_COLUMNS",
    "reverse_items",
    "check_dyad_roles",
    "clean_items",
    "score_responses",
    "crossed_outcome",
    "as_crossed_definition",
]

#: Column name of the dyad score of each dyad-level construct (other dyad-level constructs: lower-case code).
DYAD_COLUMNS: dict[str, str] = {
    "LINK": "link",
    "SYM": "symmetry",
    "TRS": "trust_shared",
    "TRC": "trust_constrained",
}

#: Shares are compared with this tolerance, so that a plan's ``min_share: 0.6667`` means two thirds.
_SHARE_TOLERANCE = 1e-3


class CrossedDefinition(BaseModel):
    """How ``crossed`` (the firm crossed its start-up phase) is derived from the answers.

    ``kind="sammut"`` (default): ``crossed = BREAKEVEN == 1 and AWARE >= aware_cut and TRANSF >= transf_cut``
    (Sammut 1995: the start-up phase ends with break-even, the founder's strategic awareness and an
    organisational transfer begun). ``kind="breakeven"``: break-even alone.

    The default cuts are 5.0 on the 1-7 agreement scale ("somewhat agree" or more on average): the founder
    must *agree* with the awareness and transfer statements; a mean at the neutral point 4 does not show
    them. They match the default of the analysis plan (``outcome:`` in ``analyses/confirmatory.yaml``).
    """

    model_config = ConfigDict(extra="forbid")

    kind: Literal["sammut", "breakeven"] = Field("sammut", description="'sammut' (three conditions) or 'breakeven'")
    aware_cut: float = Field(5.0, description="minimum AWARE score (inclusive) for strategic awareness")
    transf_cut: float = Field(5.0, description="minimum TRANSF score (inclusive) for organisational transfer")


def as_crossed_definition(definition: Any) -> CrossedDefinition:
    """A :class:`CrossedDefinition` from itself, a mapping, or any pydantic model with the same fields
    (such as the plan's ``outcome`` section); ``None`` gives the default.

    Parameters
    ----------
    definition
        ``None``, a :class:`CrossedDefinition`, a mapping or a pydantic model with its fields.

    Returns
    -------
    CrossedDefinition

    References
    ----------
    Sammut (1995) for the end of the start-up phase; docs/design.md section 3.

    Examples
    --------
    >>> as_crossed_definition({"kind": "breakeven"}).kind
    'breakeven'
    """
    if definition is None:
        return CrossedDefinition()
    if isinstance(definition, CrossedDefinition):
        return definition
    if isinstance(definition, BaseModel):
        return CrossedDefinition.model_validate(definition.model_dump())
    if isinstance(definition, Mapping):
        return CrossedDefinition.model_validate(dict(definition))
    raise TypeError(f"expected a CrossedDefinition, got {type(definition).__name__}")


def _likert_bounds(instrument: Instrument, name: str) -> tuple[int, int, list[int]]:
    var = instrument.variable(name)
    scale = instrument.scales[var.scale] if var.scale is not None else None
    if scale is None:
        raise DataError(f"variable {name} has no response scale in the instrument", column=name)
    return scale.min, scale.max, list(var.missing_codes)


def reflect_on_scale(values: pd.Series, low: float, high: float) -> pd.Series:
    """``(low + high) - x``: answers reflected on a response scale from ``low`` to ``high``.

    The one reversal operation of the package: :func:`reverse_items` applies it to the instrument's
    reverse-keyed items (leaving out-of-scale codes), ``measurement.reverse_key_items`` to the items a
    reliability analysis names (psych's rule).

    >>> reflect_on_scale(pd.Series([1.0, 4.0, 7.0]), 1, 7).tolist()
    [7.0, 4.0, 1.0]
    """
    return (low + high) - values


def reverse_items(df: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Reverse the reverse-keyed items of ``df`` as ``(min + max) - x``.

    Parameters
    ----------
    df
        Responses (any columns); the reverse-keyed item columns present are reversed. Not modified.
    instrument
        Says which items are reverse-keyed and their scale.

    Returns
    -------
    pandas.DataFrame
        A copy with the reverse-keyed items reversed. Values outside the scale (declared missing codes such
        as 99, stray codes) and missing values are left as they are, so reversing twice is the identity.

    References
    ----------
    docs/design.md section 3 (reverse-keyed items scored ``(min + max) - x``).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> name = inst.reverse_keyed_items()[0]
    >>> reverse_items(pd.DataFrame({name: [1, 4, 7, 99]}), inst)[name].tolist()
    [7, 4, 1, 99]
    """
    out = df.copy()
    for name in instrument.reverse_keyed_items():
        if name not in out.columns:
            continue
        low, high, _ = _likert_bounds(instrument, name)
        values = out[name]
        numeric = pd.to_numeric(values, errors="coerce")
        in_scale = numeric.between(low, high)
        reversed_values = numeric.where(~in_scale, reflect_on_scale(numeric, low, high))
        if pd.api.types.is_integer_dtype(values.dtype):
            out[name] = reversed_values.astype(values.dtype)
        else:
            out[name] = values.where(~in_scale, reversed_values)
    return out


def check_dyad_roles(frame: pd.DataFrame, *, what: str = "responses",
                     fix_missing: str = "add the dyad identifier and the role (a/b) of each respondent") -> None:
    """THE validation of dyad membership: ``dyad_id`` and ``role`` present, roles ``a``/``b``, at most one
    respondent per role in a dyad (used by :func:`dyad_agreement` and :func:`build_dyads`).

    Parameters
    ----------
    frame
        Responses or scores with ``dyad_id`` and ``role`` columns.
    what
        What ``frame`` is, for the message (``"responses"``, ``"scores"``).
    fix_missing
        How to fix a missing ``dyad_id``/``role`` column.

    Returns
    -------
    None
        Raises :class:`~alliance_stats.core.errors.DataError` naming the first bad row (1-based), column and
        value.

    References
    ----------
    Kenny, Kashy & Cook (2006), *Dyadic data analysis*, ch. 1 (distinguishable partners of a dyad).

    Examples
    --------
    >>> check_dyad_roles(pd.DataFrame({"dyad_id": ["d1", "d1"], "role": ["a", "b"]}))
    >>> from alliance_stats.core.errors import DataError
    >>> try:
    ...     check_dyad_roles(pd.DataFrame({"dyad_id": ["d1", "d1"], "role": ["a", "a"]}))
    ... except DataError as exc:
    ...     print(exc.message)
    dyad 'd1' has more than one respondent with role 'a'
    """
    for column in ("dyad_id", "role"):
        if column not in frame.columns:
            raise DataError(f"the {what} have no {column!r} column", column=column, fix=fix_missing)
    roles = frame["role"].astype(str)
    bad = ~roles.isin(["a", "b"])
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError("a role is neither 'a' nor 'b'", row=pos + 1, column="role", value=frame["role"].iloc[pos],
                        fix="code the two partners of each dyad as a and b")
    dup = pd.DataFrame({"d": frame["dyad_id"].to_numpy(), "r": roles.to_numpy()}).duplicated()
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(
            f"dyad {frame['dyad_id'].iloc[pos]!r} has more than one respondent with role {roles.iloc[pos]!r}",
            row=pos + 1, column="role", value=roles.iloc[pos],
            fix="each dyad has exactly two respondents, one a and one b",
        )


def _row_label(df: pd.DataFrame, pos: int) -> Any:
    return df["resp_id"].iloc[pos] if "resp_id" in df.columns else df.index[pos]


def _numeric_column(df: pd.DataFrame, name: str, instrument: Instrument) -> np.ndarray:
    raw = df[name]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    text = np.isnan(values) & raw.notna().to_numpy()
    if text.any():
        pos = int(np.flatnonzero(text)[0])
        low, high, _ = _likert_bounds(instrument, name)
        raise DataError(
            "an item answer is not a number", row=pos + 1, column=name, value=raw.iloc[pos],
            fix=f"answers are codes {low}-{high}; run alliance-stats data check to list every problem",
        )
    return values


def clean_items(df: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """The Likert items of every construct as floats, missing codes as NaN, reverse-keyed items reversed.

    Parameters
    ----------
    df
        Responses in the canonical layout. Not modified.
    instrument
        The instrument.

    Returns
    -------
    pandas.DataFrame
        Same index as ``df``, one float column per construct item (instrument order).

    Raises
    ------
    DataError
        An item column is missing, holds text, or holds a code that is neither on the scale nor a declared
        missing code (the message names the row, ``resp_id``, column and value).

    References
    ----------
    docs/design.md section 3 (declared missing codes are missing answers).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> from alliance_stats.simulate import simulate_alliances
    >>> inst = default_instrument()
    >>> items = clean_items(simulate_alliances(5, seed=1, instrument=inst).responses, inst)
    >>> items.shape == (10, len(inst.likert_items())), bool(items.max().max() <= 7)
    (True, True)
    """
    items = instrument.likert_items()
    missing_columns = [var.name for var in items if var.name not in df.columns]
    if missing_columns:
        raise DataError(
            f"the responses lack {len(missing_columns)} item column(s): {', '.join(missing_columns[:8])}",
            column=missing_columns[0],
            fix="check the file against the instrument (alliance-stats data check FILE)",
        )
    names = [var.name for var in items]
    bounds = np.array([_likert_bounds(instrument, name)[:2] for name in names], dtype=float).reshape(-1, 2)
    try:
        values = np.array(df[names].to_numpy(dtype=float), copy=True)  # fast path (Int64 NA -> NaN)
    except (TypeError, ValueError):
        values = np.column_stack([_numeric_column(df, name, instrument) for name in names]) if names else \
            np.empty((len(df), 0))
    _missing_to_nan(values, items)
    low, high = bounds[:, 0], bounds[:, 1]
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values < low) | (values > high) | (values != np.round(values)))
    if bad.any():
        pos, j = (int(k[0]) for k in np.nonzero(bad))
        name = names[j]
        raise DataError(
            f"code {df[name].iloc[pos]} is outside the {int(low[j])}-{int(high[j])} scale "
            f"(respondent {_row_label(df, pos)})",
            row=pos + 1, column=name, value=df[name].iloc[pos],
            fix="recode the answer or declare the code as a missing-value code in the instrument",
        )
    _reverse_keyed(values, items, low, high)
    return pd.DataFrame(values, index=df.index, columns=names)


def _missing_to_nan(values: np.ndarray, items: list[Any]) -> None:
    """Declared missing codes (99 = "don't know") of the items ``(..., items)`` set to NaN, in place (one pass
    over all the items when they share their codes)."""
    codes = {tuple(var.missing_codes) for var in items}
    if len(codes) == 1:
        shared = codes.pop()
        if shared:
            hit = values == float(shared[0])  # (np.isin's comparisons, without flattening a strided stack)
            for code in shared[1:]:
                hit |= values == float(code)
            values[hit] = np.nan
        return
    for j, var in enumerate(items):
        if var.missing_codes:
            column = values[..., j]
            column[np.isin(column, var.missing_codes)] = np.nan


def _reverse_keyed(values: np.ndarray, items: list[Any], low: np.ndarray, high: np.ndarray) -> None:
    """Reverse-keyed items of ``(..., items)`` reflected as ``(min + max) - x``, in place."""
    for j, var in enumerate(items):
        if var.reverse:
            values[..., j] = (low[j] + high[j]) - values[..., j]


def _construct_score(block: np.ndarray, min_share: float) -> np.ndarray:
    """THE construct score: mean of the answered items of ``block`` ``(..., items)``, NaN below ``min_share``
    (the answers summed item after item, in the items' order, whatever the memory layout of ``block``;
    :func:`alliance_stats.data.kernels.item_means`)."""
    from alliance_stats.data.kernels import item_means

    stack = block.reshape(-1, *block.shape[-2:]) if block.ndim >= 2 else block.reshape(1, 1, -1)
    return item_means(stack, _required_answers(block.shape[-1], min_share)).reshape(block.shape[:-1])


def construct_scores_stack(columns: Mapping[str, np.ndarray], instrument: Instrument,
                           min_share: float = 2 / 3) -> dict[str, np.ndarray]:
    """The construct scores of :func:`score_responses` for ``R`` data sets of equal size at once.

    Parameters
    ----------
    columns
        Variable name -> ``(R, n)`` answers (NaN missing) of every construct item; codes on the scale or
        declared missing codes (simulated data: not validated, unlike :func:`score_responses`).
    instrument
        The instrument.
    min_share
        As in :func:`score_responses`.

    Returns
    -------
    dict
        Construct code -> ``(R, n)`` scores, row ``r`` equal to ``score_responses`` of data set ``r``.

    References
    ----------
    docs/design.md section 3 (scores are item means on the 1-7 scale).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> cols = {v.name: np.full((2, 3), 5.0) for v in inst.likert_items()}
    >>> construct_scores_stack(cols, inst)["LINK"].shape
    (2, 3)
    """
    items = instrument.likert_items()
    block = np.stack([np.asarray(columns[var.name], dtype=float) for var in items])  # item-major: rows copied
    values = np.moveaxis(block, 0, -1)  # (R, n, items), a view
    bounds = np.array([_likert_bounds(instrument, var.name)[:2] for var in items], dtype=float).reshape(-1, 2)
    _missing_to_nan(values, items)
    _reverse_keyed(values, items, bounds[:, 0], bounds[:, 1])
    position = {var.name: j for j, var in enumerate(items)}
    out = {}
    for code in instrument.construct_codes():
        names = [var.name for var in instrument.items(code)]
        if names:
            rows = [position[name] for name in names]
            part = block[rows[0]:rows[0] + len(rows)] if rows == list(range(rows[0], rows[0] + len(rows))) \
                else block[rows]  # consecutive items: a view
            out[code] = _construct_score(np.moveaxis(part, 0, -1), min_share)
    return out


def _required_answers(n_items: int, min_share: float) -> int:
    return max(1, math.ceil(min_share * n_items - _SHARE_TOLERANCE))


def _fact_columns(df: pd.DataFrame, instrument: Instrument) -> list[str]:
    skip = {"resp_id", "dyad_id", "role"}
    names = []
    for var in instrument.variables:
        if var.name in skip or var.personal or var.type in ("identifier", "likert", "text"):
            continue
        if var.name in df.columns:
            names.append(var.name)
    return names


def score_responses(df: pd.DataFrame, instrument: Instrument, min_share: float = 2 / 3) -> pd.DataFrame:
    """Construct scores per respondent.

    Parameters
    ----------
    df
        Responses in the canonical layout (``resp_id``, ``dyad_id``, ``role``, facts, items). Not modified.
    instrument
        The instrument (items of each construct, reverse keys, scales, declared missing codes).
    min_share
        Share of a construct's items that must be answered for a score (default two thirds; compared with a
        tolerance of 0.001, so 0.6667 also means two thirds). Below it the score is missing.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``resp_id``: ``dyad_id``, ``role``, the firm facts (every non-item, non-identifier,
        non-personal variable of the instrument present in ``df``, declared missing codes as NaN), then one
        column per construct code with the mean of the answered items (reverse-keyed items reversed as
        ``(min + max) - x``, declared missing codes such as 99 treated as unanswered).

    Raises
    ------
    DataError
        Missing ``resp_id``/``dyad_id``/``role`` column, duplicated ``resp_id``, or a bad item answer (see
        :func:`clean_items`).

    References
    ----------
    docs/design.md section 3 (scores are item means on the 1-7 scale).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> from alliance_stats.simulate import simulate_alliances
    >>> inst = default_instrument()
    >>> scores = score_responses(simulate_alliances(20, seed=3, instrument=inst).responses, inst)
    >>> list(scores.columns[:2]), scores.index.name
    (['dyad_id', 'role'], 'resp_id')
    """
    if not 0 < min_share <= 1:
        raise SpecificationError(f"min_share must be in (0, 1], got {min_share}")
    for column in ("resp_id", "dyad_id", "role"):
        if column not in df.columns:
            raise DataError(f"the responses have no {column!r} column", column=column,
                            fix="add the column (see the codebook: alliance-stats survey export --format "
                            "codebook-csv)")
    duplicated = df["resp_id"].duplicated()
    if duplicated.any():
        pos = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise DataError("resp_id is duplicated", row=pos + 1, column="resp_id", value=df["resp_id"].iloc[pos],
                        fix="give every respondent a unique resp_id")
    items = clean_items(df, instrument)
    index = pd.Index(df["resp_id"].astype(str).to_numpy(), name="resp_id")
    columns: dict[str, Any] = {
        "dyad_id": pd.Series(df["dyad_id"].to_numpy(), index=index),
        "role": pd.Series(df["role"].to_numpy(), index=index),
    }
    for name in _fact_columns(df, instrument):
        var = instrument.variable(name)
        values = df[name]
        if var.missing_codes:
            values = values.mask(pd.to_numeric(values, errors="coerce").isin(var.missing_codes))
        columns[name] = pd.Series(values.to_numpy(), index=index, dtype=values.dtype)
    for code in instrument.construct_codes():
        names = [var.name for var in instrument.items(code)]
        if not names:
            continue
        columns[code] = pd.Series(_construct_score(items[names].to_numpy(), min_share), index=index)
    out = pd.DataFrame(columns, index=index)
    return out


def crossed_outcome(scores: pd.DataFrame, definition: Any = None) -> pd.Series:
    """``crossed`` per respondent's firm from break-even, strategic awareness and organisational transfer.

    Parameters
    ----------
    scores
        Output of :func:`score_responses` (needs ``BREAKEVEN``, and ``AWARE`` and ``TRANSF`` for ``sammut``).
    definition
        A :class:`CrossedDefinition` (or a mapping / the plan's ``outcome`` section); default
        ``CrossedDefinition()`` (Sammut, cuts 5.0).

    Returns
    -------
    pandas.Series
        Float 1.0 (crossed), 0.0 (not crossed) or NaN, same index as ``scores``, named ``crossed``.
        Three-valued logic: a firm fails as soon as one known condition fails (e.g. ``BREAKEVEN == 0`` with
        AWARE missing gives 0); it crosses when every condition is known and holds; otherwise NaN.

    References
    ----------
    Sammut (1995); docs/design.md section 3.

    Examples
    --------
    >>> s = pd.DataFrame({"BREAKEVEN": [1, 1, 0, 1], "AWARE": [6.0, 4.5, 6.0, np.nan],
    ...                   "TRANSF": [5.0, 6.0, 6.0, 6.0]})
    >>> crossed_outcome(s).tolist()
    [1.0, 0.0, 0.0, nan]
    """
    spec = as_crossed_definition(definition)
    needed = ["BREAKEVEN"] + (["AWARE", "TRANSF"] if spec.kind == "sammut" else [])
    absent = [name for name in needed if name not in scores.columns]
    if absent:
        raise DataError(f"cannot derive crossed: no {', '.join(absent)} column", column=absent[0],
                        fix="score the responses with score_responses first")
    breakeven = pd.to_numeric(scores["BREAKEVEN"], errors="coerce").to_numpy(dtype=float)
    conditions = [np.where(np.isnan(breakeven), np.nan, breakeven == 1)]
    if spec.kind == "sammut":
        for name, cut in (("AWARE", spec.aware_cut), ("TRANSF", spec.transf_cut)):
            values = scores[name].to_numpy(dtype=float)
            conditions.append(np.where(np.isnan(values), np.nan, values >= cut))
    stacked = np.vstack(conditions).astype(float)
    any_false = (stacked == 0).any(axis=0)
    all_true = (stacked == 1).all(axis=0)
    crossed = np.where(any_false, 0.0, np.where(all_true, 1.0, np.nan))
    return pd.Series(crossed, index=scores.index, name="crossed")
