"""Typed errors naming the item and the value; the warning for codes never used between observed ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import AnalysisWarning
from alliance_stats.errors import SpecificationError
from alliance_stats.measurement.ordinal import polychoric


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(rng.integers(1, 6, size=(60, 3)), columns=["a", "b", "c"]).astype(float)


def test_one_observed_category_names_item_and_value() -> None:
    data = _frame()
    data["b"] = 4.0
    with pytest.raises(SpecificationError, match="'b' has 1 observed category") as err:
        polychoric(data)
    assert err.value.column == "b" and err.value.value == 4


def test_non_integer_code_names_item_row_and_value() -> None:
    data = _frame().astype(object)
    data.loc[7, "c"] = 2.5
    with pytest.raises(SpecificationError, match="not a whole number") as err:
        polychoric(data)
    assert (err.value.column, err.value.row, err.value.value) == ("c", 8, 2.5)
    data.loc[7, "c"] = "often"
    with pytest.raises(SpecificationError, match="'c'"):
        polychoric(data)
    data.loc[2, "a"] = np.nan  # listwise deletion drops row 3: the error still names the data row 8
    with pytest.raises(SpecificationError, match="'c'") as err:
        polychoric(data, missing="listwise")
    assert err.value.row == 8


def test_more_thresholds_than_respondents() -> None:
    data = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [5, 4, 3, 2, 1], "c": [1, 2, 1, 2, 1]})
    with pytest.raises(SpecificationError, match="9 thresholds for 5 respondents") as err:
        polychoric(data)
    assert err.value.column == "a"


def test_unused_code_between_observed_ones_warns_and_is_skipped_as_lavaan() -> None:
    data = _frame()
    data.loc[data["a"] == 3, "a"] = 2.0  # codes 1, 2, 4, 5: code 3 never used
    with pytest.warns(AnalysisWarning, match=r"'a': code\(s\) \[3\]"):
        res = polychoric(data)
    assert [k for k in res.thresholds.index if k.startswith("a|")] == ["a|t1", "a|t2", "a|t3"]
    relabelled = data.copy()
    relabelled["a"] = relabelled["a"].replace({4.0: 3.0, 5.0: 4.0})
    assert np.allclose(polychoric(relabelled).correlation, res.correlation, atol=1e-12)


def test_bad_arguments() -> None:
    with pytest.raises(SpecificationError, match="DataFrame"):
        polychoric(np.ones((5, 2)))  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="missing="):
        polychoric(_frame(), missing="fiml")
    with pytest.raises(SpecificationError, match="'zz'"):
        polychoric(_frame(), ordered=["a", "zz"])
    with pytest.raises(SpecificationError, match="at least two items"):
        polychoric(_frame()[["a"]])


def test_items_never_answered_together() -> None:
    data = _frame()
    data.loc[:29, "a"] = np.nan
    data.loc[30:, "b"] = np.nan
    with pytest.raises(SpecificationError, match="never answered together"):
        polychoric(data)
    assert polychoric(data[["a", "c"]]).n_obs == 60


def test_duplicated_binary_item_gives_one_and_no_gamma() -> None:
    rng = np.random.default_rng(9)
    data = pd.DataFrame(rng.integers(1, 3, size=(80, 3)), columns=["a", "b", "c"])
    data["d"] = data["a"]
    with pytest.warns(AnalysisWarning, match="two empty cells"):
        res = polychoric(data)
    assert res.correlation.loc["a", "d"] == 1.0 and res.gamma.shape == (0, 0)
