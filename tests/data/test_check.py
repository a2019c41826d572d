"""check_responses: each rule on a small hand-made frame, the result object, simulated data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import DataError
from alliance_stats.core.i18n import tr
from alliance_stats.data import RULES, DataCheck, ExclusionRules, Finding, check_responses
from alliance_stats.instrument import Instrument
from tests.data.builders import valid_responses


@pytest.fixture()
def frame(instrument: Instrument) -> pd.DataFrame:
    return valid_responses(instrument, n_dyads=30, seed=9)


def findings(result: DataCheck, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def only(result: DataCheck, rule: str) -> Finding:
    found = findings(result, rule)
    assert len(found) == 1, result.summary()
    return found[0]


def set_cell(frame: pd.DataFrame, row: int, column: str, value) -> pd.DataFrame:
    out = frame.copy()
    if isinstance(value, str) and out[column].dtype.kind == "f":
        out[column] = out[column].astype(object)
    out.loc[row - 1, column] = value
    return out


def test_valid_frame_passes_and_is_not_modified(instrument: Instrument, frame):
    before = frame.copy(deep=True)
    result = check_responses(frame, instrument)
    pd.testing.assert_frame_equal(frame, before)
    assert result.ok and result.errors == () and result.warning_findings == () and result.warnings == ()
    assert (result.n_rows, result.n_columns) == (60, 80)


def test_every_rule_has_a_severity_and_two_languages():
    for rule, severity in RULES.items():
        assert severity in ("error", "warning"), rule
        assert all(tr(f"data.rule.{rule}", lang) != f"data.rule.{rule}" for lang in ("fr", "en")), rule


@pytest.mark.parametrize(
    ("column", "value", "rule", "in_message"),
    [
        ("LINK_1", 8.0, "out_of_range", "outside the 1-7 scale"),
        ("LINK_1", 0.0, "out_of_range", "outside the 1-7 scale"),
        ("LINK_1", 4.5, "invalid_code", "not a point of the 1-7 scale"),
        ("ATTN_1", 99.0, "out_of_range", "declared missing codes: none"),
        ("LINK_1", "beaucoup", "non_numeric", "text in numeric variable"),
        ("CONTRACT", 2.0, "invalid_code", "codes: 1, 0"),
        ("SECTOR", 12.0, "invalid_code", "not a code of SECTOR"),
        ("FOUNDER_AGE", 12.0, "out_of_range", "below the minimum 16"),
        ("FOUNDER_EXPERIENCE", 71.0, "out_of_range", "above the maximum 70"),
        ("EMPLOYEES", 2.5, "invalid_code", "whole number"),
        ("EMPLOYEES", -1.0, "out_of_range", "below the minimum 0"),
        ("FOUNDING_YEAR", 1900.0, "out_of_range", "below the minimum 1950"),
        ("LANG", "de", "invalid_code", "codes: en, fr"),
        ("SAT_RESOURCE", "time luck", "invalid_code", "option(s) luck"),
        ("EMPLOYEES", 11.0, "not_tpe", "at most 10"),
    ],
)
def test_value_rules(instrument: Instrument, frame, column, value, rule, in_message):
    result = check_responses(set_cell(frame, 7, column, value), instrument)
    finding = only(result, rule)
    assert (finding.row, finding.resp_id, finding.column) == (7, "R0007", column)
    expected = value if isinstance(value, str) else (int(value) if float(value).is_integer() else value)
    assert finding.value == expected
    assert in_message in finding.message
    assert not result.ok and finding.severity == "error"


def test_declared_missing_is_a_counted_warning(instrument: Instrument, frame):
    edited = set_cell(set_cell(frame, 3, "SYM_2", 99.0), 9, "TRC_4", 99.0)
    result = check_responses(edited, instrument)
    assert result.ok
    found = findings(result, "declared_missing")
    assert [(f.row, f.column, f.value) for f in found] == [(3, "SYM_2", 99), (9, "TRC_4", 99)]
    assert "Don't know" in found[0].message
    assert result.counts() == {"declared_missing": 2}


def test_columns_unknown_missing_and_optional(instrument: Instrument, frame):
    edited = frame.rename(columns={"TRS_4": "TRS_04"}).drop(columns=["dyad_id", "BREAKEVEN_YEAR", "RESP_EMAIL"])
    edited.attrs["unknown_columns"] = ["Remarques"]
    result = check_responses(edited, instrument)
    unknown = findings(result, "unknown_column")
    assert {f.column for f in unknown} == {"TRS_04", "Remarques"}
    assert "did you mean TRS_4?" in next(f.message for f in unknown if f.column == "TRS_04")
    assert {f.column for f in findings(result, "missing_column")} == {"TRS_4", "dyad_id"}
    assert only(result, "missing_optional_column").column == "BREAKEVEN_YEAR"
    assert all(f.row is None for f in unknown)  # a column-level finding has no row


def test_keys_duplicates_roles_and_dyads(instrument: Instrument, frame):
    edited = frame.copy()
    edited.loc[4, "resp_id"] = "R0002"  # duplicate id (rows 2 and 5)
    edited.loc[9, "role"] = "A"  # not a or b (case matters in a canonical frame)
    edited.loc[13, "role"] = "a"  # D007 = rows 13 and 14 -> both a
    edited.loc[20, "dyad_id"] = np.nan  # empty key; D011 then has one respondent
    extra = frame.iloc[[30]].assign(resp_id="R0061", role="b")  # a third respondent in D016
    edited = pd.concat([edited, extra], ignore_index=True)
    result = check_responses(edited, instrument)
    dup = findings(result, "duplicate_id")
    assert [(f.row, f.value) for f in dup] == [(2, "R0002"), (5, "R0002")] and "rows 2, 5" in dup[0].message
    assert [(f.row, f.value) for f in findings(result, "invalid_role")] == [(10, "A")]
    assert [(f.row, f.value) for f in findings(result, "dyad_roles")] == [(13, "a"), (14, "a")]
    assert [(f.row, f.column) for f in findings(result, "missing_key")] == [(21, "dyad_id")]
    sizes = {(f.row, f.value) for f in findings(result, "dyad_size")}
    assert sizes == {(31, "D016"), (32, "D016"), (61, "D016")}
    assert "has 3 respondents (rows 31, 32, 61)" in next(f.message for f in findings(result, "dyad_size")
                                                         if f.row == 61)
    # a partner who did not answer is a warning (issue 15 item 11), with the number of such dyads
    lone = findings(result, "lone_partner")
    assert [(f.row, f.value, f.severity) for f in lone] == [(22, "D011", "warning")]
    assert "(1 of 30 dyads have one)" in lone[0].message


def test_dates(instrument: Instrument, frame):
    edited = frame.copy()
    edited.loc[[0, 2, 6], ["BREAKEVEN", "BREAKEVEN_YEAR"]] = [0.0, np.nan]
    edited.loc[0:3, "ALLIANCE_START_YEAR"] = 2020.0
    edited.loc[0, ["FOUNDING_YEAR", "FIRST_ORDER_YEAR"]] = [2015.0, 2013.0]  # first order before founding
    edited.loc[2, ["BREAKEVEN", "BREAKEVEN_YEAR", "FIRST_ORDER_YEAR", "FOUNDING_YEAR"]] = [1.0, 2010.0, 2012.0, 2011]
    edited.loc[4, "FOUNDING_YEAR"] = 2018.0
    edited.loc[5, "FOUNDING_YEAR"] = 2010.0
    edited.loc[[4, 5], "ALLIANCE_START_YEAR"] = 2016.0  # alliance before row 5's founding
    edited.loc[6, "FIRST_ORDER_YEAR"] = 2999.0
    result = check_responses(edited, instrument)
    order = findings(result, "date_order")
    assert [(f.row, f.column, f.value) for f in order] == [(1, "FIRST_ORDER_YEAR", 2013),
                                                           (3, "BREAKEVEN_YEAR", 2010)]
    assert "before the first order in 2012" in order[1].message
    assert only(result, "alliance_before_founding").row == 5
    assert (only(result, "future_year").row, only(result, "future_year").value) == (7, 2999)


def test_strategic_criterion_is_judged_per_dyad(instrument: Instrument, frame):
    edited = frame.copy()
    strat = [f"STRAT_{k}" for k in range(1, 5)]
    edited.loc[0, strat] = 0.0  # D001: partner a says none, partner b has some -> strategic
    edited.loc[1, strat] = [1.0, 0.0, 0.0, 0.0]
    edited.loc[[2, 3], strat] = 0.0  # D002: nobody -> error on both rows
    edited.loc[[4, 5], strat] = 0.0  # D003: nobody, but one answer missing -> not judged
    edited.loc[5, "STRAT_3"] = np.nan
    result = check_responses(edited, instrument)
    assert [f.row for f in findings(result, "no_strategic_criterion")] == [3, 4]


def test_no_startup_firm_warning(instrument: Instrument, frame):
    edited = frame.copy()
    edited.loc[[6, 7], "STARTUP_AT_ALLIANCE"] = 0.0
    result = check_responses(edited, instrument)
    assert result.ok
    assert [f.row for f in findings(result, "no_startup_firm")] == [7, 8]


def test_partner_disagreement_tolerates_one_year(instrument: Instrument, frame):
    edited = frame.copy()
    edited.loc[1, "ALLIANCE_START_YEAR"] = edited.loc[0, "ALLIANCE_START_YEAR"] + 1  # D001: 1 year -> fine
    edited.loc[3, "ALLIANCE_START_YEAR"] = edited.loc[2, "ALLIANCE_START_YEAR"] + 2  # D002: 2 years -> warning
    edited.loc[5, "JOINT_BIDS"] = 1 - edited.loc[4, "JOINT_BIDS"]
    result = check_responses(edited, instrument)
    found = {(f.row, f.column) for f in findings(result, "partner_disagreement")}
    assert found == {(3, "ALLIANCE_START_YEAR"), (4, "ALLIANCE_START_YEAR"), (5, "JOINT_BIDS"), (6, "JOINT_BIDS")}


def test_skip_logic_and_missing_required_answers(instrument: Instrument, frame):
    edited = frame.copy()
    edited.loc[0, ["BREAKEVEN", "BREAKEVEN_YEAR"]] = [0.0, 2019.0]  # answered although skipped
    edited.loc[1, "SECTOR"] = np.nan  # required, asked -> missing answer
    edited.loc[2, "EMPLOYEES"] = 14.0  # screened out: later required answers are not expected
    edited.loc[2, ["SECTOR", "CONTRACT"]] = np.nan
    result = check_responses(edited, instrument)
    assert [(f.row, f.column) for f in findings(result, "skip_logic")] == [(1, "BREAKEVEN_YEAR")]
    assert [(f.row, f.column) for f in findings(result, "missing_answer")] == [(2, "SECTOR")]
    assert only(result, "not_tpe").row == 3


def test_missing_shares(instrument: Instrument, frame):
    items = [v.name for v in instrument.likert_items()]
    edited = frame.copy()
    edited.loc[0, items[:20]] = np.nan  # 20 / 53 = 38 % > 20 %
    edited.loc[1:15, "AWARE_2"] = np.nan  # 15 / 60 = 25 % > 20 %
    result = check_responses(edited, instrument)
    person = only(result, "respondent_missing_share")
    assert (person.row, person.value) == (1, round(20 / 53, 3))
    item = only(result, "item_missing_share")
    assert (item.row, item.column, item.value) == (None, "AWARE_2", 0.25)
    stricter = check_responses(edited, instrument, max_missing_share=0.5)
    assert not findings(stricter, "respondent_missing_share") and not findings(stricter, "item_missing_share")


def test_careless_warnings_with_custom_rules(instrument: Instrument, frame):
    items = [v.name for v in instrument.likert_items()]
    edited = frame.copy()
    edited.loc[2, items] = 6.0
    edited.loc[5, "ATTN_1"] = 7.0
    result = check_responses(edited, instrument)
    assert result.ok
    assert (only(result, "careless_longstring").row, only(result, "careless_longstring").value) == (3, 53)
    attention = only(result, "attention_failed")
    assert (attention.row, attention.column, attention.value) == (6, "ATTN_1", 7)
    assert result.careless is not None and result.careless.loc["R0003", "longstring"] == 53
    custom = check_responses(edited, instrument, careless_rules=ExclusionRules(min_irv=0.5))
    assert [f.row for f in findings(custom, "careless_irv")] == [3]
    assert not findings(custom, "careless_longstring") and not findings(custom, "attention_failed")


def test_result_views(instrument: Instrument, frame):
    edited = set_cell(set_cell(frame, 4, "LINK_2", 8.0), 5, "SYM_1", 99.0)
    result = check_responses(edited, instrument, file="wave1.csv")
    table = result.to_frame()
    assert list(table.columns) == ["severity", "rule", "row", "resp_id", "column", "value", "message"]
    assert table.iloc[0][["severity", "rule", "row", "resp_id", "column", "value"]].tolist() == [
        "error", "out_of_range", 4, "R0004", "LINK_2", "8"]
    as_dict = result.to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["counts"] == {"out_of_range": 1, "declared_missing": 1} and as_dict["ok"] is False
    text = result.summary()
    assert text.splitlines()[0] == "Data check — wave1.csv"
    assert "row 4, resp_id R0004, column LINK_2, value 8: code 8 is outside" in text
    assert text.endswith("FAILED: fix the errors before any analysis (exit status 2).")
    french = result.summary(lang="fr")
    assert "Erreurs" in french and "valeur hors limites" in french and "ÉCHEC" in french
    with pytest.raises(ValueError):
        result.summary(lang="de")
    report = result.table("data_check", "fr")
    assert report.key == "data_check" and report.frame["Constats"].tolist() == [1, 1]
    assert report.frame["Gravité"].tolist() == ["erreur", "avertissement"]


def test_raise_if_errors(instrument: Instrument, frame):
    check_responses(frame, instrument).raise_if_errors()  # no error: nothing raised
    result = check_responses(set_cell(set_cell(frame, 4, "LINK_2", 8.0), 6, "SYM_1", 0.0), instrument, file="w.csv")
    with pytest.raises(DataError) as info:
        result.raise_if_errors()
    err = info.value
    assert (err.file, err.row, err.column, err.value) == ("w.csv", 4, "LINK_2", 8)
    assert "[rule out_of_range] (1 more error(s))" in err.message and "data check w.csv" in err.fix


def test_summary_truncates_long_rule_lists(instrument: Instrument, frame):
    edited = frame.copy()
    edited.loc[:, "LINK_1"] = 9.0
    text = check_responses(edited, instrument).summary(max_per_rule=3)
    assert "out_of_range (60)" in text and "... and 57 more" in text


def test_file_name_defaults_to_the_reader_source(instrument: Instrument, frame):
    edited = frame.copy()
    edited.attrs["source"] = {"file": "kobo.csv"}
    assert check_responses(edited, instrument).file == "kobo.csv"


def test_simulated_responses_have_no_errors(instrument: Instrument):
    from alliance_stats.simulate import simulate_alliances

    sim = simulate_alliances(120, seed=3)
    result = check_responses(sim.responses, instrument)
    assert result.ok, result.summary()
    assert {f.rule for f in result.warning_findings} <= {
        "careless_longstring", "careless_mahalanobis", "careless_evenodd", "attention_failed",
        "respondent_missing_share", "declared_missing", "no_startup_firm", "item_missing_share"}
