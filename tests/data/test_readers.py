"""Readers: every format gives the same canonical frame; round trips; Kobo/ODK exports; read errors."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_stats.core.errors import ReadError
from alliance_stats.data import pseudonymise, read_responses
from alliance_stats.instrument import Instrument, default_instrument
from tests.data.builders import to_kobo_csv, valid_responses

SALT = "test-salt"
TEXT_COLUMNS = ("resp_id", "LANG", "dyad_id", "role", "SAT_RESOURCE", "FIRM_NAME", "RESP_NAME", "RESP_EMAIL")


def expected(instrument: Instrument, frame: pd.DataFrame) -> pd.DataFrame:
    """What the reader must return for a raw frame: personal variables pseudonymised with SALT."""
    out = frame.copy()
    for name in instrument.personal_variables():
        if name in out.columns:
            out[name] = pseudonymise(out[name], SALT)
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_unchanged(instrument: Instrument, path: Path, **kwargs) -> pd.DataFrame:
    """read_responses, asserting the file's bytes are the same afterwards."""
    before = sha(path)
    try:
        return read_responses(path, instrument, salt=SALT, **kwargs)
    finally:
        assert sha(path) == before


@pytest.fixture(scope="module")
def frame(instrument: Instrument) -> pd.DataFrame:
    base = valid_responses(instrument, n_dyads=12, seed=21)
    base.loc[3, "SYM_2"] = 99.0  # declared missing code survives every format
    base.loc[5, "TRC_1"] = np.nan
    base.loc[7, "RESP_NAME"] = np.nan
    return base


# ------------------------------------------------------------------------------------ one test per format


