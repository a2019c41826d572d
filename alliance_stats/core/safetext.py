"""Text that is safe to write: spreadsheet formula neutralisation, XML-legal text, terminal-safe text.

The one place for the three defences of the writers (docs/design.md section 7):

* :func:`neutralise_cell` / :func:`neutralise_frame`: a cell text that a spreadsheet would read as a formula
  (first character after any apostrophes ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; OWASP "CSV
  injection") gets one more leading apostrophe. Used by every CSV and XLSX the tool writes (instrument exports,
  report tables). Numbers stay numbers: only text cells are touched, so a negative number is not made text.
* :func:`xml_safe`: characters that XML 1.0 forbids (C0 controls other than tab, line feed and carriage return,
  lone surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD, so that the Word, XLSX, SPSS and XML writers never
  fail on a ``\\x01`` or a ``\\v`` in the data or a plan title, and the change stays visible.
* :func:`escape_terminal`: control characters (ANSI/OSC escape sequences included) are shown as ``\\x1b``-style
  escapes in console output, so that data cannot drive the user's terminal.

:func:`control_characters` and :func:`is_formula_like` let the data check report such cells.

Example
-------
>>> neutralise_cell("=cmd|' /C calc'!A0")
"'=cmd|' /C calc'!A0"
>>> xml_safe("a\\x01b")
'a\\ufffdb'
>>> escape_terminal("\\x1b[31mred")
'\\\\x1b[31mred'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where a frame is mapped: the command line's start needs only the text
    import pandas as pd

__all__ = [
    "FORMULA_PREFIXES",
    "control_characters",
    "escape_terminal",
    "is_formula_like",
    "neutralise_cell",
    "neutralise_frame",
    "restore_cell",
    "xml_safe",
]

#: First characters (after any apostrophes) that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: A signed number as a spreadsheet shows it (decimal point or French decimal comma): not a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+[.,]?\d*|[.,]\d+)([eE][+-]?\d+)?")


def neutralise_cell(text: str) -> str:
    """Neutralise spreadsheet formula injection in one cell text.

    A text whose first character after any leading apostrophes is ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return gets one more leading apostrophe, so that no spreadsheet evaluates it.

    Parameters
    ----------
    text
        One cell's text.

    Returns
    -------
    str
        The text, prefixed by an apostrophe when a spreadsheet could read it as a formula.

    References
    ----------
    OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection); docs/design.md section 7.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell("Oui")
    'Oui'
    """
    stripped = text.lstrip("'")
    if stripped[:1] in FORMULA_PREFIXES and stripped:
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """Undo :func:`neutralise_cell` (exact inverse).

    Parameters
    ----------
    text
        A cell text written by :func:`neutralise_cell`.

    Returns
    -------
    str
        The original text.

    References
    ----------
    OWASP, "CSV Injection"; docs/design.md section 7.

    Examples
    --------
    >>> restore_cell(neutralise_cell("=1+1")), restore_cell("'ok")
    ('=1+1', "'ok")
    """
    stripped = text.lstrip("'")
    if text.startswith("'") and stripped[:1] in FORMULA_PREFIXES and stripped:
        return text[1:]
    return text


def _neutralise_value(value: Any) -> Any:
    """A report cell: text is neutralised unless it is a plain number already formatted (``-218.72``,
    ``-0,5``), which a spreadsheet reads as that number and which must stay one."""
    if isinstance(value, str) and not _PLAIN_NUMBER.fullmatch(value.strip()):
        return neutralise_cell(value)
    return value


def _map_labels(index: pd.Index, func: Callable[[Any], Any]) -> pd.Index:
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(func(v) for v in key) for key in index], names=index.names)
    if index.dtype == object or pd.api.types.is_string_dtype(index.dtype):
        return pd.Index([func(v) for v in index], name=index.name, dtype=object)
    return index


def map_text_frame(frame: pd.DataFrame, func: Callable[[Any], Any]) -> pd.DataFrame:
    """A copy of ``frame`` with ``func`` applied to every cell of its text columns and to its index and column
    labels (numeric columns untouched); the one traversal behind :func:`neutralise_frame` and the report's
    XML-safe copy.

    >>> import pandas as pd
    >>> map_text_frame(pd.DataFrame({"a": ["x"], "n": [1]}, index=["r"]), str.upper).to_dict()
    {'A': {'R': 'X'}, 'N': {'R': 1}}
    """
    import pandas as pd

    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out.isetitem(position, column.map(func).astype(object))
    out.index = _map_labels(out.index, func)
    out.columns = _map_labels(out.columns, func)
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, index labels and column labels are neutralised.

    Only text is changed (:func:`neutralise_cell`); numeric columns and numbers in mixed columns are kept as
    they are, so that ``-1.5`` stays a number in the CSV or XLSX.

    Parameters
    ----------
    frame
        A table about to be written as CSV or XLSX.

    Returns
    -------
    pandas.DataFrame
        The neutralised copy (``frame`` is not modified).

    References
    ----------
    OWASP, "CSV Injection"; docs/design.md section 7.

    Examples
    --------
    >>> import pandas as pd
    >>> out = neutralise_frame(pd.DataFrame({"id": ["=1+1", "r2"], "x": [-1.5, 2.0], "ll": ["-218.72", "-1+1"]},
    ...                                     index=["@a", "b"]))
    >>> out.to_csv(lineterminator="\\n").splitlines()
    [',id,x,ll', "'@a,'=1+1,-1.5,-218.72", "b,r2,2.0,'-1+1"]
    """
    return map_text_frame(frame, _neutralise_value)


