"""Word tables are written as one XML string (issue 17): the same ``w:tbl`` as python-docx's cell-by-cell route.

The reference below is the route ``report/docx.py`` used before (``add_table``, ``Cell.merge``, ``add_run`` per
cell, then the APA rules and the repeated header rows); both routes print the same tables into two documents and
the ``w:tbl`` elements must serialise to the same bytes, for plain tables, spanners (two and three column levels),
tables without a stub, and cell text with tabs, line ends, outer spaces and XML specials.
"""

from __future__ import annotations

import docx
import numpy as np
import pandas as pd
import pytest
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from alliance_stats.core.table import Table
from alliance_stats.report.docx import RULE_HEAVY, RULE_LIGHT, _block_width, _Body, _table
from alliance_stats.report.tables import TableLayout, table_layout
from tests.report.builders import models_table, reliability_table


def _border(parent, side: str, size: int) -> None:
    element = OxmlElement(f"w:{side}")
    element.set(qn("w:val"), "single" if size else "nil")
    if size:
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
    parent.append(element)


def _reference_table(document, layout: TableLayout) -> None:
    """The python-docx route, cell by cell (what ``report/docx.py`` did before the XML was built in one go)."""
    n_header = len(layout.header_rows)
    table = document.add_table(rows=n_header + len(layout.body), cols=layout.n_columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = True
    borders = OxmlElement("w:tblBorders")
    for side, size in (("top", RULE_HEAVY), ("left", 0), ("bottom", RULE_HEAVY), ("right", 0), ("insideH", 0),
                       ("insideV", 0)):
        _border(borders, side, size)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")

    def write(cell, text: str, align) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.alignment = align
        paragraph.add_run(text).font.size = Pt(10)

    for row_index, header in enumerate(layout.header_rows):
        header_mark = OxmlElement("w:tblHeader")
        header_mark.set(qn("w:val"), "true")
        table.rows[row_index]._tr.get_or_add_trPr().append(header_mark)
        position = 0
        for spec in header:
            cell = table.cell(row_index, position)
            if spec.span > 1:
                cell = cell.merge(table.cell(row_index, position + spec.span - 1))
            write(cell, spec.text, WD_ALIGN_PARAGRAPH.LEFT if spec.stub else WD_ALIGN_PARAGRAPH.CENTER)
            if row_index == n_header - 1 or (spec.spanner and spec.text):
                rule = OxmlElement("w:tcBorders")
                _border(rule, "bottom", RULE_LIGHT)
                cell._tc.get_or_add_tcPr().insert_element_before(
                    rule, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                    "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
            position += spec.span
    for word_row, row in zip(table.rows[n_header:], layout.body, strict=True):
        for cell, is_numeric, text in zip(word_row.cells, layout.numeric, row, strict=True):
            write(cell, text, WD_ALIGN_PARAGRAPH.RIGHT if is_numeric else WD_ALIGN_PARAGRAPH.LEFT)


def _awkward_table(lang: str) -> Table:
    """Three column levels (an empty spanner among them), no stub, and cell text python-docx splits or escapes."""
    columns = pd.MultiIndex.from_tuples([("A", "x", "1"), ("A", "x", "2"), ("A", "", "3"), ("B & C", "y", "4"),
                                         ("D", "z", "5")])
    frame = pd.DataFrame(
        [["tab\there", " lead and trail ", "two\nlines\r\nthree", "<b>&amp;</b> \"q\" 'a'", ""],
         ["", "\t", "x\n", "  ", "é – ≥ µ"]],
        columns=columns,
    )
    return Table("awkward", "Awkward <cells>", frame, "A & B.", lang=lang, show_index=False)


def _numbers_table(lang: str) -> Table:
    frame = pd.DataFrame({"b": [0.1234, -2.5, np.nan], "label": ["a", "b", "c"]},
                         index=pd.MultiIndex.from_tuples([("g1", 1), ("g1", 2), ("g2", 1)], names=["group", "k"]))
    return Table("numbers", "Numbers", frame, "", formats={"b": "f2"}, lang=lang)


def _tables_xml(tables: list[Table], route) -> list[bytes]:  # noqa: ANN001
    """The ``w:tbl`` elements of a document holding ``tables``, printed by ``route`` (``None``: the module's: caption,
    table and note as XML strings, parsed with the document by :class:`_Body`)."""
    document = docx.Document()
    body = _Body(document)
    for number, table in enumerate(tables, start=1):
        if route is None:
            _table(body, table_layout(table, number), _block_width(document))
        else:
            route(document, table_layout(table, number))
    body.finish()
    return [etree.tostring(tbl) for tbl in document.part.element.body.iterchildren(qn("w:tbl"))]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_word_tables_are_the_xml_python_docx_writes(lang: str) -> None:
    tables = [reliability_table(lang), models_table(lang), _awkward_table(lang), _numbers_table(lang)]
    fast = _tables_xml(tables, None)
    reference = _tables_xml(tables, _reference_table)
    assert len(fast) == len(reference) == len(tables)
    for table, ours, theirs in zip(tables, fast, reference, strict=True):
        assert ours == theirs, table.key
    assert b"gridSpan" in fast[1] and b"gridSpan" in fast[2]  # the spanners were exercised
    assert b"<w:tab/>" in fast[2] and b"<w:br/>" in fast[2] and b'xml:space="preserve"' in fast[2]