@pytest.mark.parametrize(
    ("sep", "encoding", "decimal"),
    [(",", "utf-8", "."), (";", "utf-8", ","), ("\t", "utf-8", "."), (";", "utf-8-sig", ","), (";", "cp1252", ","),
     (",", "latin-1", "."), ("\t", "utf-16", ".")],
)
def test_csv_round_trip(instrument: Instrument, tmp_path, frame, sep, encoding, decimal):
    path = tmp_path / "responses.csv"
    frame.to_csv(path, sep=sep, encoding=encoding, decimal=decimal, index=False)
    got = read_unchanged(instrument, path)
    pd.testing.assert_frame_equal(got, expected(instrument, frame))
    source = got.attrs["source"]
    assert source["delimiter"] == sep and source["format"] == "csv"
    detected = {"latin-1": "cp1252", "cp1252": "cp1252", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16"}
    assert source["encoding"] == detected.get(encoding, "utf-8")
    assert source["sha256"] == sha(path)


def test_french_accents_survive_cp1252(instrument: Instrument, tmp_path, frame):
    """A French Excel export (Windows-1252) with answer labels: accents decoded, labels mapped to codes."""
    french = frame.astype(object).copy()
    french["LINK_1"] = ["Tout à fait d'accord" if v == 7 else "Plutôt d'accord" if v == 5 else v
                        for v in frame["LINK_1"]]
    french["SECTOR"] = ["Bâtiment, travaux publics" if v == 3 else v for v in frame["SECTOR"]]
    path = tmp_path / "fr.csv"
    french.to_csv(path, sep=";", encoding="cp1252", decimal=",", index=False)
    assert b"\xe0 fait" in path.read_bytes()  # really Windows-1252, not UTF-8
    got = read_unchanged(instrument, path)
    pd.testing.assert_frame_equal(got, expected(instrument, frame))


def test_typographic_apostrophe_in_labels(instrument: Instrument, tmp_path, frame):
    labelled = frame.astype(object).copy()
    labelled["LINK_2"] = ["Plutôt d\u2019accord" if v == 5 else v for v in frame["LINK_2"]]
    path = tmp_path / "r.csv"
    labelled.to_csv(path, index=False)
    pd.testing.assert_frame_equal(read_unchanged(instrument, path), expected(instrument, frame))


@pytest.mark.parametrize("position", ["first", "named"])
def test_xlsx_round_trip(instrument: Instrument, tmp_path, frame, position):
    path = tmp_path / "responses.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        if position == "named":
            pd.DataFrame({"note": ["lisez-moi"]}).to_excel(writer, sheet_name="Notes", index=False)
            frame.to_excel(writer, sheet_name="responses", index=False)
        else:
            frame.to_excel(writer, sheet_name="Feuil1", index=False)
    got = read_unchanged(instrument, path)
    pd.testing.assert_frame_equal(got, expected(instrument, frame))
    assert got.attrs["source"]["sheet"] == ("responses" if position == "named" else "Feuil1")


def test_xlsx_sheet_argument(instrument: Instrument, tmp_path, frame):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Notes", index=False)
        frame.to_excel(writer, sheet_name="wave 1", index=False)
    pd.testing.assert_frame_equal(read_unchanged(instrument, path, sheet="wave 1"), expected(instrument, frame))
    with pytest.raises(ReadError, match=r"no sheet named 'wave 2'; sheets found: 'Notes', 'wave 1'"):
        read_unchanged(instrument, path, sheet="wave 2")


def test_sav_round_trip_keeps_user_missing_codes(instrument: Instrument, tmp_path, frame):
    path = tmp_path / "responses.sav"
    items = [v.name for v in instrument.likert_items()]
    pyreadstat.write_sav(
        frame, path,
        variable_value_labels={"CONTRACT": {0.0: "Non", 1.0: "Oui"}},
        missing_ranges=dict.fromkeys(items, [99]),
    )
    got = read_unchanged(instrument, path)
    pd.testing.assert_frame_equal(got, expected(instrument, frame))
    assert got.loc[3, "SYM_2"] == 99.0  # user-missing code kept, so check_responses can count it


def test_dta_round_trip(instrument: Instrument, tmp_path, frame):
    path = tmp_path / "responses.dta"
    pyreadstat.write_dta(frame, path)
    pd.testing.assert_frame_equal(read_unchanged(instrument, path), expected(instrument, frame))


@pytest.mark.parametrize(("values", "headers", "lang"),
                         [("codes", "names", "fr"), ("labels", "names", "fr"), ("labels", "labels", "en"),
                          ("labels", "labels", "fr")])
def test_kobo_export_round_trip(instrument: Instrument, tmp_path, frame, values, headers, lang):
    path = tmp_path / "kobo.csv"
    path.write_bytes(to_kobo_csv(frame, instrument, values=values, headers=headers, lang=lang))
    got = read_unchanged(instrument, path)
    pd.testing.assert_frame_equal(got, expected(instrument, frame))
    assert got.attrs["source"]["delimiter"] == ";"
    assert {"_uuid", "_submission_time", "start", "__version__"} <= set(got.attrs["metadata_columns"])
    assert got.attrs["unknown_columns"] == []


def test_kobo_options_only_and_uuid_as_resp_id(instrument: Instrument, tmp_path, frame):
    """Without the summary column the multi answer is rebuilt from the 0/1 columns; without resp_id the
    Kobo _uuid stands in."""
    kobo = pd.read_csv(io.BytesIO(to_kobo_csv(frame, instrument)), sep=";", dtype=str, keep_default_na=False)
    kobo = kobo.drop(columns=["saturation/SAT_RESOURCE", "respondent/resp_id"])
    path = tmp_path / "kobo.csv"
    kobo.to_csv(path, sep=";", index=False)
    got = read_unchanged(instrument, path)
    pd.testing.assert_series_equal(got["SAT_RESOURCE"], frame["SAT_RESOURCE"])
    assert got["resp_id"].tolist() == [f"00000000-0000-4000-8000-{i:012d}" for i in range(len(frame))]
    assert got.attrs["resp_id_from"] == "_uuid"


def test_odk_central_dash_separator_and_case(instrument: Instrument, tmp_path, frame):
    renamed = frame.rename(columns={"LINK_1": "link-LINK_1", "TRS_2": "trs_2", "SAT_RESOURCE": "SAT_RESOURCE"})
    renamed.insert(0, "meta-instanceID", [f"uuid:{i}" for i in range(len(frame))])
    renamed.insert(0, "SubmissionDate", "2025-03-01")
    path = tmp_path / "odk.csv"
    renamed.to_csv(path, index=False)
    got = read_unchanged(instrument, path)
    pd.testing.assert_frame_equal(got, expected(instrument, frame))
    assert got.attrs["metadata_columns"] == ["SubmissionDate", "meta-instanceID"]


def test_column_order_does_not_matter(instrument: Instrument, tmp_path, frame):
    shuffled = frame[list(reversed(frame.columns))]
    path = tmp_path / "r.csv"
    shuffled.to_csv(path, index=False)
    pd.testing.assert_frame_equal(read_unchanged(instrument, path), expected(instrument, frame))


def test_stray_text_is_kept_for_the_checker(instrument: Instrument, tmp_path, frame):
    edited = frame.astype({"LINK_3": object}).copy()
    edited.loc[4, "LINK_3"] = " quatre "
    path = tmp_path / "r.csv"
    edited.to_csv(path, index=False)
    got = read_unchanged(instrument, path)
    assert got["LINK_3"].dtype == object and got.loc[4, "LINK_3"] == "quatre"
    assert got.loc[5, "LINK_3"] == frame.loc[5, "LINK_3"]


def test_unknown_columns_are_dropped_and_listed(instrument: Instrument, tmp_path, frame):
    edited = frame.assign(Commentaire="très bien", LIEN_9=3)
    path = tmp_path / "r.csv"
    edited.to_csv(path, index=False)
    got = read_unchanged(instrument, path)
    assert "Commentaire" not in got.columns and got.attrs["unknown_columns"] == ["Commentaire", "LIEN_9"]


def test_emails_in_other_text_cells_are_scrubbed(instrument: Instrument, tmp_path, frame):
    edited = frame.copy()
    edited.loc[0, "resp_id"] = "zoe.qb@exemple.fr"
    path = tmp_path / "r.csv"
    edited.to_csv(path, index=False)
    got = read_unchanged(instrument, path)
    assert got.loc[0, "resp_id"].startswith("ps_") and "@" not in got.loc[0, "resp_id"]
    assert got.attrs["emails_scrubbed"] == 1


def test_na_tokens_and_yes_no_words(instrument: Instrument, tmp_path, frame):
    edited = frame.astype({"FOUNDER_AGE": object, "CONTRACT": object}).copy()
    edited.loc[0, "FOUNDER_AGE"] = "NA"
    edited.loc[1, "FOUNDER_AGE"] = "#N/A"
    edited["CONTRACT"] = ["oui" if v == 1 else "Non" for v in frame["CONTRACT"]]
    path = tmp_path / "r.csv"
    edited.to_csv(path, index=False)
    got = read_unchanged(instrument, path)
    assert got.loc[[0, 1], "FOUNDER_AGE"].isna().all()
    pd.testing.assert_series_equal(got["CONTRACT"], frame["CONTRACT"])


def test_a_repeated_word_or_text_is_read_at_every_row(instrument: Instrument, tmp_path, frame):
    """Each distinct text of a column is converted once (issue 17): a word repeated in several rows is still a
    missing-value word at each of them, and repeated stray text still keeps the column as text."""
    edited = frame.astype({"FOUNDER_AGE": object, "EMPLOYEES": object}).copy()
    edited.loc[[0, 2, 3], "FOUNDER_AGE"] = "NA"
    edited.loc[[1, 4], "EMPLOYEES"] = "about ten"
    path = tmp_path / "r.csv"
    edited.to_csv(path, index=False)
    got = read_unchanged(instrument, path)
    assert got.loc[[0, 2, 3], "FOUNDER_AGE"].isna().all()
    words = [(w["row"], w["column"], w["value"]) for w in got.attrs["missing_words"] if w["column"] == "FOUNDER_AGE"]
    assert words == [(0, "FOUNDER_AGE", "NA"), (2, "FOUNDER_AGE", "NA"), (3, "FOUNDER_AGE", "NA")]
    assert got["EMPLOYEES"].dtype == object and list(got.loc[[1, 4], "EMPLOYEES"]) == ["about ten", "about ten"]
    assert got.loc[5, "EMPLOYEES"] == float(frame.loc[5, "EMPLOYEES"])


# ------------------------------------------------------------------------------------------ read errors


def test_missing_file_and_folder(instrument: Instrument, tmp_path):
    with pytest.raises(ReadError, match="does not exist"):
        read_responses(tmp_path / "nope.csv", instrument)
    with pytest.raises(ReadError, match="folder"):
        read_responses(tmp_path, instrument)


@pytest.mark.parametrize(("name", "fix"), [("r.xls", "save it as .xlsx"), ("r.json", "supported formats"),
                                           ("responses", "supported formats")])
def test_unknown_extensions(instrument: Instrument, tmp_path, name, fix):
    path = tmp_path / name
    path.write_bytes(b"resp_id\nr1\n")
    with pytest.raises(ReadError, match="unknown file type") as info:
        read_unchanged(instrument, path)
    assert fix in info.value.fix


def test_blank_file_and_single_column(instrument: Instrument, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"\r\n  \n")
    with pytest.raises(ReadError, match="empty"):
        read_unchanged(instrument, path)
    path.write_bytes(b"resp_id\nr1\n")
    with pytest.raises(ReadError, match="single column"):
        read_unchanged(instrument, path)


def test_short_row_and_unnamed_column(instrument: Instrument, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"resp_id,dyad_id,role\nr1,d1,a\nr2,d1\n")
    with pytest.raises(ReadError) as info:
        read_unchanged(instrument, path)
    assert info.value.row == 2 and "2 values but the header has 3" in info.value.message
    path.write_bytes(b"resp_id,dyad_id,\nr1,d1,secret\n")
    with pytest.raises(ReadError, match="column 3 has values but no name") as info:
        read_unchanged(instrument, path)
    assert "secret" not in str(info.value)


def test_no_instrument_variable_in_header(instrument: Instrument, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"nom,prenom\nA,B\n")
    with pytest.raises(ReadError, match="none of the 2 columns is a variable"):
        read_unchanged(instrument, path)


def test_two_columns_for_one_variable(instrument: Instrument, tmp_path, frame):
    path = tmp_path / "r.csv"
    frame.assign(**{"grp/LINK_1": frame["LINK_1"]}).to_csv(path, index=False)
    with pytest.raises(ReadError, match="both hold variable LINK_1"):
        read_unchanged(instrument, path)


def test_option_column_with_other_value(instrument: Instrument, tmp_path, frame):
    kobo = pd.read_csv(io.BytesIO(to_kobo_csv(frame, instrument)), sep=";", dtype=str, keep_default_na=False)
    kobo = kobo.drop(columns=["saturation/SAT_RESOURCE"])
    kobo.loc[2, "saturation/SAT_RESOURCE/time"] = "2"
    path = tmp_path / "k.csv"
    kobo.to_csv(path, sep=";", index=False)
    with pytest.raises(ReadError, match="must hold 0 or 1") as info:
        read_unchanged(instrument, path)
    assert (info.value.row, info.value.column, info.value.value) == (3, "saturation/SAT_RESOURCE/time", "2")


def test_corrupt_workbook_and_empty_stat_file(instrument: Instrument, tmp_path, frame):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError, match="not a readable .xlsx workbook"):
        read_unchanged(instrument, path)
    empty = tmp_path / "r.sav"
    pyreadstat.write_sav(frame.iloc[:0][["resp_id", "LINK_1"]], empty)
    with pytest.raises(ReadError, match="no cases"):
        read_unchanged(instrument, empty)


