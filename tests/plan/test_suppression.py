"""Small-count suppression of report tables (alliance_stats.plan.suppression): primary and complementary."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.table import Table
from alliance_stats.plan import suppress_small_counts


def test_suppress_small_counts_keeps_zeros_and_large_counts():
    frame = pd.DataFrame({"n": [0, 1, 4, 5, 30], "%": [0.0, 0.01, 0.04, 0.05, 0.3], "mean": [1.0, 2.0, 3, 4, 5]},
                         index=list("abcde"))
    table = Table("counts", "Counts", frame, "Note.", {"n": "int", "%": "pct", "mean": "f2"}, "en")
    out = suppress_small_counts(table, 5)
    assert out.frame["n"].tolist() == [0, "< 5", "< 5", 5, 30]
    assert out.frame["%"].tolist() == [0.0, "–", "–", 0.05, 0.3]
    assert out.frame["mean"].tolist() == frame["mean"].tolist()
    assert out.note == "Note. Counts from 1 to 4 are suppressed (< 5)."
    assert table.frame["n"].tolist() == [0, 1, 4, 5, 30] and table.note == "Note."  # input not modified
    assert suppress_small_counts(table, None) is table


def _hidden_per_line(shown: pd.DataFrame, lines: list[list[tuple[int, int]]]) -> list[int]:
    return [sum(isinstance(shown.iat[i, j], str) for i, j in line) for line in lines]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(1, 12))
def test_suppressed_counts_cannot_be_derived_from_the_column_total(counts, below):
    table = Table("counts", "Counts", pd.DataFrame({"n": counts}), formats={"n": "int"}, lang="fr")
    shown = suppress_small_counts(table, below).frame["n"].tolist()
    for count, cell in zip(counts, shown, strict=True):
        if 0 < count < below:
            assert cell == f"< {below}"
        else:
            assert cell in (count, "x")
    hidden = sum(isinstance(cell, str) for cell in shown)
    assert hidden != 1 or len(counts) == 1  # one hidden cell in a column would be its total minus the rest
    if not any(0 < c < below for c in counts):
        assert shown == counts  # nothing to protect: nothing hidden


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(2, 4), st.integers(2, 5), st.integers(2, 8), st.data())
def test_crosstab_suppression_protects_every_row_and_column_of_every_block(n_blocks, n_rows, n_cols, below, data):
    values = data.draw(st.lists(st.integers(0, 15), min_size=n_blocks * n_rows * n_cols,
                                max_size=n_blocks * n_rows * n_cols))
    index = pd.MultiIndex.from_product([[f"m{b}" for b in range(n_blocks)], range(n_rows)])
    frame = pd.DataFrame(np.array(values).reshape(-1, n_cols), index=index, columns=[f"c{j}" for j in range(n_cols)])
    table = Table("cluster_crosstab", "X", frame, formats={c: "int" for c in frame.columns}, lang="en")
    shown = suppress_small_counts(table, below, rows_add_up=True).frame
    for i in range(len(frame)):
        for j in range(n_cols):
            count, cell = frame.iat[i, j], shown.iat[i, j]
            assert cell == (f"< {below}" if 0 < count < below else cell if cell == "x" else count)
    rows = [[(i, j) for j in range(n_cols)] for i in range(len(frame))]
    columns = [[(b * n_rows + i, j) for i in range(n_rows)] for b in range(n_blocks) for j in range(n_cols)]
    assert 1 not in _hidden_per_line(shown, rows + columns)
    assert frame.equals(table.frame)  # the input is not modified


def test_complementary_suppression_skips_total_rows_and_says_so():
    frame = pd.DataFrame({"n": [3, 20, 30, 53], "%": [0.06, 0.38, 0.57, 1.0]},
                         index=["entraide", "survie", "parrainage", "Total"])
    table = Table("typology_counts", "Counts", frame, "Note.", {"n": "int", "%": "pct"}, "en")
    out = suppress_small_counts(table, 5).frame
    assert out["n"].tolist() == ["< 5", "x", 30, 53]  # 53 - 30 - 20 would give the 3 back
    assert out["%"].tolist() == ["–", "–", 0.57, 1.0]
    assert "cannot be derived from the totals" in suppress_small_counts(table, 5).note
