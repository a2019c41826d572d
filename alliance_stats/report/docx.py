"""The Word report (python-docx): real tables, captions, figures, headings; byte-deterministic.

Every table is a Word table (not an image) printed from the same
:class:`~alliance_stats.report.tables.TableLayout` as the HTML report, so its cells hold the same text.
Captions use Word's "Caption" style with a ``SEQ`` field (``Table 1`` / ``Tableau 1``, ``Figure 1``), so
Word can list them and cross-reference them; the number is bold on its own line and the title italic
below it, above the table, the note under it (APA 7). Tables carry horizontal rules only: above and
below the header, under spanners, and under the last row. Figures are inserted as 200-dpi PNG.

The file is byte-identical for the same report: core properties carry a fixed date and the zip entries
a fixed time stamp (python-docx would otherwise stamp the current time).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from alliance_stats.report.html import check_table_languages, provenance_items
from alliance_stats.report.labels import label
from alliance_stats.report.model import Report, ReportFigure, xml_safe_report
from alliance_stats.report.tables import TableLayout, table_layout

FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MAX_FIGURE_WIDTH_INCHES = 6.0
MAX_FIGURE_HEIGHT_INCHES = 8.5  # a tall figure (Likert bars of every construct) is scaled to fit a page
WORD_LANGUAGE = {"fr": "fr-FR", "en": "en-GB"}
RULE_HEAVY = 8  # eighths of a point
RULE_LIGHT = 4


# ------------------------------------------------------------------------------------ low-level XML


def _add_field(paragraph: Paragraph, instruction: str, result: str, *, bold: bool = False) -> None:
    """A complex field (``begin``, instruction, ``separate``, cached result, ``end``) in ``paragraph``."""
    begin = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "begin")
    begin._r.append(char)
    instr_run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    instr_run._r.append(instr)
    separate = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "separate")
    separate._r.append(char)
    shown = paragraph.add_run(result)
    shown.bold = bold
    end = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)


def _field_char(paragraph: Paragraph, kind: str) -> None:
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _border(parent: OxmlElement, side: str, size: int) -> None:
    element = OxmlElement(f"w:{side}")
    element.set(qn("w:val"), "single" if size else "nil")
    if size:
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
    parent.append(element)


def _table_borders(table: WordTable) -> None:
    """Top and bottom rules on the table, no vertical or inner lines (APA)."""
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    _border(borders, "top", RULE_HEAVY)
    _border(borders, "left", 0)
    _border(borders, "bottom", RULE_HEAVY)
    _border(borders, "right", 0)
    _border(borders, "insideH", 0)
    _border(borders, "insideV", 0)
    # schema order (CT_TblPr): ... tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook ...
    properties.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
        "w:tblPrChange",
    )


def _cell_bottom_rule(cell, size: int) -> None:
    properties = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    _border(borders, "bottom", size)
    properties.insert_element_before(
        borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
        "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
    )


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _paragraph_border(paragraph: Paragraph) -> None:
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "18")
        element.set(qn("w:space"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "EDEDED")
    later = ("w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
             "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
             "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
             "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
             "w:sectPr", "w:pPrChange")
    properties.insert_element_before(shading, *later)
    properties.insert_element_before(borders, "w:shd", *later)


def _set_language(document, lang: str) -> None:
    properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), WORD_LANGUAGE[lang])
    properties.insert_element_before(language, "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _compact(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)


# ------------------------------------------------------------------------------------------ blocks


def _caption(document, kind: str, number: int, title: str, lang: str) -> None:
    paragraph = document.add_paragraph(style="Caption")
    paragraph.paragraph_format.keep_with_next = True
    word = paragraph.add_run(f"{label(kind, lang)} ")
    word.bold = True
    _add_field(paragraph, f"SEQ {label(kind, lang)} \\* ARABIC", str(number), bold=True)
    paragraph.add_run().add_break(WD_BREAK.LINE)
    title_run = paragraph.add_run(title)
    title_run.italic = True


def _note(document, note: str, lang: str) -> None:
    if not note:
        return
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(3)
    lead = paragraph.add_run(label("note", lang) + " ")
    lead.italic = True
    lead.font.size = Pt(9.5)
    body = paragraph.add_run(note)
    body.font.size = Pt(9.5)


def _write_cell(cell, text: str, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph = cell.paragraphs[0]
    _compact(paragraph)
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size = Pt(10)


def _table(document, layout: TableLayout) -> None:
    _caption(document, "table", layout.number, layout.title, layout.lang)
    n_header = len(layout.header_rows)
    table = document.add_table(rows=n_header + len(layout.body), cols=layout.n_columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = True
    _table_borders(table)
    for row_index, header in enumerate(layout.header_rows):
        last = row_index == n_header - 1
        _repeat_header(table.rows[row_index])
        position = 0
        for cell_spec in header:
            cell = table.cell(row_index, position)
            if cell_spec.span > 1:
                cell = cell.merge(table.cell(row_index, position + cell_spec.span - 1))
            align = WD_ALIGN_PARAGRAPH.LEFT if cell_spec.stub else WD_ALIGN_PARAGRAPH.CENTER
            _write_cell(cell, cell_spec.text, align)
            if last or (cell_spec.spanner and cell_spec.text):
                _cell_bottom_rule(cell, RULE_LIGHT)
            position += cell_spec.span
    # one pass over each body row: Table.cell(r, c) rebuilds the whole cell grid on every call (quadratic)
    for word_row, row in zip(table.rows[n_header:], layout.body, strict=True):
        for cell, is_numeric, text in zip(word_row.cells, layout.numeric, row, strict=True):
            align = WD_ALIGN_PARAGRAPH.RIGHT if is_numeric else WD_ALIGN_PARAGRAPH.LEFT
            _write_cell(cell, text, align)
    _note(document, layout.note, layout.lang)


def _figure(document, number: int, figure: ReportFigure, lang: str) -> None:
    _caption(document, "figure", number, figure.caption, lang)
    width_inches, height_inches = (float(v) for v in figure.figure.get_size_inches())
    width = min(width_inches, MAX_FIGURE_WIDTH_INCHES, MAX_FIGURE_HEIGHT_INCHES * width_inches / height_inches)
    document.add_picture(io.BytesIO(figure.files["png"]), width=Inches(width))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _note(document, figure.note, lang)


def _bullets(document, items: list[str]) -> None:
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def _summary(document, report: Report) -> None:
    """The results summary: the document's first Heading 1, before the contents."""
    summary = report.summary
    assert summary is not None
    document.add_heading(summary.title, level=1)
    for heading, lines in summary.blocks:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{heading}.").bold = True
        if len(lines) == 1:
            paragraph.add_run(f" {lines[0]}")
        else:
            paragraph.paragraph_format.keep_with_next = True
            _bullets(document, lines)