def test_xlsx_header_only_and_empty_sheet(instrument: Instrument, tmp_path):
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "responses"
    wb.active.append(["resp_id", "dyad_id"])
    wb.save(path)
    with pytest.raises(ReadError, match="header row but no data rows"):
        read_unchanged(instrument, path)
    wb = openpyxl.Workbook()
    wb.active.title = "responses"
    wb.save(path)
    with pytest.raises(ReadError, match="not even a header row"):
        read_unchanged(instrument, path)


# ------------------------------------------------------------------------------------- property tests

_TEXT = st.text(alphabet=st.sampled_from(list("abcdeéèàçôÉ ;,'\"-_0123456789")), min_size=1, max_size=12).map(
    str.strip).filter(bool)


_default_instrument = cache(default_instrument)


@st.composite
def raw_frames(draw) -> pd.DataFrame:
    """A random valid responses frame (1-6 rows) in the canonical layout, names in clear (the instrument is read
    when the first example is drawn, not when the module is imported)."""
    instrument = _default_instrument()
    n = draw(st.integers(1, 6))
    cols: dict[str, list] = {}

    def column(strategy, missing=True):
        element = st.one_of(st.just(np.nan), strategy) if missing else strategy
        return draw(st.lists(element, min_size=n, max_size=n))

    for var in instrument.variables:
        if var.type == "likert":
            points = instrument.scales[var.scale or ""].points
            codes = [float(p) for p in points] + [float(c) for c in var.missing_codes]
            cols[var.name] = column(st.sampled_from(codes))
        elif var.type == "binary":
            cols[var.name] = column(st.sampled_from([0.0, 1.0]))
        elif var.type in ("integer", "year"):
            low = var.min if var.min is not None else 0
            high = var.max if var.max is not None else (2025 if var.type == "year" else 10)
            cols[var.name] = column(st.integers(low, high).map(float))
        elif var.type == "category":
            codes = [c.code for c in instrument.choices[var.choices or ""]]
            if all(c.isdigit() for c in codes):
                cols[var.name] = column(st.sampled_from([float(c) for c in codes]))
            else:
                cols[var.name] = column(st.sampled_from(codes))
        elif var.type == "multi":
            codes = [c.code for c in instrument.choices[var.choices or ""]]
            subsets = st.lists(st.sampled_from(codes), min_size=1, unique=True).map(
                lambda picked, codes=codes: " ".join(c for c in codes if c in picked))
            cols[var.name] = column(subsets)
        else:
            cols[var.name] = column(_TEXT, missing=var.name != "resp_id")
    frame = pd.DataFrame(cols)
    for name in TEXT_COLUMNS:
        frame[name] = frame[name].astype("str")
    for name in frame.columns:
        if name not in TEXT_COLUMNS:
            frame[name] = frame[name].astype("float64")
    return frame


