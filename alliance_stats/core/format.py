"""APA number formatting for report cells, on top of :func:`alliance_stats.core.i18n.fmt_number`.

Every renderer (CSV excepted, which keeps full precision) prints a cell through :func:`format_cell`, so
a number reads the same in Markdown, HTML, LaTeX and Word: APA 7 style (no leading zero for quantities
bounded by 1: ``.82``; ``p < .001``), a decimal comma in French (``,82``; ``p < ,001``).

How the format of a cell is chosen (:func:`cell_format`):

1. ``formats["row:<index label>"]``: a whole-row override, for rows whose meaning differs from the
   column's (fit statistics at the foot of a models table: ``"row:AIC": "f1"``, ``"row:N": "int"``);
2. ``formats[column]`` (for MultiIndex columns: the full tuple, then its last level, e.g. ``"OR"``);
3. a guess from the column's dtype (:func:`guess_format`): integers ``int``, floats ``f2``, else ``text``.

A string cell is always printed as is (stages use this for suppressed cells such as ``"< 5"``).
Reference: APA Publication Manual, 7th ed., sections 6.36 (decimal fractions) and 6.44 (statistics).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.i18n import check_lang, fmt_number
from alliance_stats.core.table import FORMAT_CODES, Table

NUMERIC_FORMATS = frozenset(FORMAT_CODES) - {"text"}


def is_missing(value: Any) -> bool:
    """True for ``None``, ``NaN``, ``pd.NA`` and ``pd.NaT`` (scalars only)."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return bool(result) if np.ndim(result) == 0 else False


def guess_format(values: pd.Series) -> str:
    """Format code for a column the stage did not describe.

    Integers (and floats that are all whole numbers) print as ``int``, other floats with two decimals,
    anything else as text.

    >>> guess_format(pd.Series([1, 2]))
    'int'
    >>> guess_format(pd.Series([0.5, 1.25]))
    'f2'
    """
    if pd.api.types.is_bool_dtype(values):
        return "text"
    if pd.api.types.is_integer_dtype(values):
        return "int"
    if pd.api.types.is_float_dtype(values):
        finite = values.dropna()
        finite = finite[np.isfinite(finite.to_numpy(dtype=float))]
        if len(finite) and bool(np.all(finite.to_numpy(dtype=float) == np.round(finite.to_numpy(dtype=float)))):
            return "int"
        return "f2"
    return "text"


def format_cell(value: Any, spec: str = "f2", lang: str = "en") -> str:
    """Text of one table cell in APA style.

    Parameters
    ----------
    value
        A number, a string (returned unchanged), a boolean or a missing value (empty string).
    spec
        A format code of :mod:`alliance_stats.core.table` (``int f1 f2 f3 r2 r3 p pct text``).
    lang
        ``"fr"`` (decimal comma) or ``"en"``.

    Returns
    -------
    str
        The printed cell. Infinite values print as ``∞`` / ``-∞``. A number in a ``text`` column is
        printed with two decimals (or as an integer) so that a French table never shows a decimal point.

    Examples
    --------
    >>> format_cell(0.00002, "p", "en")
    '< .001'
    >>> format_cell(0.8234, "r2", "fr")
    ',82'
    >>> format_cell(-0.5, "r2", "en")
    '-.50'
    >>> format_cell("< 5", "int", "fr")
    '< 5'

    Reference: APA Publication Manual, 7th ed., 6.36.
    """
    check_lang(lang)
    if spec not in FORMAT_CODES:
        raise ValueError(f"unknown format code {spec!r}; use one of {FORMAT_CODES}")
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return {"fr": {True: "oui", False: "non"}, "en": {True: "yes", False: "no"}}[lang][bool(value)]
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isinf(number):
            return "∞" if number > 0 else "-∞"
        if spec == "text":
            spec = "int" if isinstance(value, numbers.Integral) or number == round(number) else "f2"
        text = fmt_number(number, spec, lang)
        if text.startswith("-") and not any(digit in text for digit in "123456789"):
            text = text[1:]  # a negative number that rounds to zero prints without its sign
        return text
    return str(value)


def cell_format(table: Table, column: Any, row_label: Any = None, values: pd.Series | None = None) -> str:
    """Format code for the cell of ``table`` at ``row_label`` (index label) and ``column``.

    See the module docstring for the lookup order; ``values`` (the column's values) is used for the dtype
    guess when given (needed when column names repeat).
    """
    formats = table.formats
    if row_label is not None:
        key = row_format_key(row_label)
        if key in formats:
            return formats[key]
    if column in formats:
        return formats[column]
    if isinstance(column, tuple):
        for level in reversed(column):
            if level in formats:
                return formats[level]
        joined = " / ".join(str(level) for level in column)
        if joined in formats:
            return formats[joined]
    return guess_format(table.frame[column] if values is None else values)


def format_interval(low: Any, high: Any, spec: str = "f2", lang: str = "en") -> str:
    """A confidence interval as printed in a table: ``[0.12, 0.56]`` (en), ``[0,12 ; 0,56]`` (fr).

    French typography separates the bounds with a semicolon because the comma is the decimal mark.

    >>> format_interval(0.123, 0.456, "f2", "fr")
    '[0,12 ; 0,46]'
    """
    if is_missing(low) or is_missing(high):
        return ""
    sep = " ; " if check_lang(lang) == "fr" else ", "
    return f"[{format_cell(low, spec, lang)}{sep}{format_cell(high, spec, lang)}]"


def format_p_inline(p: float, lang: str = "en") -> str:
    """A p value for running text: ``p < .001`` or ``p = .023`` (APA), decimal comma in French.

    >>> format_p_inline(0.0234, "fr")
    'p = ,023'
    """
    text = format_cell(p, "p", lang)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def row_format_key(row_label: Any) -> str:
    """Key of a whole-row format override in ``Table.formats``: ``"row:<label>"``.

    A MultiIndex row label's levels are joined with ``" / "``.

    >>> row_format_key("AIC")
    'row:AIC'
    """
    if isinstance(row_label, tuple):
        return "row:" + " / ".join(str(v) for v in row_label)
    return f"row:{row_label}"
