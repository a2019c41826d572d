"""The results summary in the report layer: first in HTML (before the contents) and in Word, and summary.md."""

from __future__ import annotations

import io

import docx

from alliance_stats.report import Report, Section, Summary, render_run
from alliance_stats.report.docx import render_docx
from alliance_stats.report.html import render_html
from alliance_stats.report.model import summary_markdown, xml_safe_report
from tests.report.builders import reliability_table

SUMMARY = Summary("Summary of results", [("Sample", ["300 dyads."]), ("Scales", ["LINK: α = .94", "SYM: α = .90"])])


def report(summary=SUMMARY) -> Report:
    return Report("Demo", "en", True, [Section("sample", "Sample", tables=[reliability_table("en")]),
                                       Section("references", "References", paragraphs=["Holm, S. (1979)."])],
                  summary=summary)


def test_html_prints_the_summary_before_the_contents():
    page = render_html(report())
    body = page.split("<body>", 1)[1]
    assert body.index('<section class="summary" id="summary">') < body.index('<nav class="toc"')
    assert body.index("<h2>Summary of results</h2>") < body.index('id="contents"')
    assert "<p><strong>Sample.</strong> 300 dyads.</p>" in page
    assert "<li>LINK: α = .94</li><li>SYM: α = .90</li>" in page
    assert '<li><a href="#summary">Summary of results</a></li>' in page
    assert 'id="summary"' not in render_html(report(None))


def test_word_has_the_summary_as_its_first_section():
    document = docx.Document(io.BytesIO(render_docx(report())))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings[:3] == ["Summary of results", "Contents", "Sample"]
    texts = [p.text for p in document.paragraphs]
    assert "Sample. 300 dyads." in texts and "LINK: α = .94" in texts
    assert [p.style.name for p in document.paragraphs if p.text == "SYM: α = .90"] == ["List Bullet"]


def test_summary_md_in_the_run_files():
    files = render_run(report())
    text = files["summary.md"].decode("utf-8")
    assert text.startswith("# Demo\n\n> **Synthetic data.**")
    assert "**Sample.** 300 dyads." in text and "- LINK: α = .94\n- SYM: α = .90" in text
    assert "summary.md" not in render_run(report(None))
    assert summary_markdown(report(None)) == ""


def test_summary_text_is_made_xml_safe():
    unsafe = Summary("S\x01", [("H\x02", ["a\x03"])])
    safe = xml_safe_report(report(unsafe)).summary
    assert safe.title == "S\ufffd" and safe.blocks == [("H\ufffd", ["a\ufffd"])]
    render_docx(report(unsafe))  # no XML error