_PROPERTY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_PROPERTY
@given(frame=raw_frames(), fmt=st.sampled_from([(",", "utf-8", "."), (";", "utf-8-sig", ","), ("\t", "cp1252", "."),
                                                (";", "cp1252", ","), ("\t", "utf-16", ".")]))
def test_property_csv_round_trip(instrument: Instrument, tmp_path_factory, frame, fmt):
    sep, encoding, decimal = fmt
    path = tmp_path_factory.mktemp("csv") / "r.csv"
    frame.to_csv(path, sep=sep, encoding=encoding, decimal=decimal, index=False)
    pd.testing.assert_frame_equal(read_unchanged(instrument, path), expected(instrument, frame))


@pytest.mark.slow
@_PROPERTY
@given(frame=raw_frames())
def test_property_xlsx_round_trip(instrument: Instrument, tmp_path_factory, frame):
    path = tmp_path_factory.mktemp("xlsx") / "r.xlsx"
    frame.to_excel(path, index=False, sheet_name="responses")
    pd.testing.assert_frame_equal(read_unchanged(instrument, path), expected(instrument, frame))


@pytest.mark.slow
@_PROPERTY
@given(frame=raw_frames())
def test_property_sav_round_trip(instrument: Instrument, tmp_path_factory, frame):
    path = tmp_path_factory.mktemp("sav") / "r.sav"
    pyreadstat.write_sav(frame, path)
    pd.testing.assert_frame_equal(read_unchanged(instrument, path), expected(instrument, frame))


@pytest.mark.slow
@_PROPERTY
@given(frame=raw_frames())
def test_property_dta_round_trip(instrument: Instrument, tmp_path_factory, frame):
    path = tmp_path_factory.mktemp("dta") / "r.dta"
    pyreadstat.write_dta(frame, path)
    pd.testing.assert_frame_equal(read_unchanged(instrument, path), expected(instrument, frame))


@pytest.mark.slow
@_PROPERTY
@given(frame=raw_frames(), values=st.sampled_from(["codes", "labels"]))
def test_property_kobo_round_trip(instrument: Instrument, tmp_path_factory, frame, values):
    path = tmp_path_factory.mktemp("kobo") / "k.csv"
    path.write_bytes(to_kobo_csv(frame, instrument, values=values))
    pd.testing.assert_frame_equal(read_unchanged(instrument, path), expected(instrument, frame))
