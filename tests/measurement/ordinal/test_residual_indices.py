"""lavaan's residual indices of a WLSMV fit (srmr_bentler, crmr, wrmr) from the answers, against lavaan 0.6-14
(tests/fixtures/ordinal_cfa), and their place in the report's fit table."""

from __future__ import annotations

import pandas as pd
import pytest

from alliance_stats.measurement import cfa
from tests.measurement.cfa.wls_reference import FIXTURES, reference


@pytest.mark.parametrize("estimator", ["WLSMV", "ULSMV"])
def test_residual_indices_from_the_answers_equal_lavaan(estimator):
    ref = reference("simulated_skewed")
    res = cfa(pd.read_csv(FIXTURES / "simulated_skewed.csv"), ref["model"], estimator=estimator)
    want = ref["fits"][estimator]["fit"]
    for key in ("srmr", "srmr_bentler", "crmr", "wrmr"):
        assert res.fit[key] == pytest.approx(want[key], abs=1e-6), key


def test_the_fit_table_shows_them_under_lavaan_names():
    ref = reference("simulated_skewed")
    res = cfa(pd.read_csv(FIXTURES / "simulated_skewed.csv"), ref["model"], estimator="WLSMV")
    for lang in ("en", "fr"):
        table = res.to_tables(lang)["cfa_fit"]
        row = table.frame.iloc[0]
        assert row["WRMR"] == pytest.approx(ref["fits"]["WLSMV"]["fit"]["wrmr"], abs=1e-6)
        assert row["CRMR"] == pytest.approx(ref["fits"]["WLSMV"]["fit"]["crmr"], abs=1e-6)
        assert row["SRMR (Bentler)"] == pytest.approx(ref["fits"]["WLSMV"]["fit"]["srmr_bentler"], abs=1e-6)
        assert "srmr_bentler, crmr" in table.note
