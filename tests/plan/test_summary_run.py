"""The results summary, the methods paragraph and the descriptives of a whole run (issue 16), on one small run: the
session's base run (``base_run`` in tests/conftest.py: the cheap plan on 100 simulated dyads, also read by
tests/test_run.py and tests/plan/test_rules_runner.py, hence ``xdist_group("base_run")``).

Every number of the summary and of the methods text (both languages) must be found in results.json, formatted as
the report formats numbers; the summary is the first section of report.html (before the contents, checked in
headless Chromium through Playwright) and of report.docx; the correlation tables' diagonal is the reliability
table's alpha.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest

from alliance_stats.core.format import format_cell
from alliance_stats.core.table import FORMAT_CODES
from alliance_stats.plan.sections.methods import methods_paragraphs
from alliance_stats.plan.sections.summary import summary_blocks

pytestmark = [pytest.mark.xdist_group("base_run"), pytest.mark.slow]

#: A number as printed in a sentence: a version or decimal (1.26.4, 4,07, .94, ,94) or an integer, not inside a
#: word (H1, M2, LINK_1, χ²).
NUMBER = re.compile(r"(?<![\w.,])(?:\d+(?:[.,]\d+)+|[.,]\d+|\d+)")


@pytest.fixture(scope="module")
def run(base_run) -> Path:
    return base_run.folder


@pytest.fixture(scope="module")
def results(run) -> dict[str, Any]:
    return json.loads((run / "results.json").read_text(encoding="utf-8"))


def _leaves(obj: Any) -> list[Any]:
    if isinstance(obj, dict):
        return [leaf for value in obj.values() for leaf in _leaves(value)] + list(obj.keys())
    if isinstance(obj, list):
        return [leaf for value in obj for leaf in _leaves(value)]
    return [obj]


def allowed_numbers(results: dict[str, Any], lang: str) -> set[str]:
    """Every number token of results.json as the report could print it in ``lang`` (each numeric value under
    every format code; the numbers inside its strings as they are)."""
    tokens: set[str] = set()
    for leaf in _leaves(results):
        if isinstance(leaf, str):
            tokens.update(NUMBER.findall(leaf))
        elif isinstance(leaf, int | float) and not isinstance(leaf, bool):
            for spec in FORMAT_CODES:
                tokens.update(NUMBER.findall(format_cell(leaf, spec, lang)))
    return tokens


def absent_numbers(text: str, allowed: set[str]) -> list[str]:
    return [token for token in NUMBER.findall(text) if token not in allowed]


def summary_text(results: dict[str, Any], lang: str) -> str:
    title, blocks = summary_blocks(results, lang)
    return "\n".join([title] + [f"{heading}: {line}" for heading, lines in blocks for line in lines])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_number_of_the_summary_and_methods_is_in_results_json(results, lang):
    allowed = allowed_numbers(results, lang)
    summary = summary_text(results, lang)
    methods = "\n".join(methods_paragraphs(results["values"]["methods"], lang))
    assert len(NUMBER.findall(summary)) > 40 and len(NUMBER.findall(methods)) > 20
    assert absent_numbers(summary, allowed) == []
    assert absent_numbers(methods, allowed) == []
    # the check can fail: a number the run did not produce is caught
    assert absent_numbers(summary + " OR = 7.777", allowed) == ["7.777"]


def test_summary_md_is_the_summary_of_the_run(run, results):
    text = (run / "summary.md").read_text(encoding="utf-8")
    allowed = allowed_numbers(results, "en")
    assert absent_numbers(text, allowed) == []
    sample = results["values"]["sample"]
    assert f"{sample['respondents']} respondents answered; {sample['kept']} were kept" in text
    for row in results["values"]["hypotheses"]["rows"]:
        if row["confirmatory"]:
            shown = format_cell(row["odds_ratio"], "f2", "en")
            assert f"{row['id']} ({row['model']}): OR = {shown}" in text
    for code in results["values"]["reliability"]:
        assert f"({code}): α = " in text


def test_summary_is_the_first_section_of_the_word_report(run):
    document = docx.Document(io.BytesIO((run / "report.docx").read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Summary of results"
    assert headings[1] == "Contents" and headings[2] == "Methods" and headings[-3] == "References"
    body = [p.text for p in document.paragraphs]
    assert body.index("Summary of results") < body.index("Contents")


def test_descriptives_diagonal_is_the_reliability_alpha(results):
    values = results["values"]
    order = [c["code"] for c in values["methods"]["constructs"]]  # the reliability table's row order
    reliability = results["tables"]["reliability"]["frame"]
    alpha_column = reliability["columns"].index("α")
    table_alpha = {code: row[alpha_column] for code, row in zip(order, reliability["data"], strict=True)}
    firm = results["tables"]["correlations_firm"]["frame"]
    diagonal = {label.rsplit("(", 1)[-1].rstrip(")"): row[2 + i] for i, (label, row)
                in enumerate(zip(firm["index"], firm["data"], strict=True))}
    for code in order:
        assert values["descriptives"]["firm"]["alpha"][code] == pytest.approx(table_alpha[code], rel=1e-12)
        assert diagonal[code] == f"({format_cell(table_alpha[code], 'r2', 'en')})"
    assert list(diagonal.values())[len(order):] == ["—"] * (len(diagonal) - len(order))  # controls: no alpha
    r = values["descriptives"]["firm"]["r"]
    assert all(v is not None for row in r["data"] for v in row), "every pair of the firm table has a correlation"
    assert {"firm_age", "EMPLOYEES"} <= set(r["columns"])
    dyad = values["descriptives"]["dyad"]["alpha"]
    assert dyad["link"] == pytest.approx(table_alpha["LINK"], rel=1e-12) and dyad["dep_asymmetry"] is None


def test_references_are_the_works_cited(results):
    facts = results["values"]["methods"]
    text = " ".join(methods_paragraphs(facts, "en"))
    for reference in facts["reference_texts"]:
        author = reference.split(",")[0]
        year = re.search(r"\((\d{4})\)", reference).group(1)
        assert author in text and year in text, reference


@pytest.mark.browser
def test_summary_is_the_first_thing_in_report_html(run):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("chromium is not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto((run / "report.html").as_uri())
            first_h2 = page.locator("h2").first.inner_text()
            order = page.evaluate("""() => {
                const main = document.querySelector('main'), summary = document.getElementById('summary');
                const nav = document.querySelector('nav.toc');
                const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
                const box = summary.getBoundingClientRect(), navBox = nav.getBoundingClientRect();
                return {summaryBeforeNav: before(summary, nav), summaryBeforeMain: before(summary, main),
                        summaryAboveNav: box.bottom <= navBox.top + 1, visible: box.height > 50,
                        firstSection: document.querySelector('section').id};
            }""")
        finally:
            browser.close()
    assert first_h2 == "Summary of results"
    assert order == {"summaryBeforeNav": True, "summaryBeforeMain": True, "summaryAboveNav": True, "visible": True,
                     "firstSection": "summary"}
