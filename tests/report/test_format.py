"""APA cell formatting (alliance_stats.core.format)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance_stats.core.format import (
    cell_format,
    format_cell,
    format_interval,
    format_p_inline,
    guess_format,
    is_missing,
    row_format_key,
)
from alliance_stats.core.table import Table

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
unit = st.floats(min_value=-1, max_value=1, allow_nan=False)
probability = st.floats(min_value=0, max_value=1, allow_nan=False)


@pytest.mark.parametrize(
    ("value", "spec", "lang", "expected"),
    [
        (0.0004, "p", "en", "< .001"),
        (0.0004, "p", "fr", "< ,001"),
        (0.00099, "p", "en", "< .001"),
        (0.001, "p", "en", ".001"),
        (0.0456, "p", "fr", ",046"),
        (1.0, "p", "en", "1.000"),
        (0.8234, "r2", "en", ".82"),
        (0.8234, "r2", "fr", ",82"),
        (-0.8266, "r3", "fr", "-,827"),
        (-0.001, "r2", "en", ".00"),
        (-0.0001, "f2", "fr", "0,00"),
        (1234.56, "f1", "fr", "1234,6"),
        (2.5, "f3", "en", "2.500"),
        (299.6, "int", "fr", "300"),
        (0.4567, "pct", "fr", "45,7"),
        (0.4567, "pct", "en", "45.7"),
        (np.int64(12), "int", "en", "12"),
        (np.float64(0.5), "f2", "fr", "0,50"),
        (np.nan, "f2", "fr", ""),
        (None, "p", "en", ""),
        (pd.NA, "r2", "en", ""),
        ("< 5", "int", "fr", "< 5"),
        ("LINK", "text", "fr", "LINK"),
        (0.5, "text", "fr", "0,50"),
        (3, "text", "fr", "3"),
        (True, "text", "fr", "oui"),
        (math.inf, "f2", "en", "∞"),
        (-math.inf, "f2", "fr", "-∞"),
    ],
)
def test_format_cell_apa_and_decimal_comma(value, spec, lang, expected):
    assert format_cell(value, spec, lang) == expected


def test_format_cell_rejects_unknown_code_and_language():
    with pytest.raises(ValueError, match="format code"):
        format_cell(0.5, "f9x", "en")
    with pytest.raises(ValueError, match="language"):
        format_cell(0.5, "f2", "de")


@given(value=finite, spec=st.sampled_from(["f1", "f2", "f3", "r2", "r3", "pct", "int"]))
def test_french_numbers_never_show_a_decimal_point(value, spec):
    text_fr = format_cell(value, spec, "fr")
    text_en = format_cell(value, spec, "en")
    assert "." not in text_fr
    assert "," not in text_en
    assert text_fr == text_en.replace(".", ",")


@given(value=unit, spec=st.sampled_from(["r2", "r3"]))
def test_bounded_quantities_drop_the_leading_zero(value, spec):
    text = format_cell(value, spec, "en")
    assert not text.lstrip("-").startswith("0")
    digits = int(spec[1])
    assert abs(float(text) - value) <= 0.5 * 10**-digits + 1e-12


@given(p=probability)
def test_p_values_follow_apa(p):
    text = format_cell(p, "p", "en")
    if p < 0.001:
        assert text == "< .001"
    else:
        assert text.startswith(".") or text == "1.000"
        assert abs(float(text) - p) <= 0.0005 + 1e-12


@given(value=finite)
def test_rounded_zero_has_no_sign(value):
    for spec in ("f1", "f2", "r2", "int"):
        text = format_cell(value, spec, "en")
        if not any(d in text for d in "123456789"):
            assert not text.startswith("-")


def test_guess_format_from_dtype():
    assert guess_format(pd.Series([1, 2, 3])) == "int"
    assert guess_format(pd.Series([1.0, 2.0, np.nan])) == "int"
    assert guess_format(pd.Series([0.5, 2.0])) == "f2"
    assert guess_format(pd.Series(["a", "b"])) == "text"
    assert guess_format(pd.Series([True, False])) == "text"


def test_cell_format_lookup_order():
    columns = pd.MultiIndex.from_tuples([("M1", "OR"), ("M1", "p")])
    frame = pd.DataFrame([[1.5, 0.01], [300.25, np.nan]], index=["link", "AIC"], columns=columns)
    table = Table("m", "Models", frame, formats={"OR": "f2", ("M1", "p"): "p", "row:AIC": "f1"})
    assert cell_format(table, ("M1", "OR")) == "f2"
    assert cell_format(table, ("M1", "p")) == "p"
    assert cell_format(table, ("M1", "OR"), "AIC") == "f1"
    assert cell_format(table, ("M1", "OR"), "link") == "f2"
    assert row_format_key(("a", 1)) == "row:a / 1"


def test_interval_and_inline_p():
    assert format_interval(0.123, 0.456, "f2", "en") == "[0.12, 0.46]"
    assert format_interval(0.123, 0.456, "r2", "fr") == "[,12 ; ,46]"
    assert format_interval(np.nan, 0.4, "f2", "fr") == ""
    assert format_p_inline(0.00001, "en") == "p < .001"
    assert format_p_inline(0.0234, "en") == "p = .023"


def test_is_missing():
    assert is_missing(None) and is_missing(np.nan) and is_missing(pd.NA) and is_missing(pd.NaT)
    assert not is_missing(0) and not is_missing("") and not is_missing([1, 2])
