"""Render one :class:`~alliance_stats.core.table.Table` as CSV, Markdown, HTML and LaTeX.

:func:`table_files` returns the four files of a table, keyed by extension. CSV is for machines: numbers
at full precision with a decimal point whatever the language, one header row (MultiIndex column levels
joined with ``" / "``). Markdown, HTML and LaTeX are for people: APA-formatted cells
(:func:`alliance_stats.core.format.format_cell`), the number and title above the table
(``Table 1`` / ``Tableau 1``), the note below (``Note.``), horizontal rules only (LaTeX ``booktabs``).

All four renderers, the HTML report and the Word report print from the same :class:`TableLayout`, so a
number is the same text in every output.

Reference: APA Publication Manual, 7th ed., chapter 7 (table set-up); the booktabs LaTeX package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from alliance_stats.core.format import (
    NUMERIC_FORMATS,
    cell_format,
    format_cell,
    row_format_key,
)
from alliance_stats.core.i18n import check_lang
from alliance_stats.core.safetext import neutralise_frame
from alliance_stats.core.table import Table
from alliance_stats.report.labels import label
from alliance_stats.report.templates import CSS, ENVIRONMENT


@dataclass(frozen=True)
class HeaderCell:
    """One header cell; ``span`` columns wide (``span > 1`` for a spanner over a column group)."""

    text: str
    span: int = 1
    spanner: bool = False
    stub: bool = False

    @property
    def css(self) -> str:
        """CSS class of the cell in HTML."""
        return "stub" if self.stub else ("spanner" if self.spanner else "col")


@dataclass(frozen=True)
class TableLayout:
    """A table ready to print: every cell already a string.

    Attributes
    ----------
    key, title, note, lang
        From the :class:`Table`.
    number
        The table's number in the report.
    header_rows
        Header rows from top to bottom; each row's spans add up to the number of columns. The last row
        names every column; upper rows hold spanners (MultiIndex column levels).
    body
        Rows of printed cells, stub (index) cells first.
    numeric
        Per column: True when the column holds numbers (right-aligned).
    stub
        Number of leading stub columns (the index levels shown).
    """

    key: str
    title: str
    note: str
    lang: str
    number: int
    header_rows: tuple[tuple[HeaderCell, ...], ...]
    body: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    stub: int

    @property
    def label(self) -> str:
        """``"Table 1"`` or ``"Tableau 1"``."""
        return f"{label('table', self.lang)} {self.number}"

    @property
    def note_label(self) -> str:
        """``"Note."``."""
        return label("note", self.lang)

    @property
    def anchor(self) -> str:
        """HTML id of the table block."""
        return f"table-{self.number}-{slug(self.key)}"

    @property
    def n_columns(self) -> int:
        """Number of printed columns, stub included."""
        return len(self.numeric)

    def column_names(self) -> list[str]:
        """One name per printed column (MultiIndex levels joined with ``" / "``)."""
        names: list[list[str]] = [[] for _ in range(self.n_columns)]
        for row in self.header_rows:
            position = 0
            for cell in row:
                for offset in range(cell.span):
                    if cell.text:
                        names[position + offset].append(cell.text)
                position += cell.span
        return [" / ".join(parts) for parts in names]


def slug(text: str) -> str:
    """File- and id-safe version of ``text``: lower-case letters, digits, ``_`` and ``-``.

    >>> slug("CFA fit (M1)")
    'cfa-fit-m1'
    """
    cleaned = re.sub(r"[^a-z0-9_]+", "-", str(text).lower()).strip("-")
    return cleaned or "x"


def _header_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def table_layout(table: Table, number: int = 1) -> TableLayout:
    """Print every cell of ``table`` (APA formats) and lay out its header rows.

    Parameters
    ----------
    table
        The table from a stage's ``to_table(lang)``.
    number
        Its number in the report (``Table <number>``).

    Returns
    -------
    TableLayout

    Examples
    --------
    >>> t = Table("rel", "Reliability", pd.DataFrame({"alpha": [0.8234]}, index=["LINK"]), formats={"alpha": "r2"})
    >>> table_layout(t).body
    (('LINK', '.82'),)
    """
    lang = check_lang(table.lang)
    frame = table.frame
    columns = list(frame.columns)
    n_levels = frame.columns.nlevels
    stub = frame.index.nlevels if table.show_index else 0
    specs = [cell_format(table, column, values=values) for column, values in frame.items()]  # items(): no iloc cost
    numeric = tuple([False] * stub + [spec in NUMERIC_FORMATS for spec in specs])

    header_rows: list[tuple[HeaderCell, ...]] = []
    for level in range(n_levels):
        row: list[HeaderCell] = []
        last = level == n_levels - 1
        if stub:
            names = list(frame.index.names)
            row.extend(HeaderCell(_header_text(name) if last else "", 1, stub=True) for name in names)
        if last:
            row.extend(HeaderCell(_header_text(c[level] if isinstance(c, tuple) else c)) for c in columns)
        else:
            position = 0
            while position < len(columns):
                prefix = columns[position][: level + 1]
                span = 1
                while position + span < len(columns) and columns[position + span][: level + 1] == prefix:
                    span += 1
                row.append(HeaderCell(_header_text(prefix[-1]), span, spanner=True))
                position += span
        header_rows.append(tuple(row))

    body: list[tuple[str, ...]] = []
    for row_label, (_, values) in zip(frame.index, frame.iterrows(), strict=True):
        cells: list[str] = []
        if stub:
            labels = row_label if isinstance(row_label, tuple) else (row_label,)
            cells.extend(format_cell(value, "text", lang) for value in labels)
        row_spec = table.formats.get(row_format_key(row_label))
        for spec, value in zip(specs, values.tolist(), strict=True):
            cells.append(format_cell(value, row_spec or spec, lang))
        body.append(tuple(cells))
    return TableLayout(
        key=table.key, title=table.title, note=table.note, lang=lang, number=number,
        header_rows=tuple(header_rows), body=tuple(body), numeric=numeric, stub=stub,
    )


# ----------------------------------------------------------------------------------------------- CSV


def table_csv(table: Table) -> str:
    """The values at full precision (machine-readable; decimal point, UTF-8, ``\\n`` line ends).

    The header row holds the column names (MultiIndex levels joined with ``" / "``); the index comes first
    when ``table.show_index`` is true. Text cells and labels that a spreadsheet would read as a formula
    (respondent ids, labels from the data) are neutralised (:func:`~alliance_stats.core.safetext.neutralise_frame`);
    numbers stay numbers.
    """
    frame = table.frame.copy(deep=False)
    if frame.columns.nlevels > 1:
        frame.columns = [" / ".join(_header_text(level) for level in column) for column in frame.columns]
    return neutralise_frame(frame).to_csv(index=table.show_index, lineterminator="\n")


# ------------------------------------------------------------------------------------------ Markdown

_MD_SPECIAL = re.compile(r"([\\|*`\[\]])")
_MD_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def escape_markdown(text: str) -> str:
    """Escape the characters that would change a Markdown table cell (pipes, emphasis, code, links, tags).

    >>> escape_markdown("a|b <script>")
    'a\\\\|b \\\\<script>'
    """
    text = _MD_SPECIAL.sub(r"\\\1", str(text))
    text = _MD_TAG.sub(r"\\<", text)
    return " ".join(text.splitlines())


def table_markdown(layout: TableLayout) -> str:
    """A GitHub-flavoured Markdown pipe table with the APA caption above and the note below."""
    names = layout.column_names()
    lines = [f"**{escape_markdown(layout.label)}**", "", f"*{escape_markdown(layout.title)}*", ""]
    lines.append("| " + " | ".join(escape_markdown(name) for name in names) + " |")
    lines.append("|" + "|".join("---:" if is_num else ":---" for is_num in layout.numeric) + "|")
    for row in layout.body:
        lines.append("| " + " | ".join(escape_markdown(cell) for cell in row) + " |")
    if layout.note:
        lines.extend(["", f"*{escape_markdown(layout.note_label)}* {escape_markdown(layout.note)}"])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- HTML


def table_html(layout: TableLayout) -> str:
    """A standalone UTF-8 HTML page holding the table (same markup and style as in ``report.html``)."""
    return ENVIRONMENT.get_template("table.html").render(t=layout, lang=layout.lang, css=CSS)


# --------------------------------------------------------------------------------------------- LaTeX

_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
    "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "\u2212": r"\ensuremath{-}", "\u202f": r"\,", "\u00a0": "~",
    "∞": r"\ensuremath{\infty}", "≤": r"\ensuremath{\leq}", "≥": r"\ensuremath{\geq}", "≠": r"\ensuremath{\neq}",
    "≈": r"\ensuremath{\approx}", "±": r"\ensuremath{\pm}", "×": r"\ensuremath{\times}", "→": r"\ensuremath{\to}",
    "²": r"\textsuperscript{2}", "α": r"\ensuremath{\alpha}", "β": r"\ensuremath{\beta}",
    "γ": r"\ensuremath{\gamma}", "δ": r"\ensuremath{\delta}", "ε": r"\ensuremath{\varepsilon}",
    "η": r"\ensuremath{\eta}", "κ": r"\ensuremath{\kappa}", "λ": r"\ensuremath{\lambda}",
    "μ": r"\ensuremath{\mu}", "ρ": r"\ensuremath{\rho}", "σ": r"\ensuremath{\sigma}", "τ": r"\ensuremath{\tau}",
    "φ": r"\ensuremath{\phi}", "χ": r"\ensuremath{\chi}", "ω": r"\ensuremath{\omega}",
    "Δ": r"\ensuremath{\Delta}", "Σ": r"\ensuremath{\Sigma}", "Ω": r"\ensuremath{\Omega}",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(char) for char in _LATEX_ESCAPES))


def escape_latex(text: str) -> str:
    """Escape LaTeX special characters (and map a few symbols to math mode) for text-mode use.

    >>> escape_latex("R&D 50% a_b #1")
    'R\\\\&D 50\\\\% a\\\\_b \\\\#1'
    """
    text = " ".join(str(text).splitlines())
    return _LATEX_PATTERN.sub(lambda match: _LATEX_ESCAPES[match.group(0)], text)


#: Text cells longer than this make their LaTeX column a wrapping ``X`` column of a ``tabularx``.
LATEX_WRAP_CHARS = 40


def table_latex(layout: TableLayout) -> str:
    """A ``table`` float with a ``booktabs`` tabular (``\\toprule``, ``\\midrule``, ``\\bottomrule``).

    Needs ``\\usepackage{booktabs}`` in the preamble (and ``\\usepackage[french]{babel}`` for French
    captions, which then read "Tableau"). A text column holding a cell longer than
    :data:`LATEX_WRAP_CHARS` characters (a hypothesis statement, a note-like label) would run off the page in an
    ``l`` column: the table is then a ``tabularx`` of the line width whose long text columns are ragged-right
    ``X`` columns that wrap (``\\usepackage{tabularx}`` too, said in the file's first line).
    """
    wrap = [not is_num and any(len(row[j]) > LATEX_WRAP_CHARS for row in layout.body)
            for j, is_num in enumerate(layout.numeric)]
    colspec = "".join(r">{\raggedright\arraybackslash}X" if wrapped else "r" if is_num else "l"
                      for is_num, wrapped in zip(layout.numeric, wrap, strict=True))
    packages = r"\usepackage{booktabs} and \usepackage{tabularx}" if any(wrap) else r"\usepackage{booktabs}"
    begin = (f"\\begin{{tabularx}}{{\\linewidth}}{{@{{}}{colspec}@{{}}}}" if any(wrap)
             else f"\\begin{{tabular}}{{@{{}}{colspec}@{{}}}}")
    lines = [
        f"% {layout.label}: {escape_latex(layout.title)} (alliance-stats). Requires {packages}.",
        r"\begin{table}[htbp]",
        r"\centering",
        f"\\caption{{{escape_latex(layout.title)}}}",
        f"\\label{{tab:{slug(layout.key)}}}",
        begin,
        r"\toprule",
    ]
    for row_index, row in enumerate(layout.header_rows):
        last = row_index == len(layout.header_rows) - 1
        cells: list[str] = []
        rules: list[str] = []
        position = 1
        for cell in row:
            text = escape_latex(cell.text)
            if cell.span > 1:
                cells.append(f"\\multicolumn{{{cell.span}}}{{c}}{{{text}}}")
            elif last and not cell.stub:
                cells.append(f"\\multicolumn{{1}}{{c}}{{{text}}}" if text else "")
            else:
                cells.append(text)
            if cell.spanner and cell.text:
                rules.append(f"\\cmidrule(lr){{{position}-{position + cell.span - 1}}}")
            position += cell.span
        lines.append(" & ".join(cells) + r" \\")
        if rules and not last:
            lines.append(" ".join(rules))
    lines.append(r"\midrule")
    for row in layout.body:
        lines.append(" & ".join(escape_latex(cell) for cell in row) + r" \\")
    lines.append(r"\bottomrule")
    lines.append(r"\end{tabularx}" if any(wrap) else r"\end{tabular}")
    if layout.note:
        lines.append(
            f"\\par\\medskip{{\\footnotesize\\textit{{{escape_latex(layout.note_label)}}} "
            f"{escape_latex(layout.note)}\\par}}"
        )
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------- files


def table_files(table: Table, number: int) -> dict[str, bytes]:
    """The four files of one table, UTF-8 encoded, keyed by extension.

    Parameters
    ----------
    table
        The table (``Table.lang`` sets the language of the caption and of the numbers).
    number
        Its number in the report (``Table 1`` / ``Tableau 1``).

    Returns
    -------
    dict
        ``{"csv": ..., "md": ..., "html": ..., "tex": ...}``. CSV keeps full precision; the others are
        APA-formatted.

    Examples
    --------
    >>> t = Table("rel", "Fiabilité", pd.DataFrame({"alpha": [0.8234]}, index=["LINK"]),
    ...           formats={"alpha": "r2"}, lang="fr")
    >>> sorted(table_files(t, 1))
    ['csv', 'html', 'md', 'tex']
    >>> "| LINK | ,82 |" in table_files(t, 1)["md"].decode()
    True
    """
    return layout_files(table, table_layout(table, number))


def layout_files(table: Table, layout: TableLayout) -> dict[str, bytes]:
    """The files of :func:`table_files` from the table's layout, already made (a report's tables are laid out once
    for the HTML page, the Word file and these files).

    Parameters
    ----------
    table
        The table (the CSV is written from its frame).
    layout
        Its :func:`table_layout`, with its number in the report.

    Returns
    -------
    dict
        ``{"csv": ..., "md": ..., "html": ..., "tex": ...}``, as :func:`table_files`.

    Examples
    --------
    >>> t = Table("rel", "Reliability", pd.DataFrame({"alpha": [0.8234]}, index=["LINK"]), formats={"alpha": "r2"})
    >>> layout_files(t, table_layout(t, 3)) == table_files(t, 3)
    True
    """
    return {
        "csv": table_csv(table).encode("utf-8"),
        "md": table_markdown(layout).encode("utf-8"),
        "html": table_html(layout).encode("utf-8"),
        "tex": table_latex(layout).encode("utf-8"),
    }


def table_file_stem(table: Table, number: int) -> str:
    """File name (without extension) of a table in a run folder: ``table01_reliability``."""
    return f"table{number:02d}_{slug(table.key)}"
