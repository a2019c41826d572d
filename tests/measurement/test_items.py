"""Item statistics equal psych::describe (type 3) and psych::alpha's item statistics."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import AnalysisWarning, DataQualityWarning, SpecificationError
from alliance_stats.core.table import Table
from alliance_stats.measurement import item_analysis, item_analysis_table
from alliance_stats.measurement.items import ITEM_COLUMNS
from tests.measurement.psych_reference import dataset, psych_fixtures


@pytest.mark.parametrize("name", ["hs", "bfi"])
def test_descriptives_equal_psych_describe(name):
    ref = psych_fixtures()["describe"][name]
    data = dataset(name)[ref["items"]]
    before = data.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        table = item_analysis(data).items
    pd.testing.assert_frame_equal(data, before)
    assert list(table.columns) == list(ITEM_COLUMNS)
    assert list(table.index) == ref["items"]
    np.testing.assert_array_equal(table["n"], ref["n"])
    for column in ("mean", "sd", "skew", "kurtosis"):
        np.testing.assert_allclose(table[column], ref[column], atol=1e-6, err_msg=column)


@pytest.mark.parametrize("key", ["hs_all", "bfi_c_keyed", "bfi_all_keyed"])
def test_item_total_statistics_equal_psych_alpha(key):
    ref = psych_fixtures()["alpha"][key]
    data = dataset("hs" if key.startswith("hs") else "bfi")[ref["items"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        result = item_analysis(data, reverse=ref["keys"])
    table = result.items
    items = ref["items"]
    np.testing.assert_allclose(table["r_drop"], [ref["r_drop"][i] for i in items], atol=1e-6)
    np.testing.assert_allclose(table["alpha_if_dropped"], [ref["alpha_drop"][i] for i in items], atol=1e-6)
    np.testing.assert_allclose(table["mean"], [ref["item_mean"][i] for i in items], atol=1e-6)
    assert result.reverse == tuple(ref["keys"])


def test_floor_and_ceiling_on_declared_and_observed_scale():
    data = pd.DataFrame({"a": [2, 2, 3, 4, 6, np.nan], "b": [2, 3, 3, 5, 6, 6], "c": [3, 3, 4, 5, 5, 6]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        observed_result = item_analysis(data)
        declared = item_analysis(data, scale=(1, 7)).items
    observed = observed_result.items
    # observed scale: 2..6 over all items; the floor of c is 0 although c's own minimum is 3
    assert observed_result.scale == (2.0, 6.0)
    assert observed["floor"].tolist() == pytest.approx([2 / 5, 1 / 6, 0.0])
    assert observed["ceiling"].tolist() == pytest.approx([1 / 5, 2 / 6, 1 / 6])
    assert declared["floor"].tolist() == [0.0, 0.0, 0.0]
    assert declared["ceiling"].tolist() == [0.0, 0.0, 0.0]
    assert observed.loc["a", "n"] == 5


def test_floor_effect_is_warned():
    data = pd.DataFrame({"a": [1, 1, 1, 2, 3, 4, 5, 6], "b": [1, 2, 2, 3, 3, 4, 5, 6], "c": [2, 2, 3, 3, 4, 4, 5, 6]})
    with pytest.warns(DataQualityWarning, match="item a: 38% of answers at the scale's floor"):
        table = item_analysis(data, scale=(1, 7))
    assert any("item a" in w for w in table.warnings)


def test_reversal_with_declared_scale():
    data = pd.DataFrame({"a": [1, 2, 3, 4, 5, 5], "b": [5, 5, 4, 2, 2, 1], "c": [1, 3, 3, 4, 4, 5]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        table = item_analysis(data, scale=(1, 7), reverse=["b"]).items
        unreversed = item_analysis(data, scale=(1, 7)).items
    assert table.loc["b", "mean"] == pytest.approx(8 - data["b"].mean())
    assert table.loc["b", "r_drop"] > 0.8 > -0.8 > unreversed.loc["b", "r_drop"]
    assert table.loc["b", "skew"] == pytest.approx(-unreversed.loc["b", "skew"])


def test_bad_input():
    good = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 3, 5]})
    with pytest.raises(SpecificationError, match="at least 2 items"):
        item_analysis(good[["a"]])
    with pytest.raises(SpecificationError, match="b is constant"):
        item_analysis(good.assign(b=3))
    with pytest.raises(SpecificationError, match="b holds text"):
        item_analysis(good.assign(b=["x", "y", "z", "w"]))
    with pytest.raises(SpecificationError, match="outside the scale"):
        item_analysis(good, scale=(1, 3))
    with pytest.raises(SpecificationError, match="infinite"):
        item_analysis(good.assign(b=[1.0, np.inf, 2.0, 3.0]))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_table(lang):
    ref = psych_fixtures()["alpha"]["bfi_a_keyed"]
    data = dataset("bfi")[ref["items"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        frame = item_analysis(data, scale=(1, 6), reverse=["A1"])
    table = item_analysis_table(frame, lang)
    assert isinstance(table, Table) and table.lang == lang
    assert table.frame.shape == (5, len(ITEM_COLUMNS))
    assert "A1 (R)" in table.frame.index
    assert set(table.formats) == set(table.frame.columns)
    assert ("Plancher" if lang == "fr" else "Floor") in " ".join(table.frame.columns)
