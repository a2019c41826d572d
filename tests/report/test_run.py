"""The files of a run folder produced by render_run, and report numbering."""

from __future__ import annotations

import pandas as pd

from alliance_stats.report import Report, Section, render_run
from alliance_stats.report.figures import figure_files
from alliance_stats.report.tables import table_files
from tests.report.builders import models_table, reliability_table, scree_figure, small_report


def test_run_files_share_the_reports_numbering():
    report = small_report("fr", scree_figure("fr"))
    files = render_run(report)
    assert sorted(files) == [
        "figures/figure01_scree.png", "figures/figure01_scree.svg",
        "report.docx", "report.html",
        "tables/table01_reliability.csv", "tables/table01_reliability.html", "tables/table01_reliability.md",
        "tables/table01_reliability.tex",
        "tables/table02_models.csv", "tables/table02_models.html", "tables/table02_models.md",
        "tables/table02_models.tex",
    ]
    assert files["tables/table02_models.md"] == table_files(models_table("fr"), 2)["md"]
    assert files["tables/table02_models.md"].startswith(b"**Tableau 2**")
    figure = report.sections[1].figures[0]
    assert files["figures/figure01_scree.svg"] == figure_files(figure.figure)["svg"]
    assert report.table_numbers() == {"reliability": 1, "models": 2}
    assert report.figure_numbers() == {"scree": 1}


def test_numbering_runs_across_sections_in_order():
    report = Report("R", "en", False, [
        Section("a", "A", tables=[models_table("en")]),
        Section("b", "B"),
        Section("c", "C", tables=[reliability_table("en"), models_table("en").__class__(
            "extra", "Extra", pd.DataFrame({"x": [1]}), lang="en")]),
    ])
    assert [(number, section.id, table.key) for number, section, table in report.numbered_tables()] == [
        (1, "a", "models"), (2, "c", "reliability"), (3, "c", "extra"),
    ]
    html = render_run(report)["report.html"].decode()
    assert html.index("Table 1") < html.index("Table 2") < html.index("Table 3")


def test_warnings_are_gathered_without_duplicates():
    report = small_report("en")
    report.sections[1].warnings.append("Heywood case in CFA: loading 1.02 on LINK_3.")
    report.warnings.append("2 respondents excluded (attention check).")
    assert report.all_warnings() == [
        ("", "2 respondents excluded (attention check)."),
        ("Measurement", "Heywood case in CFA: loading 1.02 on LINK_3."),
        ("Models", "Heywood case in CFA: loading 1.02 on LINK_3."),
    ]


def test_run_files_are_the_writers_own_output():
    """render_run makes the report XML-safe and lays its tables out once for every writer (issue 17): each file must
    be what the writer gives on its own, with control characters in a title and in a cell to sanitise."""
    from alliance_stats.report.docx import render_docx
    from alliance_stats.report.html import render_html
    from alliance_stats.report.model import xml_safe_report
    from alliance_stats.report.tables import table_file_stem

    extra = models_table("en").__class__("extra", "Extra \x0b title", pd.DataFrame({"x": ["a\x02b", "c"]}), lang="en")
    report = small_report("en", scree_figure("en"), extra_tables=[extra])
    files = render_run(report)
    assert files["report.html"] == render_html(report).encode("utf-8")
    assert files["report.docx"] == render_docx(report)
    safe = xml_safe_report(report)
    for number, _, table in safe.numbered_tables():
        for extension, data in table_files(table, number).items():
            assert files[f"tables/{table_file_stem(table, number)}.{extension}"] == data
    assert "a\ufffdb".encode() in files["tables/table03_extra.md"]
