"""The self-contained HTML report (alliance_stats.report.html), including a headless Chromium render."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest

from alliance_stats.core.table import Table
from alliance_stats.report.html import render_html
from alliance_stats.report.model import Report, Section
from alliance_stats.report.tables import table_layout
from tests.report.builders import PROBE, CellCollector, chromium_dom, reliability_table, scree_figure, small_report

INJECTED = "<script>document.documentElement.setAttribute('data-pwned', '1')</script>"


class Structure(HTMLParser):
    """Ids, links, image sources and external references of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a":
            self.links.append(attributes.get("href", ""))
        if tag == "img":
            self.images.append(attributes.get("src", ""))
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            if value and not value.startswith(("#", "data:")):
                self.external.append(value)


@pytest.fixture(scope="module")
def report_fr() -> Report:
    injected = Table("injected", "Injection test", pd.DataFrame({"text": [INJECTED], "value": [0.25]}), lang="fr",
                     formats={"value": "r2"}, note=INJECTED)
    return small_report("fr", scree_figure("fr"), extra_tables=[injected])


@pytest.fixture(scope="module")
def page_fr(report_fr) -> str:
    return render_html(report_fr)


def test_every_table_is_numbered_and_printed_cell_by_cell(report_fr, page_fr):
    collector = CellCollector()
    collector.feed(page_fr)
    numbered = report_fr.numbered_tables()
    assert len(collector.tables) == len(numbered) == 3
    for (number, _, table), cells, caption in zip(numbered, collector.tables, collector.captions, strict=True):
        assert cells == [list(row) for row in table_layout(table, number).body]
        assert caption == f"Tableau {number}{table.title}"
    assert "Figure 1" in page_fr and "Analyse parallèle" in page_fr


def test_injected_markup_is_escaped(page_fr):
    structure = Structure()
    structure.feed(page_fr)
    assert structure.scripts == 0
    assert INJECTED not in page_fr
    assert page_fr.count("&lt;script&gt;document.documentElement") == 2


def test_page_is_self_contained_with_working_anchors(page_fr):
    structure = Structure()
    structure.feed(page_fr)
    assert structure.external == []
    assert len(structure.images) == 1 and structure.images[0].startswith("data:image/png;base64,")
    assert len(set(structure.ids)) == len(structure.ids)
    for link in structure.links:
        assert link.startswith("#") and link[1:] in structure.ids


def test_banner_warnings_and_provenance(report_fr, page_fr):
    assert 'class="synthetic-banner"' in page_fr and "Données synthétiques" in page_fr
    warnings_part = page_fr.split('id="warnings"')[1].split('id="provenance"')[0]
    assert "2 respondents excluded (attention check)." in warnings_part
    assert "<strong>Mesure</strong>\u00a0: Heywood case in CFA" in warnings_part
    provenance_part = page_fr.split('id="provenance"')[1]
    assert "ab" * 32 in provenance_part and "&#34;alliance_stats&#34;: &#34;0.1.0&#34;" in provenance_part
    assert page_fr.index('id="provenance"') > page_fr.index('id="warnings"') > page_fr.index("Tableau 3")
    real = Report("Rapport", "fr", synthetic=False, sections=[Section("s", "S", tables=[reliability_table("fr")])])
    real_page = render_html(real)
    assert "synthetic-banner" not in real_page.split("<body>")[1] and "Aucun avertissement." in real_page


def test_render_is_deterministic_and_does_not_modify_tables(report_fr, page_fr):
    frames = [table.frame.copy(deep=True) for _, _, table in report_fr.numbered_tables()]
    assert render_html(report_fr) == page_fr
    for frame, (_, _, table) in zip(frames, report_fr.numbered_tables(), strict=True):
        pd.testing.assert_frame_equal(table.frame, frame)


def test_mixed_languages_are_refused():
    report = Report("R", "en", False, [Section("s", "S", tables=[reliability_table("fr")])])
    with pytest.raises(ValueError, match="to_table"):
        render_html(report)


def test_duplicate_section_ids_are_refused():
    with pytest.raises(ValueError, match="two report sections"):
        Report("R", "en", False, [Section("s", "A"), Section("s", "B")])


# ------------------------------------------------------------------------------ headless Chromium

@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (make browser)")
def test_report_renders_in_headless_chromium(report_fr, page_fr, tmp_path):
    probed = page_fr.replace("<head>", "<head>\n" + PROBE, 1)
    assert probed != page_fr
    path = tmp_path / "report.html"
    path.write_text(probed, encoding="utf-8")
    dom = chromium_dom(path, tmp_path / "profile")
    match = re.search(r'<div id="__probe"([^>]*)>', dom)
    assert match, "the probe did not run: " + dom[-500:]
    attributes = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', match.group(1)))
    errors = json.loads(attributes["data-errors"].replace("&quot;", '"'))
    assert errors == []
    n_tables = len(report_fr.numbered_tables())
    n_figures = len(report_fr.numbered_figures())
    assert attributes["data-tables"] == attributes["data-tables-rendered"] == str(n_tables)
    assert attributes["data-images"] == attributes["data-images-loaded"] == str(n_figures)
    assert re.search(r"<html[^>]*>", dom) and "data-pwned" not in re.search(r"<html[^>]*>", dom).group(0)
    assert "&lt;script&gt;document.documentElement" in dom  # shown as text, not run
    for number in range(1, n_tables + 1):
        assert f"Tableau {number}" in dom
