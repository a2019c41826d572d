"""The report as data: sections holding paragraphs, tables, figures and warnings.

The plan runner builds one :class:`Report`; :func:`~alliance_stats.report.html.render_html` and
:func:`~alliance_stats.report.docx.render_docx` print it. Tables and figures are numbered in order of
appearance across sections (``Table 1``, ``Table 2``... ``Figure 1``...), the same numbers in every output
and in the file names of the run folder (:func:`alliance_stats.report.render_run`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from alliance_stats.core.i18n import check_lang
from alliance_stats.core.safetext import map_text_frame, xml_safe
from alliance_stats.core.table import Table
from alliance_stats.report.figures import FIGURE_DPI, figure_files


@dataclass(eq=False)
class ReportFigure:
    """A figure with its caption (title, above the figure as in APA 7) and an optional note (below).

    The PNG and SVG bytes are rendered once, on first use of :attr:`files`, and shared by the HTML report,
    the Word report and the run folder: by ``draw`` when given (a function returning the files of ``figure``,
    e.g. taken from a run's second lane, which drew them in another process), else from ``figure`` here.
    """

    key: str
    figure: Figure
    caption: str
    note: str = ""
    draw: Callable[[], dict[str, bytes]] | None = field(default=None, repr=False)

    @cached_property
    def files(self) -> dict[str, bytes]:
        """``{"png": ..., "svg": ...}`` (PNG at 200 dpi), see :func:`~alliance_stats.report.figures.figure_files`."""
        if self.draw is not None:
            return self.draw()
        return figure_files(self.figure, dpi=FIGURE_DPI)


@dataclass
class Section:
    """One part of the report (``h2`` in HTML, ``Heading 1`` in Word).

    Parameters
    ----------
    id
        Stable identifier (HTML anchor): ``"sample"``, ``"measurement"``...
    title
        Heading in the report language.
    paragraphs
        Plain-text paragraphs printed before the tables.
    tables
        :class:`~alliance_stats.core.table.Table` objects, in order.
    figures
        :class:`ReportFigure` objects, printed after the tables.
    warnings
        Statistical warnings raised by this section's stages (printed in the section and in the report's
        warnings section).
    """

    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[ReportFigure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """The results summary printed first (before the contents): short headed blocks of one-line findings.

    Parameters
    ----------
    title
        Heading in the report language.
    blocks
        ``(heading, lines)`` pairs in order; a block of one line prints as a paragraph, longer ones as a list.

    Examples
    --------
    >>> Summary("Summary", [("Sample", ["300 dyads"])]).text_lines()
    ['Summary', 'Sample: 300 dyads']
    """

    title: str
    blocks: list[tuple[str, list[str]]] = field(default_factory=list)

    def text_lines(self) -> list[str]:
        """Title then one ``heading: line`` per line (plain text, for tests and the log)."""
        return [self.title] + [f"{heading}: {line}" for heading, lines in self.blocks for line in lines]


@dataclass
class Report:
    """A whole report.

    Parameters
    ----------
    title
        Report title.
    lang
        ``"fr"`` or ``"en"`` (fixed texts, captions and numbers follow it).
    synthetic
        True when the data are simulated: every output then carries a prominent banner.
    sections
        The sections in order.
    warnings
        Run-level warnings (data checks, exclusions) printed in the warnings section with those of every
        section.
    provenance
        Versions, input SHA-256, plan, seed, time: printed at the end (nested values as JSON).
    subtitle
        Optional line under the title (data file, date).
    summary
        Optional :class:`Summary` printed first, before the contents (and as ``summary.md`` in a run folder).

    Examples
    --------
    >>> report = Report("Alliances", "en", synthetic=True, sections=[Section("sample", "Sample")])
    >>> report.table_numbers()
    {}
    """

    title: str
    lang: str
    synthetic: bool
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    subtitle: str = ""
    summary: Summary | None = None

    def __post_init__(self) -> None:
        check_lang(self.lang)
        seen: set[str] = set()
        for section in self.sections:
            if section.id in seen:
                raise ValueError(f"two report sections have the id {section.id!r}")
            seen.add(section.id)

    def numbered_tables(self) -> list[tuple[int, Section, Table]]:
        """``(number, section, table)`` for every table, numbered from 1 in order of appearance."""
        tables = [(section, table) for section in self.sections for table in section.tables]
        return [(number, section, table) for number, (section, table) in enumerate(tables, start=1)]

    def numbered_figures(self) -> list[tuple[int, Section, ReportFigure]]:
        """``(number, section, figure)`` for every figure, numbered from 1 in order of appearance."""
        figures = [(section, figure) for section in self.sections for figure in section.figures]
        return [(number, section, figure) for number, (section, figure) in enumerate(figures, start=1)]

    def table_layouts(self) -> dict[int, Any]:
        """Every table's :class:`~alliance_stats.report.tables.TableLayout`, with its number in the report.

        :func:`~alliance_stats.report.render_run` prints the cells once for the HTML page, the Word file and the
        table files.

        Returns
        -------
        dict
            ``id(table)`` -> its layout (valid while the report and its tables live).

        Examples
        --------
        >>> report = Report("R", "en", False, [Section("s", "S", tables=[Table("n", "N", pd.DataFrame({"n": [3]}))])])
        >>> [(layout.number, layout.body) for layout in report.table_layouts().values()]
        [(1, (('0', '3'),))]
        """
        from alliance_stats.report.tables import table_layout

        return {id(table): table_layout(table, number) for number, _, table in self.numbered_tables()}

    def table_numbers(self) -> dict[str, int]:
        """Table key -> number (keys should be unique; a repeated key keeps its first number)."""
        numbers: dict[str, int] = {}
        for number, _, table in self.numbered_tables():
            numbers.setdefault(table.key, number)
        return numbers

    def figure_numbers(self) -> dict[str, int]:
        """Figure key -> number."""
        numbers: dict[str, int] = {}
        for number, _, figure in self.numbered_figures():
            numbers.setdefault(figure.key, number)
        return numbers

    def all_warnings(self) -> list[tuple[str, str]]:
        """``(origin, message)`` pairs: run-level warnings (origin ``""``) then each section's, in order,
        without exact duplicates."""
        pairs: list[tuple[str, str]] = [("", message) for message in self.warnings]
        pairs += [(section.title, message) for section in self.sections for message in section.warnings]
        return list(dict.fromkeys(pairs))


def _safe(value: Any) -> Any:
    """``value`` with every string in it (nested lists, tuples and dicts included) made :func:`xml_safe`."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list):
        return [_safe(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_safe(v) for v in value)
    if isinstance(value, dict):
        return {_safe(k): _safe(v) for k, v in value.items()}
    return value


def _safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return map_text_frame(frame, _safe)


def _safe_figure(figure: ReportFigure) -> ReportFigure:
    new = ReportFigure(key=figure.key, figure=figure.figure, caption=xml_safe(figure.caption),
                       note=xml_safe(figure.note), draw=figure.draw)
    if "files" in figure.__dict__:  # rendered already: share the bytes
        new.__dict__["files"] = figure.__dict__["files"]
    return new


def xml_safe_report(report: Report) -> Report:
    """A copy of ``report`` whose every text (titles, paragraphs, table cells and labels, captions, warnings,
    provenance) is XML-legal, so that no writer fails on a control character from the data or the plan.

    Parameters
    ----------
    report
        The report to render.

    Returns
    -------
    Report
        The copy (``report`` is not modified; figures are shared, their captions and notes replaced).

    References
    ----------
    W3C, XML 1.0 production [2] ``Char``; :func:`alliance_stats.core.safetext.xml_safe`.

    Examples
    --------
    >>> xml_safe_report(Report("A\\x01B", "en", synthetic=False)).title == "A\\ufffdB"
    True
    """
    sections = []
    for section in report.sections:
        tables = [replace(table, title=xml_safe(table.title), note=xml_safe(table.note),
                          frame=_safe_frame(table.frame), formats=_safe(table.formats)) for table in section.tables]
        figures = [figure if (xml_safe(figure.caption), xml_safe(figure.note)) == (figure.caption, figure.note)
                   else _safe_figure(figure) for figure in section.figures]
        sections.append(Section(id=section.id, title=xml_safe(section.title), paragraphs=_safe(section.paragraphs),
                                tables=tables, figures=figures, warnings=_safe(section.warnings)))
    summary = None if report.summary is None else Summary(
        title=xml_safe(report.summary.title),
        blocks=[(xml_safe(heading), _safe(list(lines))) for heading, lines in report.summary.blocks])
    return Report(title=xml_safe(report.title), lang=report.lang, synthetic=report.synthetic, sections=sections,
                  warnings=_safe(report.warnings), provenance=_safe(report.provenance),
                  subtitle=xml_safe(report.subtitle), summary=summary)


def summary_markdown(report: Report) -> str:
    """The report's summary as Markdown (``summary.md`` of a run folder): title, synthetic-data notice, blocks.

    Parameters
    ----------
    report
        A report with a :attr:`Report.summary`.

    Returns
    -------
    str
        The Markdown text (empty string when the report has no summary).

    Examples
    --------
    >>> r = Report("Demo", "en", False, summary=Summary("Summary", [("Sample", ["300 dyads."])]))
    >>> print(summary_markdown(r))
    # Demo
    <BLANKLINE>
    ## Summary
    <BLANKLINE>
    **Sample.** 300 dyads.
    <BLANKLINE>
    """
    from alliance_stats.report.labels import label

    if report.summary is None:
        return ""
    out = [f"# {report.title}", ""]
    if report.synthetic:
        out += [f"> **{label('synthetic_banner_title', report.lang)}.** {label('synthetic_banner', report.lang)}", ""]
    out += [f"## {report.summary.title}", ""]
    for heading, lines in report.summary.blocks:
        if len(lines) == 1:
            out += [f"**{heading}.** {lines[0]}", ""]
        else:
            out += [f"**{heading}.**", ""] + [f"- {line}" for line in lines] + [""]
    return "\n".join(out)
