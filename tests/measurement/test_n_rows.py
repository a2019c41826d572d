"""n used by alpha's Feldt interval and Bartlett's test when rows have no answer at all (issue 15, item 15).

psych counts every row (``nrow``), blank ones included; the values come from
tests/fixtures/measurement/make_fixtures_n_rows.R (psych 2.2.9), read from n_rows_fixtures.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement.efa import bartlett_sphericity
from alliance_stats.measurement.reliability import cronbach_alpha

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((HERE / "n_rows_fixtures.json").read_text())


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(HERE / "n_rows_items.csv")


def test_fixture_has_blank_rows(data: pd.DataFrame, ref: dict) -> None:
    assert len(data) == ref["bartlett"]["n"] == 325
    assert int((data.isna().all(axis=1)).sum()) == 25


@pytest.mark.parametrize("scale", ["alpha_A", "alpha_C"])
def test_alpha_feldt_counts_every_row_as_psych(data: pd.DataFrame, ref: dict, scale: str) -> None:
    r = ref[scale]
    with pytest.warns(UserWarning, match="25 of 325 rows have no answer"):
        res = cronbach_alpha(data[r["items"]], reverse=r["keys"])
    assert res.n == r["n_rows"] == 325
    assert res.alpha == pytest.approx(r["raw_alpha"], abs=1e-10)
    assert res.ci == pytest.approx((r["feldt_lower"], r["feldt_upper"]), abs=1e-10)
    assert any("n = 325" in w for w in res.warnings)
    # the answered-only n (the old behaviour) gives a different bound, so the comparison can fail
    assert abs(r["feldt_lower_answered_only"] - r["feldt_lower"]) > 1e-3


def test_alpha_without_blank_rows_has_no_warning(data: pd.DataFrame, ref: dict) -> None:
    r = ref["alpha_A"]
    answered = data[r["items"]].dropna(how="all")
    res = cronbach_alpha(answered, reverse=r["keys"])
    assert res.n == len(answered)
    assert not any("no answer" in w for w in res.warnings)


def test_bartlett_counts_every_row_as_psych(data: pd.DataFrame, ref: dict) -> None:
    b = ref["bartlett"]
    with pytest.warns(UserWarning, match="25 of 325 rows have no answer"):
        res = bartlett_sphericity(data[b["items"]])
    assert res.n == 325
    assert res.df == b["df"]
    assert res.chisq == pytest.approx(b["chisq"], rel=1e-10)
    assert res.p == pytest.approx(b["p"], rel=1e-8)
    assert abs(b["chisq_answered_only"] - b["chisq"]) > 1.0


def test_bartlett_explicit_n_is_used_without_warning(data: pd.DataFrame, ref: dict) -> None:
    b = ref["bartlett"]
    res = bartlett_sphericity(data[b["items"]], n=300)
    assert res.n == 300
    assert res.chisq == pytest.approx(b["chisq_answered_only"], rel=1e-10)
    assert res.warnings == ()


def test_numpy_input_counts_rows(data: pd.DataFrame) -> None:
    values = data[["A2", "A3", "A4"]].to_numpy(float)
    assert np.isnan(values).all(axis=1).sum() == 25
    with pytest.warns(UserWarning, match="no answer"):
        assert cronbach_alpha(values, ci=None).n == len(values)
