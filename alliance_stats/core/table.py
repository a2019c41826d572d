"""The table object every stage hands to the report.

A stage result's ``to_table(lang)`` returns a :class:`Table`: numbers stay numbers in ``frame`` (so that
``results.json`` and the tests see full precision) and ``formats`` says how the report layer prints each
column (APA style, decimal comma in French). Titles, column headers and notes are already in ``lang``.

Format codes
------------
``int``   integer;  ``f1`` ``f2`` ``f3``  fixed decimals;  ``r2`` ``r3``  fixed decimals without the leading
zero (for quantities bounded by 1 in absolute value: correlations, alpha, loadings, proportions, APA);
``p``  p value (APA: ``< .001``, else three decimals, no leading zero);  ``pct``  percentage, one decimal;
``text``  as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

FORMAT_CODES = ("int", "f1", "f2", "f3", "r2", "r3", "p", "pct", "text")


@dataclass
class Table:
    """A titled table with a note, ready for rendering in any format.

    Parameters
    ----------
    key
        Stable identifier used for file names and ``results.json`` (``"reliability"``, ``"cfa_fit"``).
    title
        Title in the report language, without the number (the report numbers tables).
    frame
        The values; the index is shown as the first column when ``show_index`` is true.
    note
        Text printed under the table ("Note. ...") in the report language.
    formats
        Column name -> format code (see module docstring); columns not listed are guessed.
    lang
        ``"fr"`` or ``"en"``.
    """

    key: str
    title: str
    frame: pd.DataFrame
    note: str = ""
    formats: dict[str, str] = field(default_factory=dict)
    lang: str = "en"
    show_index: bool = True
