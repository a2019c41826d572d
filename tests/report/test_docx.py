"""The Word report read back with python-docx (alliance_stats.report.docx)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from alliance_stats.report.docx import render_docx
from alliance_stats.report.model import Report
from alliance_stats.report.tables import table_layout
from tests.report.builders import scree_figure, small_report


@pytest.fixture(scope="module", params=["fr", "en"])
def rendered(request) -> tuple[Report, bytes]:
    report = small_report(request.param, scree_figure(request.param))
    return report, render_docx(report)


def body_blocks(document) -> list:
    blocks = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            blocks.append(Paragraph(child, document))
        elif child.tag == qn("w:tbl"):
            blocks.append(WordTable(child, document))
    return blocks


def test_every_table_is_a_word_table_with_the_right_numbers(rendered):
    report, data = rendered
    document = docx.Document(io.BytesIO(data))
    numbered = report.numbered_tables()
    assert len(document.tables) == len(numbered)
    for word_table, (number, _, table) in zip(document.tables, numbered, strict=True):
        layout = table_layout(table, number)
        n_header = len(layout.header_rows)
        assert len(word_table.rows) == n_header + len(layout.body)
        for row_index, expected in enumerate(layout.body):
            cells = [cell.text for cell in word_table.rows[n_header + row_index].cells]
            assert cells == list(expected)
        last_header = [cell.text for cell in word_table.rows[n_header - 1].cells]
        assert last_header == [cell.text for cell in layout.header_rows[-1]]


def test_captions_above_and_notes_below(rendered):
    report, data = rendered
    lang = report.lang
    document = docx.Document(io.BytesIO(data))
    blocks = body_blocks(document)
    word = {"fr": "Tableau", "en": "Table"}[lang]
    for (number, _, table), word_table in zip(report.numbered_tables(), document.tables, strict=True):
        position = next(i for i, block in enumerate(blocks) if isinstance(block, WordTable)
                        and block._tbl is word_table._tbl)
        caption, note = blocks[position - 1], blocks[position + 1]
        assert caption.style.name == "Caption"
        assert caption.text == f"{word} {number}\n{table.title}"
        assert f"SEQ {word}" in caption._p.xml
        assert note.text == f"Note. {table.note}"
    figure_captions = [b for b in blocks if isinstance(b, Paragraph) and b.text.startswith("Figure ")]
    assert [p.text.split("\n")[0] for p in figure_captions] == ["Figure 1"]
    assert len(document.inline_shapes) == 1


def test_headings_banner_warnings_and_provenance(rendered):
    report, data = rendered
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    expected = [s.title for s in report.sections]
    assert headings[1:1 + len(expected)] == expected
    text = "\n".join(p.text for p in document.paragraphs)
    banner = {"fr": "DONNÉES SYNTHÉTIQUES", "en": "SYNTHETIC DATA"}[report.lang]
    assert banner in text
    assert "2 respondents excluded (attention check)." in text
    assert "ab" * 32 in text
    assert document.paragraphs[0].style.name == "Title"


def test_core_properties_and_bytes_are_deterministic(rendered):
    report, data = rendered
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert properties.created == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert properties.modified == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert properties.title == report.title
    again = render_docx(small_report(report.lang, scree_figure(report.lang)))
    assert again == data
    entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert {info.date_time for info in entries} == {(1980, 1, 1, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in {info.filename for info in entries}


def test_tables_have_horizontal_rules_only(rendered):
    _, data = rendered
    document = docx.Document(io.BytesIO(data))
    borders = document.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    values = {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders}
    assert values == {"top": "single", "left": "nil", "bottom": "single", "right": "nil",
                      "insideH": "nil", "insideV": "nil"}


def test_paragraph_style_ids_are_the_templates_own() -> None:
    """The Word writer sets style ids without python-docx's look-up by name (issue 17): they must be the ids that
    look-up gives in the template every report starts from."""
    from docx.enum.style import WD_STYLE_TYPE

    from alliance_stats.report.docx import STYLE_IDS

    document = docx.Document()
    for name, style_id in STYLE_IDS.items():
        assert document.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH) == style_id
