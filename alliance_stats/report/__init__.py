"""Report stage: tables, figures and the HTML and Word reports of a run.

The plan runner builds a :class:`Report` (sections of paragraphs, :class:`Table` objects from the stages'
``to_tables(lang)``, :class:`ReportFigure` objects from :mod:`alliance_stats.report.figures`) and calls
:func:`render_run` for the files of the run folder. Every renderer is a pure function returning text or
bytes; writing files is the runner's job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_stats.core.lazy import lazy_exports

# Stages import ``alliance_stats.core.table`` for the Table class; the names below are loaded lazily so that
# this does not pull in matplotlib, python-docx and jinja2.
_EXPORTS: dict[str, str] = {
    "render_docx": "alliance_stats.report.docx",
    "figure_files": "alliance_stats.report.figures",
    "forest_plot": "alliance_stats.report.figures",
    "k_selection_plot": "alliance_stats.report.figures",
    "likert_diverging_bars": "alliance_stats.report.figures",
    "power_curves_plot": "alliance_stats.report.figures",
    "predicted_probabilities_plot": "alliance_stats.report.figures",
    "scree_plot": "alliance_stats.report.figures",
    "format_cell": "alliance_stats.core.format",
    "format_interval": "alliance_stats.core.format",
    "format_p_inline": "alliance_stats.core.format",
    "render_html": "alliance_stats.report.html",
    "label": "alliance_stats.report.labels",
    "Report": "alliance_stats.report.model",
    "ReportFigure": "alliance_stats.report.model",
    "Summary": "alliance_stats.report.model",
    "summary_markdown": "alliance_stats.report.model",
    "Section": "alliance_stats.report.model",
    "Table": "alliance_stats.core.table",
    "slug": "alliance_stats.report.tables",
    "table_file_stem": "alliance_stats.report.tables",
    "table_files": "alliance_stats.report.tables",
}

if TYPE_CHECKING:
    from alliance_stats.report.model import Report, ReportFigure

__all__ = sorted([*_EXPORTS, "figure_file_stem", "render_run"])
_getattr, _dir = lazy_exports(__name__, _EXPORTS)
__getattr__ = _getattr


def __dir__() -> list[str]:
    return sorted({*_dir(), "figure_file_stem", "render_run"})


def figure_file_stem(figure: ReportFigure, number: int) -> str:
    """File name (without extension) of a figure in a run folder: ``figure01_scree``."""
    from alliance_stats.report.tables import slug

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
        ``figures/figureNN_<key>.{png,svg}`` (numbers as in the reports), ``summary.md`` when the report has a
        summary. ``results.json``,
        ``provenance.json`` and ``warnings.txt`` are the runner's.

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.report import Report, Section, Table
    >>> table = Table("sample", "Sample", pd.DataFrame({"n": [300]}, index=["dyads"]))
    >>> files = render_run(Report("Demo", "en", True, [Section("s", "Sample", tables=[table])]))
    >>> sorted(files)[:3]
    ['report.docx', 'report.html', 'tables/table01_sample.csv']
    """
    from alliance_stats.report.docx import docx_bytes
    from alliance_stats.report.html import check_table_languages, page_html
    from alliance_stats.report.model import summary_markdown, xml_safe_report
    from alliance_stats.report.tables import layout_files, table_file_stem

    # made XML-safe, checked and laid out once for every writer (a control character from the data or the plan
    # breaks none of them; each table's cells are printed once)
    report = xml_safe_report(report)
    check_table_languages(report)
    layouts = report.table_layouts()
    files: dict[str, bytes] = {
        "report.html": page_html(report, layouts).encode("utf-8"),
        "report.docx": docx_bytes(report, layouts),
    }
    if report.summary is not None:
        files["summary.md"] = summary_markdown(report).encode("utf-8")
    for number, _, table in report.numbered_tables():
        stem = table_file_stem(table, number)
        for extension, data in layout_files(table, layouts[id(table)]).items():
            files[f"tables/{stem}.{extension}"] = data
    for number, _, figure in report.numbered_figures():
        stem = figure_file_stem(figure, number)
        for extension, data in figure.files.items():
            files[f"figures/{stem}.{extension}"] = data
    return files
