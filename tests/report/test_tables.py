"""Rendering one Table as CSV, Markdown, HTML and LaTeX (alliance_stats.report.tables)."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_stats.core.table import Table
from alliance_stats.report.tables import (
    escape_latex,
    escape_markdown,
    table_file_stem,
    table_files,
    table_layout,
)
from tests.report.builders import CellCollector, models_table, reliability_table

EXPECTED_RELIABILITY = {
    "fr": [["LINK", ",82", ",78", "< ,001", "300", "95,7"],
           ["SYM", ",70", ",65", ",032", "298", "50,0"],
           ["R&D_50%#", "-,03", "-,20", ",500", "12", "0,1"]],
    "en": [["LINK", ".82", ".78", "< .001", "300", "95.7"],
           ["SYM", ".70", ".65", ".032", "298", "50.0"],
           ["R&D_50%#", "-.03", "-.20", ".500", "12", "0.1"]],
}


def test_layout_prints_every_cell_in_apa_style(lang):
    layout = table_layout(reliability_table(lang), 3)
    assert [list(row) for row in layout.body] == EXPECTED_RELIABILITY[lang]
    assert layout.label == {"fr": "Tableau 3", "en": "Table 3"}[lang]
    assert layout.numeric == (False, True, True, True, True, True)
    assert layout.column_names() == ["construct", "alpha", "ci_low", "p", "n", "share"]


def test_every_format_renders_every_cell(lang):
    table = reliability_table(lang)
    files = table_files(table, 3)
    assert sorted(files) == ["csv", "html", "md", "tex"]
    markdown = files["md"].decode("utf-8")
    latex = files["tex"].decode("utf-8")
    collector = CellCollector()
    collector.feed(files["html"].decode("utf-8"))
    assert collector.tables == [EXPECTED_RELIABILITY[lang]]
    for row in EXPECTED_RELIABILITY[lang]:
        assert "| " + " | ".join(escape_markdown(cell) for cell in row) + " |" in markdown
        assert " & ".join(escape_latex(cell) for cell in row) + r" \\" in latex
    caption = {"fr": "Tableau 3", "en": "Table 3"}[lang]
    assert f"**{caption}**" in markdown and f"*{table.title}*" in markdown
    assert markdown.rstrip().endswith(f"*Note.* {table.note}")
    assert collector.captions == [caption + table.title]
    assert "<p class=\"table-note\"><em>Note.</em>" in files["html"].decode()


def test_csv_keeps_full_precision_and_a_decimal_point(lang):
    table = reliability_table(lang)
    text = table_files(table, 1)["csv"].decode("utf-8")
    back = pd.read_csv(io.StringIO(text), index_col=0)
    pd.testing.assert_frame_equal(back, table.frame, check_dtype=False, check_exact=True)
    assert "0.8234" in text and "0,8234" not in text


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=8))
def test_csv_round_trips_any_float_exactly(values):
    table = Table("x", "X", pd.DataFrame({"value": values}), lang="fr", show_index=False)
    back = pd.read_csv(io.StringIO(table_files(table, 1)["csv"].decode()))
    assert back["value"].tolist() == values


def test_latex_has_booktabs_rules_and_escapes_special_characters():
    table = reliability_table("en")
    table.note = "Values & notes: 50% of #1_a {b} ~ ^ \\ $ α ≥ .70"
    latex = table_files(table, 1)["tex"].decode()
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert latex.count(rule) == 1
    assert latex.index(r"\toprule") < latex.index(r"\midrule") < latex.index(r"\bottomrule")
    assert r"R\&D\_50\%\#" in latex
    assert (r"Values \& notes: 50\% of \#1\_a \{b\} \textasciitilde{} \textasciicircum{} \textbackslash{} \$ "
            r"\ensuremath{\alpha} \ensuremath{\geq} .70") in latex
    assert r"\textless{} .001" in latex
    assert r"\begin{tabular}{@{}lrrrrr@{}}" in latex
    # no unescaped special character outside the commands we wrote
    body = latex.split(r"\midrule")[1].split(r"\bottomrule")[0]
    stripped = re.sub(r"\\[a-zA-Z]+\{\}|\\[&%#_$]|\\\\", "", body)
    assert not re.search(r"[%#_$]", stripped)
    assert stripped.count("&") == 3 * 5  # only the column separators remain


def test_multiindex_columns_render_spanners():
    files = table_files(models_table("fr"), 2)
    latex = files["tex"].decode()
    assert r"\multicolumn{2}{c}{M1} & \multicolumn{2}{c}{M2}" in latex
    assert r"\cmidrule(lr){2-3} \cmidrule(lr){4-5}" in latex
    html = files["html"].decode()
    assert html.count('colspan="2"') == 2
    markdown = files["md"].decode()
    assert "| M1 / OR | M1 / p | M2 / OR | M2 / p |" in markdown
    # row override: AIC printed with one decimal; p values APA with a decimal comma
    assert "| AIC | 412,3 |  | 409,9 |  |" in markdown
    assert "| entraide | 2,46 | < ,001 | 1,99 | ,012 |" in markdown
    csv = files["csv"].decode()
    assert csv.splitlines()[0] == ",M1 / OR,M1 / p,M2 / OR,M2 / p"
    assert "412.345" in csv


def test_html_escapes_injected_markup():
    frame = pd.DataFrame({"label": ["<script>alert('x')</script>"], "value": [0.5]},
                         index=pd.Index(["<b>row</b>"], name="<i>h</i>"))
    table = Table("inj", "<img src=x onerror=alert(1)>", frame, note="<script>evil()</script>", lang="en")
    html = table_files(table, 1)["html"].decode()
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    markdown = table_files(table, 1)["md"].decode()
    assert not re.search(r"(?<!\\)<(script|/script|b>|img)", markdown)
    assert "\\<script>" in markdown


def test_markdown_escapes_pipes_and_newlines():
    frame = pd.DataFrame({"text": ["a|b\nc", "*x*"]})
    markdown = table_files(Table("t", "T", frame, show_index=False), 1)["md"].decode()
    assert "| a\\|b c |" in markdown and "| \\*x\\* |" in markdown


def test_hidden_index_and_missing_cells():
    frame = pd.DataFrame({"name": ["a", "b"], "r": [0.5, np.nan]})
    layout = table_layout(Table("t", "T", frame, formats={"r": "r2"}, show_index=False))
    assert layout.stub == 0
    assert layout.body == (("a", ".50"), ("b", ""))


def test_rendering_does_not_modify_the_table():
    table = models_table("en")
    before = table.frame.copy(deep=True)
    formats = dict(table.formats)
    table_files(table, 1)
    pd.testing.assert_frame_equal(table.frame, before)
    assert table.formats == formats


def test_file_stem():
    assert table_file_stem(reliability_table("en"), 4) == "table04_reliability"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_table_files_are_deterministic(lang):
    assert table_files(models_table(lang), 1) == table_files(models_table(lang), 1)


def test_repeated_column_names_and_empty_tables():
    frame = pd.DataFrame([[1, 0.5, "x"]], columns=["a", "a", "b"])
    layout = table_layout(Table("t", "T", frame, formats={"a": "r2"}, show_index=False))
    assert layout.body == (("1.00", ".50", "x"),)
    empty = Table("e", "Empty", pd.DataFrame({"alpha": pd.Series([], dtype=float)}), lang="fr")
    files = table_files(empty, 1)
    assert b"\\toprule" in files["tex"] and b"| alpha |" in files["md"]


def test_latex_wraps_long_text_columns_in_a_tabularx():
    """A hypothesis statement in an ``l`` column runs off the page (issue 15 item 16): long text columns are
    wrapping ``X`` columns of a line-wide ``tabularx``; short tables keep a plain ``tabular``."""
    statement = "Social-link configurations have higher odds of crossing the start-up phase than economic ones."
    long_table = Table(key="hyp", title="Hypotheses", lang="en", formats={"Hypothesis": "text", "OR": "f2"},
                       frame=pd.DataFrame({"Hypothesis": [statement, "Short."], "OR": [6.63, 1.2]},
                                          index=pd.Index(["H1", "H2"], name="id")))
    latex = table_files(long_table, 1)["tex"].decode()
    assert r"\begin{tabularx}{\linewidth}{@{}l>{\raggedright\arraybackslash}Xr@{}}" in latex
    assert r"\end{tabularx}" in latex and r"\begin{tabular}{" not in latex
    assert r"\usepackage{tabularx}" in latex.splitlines()[0]
    short = Table(key="s", title="Short", lang="en", formats={"a": "text"},
                  frame=pd.DataFrame({"a": ["x", "y"]}))
    short_latex = table_files(short, 1)["tex"].decode()
    assert r"\begin{tabular}{@{}" in short_latex and "tabularx" not in short_latex
