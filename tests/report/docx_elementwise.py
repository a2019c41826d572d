"""The Word report's body written element by element through python-docx's API (``add_paragraph``, ``add_run``,
``bold``, ``font.size``, ``paragraph_format``...): the route ``alliance_stats/report/docx.py`` took before it wrote
the paragraphs as XML strings (issue 17), kept as the reference ``test_docx_body_xml.py`` compares the file with.
The tables are the module's (``test_docx_table_xml.py`` compares them with python-docx's cell-by-cell route)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph

from alliance_stats.report.docx import (
    MAX_FIGURE_HEIGHT_INCHES,
    MAX_FIGURE_WIDTH_INCHES,
    STYLE_IDS,
    _core_properties,
    _save,
    _set_language,
    _table_xml,
)
from alliance_stats.report.html import provenance_items
from alliance_stats.report.labels import label
from alliance_stats.report.model import Report, ReportFigure
from alliance_stats.report.tables import TableLayout


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


def _paragraph(document, text: str, style: str) -> Paragraph:
    """``document.add_paragraph(text, style)`` without python-docx's look-up of the style by name (XPath searches
    over every style of the template, a third of the file's time): the same XML, the id from :data:`STYLE_IDS`."""
    paragraph = document.add_paragraph(text)
    paragraph._p.style = STYLE_IDS[style]
    return paragraph


def _heading(document, text: str, level: int) -> Paragraph:
    """``document.add_heading(text, level)`` (``Title`` for level 0) through :func:`_paragraph`."""
    return _paragraph(document, text, "Title" if level == 0 else f"Heading {level}")


def _compact(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)


# ------------------------------------------------------------------------------------------ blocks


def _caption(document, kind: str, number: int, title: str, lang: str) -> None:
    paragraph = _paragraph(document, "", "Caption")
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


def _block_width(document) -> int:
    """Width between the margins of the last section (EMU), as python-docx's ``add_table`` takes it."""
    section = document.sections[-1]
    page_width = section.page_width or Inches(8.5)
    return int(page_width - (section.left_margin or Inches(1)) - (section.right_margin or Inches(1)))


def _table(document, layout: TableLayout) -> None:
    _caption(document, "table", layout.number, layout.title, layout.lang)
    xml = _table_xml(layout, _block_width(document)).replace("<w:tbl>", f"<w:tbl {nsdecls('w')}>", 1)
    document.element.body.sectPr.addprevious(parse_xml(xml))
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
        _paragraph(document, item, "List Bullet")


def _summary(document, report: Report) -> None:
    """The results summary: the document's first Heading 1, before the contents."""
    summary = report.summary
    assert summary is not None
    _heading(document, summary.title, 1)
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
    _heading(document, label("contents", report.lang), 1)
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


def reference_docx_bytes(report: Report, layouts: dict[int, TableLayout]) -> bytes:
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

    _heading(document, report.title, 0)
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

    figure_number = {id(figure): number for number, _, figure in report.numbered_figures()}
    for section in report.sections:
        _heading(document, section.title, 1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        if section.warnings:
            heading = document.add_paragraph()
            heading.add_run(label("section_warnings", lang)).bold = True
            _bullets(document, section.warnings)
        for table in section.tables:
            _table(document, layouts[id(table)])
        for figure in section.figures:
            _figure(document, figure_number[id(figure)], figure, lang)

    _heading(document, label("warnings", lang), 1)
    warnings = report.all_warnings()
    if warnings:
        colon = label("colon", lang)
        _bullets(document, [f"{origin}{colon}{message}" if origin else message for origin, message in warnings])
    else:
        document.add_paragraph(label("no_warnings", lang))

    _heading(document, label("provenance", lang), 1)
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

    return _save(document)
