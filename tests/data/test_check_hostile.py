"""Issue 15, items 5 and 6 in ``data check``: control characters and formula-like cells are reported.

Before the fix such cells passed the check silently (and crashed the Word report, or reached the report's
CSV files as formulas).
"""

from __future__ import annotations

import pytest

from alliance_stats.core.i18n import tr
from alliance_stats.data import RULES, check_responses
from alliance_stats.instrument import default_instrument
from tests.data.builders import valid_responses


@pytest.fixture()
def frame():
    return valid_responses(default_instrument())


def _found(check, rule):
    return [(f.row, f.column, f.value) for f in check.warning_findings if f.rule == rule]


def test_control_characters_are_warnings_with_row_and_column(frame):
    frame["resp_id"] = frame["resp_id"].astype(object)
    frame.loc[2, "resp_id"] = "R\x1b]0;title\x07"
    frame["FIRM_NAME"] = None
    frame.loc[4, "FIRM_NAME"] = "Société\x01 A"
    check = check_responses(frame, default_instrument())
    assert check.ok  # admissible data: a warning, not an error
    assert _found(check, "control_characters") == [(3, "resp_id", "R\x1b]0;title\x07"),
                                                   (5, "FIRM_NAME", "Société\x01 A")]
    message = next(f.message for f in check.warning_findings if f.rule == "control_characters")
    assert "\\x1b \\x07" in message


def test_formula_like_cells_are_flagged_but_numbers_are_not(frame):
    frame["resp_id"] = frame["resp_id"].astype(object)
    frame.loc[0, "resp_id"] = "=cmd|' /C calc'!A0"
    frame["FIRM_NAME"] = None
    frame.loc[1, "FIRM_NAME"] = "@SUM(1+1)"
    frame.loc[3, "FIRM_NAME"] = "-3"  # a number as text: harmless
    frame.loc[5, "FIRM_NAME"] = "-"  # a lone dash (a blank written by hand): harmless
    check = check_responses(frame, default_instrument())
    assert check.ok
    assert _found(check, "formula_like") == [(1, "resp_id", "=cmd|' /C calc'!A0"), (2, "FIRM_NAME", "@SUM(1+1)")]


def test_new_rules_are_warnings_in_both_languages():
    for rule in ("control_characters", "formula_like"):
        assert RULES[rule] == "warning"
        assert tr(f"data.rule.{rule}", "fr") != tr(f"data.rule.{rule}", "en")
