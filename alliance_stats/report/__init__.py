"""Report stage: tables, figures and the HTML and Word reports of a run.

The plan runner builds a :class:`Report` (sections of paragraphs, :class:`Table` objects from the stages'
``to_table(lang)``, :class:`ReportFigure` objects from :mod:`alliance_stats.report.figures`) and calls
:func:`render_run` for the files of the run folder. Every renderer is a pure function returning text or
bytes; writing files is the runner's job.
"""

from __future__ import annotations

from alliance_stats.report.docx import render_docx
from alliance_stats.report.figures import (
    figure_files,
    forest_plot,
    k_selection_plot,
    likert_diverging_bars,
    power_curves_plot,
    predicted_probabilities_plot,
    scree_plot,
)
from alliance_stats.report.format import format_cell, format_interval, format_p_inline
from alliance_stats.report.html import render_html
from alliance_stats.report.labels import label
from alliance_stats.report.model import Report, ReportFigure, Section
from alliance_stats.report.table import Table
from alliance_stats.report.tables import slug, table_file_stem, table_files

__all__ = [
    "Report", "ReportFigure", "Section", "Table", "figure_file_stem", "figure_files", "forest_plot",
    "format_cell", "format_interval", "format_p_inline", "k_selection_plot", "label", "likert_diverging_bars",
    "power_curves_plot", "predicted_probabilities_plot", "render_docx", "render_html", "render_run",
    "scree_plot", "table_file_stem", "table_files",
]


def figure_file_stem(figure: ReportFigure, number: int) -> str:
    """File name (without extension) of a figure in a run folder: ``figure01_scree``."""
    return f"figure{number:02d}_{slug(figure.key)}"


def render_run(report: Report) -> dict[str, bytes]:
    """Every report file of a run folder, keyed by path relative to the folder.

    Parameters
    ----------
    report
        The report to render.

    Returns
    -------
    dict
        ``report.html``, ``report.docx``, ``tables/tableNN_<key>.{csv,md,html,tex}`` and
        ``figures/figureNN_<key>.{png,svg}`` (numbers as in the reports). ``results.json``,
        ``provenance.json`` and ``warnings.txt`` are the runner's.

    Examples
    --------
    >>> import pandas as pd
    >>> table = Table("sample", "Sample", pd.DataFrame({"n": [300]}, index=["dyads"]))
    >>> files = render_run(Report("Demo", "en", True, [Section("s", "Sample", tables=[table])]))
    >>> sorted(files)[:3]
    ['report.docx', 'report.html', 'tables/table01_sample.csv']
    """
    files: dict[str, bytes] = {
        "report.html": render_html(report).encode("utf-8"),
        "report.docx": render_docx(report),
    }
    for number, _, table in report.numbered_tables():
        stem = table_file_stem(table, number)
        for extension, data in table_files(table, number).items():
            files[f"tables/{stem}.{extension}"] = data
    for number, _, figure in report.numbered_figures():
        stem = figure_file_stem(figure, number)
        for extension, data in figure.files.items():
            files[f"figures/{stem}.{extension}"] = data
    return files
