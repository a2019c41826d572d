"""Exports of the instrument: XLSForm (pyxform conversion), LimeSurvey structure, printable HTML/Markdown,
codebooks, SPSS round trip, formula-injection neutralisation."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyxform.xls2xform import convert

from alliance_stats.core.errors import InstrumentError
from alliance_stats.instrument import Instrument, parse_instrument
from alliance_stats.instrument.codebook import CODEBOOK_COLUMNS, codebook, codebook_records, limesurvey_layout
from alliance_stats.instrument.export import (
    EXPORT_FORMATS,
    export_instrument,
    neutralise_cell,
    read_codebook,
    restore_cell,
)

MALICIOUS = {
    "LINK_1": "=HYPERLINK(\"http://evil.example\",\"clic\")",
    "LINK_2": "+cmd|' /C calc'!A0",
    "LINK_3": "-2+3+cmd|' /C calc'!A0",
    "LINK_5": "@SUM(1+1)*cmd|' /C calc'!A0",
}


@pytest.fixture(scope="module")
def malicious(yaml_text) -> Instrument:
    text = yaml_text
    for name, label in MALICIOUS.items():
        start = text.index(f"- name: {name}\n")
        fr = text.index("fr: ", start)
        end = text.index("\n", fr)
        # replace the whole fr text of the item (flow or block style) by the malicious label
        line = text[fr:end]
        quoted = json.dumps(label)
        flow = line.startswith('fr: "') and ", en: " in line  # fr and en on one line: replace both
        new = f"fr: {quoted}, en: {quoted}}}" if flow else f"fr: {quoted}"
        text = text[:fr] + new + text[end:]
    return parse_instrument(text, file="malicious.yaml")


def _workbook(payload: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(payload))


def _rows(sheet) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# ------------------------------------------------------------------------------------------ XLSForm


@pytest.mark.parametrize("lang", ["fr", "en", "both"])
def test_xlsform_converts_with_pyxform(instrument, tmp_path, lang):
    path = tmp_path / f"form_{lang}.xlsx"
    path.write_bytes(export_instrument(instrument, "xlsform", lang))
    result = convert(xlsform=str(path))
    assert result.xform.startswith("<?xml")
    assert "<h:title>" in result.xform
    for name in ("EMPLOYEES", "LINK_1", "SAT_RESOURCE", "RESP_EMAIL", "resp_id"):
        assert f"/{name}" in result.xform, name
    if lang == "both":
        assert 'lang="Français (fr)"' in result.xform and 'lang="English (en)"' in result.xform


def test_xlsform_layout(instrument):
    book = _workbook(export_instrument(instrument, "xlsform", "both"))
    assert book.sheetnames == ["survey", "choices", "settings"]
    survey = _rows(book["survey"])
    header = [c.value for c in book["survey"][1]]
    for column in ("type", "name", "label::Français (fr)", "label::English (en)", "hint::Français (fr)",
                   "hint::English (en)", "required", "constraint", "relevant", "appearance"):
        assert column in header, column
    settings_row = _rows(book["settings"])[0]
    assert settings_row["default_language"] == "Français (fr)"
    assert settings_row["form_id"] == "alliance_startup" and settings_row["version"] == instrument.meta.version
    by_name = {row["name"]: row for row in survey if row["type"] not in ("end_group",)}
    groups = [row for row in survey if row["type"] == "begin_group"]
    assert [g["name"] for g in groups] == [s.id for s in instrument.sections]
    assert all(g["appearance"] == "field-list" for g in groups)
    assert by_name["link"]["relevant"].startswith("(${EMPLOYEES} <= 10 and (${STRAT_1} = '1' or")
    assert by_name["screened_out"]["relevant"].startswith("not((${EMPLOYEES} <= 10")
    assert by_name["STRAT_1"]["relevant"] == "${EMPLOYEES} <= 10"
    assert by_name["BREAKEVEN_YEAR"]["relevant"] == "${BREAKEVEN} = '1'"
    assert by_name["EMPLOYEES"]["required"] == "yes" and by_name["RESP_EMAIL"]["required"] is None
    assert by_name["FOUNDER_AGE"]["constraint"] == ". >= 16 and . <= 99"
    assert by_name["LINK_1"]["type"] == "select_one agree7_m99" and by_name["LINK_1"]["appearance"] == "likert"
    assert by_name["ATTN_1"]["type"] == "select_one agree7"
    assert by_name["SAT_RESOURCE"]["type"] == "select_multiple resource"
    assert by_name["resp_id"]["type"] == "calculate"
    # choice codes are text cells, including numeric codes
    choices = book["choices"]
    names = [row[1] for row in choices.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" and isinstance(cell.value, str) for cell in names)
    codes = {(r["list_name"], r["name"]) for r in _rows(choices)}
    assert ("agree7_m99", "99") in codes and ("agree7", "99") not in codes and ("yesno", "0") in codes


def test_xlsform_single_language_has_only_its_columns(instrument):
    book = _workbook(export_instrument(instrument, "xlsform", "en"))
    header = [c.value for c in book["survey"][1]]
    assert "label::English (en)" in header and not any("Français" in str(h) for h in header)
    assert _rows(book["settings"])[0]["default_language"] == "English (en)"


# --------------------------------------------------------------------------------- formula injection


def test_neutralise_cell_examples():
    assert neutralise_cell("=1+1") == "'=1+1"
    assert neutralise_cell("+1") == "'+1" and neutralise_cell("-1") == "'-1" and neutralise_cell("@x") == "'@x"
    assert neutralise_cell("\t=x") == "'\t=x"
    assert neutralise_cell("Oui") == "Oui" and neutralise_cell("") == "" and neutralise_cell("'") == "'"
    assert neutralise_cell("'=x") == "''=x"


@pytest.mark.slow
@given(st.text(max_size=30))
def test_neutralise_restore_round_trip(text):
    safe = neutralise_cell(text)
    assert restore_cell(safe) == text
    assert safe[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_xlsform_neutralises_malicious_labels(malicious):
    book = _workbook(export_instrument(malicious, "xlsform", "both"))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not any(cell.data_type == "f" for cell in cells)
    assert not any(isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@") for c in cells)
    labels = {row["name"]: row["label::Français (fr)"] for row in _rows(book["survey"])}
    for name, label in MALICIOUS.items():
        assert labels[name] == "'" + label


def test_codebook_csv_and_limesurvey_neutralise_malicious_labels(malicious):
    table = export_instrument(malicious, "codebook-csv", "both").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(table)) for cell in row]
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)
    assert "'" + MALICIOUS["LINK_1"] in cells
    records = read_codebook(export_instrument(malicious, "codebook-csv", "both"), "codebook-csv")
    assert {r["name"]: r["label_fr"] for r in records}["LINK_3"] == MALICIOUS["LINK_3"]
    tsv = export_instrument(malicious, "limesurvey", "both").decode("utf-8")
    cells = [cell for row in csv.reader(io.StringIO(tsv), delimiter="\t") for cell in row]
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)
    assert "'" + MALICIOUS["LINK_2"] in cells


def test_html_and_markdown_escape_markup(yaml_text):
    text = yaml_text.replace('"Mon partenaire et moi sommes aussi des amis."', '"<script>alert(1)</script> amis"')
    inst = parse_instrument(text)
    page = export_instrument(inst, "html", "fr").decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; amis" in page
    markdown = export_instrument(inst, "markdown", "fr").decode("utf-8")
    assert "<script>" not in markdown


# ---------------------------------------------------------------------------------------- LimeSurvey


def _tsv(instrument: Instrument, lang: str) -> list[dict[str, str]]:
    text = export_instrument(instrument, "limesurvey", lang).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_limesurvey_structure_both_languages(instrument):
    rows = _tsv(instrument, "both")
    assert list(rows[0])[:14] == ["id", "related_id", "class", "type/scale", "name", "relevance", "text", "help",
                                  "language", "validation", "mandatory", "other", "default", "same_default"]
    assert {r["class"] for r in rows} <= {"S", "SL", "G", "Q", "SQ", "A"}
    settings = {r["name"]: r["text"] for r in rows if r["class"] == "S"}
    assert settings["language"] == "fr" and settings["additional_languages"] == "en"
    assert {r["language"] for r in rows if r["class"] == "SL"} == {"fr", "en"}
    blocks = {lang: [r for r in rows if r["class"] in ("G", "Q", "SQ", "A") and r["language"] == lang]
              for lang in ("fr", "en")}
    # the primary language block comes first, then one full block per extra language, same structure
    first_en = next(i for i, r in enumerate(rows) if r["class"] == "G" and r["language"] == "en")
    assert all(r["language"] == "en" for r in rows[first_en:])
    shape = {lang: [(r["class"], r["type/scale"], r["name"] if r["class"] != "G" else "") for r in block]
             for lang, block in blocks.items()}
    assert shape["fr"] == shape["en"]
    assert sum(r["class"] == "G" for r in blocks["fr"]) == len(instrument.sections)
    questions = [r for r in blocks["fr"] if r["class"] == "Q"]
    for row in questions:
        assert row["name"][:1].isalpha() and row["name"].isalnum() and len(row["name"]) <= 20, row["name"]
    for row in blocks["fr"]:
        if row["class"] == "SQ":
            assert row["name"].isalnum() and row["name"].lower() != "time"
        if row["class"] == "A":
            assert len(row["name"]) <= 5
    arrays = [r for r in questions if r["type/scale"] == "F"]
    assert len(arrays) == 11  # one Likert block per construct
    subquestions = [r["name"] for r in blocks["fr"] if r["class"] == "SQ"]
    for var in instrument.likert_items():
        assert subquestions.count(var.name.replace("_", "")) == 1
    by_code = {r["name"]: r for r in questions}
    assert by_code["STRAT1"]["type/scale"] == "L" and by_code["EMPLOYEES"]["type/scale"] == "N"
    assert by_code["SATRESOURCE"]["type/scale"] == "M" and by_code["RESPEMAIL"]["validation"]
    assert by_code["FOUNDERAGE"]["min_num_value_n"] == "16" and by_code["FOUNDERAGE"]["max_num_value_n"] == "99"
    assert by_code["Notescreenedout"]["type/scale"] == "X"
    groups = [r for r in blocks["fr"] if r["class"] == "G"]
    assert groups[3]["relevance"].startswith("(EMPLOYEES.NAOK <= 10 and (STRAT1.NAOK == \"1\"")
    assert groups[2]["relevance"].startswith("!(")
    assert "resp_id" not in by_code and "LANG" not in by_code and "respid" not in by_code


def test_limesurvey_single_language(instrument):
    rows = _tsv(instrument, "en")
    assert {r["language"] for r in rows if r["language"]} == {"en"}
    settings = {r["name"]: r["text"] for r in rows if r["class"] == "S"}
    assert settings["language"] == "en" and settings["additional_languages"] == ""


def test_limesurvey_codes_that_collide_are_rejected(yaml_text):
    text = yaml_text.replace("      - name: FIRM_NAME\n", "      - name: FIRMNAME\n        level: firm\n        text: "
                             "{fr: \"Nom\", en: \"Name\"}\n      - name: FIRM_NAME\n")
    inst = parse_instrument(text)
    with pytest.raises(InstrumentError, match="both become LimeSurvey code"):
        export_instrument(inst, "limesurvey", "both")


# ------------------------------------------------------------------------------------------ codebooks


def test_codebook_fields(instrument):
    book = codebook(instrument)
    assert list(book.columns) == list(CODEBOOK_COLUMNS)
    assert book["name"].tolist() == instrument.variable_names()
    row = book.set_index("name")
    assert row.loc["LINK_4", "reverse"] and not row.loc["LINK_1", "reverse"]
    assert row.loc["LINK_1", "construct"] == "LINK" and row.loc["LINK_1", "level"] == "dyad"
    assert row.loc["STRUCT_1", "level"] == "firm" and row.loc["ATTN_1", "attention_expected"] == 2
    assert (row.loc["LINK_1", "scale_min"], row.loc["LINK_1", "scale_max"]) == (1, 7)
    assert row.loc["LINK_1", "missing_codes"] == [99] and row.loc["ATTN_1", "missing_codes"] == []
    assert row.loc["LINK_1", "value_labels_fr"]["99"] == "Je ne sais pas"
    assert row.loc["LINK_1", "value_labels_en"]["7"] == "Strongly agree"
    assert row.loc["CONTRACT", "value_labels_en"] == {"1": "Yes", "0": "No"}
    assert row.loc["FOUNDER_AGE", "scale_min"] == 16 and row.loc["FOUNDER_AGE", "scale_max"] == 99
    assert book["personal"].sum() == 3 and row.loc["RESP_EMAIL", "personal"]
    assert row.loc["STRAT_1", "show_if"] == "EMPLOYEES <= 10"
    assert row.loc["LINK_1", "show_if"].startswith("EMPLOYEES <= 10 and (STRAT_1 == 1 or")
    assert row.loc["LINK_1", "limesurvey_column"] == "Blink[LINK1]"
    assert row.loc["resp_id", "limesurvey_column"] == "id" and row.loc["LANG", "limesurvey_column"] == "startlanguage"
    assert row.loc["SAT_RESOURCE", "limesurvey_column"].split()[1] == "SATRESOURCE[Ctime]"
    assert row.loc["EMPLOYEES", "label_en"] == instrument.variable("EMPLOYEES").text["en"]


def test_codebook_json_document(instrument):
    document = json.loads(export_instrument(instrument, "codebook-json", "both"))
    assert document["instrument"]["id"] == "alliance_startup"
    assert document["constructs"]["LINK"]["reverse_items"] == ["LINK_4", "LINK_7"]
    assert [v["name"] for v in document["variables"]] == instrument.variable_names()
    assert set(document["variables"][0]) == set(CODEBOOK_COLUMNS)


def test_layout_maps_every_variable(instrument):
    layout = limesurvey_layout(instrument)
    for var in instrument.variables:
        assert layout.column(var)


_LABEL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=25
).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_codebook_round_trip_preserves_every_variable(instrument, data):
    """export -> codebook (JSON and CSV) -> read back gives the same entry for every variable."""
    variant = instrument.model_copy(deep=True)
    names = variant.variable_names()
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=8, unique=True))
    for name in chosen:
        var = variant.variable(name)
        var.text = {"fr": data.draw(_LABEL_TEXT), "en": data.draw(_LABEL_TEXT)}
    lists = data.draw(st.lists(st.sampled_from(sorted(variant.choices)), max_size=2, unique=True))
    for list_id in lists:
        for choice in variant.choices[list_id]:
            choice.label = {"fr": data.draw(_LABEL_TEXT), "en": data.draw(_LABEL_TEXT)}
    expected = codebook_records(variant)
    for fmt in ("codebook-json", "codebook-csv"):
        back = read_codebook(export_instrument(variant, fmt, "both"), fmt)
        assert [r["name"] for r in back] == names
        assert back == expected


# ------------------------------------------------------------------------------------------------ SAV


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sav_round_trip(instrument, tmp_path, lang):
    path = tmp_path / f"empty_{lang}.sav"
    path.write_bytes(export_instrument(instrument, "sav", lang))
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert len(frame) == 0
    assert list(frame.columns) == instrument.variable_names()
    assert meta.column_names_to_labels == {v.name: v.text[lang] for v in instrument.variables}
    for var in instrument.variables:
        labels = instrument.value_labels(var.name)
        read = meta.variable_value_labels.get(var.name, {})
        if var.type in ("likert", "binary", "category") and var.name not in ("LANG", "role"):
            assert read == {float(code): text[lang] for code, text in labels.items()}, var.name
        elif var.name in ("LANG", "role"):
            assert read == {code: text[lang] for code, text in labels.items()}
        if var.missing_codes:
            assert meta.missing_ranges[var.name] == [{"lo": 99.0, "hi": 99.0}], var.name
        else:
            assert var.name not in meta.missing_ranges
    assert meta.variable_measure["LINK_1"] == "ordinal" and meta.variable_measure["SECTOR"] == "nominal"
    assert meta.variable_measure["EMPLOYEES"] == "scale"
    assert meta.readstat_variable_types["RESP_EMAIL"] == "string"
    assert meta.file_label == instrument.meta.title[lang][:64]


def test_sav_both_uses_the_default_language(instrument, tmp_path):
    # compare what SPSS reads back, not the bytes: the file header holds the time it was written
    metas = []
    for lang in ("both", "fr"):
        path = tmp_path / f"{lang}.sav"
        path.write_bytes(export_instrument(instrument, "sav", lang))
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
        metas.append((list(frame.columns), meta.column_names_to_labels, meta.variable_value_labels,
                      meta.missing_ranges))
    assert metas[0] == metas[1]


# ---------------------------------------------------------------------------------------- printables


def test_html_and_markdown_per_language(instrument):
    both = export_instrument(instrument, "html", "both").decode("utf-8")
    assert both.count('<section class="language"') == 2
    assert both.index('lang="fr"') < both.index('<section class="language" lang="en"')
    fr = export_instrument(instrument, "html", "fr").decode("utf-8")
    assert instrument.variable("LINK_1").text["fr"] in fr and instrument.variable("LINK_1").text["en"] not in fr
    assert "Q3 ≤ 10" in fr  # the filter of the screening questions
    markdown = export_instrument(instrument, "markdown", "en").decode("utf-8")
    assert markdown.startswith("# " + instrument.meta.title["en"])
    assert "| Statement | 1 Strongly disagree |" in markdown
    assert "resp_id" not in markdown
    both_md = export_instrument(instrument, "markdown", "both").decode("utf-8")
    assert both_md.index("# " + instrument.meta.title["fr"]) < both_md.index("# " + instrument.meta.title["en"])


def test_every_format_and_language_exports(instrument):
    for fmt in EXPORT_FORMATS:
        for lang in ("fr", "en", "both"):
            assert export_instrument(instrument, fmt, lang), (fmt, lang)


def test_unknown_format_or_language(instrument):
    with pytest.raises(InstrumentError, match="unknown export format"):
        export_instrument(instrument, "pdf", "fr")
    with pytest.raises(InstrumentError, match="unknown export language"):
        export_instrument(instrument, "html", "de")


def test_exports_do_not_modify_the_instrument(instrument):
    before = instrument.model_dump()
    for fmt in EXPORT_FORMATS:
        export_instrument(instrument, fmt, "both")
    assert instrument.model_dump() == before
