"""What the reader turns into missing values is said by the data check (issue 15 item 11): missing-value words in
numeric answers, and workbook formulas saved without a computed value."""

from __future__ import annotations

import hashlib

import openpyxl
import pandas as pd
import pytest

from alliance_stats.data import check_responses, read_responses
from alliance_stats.plan.templates import template

WORDS = ["NA", "N/A", "-", "nan", "null", "."]


@pytest.fixture(scope="module")
def plain() -> pd.DataFrame:
    return pd.read_csv(template("data/synthetic_responses.csv"), dtype=str, keep_default_na=False)


def test_missing_value_words_are_read_as_missing_and_counted(plain, instrument, tmp_path):
    edited = plain.copy()
    for i, word in enumerate(WORDS):
        edited.loc[i, "LINK_1"] = word
    edited.loc[10, "SYM_2"] = " n/a "
    path = tmp_path / "words.csv"
    edited.to_csv(path, index=False)
    frame = read_responses(path, instrument, salt="s")
    assert frame.loc[: len(WORDS) - 1, "LINK_1"].isna().all() and pd.isna(frame.loc[10, "SYM_2"])
    result = check_responses(frame, instrument, file=str(path))
    words = [f for f in result.warning_findings if f.rule == "missing_word"]
    assert [(f.row, f.column, f.value) for f in words] == (
        [(i + 1, "LINK_1", w) for i, w in enumerate(WORDS)] + [(11, "SYM_2", "n/a")])
    assert all("(7 such cell(s) in the file)" in f.message for f in words)
    assert result.ok  # a warning, not an error


def test_a_plain_file_has_no_missing_word_finding(plain, instrument, tmp_path):
    path = tmp_path / "plain.csv"
    plain.to_csv(path, index=False)
    result = check_responses(read_responses(path, instrument, salt="s"), instrument)
    assert not [f for f in result.findings if f.rule in ("missing_word", "uncomputed_formula")]


def _workbook(frame: pd.DataFrame, path, formulas: dict[tuple[int, str], str]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([None if v == "" else (float(v) if v.replace(".", "", 1).isdigit() else v) for v in row])
    for (i, column), formula in formulas.items():
        ws.cell(row=i + 2, column=list(frame.columns).index(column) + 1, value=formula)
    wb.save(path)


def test_xlsx_formula_without_a_computed_value_is_a_warning(plain, instrument, tmp_path):
    path = tmp_path / "formulas.xlsx"
    _workbook(plain, path, {(3, "LINK_2"): "=2+3", (7, "TRS_1"): "=B2"})  # openpyxl stores no cached value
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    frame = read_responses(path, instrument, salt="s")
    assert pd.isna(frame.loc[3, "LINK_2"]) and pd.isna(frame.loc[7, "TRS_1"])
    found = [f for f in check_responses(frame, instrument).warning_findings if f.rule == "uncomputed_formula"]
    assert [(f.row, f.column) for f in found] == [(4, "LINK_2"), (8, "TRS_1")]
    assert "(2 such cell(s))" in found[0].message and "recalculate" in found[0].message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_xlsx_without_formulas_reads_as_before(plain, instrument, tmp_path):
    path = tmp_path / "values.xlsx"
    _workbook(plain, path, {})
    frame = read_responses(path, instrument, salt="s")
    assert frame.attrs["uncomputed_formulas"] == []
