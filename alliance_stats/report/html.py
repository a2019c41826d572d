"""The HTML report: one self-contained file (style inline, figures embedded as base64 PNG, no script).

Tables are numbered and titled above, with their note below, as in a paper (APA 7); figures likewise. A
table of contents opens the report, a banner says when the data are synthetic, a warnings section
gathers every statistical warning, and the provenance closes it. The template is rendered by Jinja2 with
autoescaping on: no text coming from data, plans or stages can inject markup.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from alliance_stats.core.table import Table
from alliance_stats.report.labels import REPORT_KEYS, label
from alliance_stats.report.model import Report, ReportFigure, Section, xml_safe_report
from alliance_stats.report.tables import TableLayout, slug
from alliance_stats.report.templates import CSS, ENVIRONMENT

CSS_PIXELS_PER_INCH = 96
FIGURE_SCREEN_SCALE = 1.35  # figures use 8-pt type sized for print; enlarge them on screen (max: column width)


@dataclass(frozen=True)
class _FigureView:
    number: int
    label: str
    caption: str
    note: str
    anchor: str
    png_base64: str
    width: int
    height: int


@dataclass(frozen=True)
class _SectionView:
    anchor: str
    title: str
    paragraphs: list[str]
    warnings: list[str]
    tables: list[TableLayout]
    figures: list[_FigureView]


def check_table_languages(report: Report) -> None:
    """Raise ``ValueError`` when a table's language differs from the report's (mixed-language report)."""
    for section in report.sections:
        for table in section.tables:
            if table.lang != report.lang:
                raise ValueError(
                    f"table {table.key!r} of section {section.id!r} is in {table.lang!r} but the report is in "
                    f"{report.lang!r}: build every table with to_table(lang={report.lang!r})"
                )


def provenance_items(provenance: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, text) pairs of the provenance; nested values are printed as indented JSON."""
    items = []
    for key, value in provenance.items():
        if isinstance(value, str | int | float | bool) or value is None:
            text = "" if value is None else str(value)
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
        items.append((str(key), text))
    return items


def _figure_view(number: int, figure: ReportFigure, lang: str) -> _FigureView:
    width, height = figure.figure.get_size_inches()
    return _FigureView(
        number=number,
        label=f"{label('figure', lang)} {number}",
        caption=figure.caption,
        note=figure.note,
        anchor=f"figure-{number}-{slug(figure.key)}",
        png_base64=base64.b64encode(figure.files["png"]).decode("ascii"),
        width=round(width * CSS_PIXELS_PER_INCH * FIGURE_SCREEN_SCALE),
        height=round(height * CSS_PIXELS_PER_INCH * FIGURE_SCREEN_SCALE),
    )


def _section_views(report: Report, layouts: dict[int, TableLayout]) -> list[_SectionView]:
    figure_number = {id(figure): number for number, _, figure in report.numbered_figures()}
    views = []
    used: set[str] = set()
    for section in report.sections:
        anchor = f"section-{slug(section.id)}"
        while anchor in used:
            anchor += "-x"
        used.add(anchor)
        views.append(_SectionView(
            anchor=anchor,
            title=section.title,
            paragraphs=list(section.paragraphs),
            warnings=list(section.warnings),
            tables=[layouts[id(table)] for table in section.tables],
            figures=[_figure_view(figure_number[id(figure)], figure, report.lang) for figure in section.figures],
        ))
    return views


def render_html(report: Report) -> str:
    """Render ``report`` as one self-contained HTML page.

    Parameters
    ----------
    report
        The :class:`~alliance_stats.report.model.Report`; every table must be in ``report.lang``.

    Returns
    -------
    str
        The page (UTF-8 text). Deterministic: the same report gives the same string.

    Examples
    --------
    >>> import pandas as pd
    >>> table = Table("n", "Sample", pd.DataFrame({"n": [300]}, index=["dyads"]))
    >>> page = render_html(Report("Demo", "en", True, [Section("sample", "Sample", tables=[table])]))
    >>> "Table 1" in page and "Synthetic data" in page
    True
    """
    report = xml_safe_report(report)  # control characters from the data or the plan are not XML
    check_table_languages(report)
    return page_html(report, report.table_layouts())


def page_html(report: Report, layouts: dict[int, TableLayout]) -> str:
    """The page of :func:`render_html` for a report already made XML-safe and checked, its tables laid out.

    :func:`~alliance_stats.report.render_run` makes the report XML-safe, checks it and lays its tables out once
    for every writer; :func:`render_html` does it for the page alone.

    Parameters
    ----------
    report
        A report from :func:`~alliance_stats.report.model.xml_safe_report` that passed
        :func:`check_table_languages`.
    layouts
        Its :meth:`~alliance_stats.report.model.Report.table_layouts`.

    Returns
    -------
    str
        The page, the one :func:`render_html` returns for the same report.

    Examples
    --------
    >>> import pandas as pd
    >>> table = Table("n", "Sample", pd.DataFrame({"n": [300]}, index=["dyads"]))
    >>> report = Report("Demo", "en", True, [Section("sample", "Sample", tables=[table])])
    >>> page_html(report, report.table_layouts()) == render_html(report)
    True
    """
    texts = {key: label(key, report.lang) for key in REPORT_KEYS}
    return ENVIRONMENT.get_template("report.html").render(
        report=report,
        sections=_section_views(report, layouts),
        all_warnings=report.all_warnings(),
        provenance=provenance_items(report.provenance),
        text=texts,
        css=CSS,
    )


__all__ = ["render_html", "page_html", "check_table_languages", "provenance_items", "Report", "Section", "Table"]
