"""The Word report's paragraphs are written as XML strings (issue 17): the file is the one python-docx's
element-by-element route writes, byte for byte (``tests/report/docx_elementwise.py`` keeps that route).

The reports below exercise every kind of paragraph: title, subtitle, the synthetic-data banner (or none), the
summary (blocks of one line and of several), the contents field, section paragraphs and warnings, table and figure
captions and notes (a note or none), the warnings section (with warnings, and the "no warnings" line), the
provenance (nested values on several lines, an empty value), in both languages, with text python-docx splits or
escapes (tabs, line ends, outer spaces, XML specials, empty strings).
"""

from __future__ import annotations

import pandas as pd
import pytest

from alliance_stats.core.table import Table
from alliance_stats.report.docx import docx_bytes, render_docx
from alliance_stats.report.model import Report, Section, Summary, xml_safe_report
from tests.report.builders import models_table, reliability_table, scree_figure, small_report
from tests.report.docx_elementwise import reference_docx_bytes

AWKWARD = ["tab\there", " lead and trail ", "two\nlines\r\nthree", "<b>&amp;</b> \"q\" 'a' ]]>", "", "  ",
           "é – ≥ µ\u00a0%"]


def _awkward_report(lang: str, synthetic: bool) -> Report:
    frame = pd.DataFrame({"x": AWKWARD[:3], "y": [1.5, -2.0, 0.25]}, index=AWKWARD[3:6])
    table = Table("awk", "Awkward <title> & \"co\"", frame, note="", lang=lang)
    noted = Table("noted", "\tNoted\n", pd.DataFrame({"n": [3]}), note=" A\tnote\nhere ", lang=lang)
    sections = [
        Section("one", "Section <one> & two", paragraphs=AWKWARD, tables=[table, noted],
                warnings=["w <1>", " w\t2 ", ""]),
        Section("two", "", paragraphs=[], tables=[reliability_table(lang), models_table(lang)],
                figures=[scree_figure(lang)]),
        Section("three", "Three\nlines"),
    ]
    summary = Summary("Summary & <co>", [("One", ["a single line\twith a tab"]), ("Several", AWKWARD),
                                         ("", [""])])
    provenance = {"tool": "alliance-stats", "empty": None, "blank": "", "seed": 7, "ok": True,
                  "nested": {"a": [1, 2, {"b": "x\ty"}], "c": "é"}, "lines": "one\ntwo\n\nfour"}
    return Report(" Title\twith <specials> & ", lang, synthetic=synthetic, sections=sections,
                  warnings=["run-level <warning>", "again\nand again"] if synthetic else [],
                  provenance=provenance, subtitle="Data: responses.csv\t(2 lines)\n" if synthetic else "",
                  summary=summary if synthetic else None)


def _both(report: Report) -> tuple[bytes, bytes]:
    safe = xml_safe_report(report)
    layouts = safe.table_layouts()
    return docx_bytes(safe, layouts), reference_docx_bytes(safe, layouts)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("synthetic", [True, False])
def test_word_file_is_the_one_python_docx_writes_element_by_element(lang: str, synthetic: bool) -> None:
    ours, reference = _both(_awkward_report(lang, synthetic))
    assert ours == reference


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_small_report_is_the_same_file(lang: str) -> None:
    report = small_report(lang, scree_figure(lang))
    ours, reference = _both(report)
    assert ours == reference
    assert render_docx(report) == ours


def test_report_without_sections_is_the_same_file() -> None:
    ours, reference = _both(Report("Empty", "en", synthetic=False))
    assert ours == reference
