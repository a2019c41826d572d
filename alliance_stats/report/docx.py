"""The Word report (python-docx): real tables, captions, figures, headings; byte-deterministic.

Every table is a Word table (not an image) printed from the same
:class:`~alliance_stats.report.tables.TableLayout` as the HTML report, so its cells hold the same text.
Captions use Word's "Caption" style with a ``SEQ`` field (``Table 1`` / ``Tableau 1``, ``Figure 1``), so
Word can list them and cross-reference them; the number is bold on its own line and the title italic
below it, above the table, the note under it (APA 7). Tables carry horizontal rules only: above and
below the header, under spanners, and under the last row. Figures are inserted as 200-dpi PNG.
Each table's ``w:tbl`` is built as one XML string, the XML python-docx's cell-by-cell calls write (40 times faster on
the demo's 37 tables; ``tests/report/test_docx_table_xml.py`` compares the two routes); paragraph styles are set by
id (:data:`STYLE_IDS`) rather than looked up by name for each paragraph.

The file is byte-identical for the same report: core properties carry a fixed date and the zip entries
a fixed time stamp (python-docx would otherwise stamp the current time); the package is written through
python-docx's ``PackageWriter`` steps onto that zip directly.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph

from alliance_stats.report.html import check_table_languages, provenance_items
from alliance_stats.report.labels import label
from alliance_stats.report.model import Report, ReportFigure, xml_safe_report
from alliance_stats.report.tables import TableLayout

FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MAX_FIGURE_WIDTH_INCHES = 6.0
MAX_FIGURE_HEIGHT_INCHES = 8.5  # a tall figure (Likert bars of every construct) is scaled to fit a page
WORD_LANGUAGE = {"fr": "fr-FR", "en": "en-GB"}
RULE_HEAVY = 8  # eighths of a point
RULE_LIGHT = 4
#: Paragraph style name -> style id in python-docx's default template (the document every report starts from);
#: ``tests/report/test_docx.py`` checks them against the template's own look-up.
STYLE_IDS = {"Title": "Title", "Heading 1": "Heading1", "Caption": "Caption", "List Bullet": "ListBullet"}
_RUN_BREAKS = re.compile(r"([\t\r\n])")


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


def _run_content(text: str) -> str:
    """The content of a ``w:r`` holding ``text``, as python-docx's ``Run.text`` writes it: one ``w:t`` per stretch
    of characters (``xml:space="preserve"`` when it starts or ends with white space), ``w:tab`` for a tab,
    ``w:br`` for a line end."""
    parts: list[str] = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{xml_escape(piece)}</w:t>")
    return "".join(parts)


def _cell_xml(text: str, align: str, width: int, span: int = 1, rule: int = 0) -> str:
    """One ``w:tc``: width (and span), an optional bottom rule, one compact paragraph with a 10-point run."""
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    rule_xml = (f'<w:tcBorders><w:bottom w:val="single" w:sz="{rule}" w:space="0" w:color="000000"/></w:tcBorders>'
                if rule else "")
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width * span}"/>{span_xml}{rule_xml}</w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="{align}"/></w:pPr>'
            f'<w:r><w:rPr><w:sz w:val="20"/></w:rPr>{_run_content(text)}</w:r></w:p></w:tc>')


def _table_xml(layout: TableLayout, block_width: int) -> str:
    """The ``w:tbl`` of ``layout``: centred, autofit, APA rules (top and bottom of the table, under the header and
    under spanners), header rows repeated on each page, columns of equal width across ``block_width`` (EMU).

    The XML is the one python-docx writes through ``add_table``, ``Cell.merge`` and ``add_run`` cell by cell
    (``tests/report/test_docx_table_xml.py`` compares the two), built as one string: 37 tables took 2.5 s that way.
    """
    n_columns = layout.n_columns
    width = Emu(block_width // n_columns).twips if n_columns else 0
    rule = f'w:val="single" w:sz="{RULE_HEAVY}" w:space="0" w:color="000000"'
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        '<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
        f'<w:tblBorders><w:top {rule}/><w:left w:val="nil"/><w:bottom {rule}/><w:right w:val="nil"/>'
        '<w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders><w:tblLayout w:type="autofit"/>'
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1"'
        ' w:val="04A0"/></w:tblPr><w:tblGrid>',
        f'<w:gridCol w:w="{width}"/>' * n_columns,
        "</w:tblGrid>",
    ]
    n_header = len(layout.header_rows)
    for row_index, header in enumerate(layout.header_rows):
        last = row_index == n_header - 1
        parts.append('<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>')
        for cell in header:
            rule_size = RULE_LIGHT if last or (cell.spanner and cell.text) else 0
            parts.append(_cell_xml(cell.text, "left" if cell.stub else "center", width, cell.span, rule_size))
        parts.append("</w:tr>")
    aligns = ["right" if is_numeric else "left" for is_numeric in layout.numeric]
    for row in layout.body:
        parts.append("<w:tr>")
        parts.extend(_cell_xml(text, align, width) for align, text in zip(aligns, row, strict=True))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _block_width(document) -> int:
    """Width between the margins of the last section (EMU), as python-docx's ``add_table`` takes it."""
    section = document.sections[-1]
    page_width = section.page_width or Inches(8.5)
    return int(page_width - (section.left_margin or Inches(1)) - (section.right_margin or Inches(1)))


def _table(document, layout: TableLayout) -> None:
    _caption(document, "table", layout.number, layout.title, layout.lang)
    document.element.body.sectPr.addprevious(parse_xml(_table_xml(layout, _block_width(document))))
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


class _FixedTimeZip:
    """python-docx's physical package writer (``write(pack_uri, blob)``, ``close()``) onto a zip whose entries carry a
    fixed time stamp and mode: the file is byte-identical for the same report (python-docx stamps the current
    time), and each part is compressed once (saving with python-docx, then rewriting the zip, compressed twice)."""

    def __init__(self, buffer: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=ZIP_DATE)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        self._zip.writestr(entry, blob)

    def close(self) -> None:
        self._zip.close()


def _save(document) -> bytes:
    """The .docx bytes of ``document``: python-docx's ``OpcPackage.save`` (parts marshalled, content types, package
    relationships, then each part and its relationships) written through :class:`_FixedTimeZip`."""
    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer = _FixedTimeZip(buffer)
    parts = package.parts
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    writer.close()
    return buffer.getvalue()


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
    return docx_bytes(report, report.table_layouts())


def docx_bytes(report: Report, layouts: dict[int, TableLayout]) -> bytes:
    """The file of :func:`render_docx` for a report already made XML-safe and checked, its tables laid out.

    :func:`~alliance_stats.report.render_run` makes the report XML-safe, checks it and lays its tables out once
    for every writer; :func:`render_docx` does it for the Word file alone.

    Parameters
    ----------
    report
        A report from :func:`~alliance_stats.report.model.xml_safe_report` that passed
        :func:`~alliance_stats.report.html.check_table_languages`.
    layouts
        Its :meth:`~alliance_stats.report.model.Report.table_layouts`.

    Returns
    -------
    bytes
        The .docx file, the one :func:`render_docx` returns for the same report.

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.report.model import Section
    >>> from alliance_stats.core.table import Table
    >>> table = Table("n", "Sample", pd.DataFrame({"n": [300]}, index=["dyads"]))
    >>> report = Report("Demo", "en", False, [Section("sample", "Sample", tables=[table])])
    >>> docx_bytes(report, report.table_layouts()) == render_docx(report)
    True
    """
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
