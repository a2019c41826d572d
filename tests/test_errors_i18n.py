"""Typed errors render their location and fix; number formatting follows APA and the language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_stats.core.errors import AllianceStatsError, DataError, PlanError
from alliance_stats.core.i18n import fmt_number, tr


def test_error_message_names_everything():
    err = DataError("code 8 is outside the 1-7 scale", file="r.csv", row=3, column="LINK_2", value=8,
                    fix="recode it")
    text = str(err)
    assert text.startswith("r.csv, row 3, column LINK_2, value 8: code 8 is outside the 1-7 scale.")
    assert text.endswith("Fix: recode it.")
    assert isinstance(err, AllianceStatsError)
    assert err.to_dict()["column"] == "LINK_2"


def test_plan_error_with_line():
    assert str(PlanError("bad cut", file="p.yaml", line=7)).startswith("p.yaml, line 7: bad cut")


@pytest.mark.parametrize(
    ("x", "spec", "lang", "out"),
    [
        (0.8234, "r2", "en", ".82"),
        (0.8234, "r2", "fr", ",82"),
        (-0.5, "r3", "en", "-.500"),
        (0.0004, "p", "en", "< .001"),
        (0.0004, "p", "fr", "< ,001"),
        (0.0456, "p", "en", ".046"),
        (1234.56, "f1", "fr", "1234,6"),
        (12, "int", "en", "12"),
        (0.125, "pct", "fr", "12,5"),
        (float("nan"), "f2", "en", ""),
    ],
)
def test_fmt_number(x, spec, lang, out):
    assert fmt_number(x, spec, lang) == out


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.sampled_from(["f1", "f2", "f3", "r2", "r3"]))
def test_french_output_never_has_a_decimal_point(x, spec):
    assert "." not in fmt_number(x, spec, "fr")


def test_labels_are_bilingual():
    assert tr("entraide", "fr") == "Entraide"
    assert tr("entraide", "en") == "Mutual aid"
    with pytest.raises(ValueError):
        tr("entraide", "de")
