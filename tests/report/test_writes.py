"""Issue 15, items 5 and 6 in the report writers: control characters break no writer, formulas are neutralised.

Before the fix a ``\\x01`` or ``\\v`` in a title, a cell or a warning crashed the Word writer
(``ValueError: All strings must be XML compatible``), and respondent ids such as ``=cmd|' /C calc'!A0``
reached the tables' CSV files as they were.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import pyreadstat
from docx import Document

from alliance_stats.core.table import Table
from alliance_stats.instrument import DEFAULT_INSTRUMENT_PATH, parse_instrument
from alliance_stats.instrument.export import export_instrument
from alliance_stats.report import render_run
from alliance_stats.report.docx import render_docx
from alliance_stats.report.model import Report, Section
from alliance_stats.report.tables import table_csv

CONTROL = "\x01\x0b\x1b"


def _hostile_report() -> Report:
    frame = pd.DataFrame({"reason": ["attention\x01 failed", "longstring\v"], "n": [1, -2]},
                         index=pd.Index([f"R{CONTROL}1", "=cmd|' /C calc'!A0"], name="resp_id"))
    table = Table("exclusions", f"Exclusions{CONTROL}", frame, note="note\x0c", formats={"n": "int"}, lang="en")
    section = Section("sample", "Sample\x01", paragraphs=["Data file bad\x01name.csv"], tables=[table],
                      warnings=[f"resp_id R{CONTROL}1 excluded"])
    return Report("Title with \x01 control \v char", "en", synthetic=True, sections=[section],
                  warnings=["run warning \x02"], provenance={"plan": {"title": "t\x01"}}, subtitle="sub\x03")


def test_control_characters_break_no_report_writer():
    files = render_run(_hostile_report())
    document = Document(io.BytesIO(files["report.docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Title with \ufffd control \ufffd char" in text and "R\ufffd\ufffd\ufffd1" in text
    for name, payload in files.items():
        if name.endswith((".html", ".md", ".tex", ".csv")):
            decoded = payload.decode("utf-8")
            assert not any(ch in decoded for ch in "\x01\x02\x03\x0b\x0c\x1b"), name


def test_render_docx_alone_accepts_control_characters():
    document = Document(io.BytesIO(render_docx(_hostile_report())))
    assert document.paragraphs[0].text.startswith("Title with \ufffd")


def test_table_csv_neutralises_formulas_and_keeps_numbers():
    frame = pd.DataFrame({"label": ["+SUM(A1)", "ok", "@x"], "value": [-1.5, 2.0, -3.0],
                          "@col": [1, 2, 3]}, index=pd.Index(["=cmd|' /C calc'!A0", "r2", "-r3"], name="resp_id"))
    text = table_csv(Table("t", "T", frame, lang="en"))
    rows = text.splitlines()
    assert rows[0] == "resp_id,label,value,'@col"
    assert rows[1] == "'=cmd|' /C calc'!A0,'+SUM(A1),-1.5,1"  # a negative number stays a number
    assert rows[3] == "'-r3,'@x,-3.0,3"


def test_run_folder_tables_carry_no_raw_formula():
    files = render_run(_hostile_report())
    csv_text = files["tables/table01_exclusions.csv"].decode("utf-8")
    assert "\n'=cmd|' /C calc'!A0," in csv_text and "\n=cmd" not in csv_text
    assert ",-2\n" in csv_text  # the negative count is still a number


def test_instrument_exports_sanitise_control_characters():
    yaml_text = DEFAULT_INSTRUMENT_PATH.read_text(encoding="utf-8")
    start = yaml_text.index("- name: LINK_1\n")
    fr = yaml_text.index("fr: ", start)
    end = yaml_text.index("\n", fr)
    line = yaml_text[fr:end]
    label = json.dumps("Lien\x01 avec\x0b contrôle")
    flow = line.startswith('fr: "') and ", en: " in line
    text = yaml_text[:fr] + (f"fr: {label}, en: {label}}}" if flow else f"fr: {label}") + yaml_text[end:]
    instrument = parse_instrument(text, file="control.yaml")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.sav"
        path.write_bytes(export_instrument(instrument, "sav", "fr"))
        _, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["LINK_1"] == "Lien\ufffd avec\ufffd contrôle"
    for fmt in ("markdown", "html", "limesurvey"):
        payload = export_instrument(instrument, fmt, "fr").decode("utf-8")
        assert "\x01" not in payload and "\x0b" not in payload, fmt
