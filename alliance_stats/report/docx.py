"""The Word report (python-docx): real tables, captions, figures, headings; byte-deterministic.

Every table is a Word table (not an image) printed from the same
:class:`~alliance_stats.report.tables.TableLayout` as the HTML report, so its cells hold the same text.
Captions use Word's "Caption" style with a ``SEQ`` field (``Table 1`` / ``Tableau 1``, ``Figure 1``), so
Word can list them and cross-reference them; the number is bold on its own line and the title italic
below it, above the table, the note under it (APA 7). Tables carry horizontal rules only: above and
below the header, under spanners, and under the last row. Figures are inserted as 200-dpi PNG.
Each table's ``w:tbl`` is built as one XML string, the XML python-docx's cell-by-cell calls write (40 times faster on
the demo's 37 tables; ``tests/report/test_docx_table_xml.py`` compares the two routes); paragraph styles are set by
id (:data:`STYLE_IDS`) rather than looked up by name for each paragraph. The paragraphs around the tables (headings,
captions, notes, the summary, the contents, the warnings and the provenance) are written the same way, as the XML
python-docx's ``add_paragraph``, ``add_run`` and formatting properties write, gathered by :class:`_Body` and parsed
once before each figure and at the end (four times faster than the element-by-element calls; the figures' pictures,
with their image parts and relationships, are still python-docx's). ``tests/report/test_docx_body_xml.py`` checks
the whole file against the element-by-element route, byte for byte.

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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Pt, RGBColor
from lxml import etree

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
#: A block's mark in the serialised document (:class:`_Body`); text in a block is escaped, so never reads as one.
_MARK = re.compile(r"<!--(\d+)-->")


# ------------------------------------------------------------------------------------ low-level XML


def _set_language(document, lang: str) -> None:
    properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), WORD_LANGUAGE[lang])
    properties.insert_element_before(language, "w:eastAsianLayout", "w:specVanish", "w:oMath")


class _Body:
    """The body's blocks (paragraphs and tables) as XML strings, parsed with the rest of the document in one go.

    python-docx's ``add_paragraph`` places each block before the body's final ``w:sectPr``; here the blocks added
    between two figures are kept as one string, its place in the document marked by a comment, and
    :meth:`finish` serialises the document (the template and the figures' paragraphs, which python-docx adds
    itself with their image parts), puts each string in its mark's place and parses the whole document once:
    the same tree as the element-by-element route, without moving tens of thousands of parsed elements (and
    their namespaces) into the document. No block carries an unqualified ``id`` attribute, so python-docx numbers
    the figures' drawings (the largest ``@id`` of the document plus one) as it would with the blocks in place.
    """

    def __init__(self, document) -> None:
        self.document = document
        self._sect_pr = document.element.body.sectPr
        self._blocks: list[str] = []
        self._chunks: list[str] = []

    def add(self, xml: str) -> None:
        """Append one block's XML (namespace prefixes as declared by the document's root element)."""
        self._blocks.append(xml)

    def flush(self) -> None:
        """Mark the place of the blocks added since the last flush (before a figure's paragraph, and at the end)."""
        if not self._blocks:
            return
        self._sect_pr.addprevious(etree.Comment(str(len(self._chunks))))
        self._chunks.append("".join(self._blocks))
        self._blocks.clear()

    def finish(self) -> None:
        """Replace the document part's element by the document with every block in its place, parsed once (at the
        end: python-docx's ``Document`` still holds the element it was made with)."""
        self.flush()
        pieces = _MARK.split(etree.tostring(self.document.element, encoding="unicode"))
        pieces[1::2] = [self._chunks[int(index)] for index in pieces[1::2]]
        self.document.part._element = parse_xml("".join(pieces))


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


def _run(text: str = "", *, bold: bool = False, italic: bool = False, size: int = 0, font: str = "") -> str:
    """The ``w:r`` of ``paragraph.add_run(text)`` with ``bold``, ``italic``, ``font.size`` (``size`` half-points)
    and ``font.name`` set as python-docx sets them (``w:rPr`` children in the schema's order)."""
    props = (f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}"/>' if font else "") + ("<w:b/>" if bold else "") \
        + ("<w:i/>" if italic else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{_run_content(text)}</w:r>"


#: ``run.add_break(WD_BREAK.LINE)`` in a run of its own, and the three marks of a complex field.
_LINE_BREAK = "<w:r><w:br/></w:r>"
_FIELD_BEGIN, _FIELD_SEPARATE, _FIELD_END = (f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'
                                             for kind in ("begin", "separate", "end"))
#: ``paragraph_format.space_before = space_after = Pt(0)``.
_COMPACT = '<w:spacing w:before="0" w:after="0"/>'
#: The synthetic-data banner's frame and shading (``w:pBdr`` then ``w:shd``, in the schema's order).
_BANNER_BORDER = ("<w:pBdr>" + "".join(f'<w:{side} w:val="single" w:sz="18" w:space="4" w:color="000000"/>'
                                        for side in ("top", "left", "bottom", "right"))
                  + '</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="EDEDED"/>')


def _instruction(instruction: str) -> str:
    """The run of a field's instruction (``w:instrText``, white space kept)."""
    return f'<w:r><w:instrText xml:space="preserve">{xml_escape(instruction)}</w:instrText></w:r>'


def _p(runs: str = "", *, style: str = "", keep_next: bool = False, properties: str = "") -> str:
    """A ``w:p``: paragraph style ``style`` (a name of :data:`STYLE_IDS`), ``keep_with_next``, then ``properties``
    (later ``w:pPr`` children, in the schema's order), then ``runs``."""
    props = (f'<w:pStyle w:val="{STYLE_IDS[style]}"/>' if style else "") + ("<w:keepNext/>" if keep_next else "") \
        + properties
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _text_p(text: str, style: str = "") -> str:
    """``document.add_paragraph(text)`` (styled ``style``): one run, none for empty text."""
    return _p(_run(text) if text else "", style=style)


def _heading(body: _Body, text: str, level: int) -> None:
    """``document.add_heading(text, level)`` (``Title`` for level 0), the style set by id."""
    body.add(_text_p(text, "Title" if level == 0 else f"Heading {level}"))


# ------------------------------------------------------------------------------------------ blocks


def _caption(body: _Body, kind: str, number: int, title: str, lang: str) -> None:
    word = label(kind, lang)
    body.add(_p(_run(f"{word} ", bold=True) + _FIELD_BEGIN + _instruction(f" SEQ {word} \\* ARABIC ")
                + _FIELD_SEPARATE + _run(str(number), bold=True) + _FIELD_END + _LINE_BREAK
                + _run(title, italic=True), style="Caption", keep_next=True))


def _note(body: _Body, note: str, lang: str) -> None:
    if not note:
        return
    body.add(_p(_run(label("note", lang) + " ", italic=True, size=19) + _run(note, size=19),
                properties='<w:spacing w:before="60"/>'))


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
        "<w:tbl><w:tblPr>"
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


def _table(body: _Body, layout: TableLayout, block_width: int) -> None:
    """Caption, table and note (``block_width``: :func:`_block_width`)."""
    _caption(body, "table", layout.number, layout.title, layout.lang)
    body.add(_table_xml(layout, block_width))
    _note(body, layout.note, layout.lang)


def _figure(body: _Body, number: int, figure: ReportFigure, lang: str) -> None:
    """Caption, picture (python-docx's ``add_picture``: image part, relationship, drawing id) and note."""
    _caption(body, "figure", number, figure.caption, lang)
    body.flush()
    width_inches, height_inches = (float(v) for v in figure.figure.get_size_inches())
    width = min(width_inches, MAX_FIGURE_WIDTH_INCHES, MAX_FIGURE_HEIGHT_INCHES * width_inches / height_inches)
    paragraph = body.document.add_paragraph()  # document.add_picture's paragraph and run
    paragraph.add_run().add_picture(io.BytesIO(figure.files["png"]), width=Inches(width))
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _note(body, figure.note, lang)


def _bullets(body: _Body, items: list[str]) -> None:
    for item in items:
        body.add(_text_p(item, "List Bullet"))


def _summary(body: _Body, report: Report) -> None:
    """The results summary: the document's first Heading 1, before the contents."""
    summary = report.summary
    assert summary is not None
    _heading(body, summary.title, 1)
    for heading, lines in summary.blocks:
        if len(lines) == 1:
            body.add(_p(_run(f"{heading}.", bold=True) + _run(f" {lines[0]}")))
        else:
            body.add(_p(_run(f"{heading}.", bold=True), keep_next=True))
            _bullets(body, lines)


def _contents(body: _Body, report: Report) -> None:
    """A Word TOC field whose cached result already lists the sections (F9 in Word adds page numbers)."""
    _heading(body, label("contents", report.lang), 1)
    entries = ([report.summary.title] if report.summary is not None else [])
    entries += [section.title for section in report.sections]
    entries += [label("warnings", report.lang), label("provenance", report.lang)]
    for index, entry in enumerate(entries):
        begin = (_FIELD_BEGIN + _instruction(' TOC \\o "1-1" \\h \\z \\u ') + _FIELD_SEPARATE) if index == 0 else ""
        end = _FIELD_END if index == len(entries) - 1 else ""
        body.add(_p(begin + _run(entry) + end, properties=_COMPACT))


def _banner(lang: str) -> str:
    """The synthetic-data banner: framed, shaded, its title in capitals."""
    return _p(_run(label("synthetic_banner_title", lang).upper(), bold=True, size=26) + _LINE_BREAK
              + _run(label("synthetic_banner", lang), bold=True), properties=_BANNER_BORDER)


def _provenance(body: _Body, report: Report) -> None:
    """One compact paragraph per provenance item: the key in bold, the value in 8.5-point Consolas, a line each."""
    colon = label("colon", report.lang)
    for key, text in provenance_items(report.provenance):
        runs = [_run(f"{key}{colon}", bold=True)]
        for index, line in enumerate(text.splitlines() or [""]):
            if index:
                runs.append(_LINE_BREAK)
            runs.append(_run(line, size=17, font="Consolas"))
        body.add(_p("".join(runs), properties=_COMPACT))


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

    body = _Body(document)
    _heading(body, report.title, 0)
    if report.subtitle:
        body.add(_text_p(report.subtitle))
    if report.synthetic:
        body.add(_banner(lang))

    if report.summary is not None:
        _summary(body, report)
    _contents(body, report)

    block_width = _block_width(document)
    figure_number = {id(figure): number for number, _, figure in report.numbered_figures()}
    for section in report.sections:
        _heading(body, section.title, 1)
        for text in section.paragraphs:
            body.add(_text_p(text))
        if section.warnings:
            body.add(_p(_run(label("section_warnings", lang), bold=True)))
            _bullets(body, section.warnings)
        for table in section.tables:
            _table(body, layouts[id(table)], block_width)
        for figure in section.figures:
            _figure(body, figure_number[id(figure)], figure, lang)

    _heading(body, label("warnings", lang), 1)
    warnings = report.all_warnings()
    if warnings:
        colon = label("colon", lang)
        _bullets(body, [f"{origin}{colon}{message}" if origin else message for origin, message in warnings])
    else:
        body.add(_text_p(label("no_warnings", lang)))

    _heading(body, label("provenance", lang), 1)
    _provenance(body, report)
    body.finish()

    return _save(document)