def xml_safe(text: str) -> str:
    """``text`` with every character that XML 1.0 forbids replaced by U+FFFD (the replacement character).

    Parameters
    ----------
    text
        Any text (a cell, a label, a title).

    Returns
    -------
    str
        Text every XML-based writer accepts (Word, XLSX, SPSS labels, HTML).

    References
    ----------
    W3C, Extensible Markup Language (XML) 1.0, 5th ed., production [2] ``Char``.

    Examples
    --------
    >>> xml_safe("tab\\tand\\vvertical tab")
    'tab\\tand\\ufffdvertical tab'
    """
    return _XML_ILLEGAL.sub("\ufffd", text)


def control_characters(text: str) -> list[str]:
    """The distinct control characters of ``text`` (C0 but tab and line feed, DEL, C1), in order of appearance.

    Parameters
    ----------
    text
        A cell's text.

    Returns
    -------
    list of str
        Each control character once, written as an escape (``"\\\\x1b"``).

    References
    ----------
    ECMA-48 (ISO/IEC 6429), control functions; docs/design.md section 7.

    Examples
    --------
    >>> control_characters("a\\x01b\\x1b[31m\\x01")
    ['\\\\x01', '\\\\x1b']
    """
    return list(dict.fromkeys(_escape(match) for match in _CONTROL.findall(text)))


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (not a plain number such as ``-3``, not a lone ``-``).

    Parameters
    ----------
    text
        A cell's text.

    Returns
    -------
    bool
        Whether :func:`neutralise_cell` would change the text for a reason other than a signed number.

    References
    ----------
    OWASP, "CSV Injection".

    Examples
    --------
    >>> is_formula_like("=cmd|' /C calc'!A0"), is_formula_like("-3"), is_formula_like("-"), is_formula_like("Oui")
    (True, False, False, False)
    >>> is_formula_like("-3,5")  # a French decimal, as the report's CSV writer treats it
    False
    """
    stripped = text.lstrip("'")
    body = stripped.strip()
    return (len(stripped) > 1 and stripped[0] in FORMULA_PREFIXES and len(body) > 1
            and not _PLAIN_NUMBER.fullmatch(body))


def _escape(character: str) -> str:
    return f"\\x{ord(character):02x}"


def escape_terminal(text: str) -> str:
    """``text`` with its control characters written as escapes, for console output.

    Tab and line feed are kept; every other C0 control (ESC of ANSI and OSC sequences, carriage return, bell),
    DEL and the C1 controls (U+0080 to U+009F, the one-character CSI and OSC) become ``\\x1b``-style text.

    Parameters
    ----------
    text
        A message about to be printed.

    Returns
    -------
    str
        The message, unable to move the cursor, change colours or set the terminal title.

    References
    ----------
    ECMA-48 (ISO/IEC 6429), control functions.

    Examples
    --------
    >>> escape_terminal("R\\x1b]0;pwned\\x07 ok\\n")
    'R\\\\x1b]0;pwned\\\\x07 ok\\n'
    """
    return _TERMINAL.sub(lambda match: _escape(match.group()), text)
