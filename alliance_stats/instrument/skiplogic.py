"""The one evaluator of the instrument's skip logic (``show_if``), in three-valued logic.

A skip condition is data (:class:`~alliance_stats.instrument.Condition`, ``all``/``any``/``not``, ``ref``), never
code. It is evaluated on every respondent at once, and a condition that depends on a *missing answer* is
**unknown**: neither true nor false. Both the data check (:func:`alliance_stats.data.check_responses`) and the
simulator (:func:`alliance_stats.simulate.simulate_alliances`) call :func:`evaluate`, so a missing answer means
the same thing everywhere.

Truth values are coded as small integers, ordered ``FALSE < UNKNOWN < TRUE`` (Kleene's strong three-valued
logic, also SQL's ``NULL`` logic):

- ``all`` (and) is the minimum: ``unknown and false`` is false, ``unknown and true`` is unknown;
- ``any`` (or) is the maximum: ``unknown or true`` is true, ``unknown or false`` is unknown;
- ``not`` swaps true and false and leaves unknown unknown (``not unknown`` is unknown), so De Morgan's laws
  hold whatever is unknown;
- a comparison (``==``, ``<``, ``selected``, ...) is unknown when the variable's answer is missing (empty cell,
  NaN, or one of the variable's declared missing codes such as 99 = "don't know"), or when the variable is not
  in the data at all.

What each caller does with an unknown condition:

- the data check reports an answer given where the questionnaire skipped the question only when the condition
  is *false*, and a required answer left empty only when it is *true*: an unknown condition reports neither;
- the simulator shows a question only when its condition is *true*: a question whose condition is unknown is
  left unanswered, as a survey tool does not ask a question whose relevance it cannot establish (with the
  default instrument no condition variable is ever missing in simulated data, so this never arises there).

Why hand-written: the conditions are a tiny declarative language of the instrument (no library evaluates
XLSForm-like relevance on a data frame without evaluating code); numpy's element-wise minimum and maximum make
the three-valued connectives exact and fast.

Example
-------
>>> from alliance_stats.instrument import Condition, NotOf
>>> columns = {"BREAKEVEN": [1.0, 0.0, float("nan")]}
>>> cond = Condition(variable="BREAKEVEN", op="==", value=1)
>>> to_labels(evaluate(cond, columns, 3))
['true', 'false', 'unknown']
>>> to_labels(evaluate(NotOf(**{"not": cond}), columns, 3))
['false', 'true', 'unknown']

References
----------
Kleene, S. C. (1952). *Introduction to Metamathematics*, section 64 (strong three-valued logic).
XLSForm specification, "relevant" column: https://xlsform.org/en/#relevant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError

if TYPE_CHECKING:
    from alliance_stats.instrument.model import ConditionExpr, Instrument

__all__ = ["FALSE", "UNKNOWN", "TRUE", "evaluate", "to_labels", "is_numeric_variable", "is_blank"]

#: Truth values (int8), ordered so that "and" is the minimum and "or" the maximum.
FALSE, UNKNOWN, TRUE = np.int8(0), np.int8(1), np.int8(2)
_LABELS = {0: "false", 1: "unknown", 2: "true"}
_NUMERIC_TYPES = ("likert", "binary", "integer", "year")
_COMPARE = {
    "==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
}


def is_numeric_variable(var: Any, instrument: Instrument | None) -> bool:
    """True when the variable holds numeric codes (likert, binary, integer, year, category with integer codes).

    Parameters
    ----------
    var
        A :class:`~alliance_stats.instrument.Variable`.
    instrument
        The instrument holding the variable's choice lists.

    Returns
    -------
    bool

    References
    ----------
    docs/design.md section 3 (variable types); XLSForm specification, ``select_one`` with numeric codes.

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> is_numeric_variable(inst.variable("EMPLOYEES"), inst), is_numeric_variable(inst.variable("LANG"), inst)
    (True, False)
    """
    if var.type in _NUMERIC_TYPES:
        return True
    if var.type == "category" and var.choices is not None and instrument is not None:
        return all(re.fullmatch(r"-?\d+", c.code) for c in instrument.choices[var.choices])
    return False


def is_blank(value: Any) -> bool:
    """True for a missing answer: ``None``, ``pd.NA``, ``NaT``, NaN or a blank string (used by the readers too).

    Parameters
    ----------
    value
        One cell.

    Returns
    -------
    bool

    References
    ----------
    pandas missing-data conventions (``None``, ``NaN``, ``pd.NA``, ``NaT``).

    Examples
    --------
    >>> [is_blank(v) for v in (None, float("nan"), "  ", "0", 0)]
    [True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_text(value: Any) -> str | None:
    """A cell as stripped text (whole numbers without ``.0``); ``None`` when missing or blank."""
    if is_blank(value):
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return str(int(value))
    return str(value).strip()


def _numeric(values: Any) -> np.ndarray:
    return pd.to_numeric(pd.Series(np.asarray(values, dtype=object)), errors="coerce").to_numpy(dtype=float)


def _compare(cond: Any, columns: Mapping[str, Any], n_rows: int, instrument: Instrument | None) -> np.ndarray:
    """Truth of one comparison ``variable op value`` per row (unknown where the answer is missing)."""
    out = np.full(n_rows, UNKNOWN, dtype=np.int8)
    if cond.variable not in columns:
        return out
    given = np.asarray(columns[cond.variable])
    values = given if given.dtype.kind in "biuf" else given.astype(object)
    var = None
    if instrument is not None and cond.variable in instrument.variable_names():
        var = instrument.variable(cond.variable)
    if cond.op == "selected":
        for i, value in enumerate(values):
            text = _as_text(value)
            if text is not None:
                out[i] = TRUE if str(cond.value) in text.split() else FALSE
        return out
    numeric = is_numeric_variable(var, instrument) if var is not None else _looks_numeric(values, cond.value)
    if numeric:
        x = values.astype(float) if values.dtype.kind in "biuf" else _numeric(values)  # numbers: as they are
        known = ~np.isnan(x)
        if var is not None and var.missing_codes:
            known &= ~np.isin(x, [float(c) for c in var.missing_codes])
        with np.errstate(invalid="ignore"):
            holds = _COMPARE[cond.op](x, float(cond.value))
    else:
        text = [_as_text(v) for v in values]
        known = np.array([t is not None for t in text], dtype=bool)
        holds = np.array([t is not None and bool(_COMPARE[cond.op](t, str(cond.value))) for t in text], dtype=bool)
    out[known] = np.where(holds[known], TRUE, FALSE)
    return out


def _looks_numeric(values: np.ndarray, target: Any) -> bool:
    """Without an instrument variable: compare as numbers when the target and every answer are numbers."""
    try:
        float(target)
    except (TypeError, ValueError):
        return False
    answered = [v for v in values if not is_blank(v)]
    return bool(np.isnan(_numeric(answered)).sum() == 0)


def evaluate(
    condition: ConditionExpr | None,
    columns: Mapping[str, Any],
    n_rows: int,
    instrument: Instrument | None = None,
    *,
    memo: dict[int, np.ndarray] | None = None,
) -> np.ndarray:
    """Truth of a skip condition for every row, in three-valued logic (module docstring).

    Parameters
    ----------
    condition
        A condition of the instrument (``None``: always true, a question without ``show_if``).
    columns
        The answers: a DataFrame or a mapping from variable name to one value per row (NaN, ``None`` or a blank
        string for a missing answer).
    n_rows
        Number of rows (respondents).
    instrument
        The instrument: resolves ``ref`` conditions, tells numeric from text variables and gives the declared
        missing codes. Without it a ``ref`` raises :class:`SpecificationError` and a comparison is numeric
        when every answer is a number.
    memo
        Optional cache of already evaluated sub-conditions (keyed by ``id``), for many questions sharing a
        condition.

    Returns
    -------
    numpy.ndarray
        ``int8`` codes :data:`FALSE` (0), :data:`UNKNOWN` (1), :data:`TRUE` (2), one per row.

    References
    ----------
    Kleene (1952), strong three-valued logic; XLSForm specification, ``relevant``.

    Examples
    --------
    >>> from alliance_stats.instrument import AllOf, AnyOf, Condition
    >>> cols = {"X": [1, None, None], "Y": [0, 0, 1]}
    >>> x1, y1 = Condition(variable="X", op="==", value=1), Condition(variable="Y", op="==", value=1)
    >>> to_labels(evaluate(AllOf(all=[x1, y1]), cols, 3))  # unknown and false = false
    ['false', 'false', 'unknown']
    >>> to_labels(evaluate(AnyOf(any=[x1, y1]), cols, 3))  # unknown or true = true
    ['true', 'unknown', 'true']
    """
    from alliance_stats.instrument.model import AllOf, AnyOf, Condition, ConditionRef, NotOf

    if condition is None:
        return np.full(n_rows, TRUE, dtype=np.int8)
    memo = {} if memo is None else memo
    key = id(condition)
    if key in memo:
        return memo[key]
    if isinstance(condition, ConditionRef):
        if instrument is None or condition.ref not in instrument.conditions:
            raise SpecificationError(f"unknown named condition {condition.ref!r}", value=condition.ref,
                                     fix="pass the instrument that defines it")
        result = evaluate(instrument.conditions[condition.ref], columns, n_rows, instrument, memo=memo)
    elif isinstance(condition, AllOf):
        parts = [evaluate(c, columns, n_rows, instrument, memo=memo) for c in condition.all]
        result = np.minimum.reduce(parts)
    elif isinstance(condition, AnyOf):
        parts = [evaluate(c, columns, n_rows, instrument, memo=memo) for c in condition.any]
        result = np.maximum.reduce(parts)
    elif isinstance(condition, NotOf):
        result = (TRUE - evaluate(condition.not_, columns, n_rows, instrument, memo=memo)).astype(np.int8)
    elif isinstance(condition, Condition):
        result = _compare(condition, columns, n_rows, instrument)
    else:
        raise SpecificationError(f"not a skip condition: {condition!r}", value=repr(condition))
    memo[key] = np.asarray(result, dtype=np.int8)
    return memo[key]


def to_labels(truth: np.ndarray) -> list[str]:
    """The codes of :func:`evaluate` as ``"true"``, ``"false"``, ``"unknown"`` (for messages and examples).

    Parameters
    ----------
    truth
        Codes returned by :func:`evaluate`.

    Returns
    -------
    list of str

    References
    ----------
    Kleene (1952), strong three-valued logic.

    Examples
    --------
    >>> to_labels(np.array([2, 1, 0], dtype=np.int8))
    ['true', 'unknown', 'false']
    """
    return [_LABELS[int(v)] for v in np.asarray(truth)]