def _contents(document, report: Report) -> None:
    """A Word TOC field whose cached result already lists the sections (F9 in Word adds page numbers)."""
    document.add_heading(label("contents", report.lang), level=1)
    entries = ([report.summary.title] if report.summary is not None else [])
    entries += [section.title for section in report.sections]
    entries += [label("warnings", report.lang), label("provenance", report.lang)]
    for index, entry in enumerate(entries):
        paragraph = document.add_paragraph()
        _compact(paragraph)
        if index == 0:
            _field_char(paragraph, "begin")
            instr_run = paragraph.add_run()
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = ' TOC \\o "1-1" \\h \\z \\u '
            instr_run._r.append(instr)
            _field_char(paragraph, "separate")
        paragraph.add_run(entry)
        if index == len(entries) - 1:
            _field_char(paragraph, "end")


def _core_properties(document, report: Report) -> None:
    """Title, subject and language of the report; fixed author and dates (byte-deterministic files)."""
    properties = document.core_properties
    properties.title = report.title
    properties.subject = report.subtitle
    properties.author = "alliance-stats"
    properties.last_modified_by = "alliance-stats"
    properties.language = WORD_LANGUAGE[report.lang]
    properties.created = FIXED_DATE
    properties.modified = FIXED_DATE
    properties.last_printed = FIXED_DATE
    properties.revision = 1
    properties.comments = ""
    properties.keywords = ""


def _deterministic_zip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()


# -------------------------------------------------------------------------------------------- main


def render_docx(report: Report) -> bytes:
    """Render ``report`` as a Word document (.docx bytes).

    Parameters
    ----------
    report
        The :class:`~alliance_stats.report.model.Report`; every table must be in ``report.lang``.

    Returns
    -------
    bytes
        The .docx file; the same report gives the same bytes.

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.report.model import Section
    >>> from alliance_stats.core.table import Table
    >>> table = Table("n", "Sample", pd.DataFrame({"n": [300]}, index=["dyads"]))
    >>> data = render_docx(Report("Demo", "en", False, [Section("sample", "Sample", tables=[table])]))
    >>> Document(io.BytesIO(data)).tables[0].cell(1, 1).text
    '300'
    """
    report = xml_safe_report(report)  # control characters from the data or the plan are not XML
    check_table_languages(report)
    lang = report.lang
    document = Document()
    _set_language(document, lang)
    caption_style = document.styles["Caption"]
    caption_style.font.color.rgb = RGBColor(0, 0, 0)
    caption_style.font.size = Pt(10.5)
    caption_style.font.bold = False

    package = document.part.package
    for rel_id, relationship in list(package.rels.items()):
        if relationship.reltype.endswith("/metadata/thumbnail"):  # the template's stale blank-page preview
            del package.rels[rel_id]

    _core_properties(document, report)

    document.add_heading(report.title, level=0)
    if report.subtitle:
        document.add_paragraph(report.subtitle)
    if report.synthetic:
        banner = document.add_paragraph()
        _paragraph_border(banner)
        head = banner.add_run(label("synthetic_banner_title", lang).upper())
        head.bold = True
        head.font.size = Pt(13)
        banner.add_run().add_break(WD_BREAK.LINE)
        banner.add_run(label("synthetic_banner", lang)).bold = True

    if report.summary is not None:
        _summary(document, report)
    _contents(document, report)

    table_number = {id(table): number for number, _, table in report.numbered_tables()}
    figure_number = {id(figure): number for number, _, figure in report.numbered_figures()}
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        if section.warnings:
            heading = document.add_paragraph()
            heading.add_run(label("section_warnings", lang)).bold = True
            _bullets(document, section.warnings)
        for table in section.tables:
            _table(document, table_layout(table, table_number[id(table)]))
        for figure in section.figures:
            _figure(document, figure_number[id(figure)], figure, lang)

    document.add_heading(label("warnings", lang), level=1)
    warnings = report.all_warnings()
    if warnings:
        colon = label("colon", lang)
        _bullets(document, [f"{origin}{colon}{message}" if origin else message for origin, message in warnings])
    else:
        document.add_paragraph(label("no_warnings", lang))

    document.add_heading(label("provenance", lang), level=1)
    for key, text in provenance_items(report.provenance):
        paragraph = document.add_paragraph()
        _compact(paragraph)
        paragraph.add_run(f"{key}{label('colon', lang)}").bold = True
        for index, line in enumerate(text.splitlines() or [""]):
            if index:
                paragraph.add_run().add_break(WD_BREAK.LINE)
            run = paragraph.add_run(line)
            run.font.name = "Consolas"
            run.font.size = Pt(8.5)

    buffer = io.BytesIO()
    document.save(buffer)
    return _deterministic_zip(buffer.getvalue())
