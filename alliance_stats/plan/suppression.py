"""Small-count suppression of crosstabs (primary and complementary), for the privacy of respondents.
"""

from __future__ import annotations

from typing import Any

from alliance_stats.core.i18n import tr

_TOTAL_LABELS = {"total", "ensemble"}


def _suppression_lines(frame: Any, count_columns: list[int], rows_add_up: bool) -> list[list[tuple[int, int]]]:
    """Sets of cells whose sum is printed or derivable (a column within a block, a row of a crosstab)."""
    import pandas as pd

    labels = [str(key[-1] if isinstance(key, tuple) else key).strip().lower() for key in frame.index]
    totals = {i for i, label in enumerate(labels) if label in _TOTAL_LABELS}
    block_of = [key[0] for key in frame.index] if isinstance(frame.index, pd.MultiIndex) else [0] * len(frame)
    blocks: dict[Any, list[int]] = {}
    for i, block in enumerate(block_of):
        if i not in totals:
            blocks.setdefault(block, []).append(i)
    lines = [[(i, j) for i in rows] for rows in blocks.values() for j in count_columns]
    if rows_add_up:
        lines += [[(i, j) for j in count_columns] for i in range(len(frame)) if i not in totals]
    return [line for line in lines if len(line) > 1]


def suppress_small_counts(table: Any, below: int | None, rows_add_up: bool = False) -> Any:
    """A copy of a table of counts whose counts from 1 to ``below - 1`` read ``"< below"`` (disclosure control),
    with complementary suppression so that no hidden count can be derived from a total.

    Count columns are those formatted ``int``. *Primary suppression*: counts from 1 to ``below - 1`` read
    ``"< below"``. *Complementary suppression*: the counts of a column (within each block of a two-level
    index, total rows excluded) add up to a total that is printed or derivable elsewhere in the report, and so
    do the counts of a row when ``rows_add_up`` (a crosstab, whose rows add up to the cluster sizes); a line
    with exactly one hidden cell would give it back by subtraction, so its smallest other cell is hidden too
    (shown ``"x"``), zeros only when no other cell is left, until every line has none or at least two hidden
    cells (the usual heuristic of statistical offices; Statistics Canada 2020). A percentage column (``pct``)
    right after a count column loses the cells of the hidden counts (en dash). Zeros and counts of ``below``
    or more that are not needed for protection are kept. Hidden cells are strings in the frame, so
    ``results.json`` and the CSV files do not hold them either. ``below=None`` returns ``table`` unchanged.

    Parameters
    ----------
    table
        A :class:`~alliance_stats.core.table.Table` of counts (cluster-theory crosstab, configuration counts).
    below
        The plan's ``report.suppress_below`` (``k``); ``None``: no suppression.
    rows_add_up
        Also protect the rows (a crosstab whose row totals are known).

    Returns
    -------
    Table

    Example
    -------
    >>> import pandas as pd
    >>> from alliance_stats.core.table import Table
    >>> t = Table("x", "X", pd.DataFrame({"n": [0, 2, 7, 12], "%": [0.0, 0.1, 0.33, 0.57]}, index=list("abcd")),
    ...           formats={"n": "int", "%": "pct"})
    >>> suppress_small_counts(t, 5).frame.to_dict("list")
    {'n': [0, '< 5', 'x', 12], '%': [0.0, '–', '–', 0.57]}

    Reference: Statistics Canada (2020). *Disclosure control for frequency tables*: threshold rule (primary
    suppression) and complementary suppression so that suppressed cells cannot be derived from totals.
    """
    import dataclasses
    import numbers

    if below is None:
        return table
    frame = table.frame.copy()
    columns = list(frame.columns)
    count_columns = [j for j, column in enumerate(columns) if table.formats.get(column) == "int"]

    def value(i: int, j: int) -> float | None:
        v = frame.iat[i, j]
        if isinstance(v, numbers.Real) and not isinstance(v, bool) and v == v:  # not NaN
            return float(v)
        return None

    primary = {(i, j) for j in count_columns for i in range(len(frame))
               if (v := value(i, j)) is not None and 0 < v < below}
    if not primary:
        return table
    hidden = set(primary)
    lines = _suppression_lines(frame, count_columns, rows_add_up)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            candidates = [(value(*cell), cell) for cell in line if cell not in hidden and value(*cell) is not None]
            positive = [c for c in candidates if c[0] > 0]
            pool = positive or candidates
            if not pool:
                continue
            hidden.add(min(pool)[1])
            changed = True
    for i, j in sorted(hidden):
        cell = f"< {below}" if (i, j) in primary else "x"
        column = frame.iloc[:, j].astype(object)
        column.iat[i] = cell
        frame.isetitem(j, column)
        if j + 1 < len(columns) and table.formats.get(columns[j + 1]) == "pct":
            pct = frame.iloc[:, j + 1].astype(object)
            pct.iat[i] = "–"
            frame.isetitem(j + 1, pct)
    note = tr("plan.suppressed_note", table.lang).format(top=below - 1, below=below)
    if len(hidden) > len(primary):
        note += " " + tr("plan.suppressed_complementary_note", table.lang)
    return dataclasses.replace(table, frame=frame, note=f"{table.note} {note}".strip())

