"""Dyad-cluster-robust CFA (lavaan's ``cluster =``) against lavaan 0.6-14.

Reference values: tests/fixtures/cmv_cluster/make_fixtures_cmv_cluster.R (data from make_data.py: 160 dyads of
two respondents, three factors of three items with a dyad-level part, t-distributed errors; a copy with 5 %
missing answers for FIML).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement import cfa

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "cmv_cluster"
REF = json.loads((HERE / "cmv_cluster_fixtures.json").read_text())["cluster"]
CASES = {
    "ml_cluster": ("cluster_items.csv", "ML", "listwise"),
    "mlr_cluster": ("cluster_items.csv", "MLR", "listwise"),
    "mlr_cluster_fiml": ("cluster_items_missing.csv", "MLR", "fiml"),
    "ml_cluster_fiml": ("cluster_items_missing.csv", "ML", "fiml"),
}


def _fit(key: str):  # noqa: ANN202
    file, estimator, missing = CASES[key]
    return cfa(pd.read_csv(HERE / file), REF["model"], estimator=estimator, missing=missing, cluster="dyad_id")


@pytest.mark.parametrize("key", list(CASES))
def test_cluster_robust_fit_measures_equal_lavaan(key: str) -> None:
    res = _fit(key)
    for measure, value in REF[key]["fit"].items():
        assert res.fit[measure] == pytest.approx(value, abs=1e-4), measure


@pytest.mark.parametrize("key", list(CASES))
def test_cluster_robust_estimates_and_standard_errors_equal_lavaan(key: str) -> None:
    res = _fit(key)
    ref = pd.DataFrame(REF[key]["params"])
    merged = ref.merge(res.params, on=["lhs", "op", "rhs"], suffixes=("_r", ""))
    assert len(merged) == len(ref) == 24
    np.testing.assert_allclose(merged["est"], merged["est_r"], atol=1e-4)
    np.testing.assert_allclose(merged["se"], merged["se_r"], atol=1e-4)
    np.testing.assert_allclose(merged["std_all"], merged["std_all_r"], atol=1e-4)


def test_cluster_changes_the_standard_errors_and_the_scaling_factor() -> None:
    """Ignoring the dyads (plain MLR) gives other SEs and another scaling factor than lavaan's cluster = ."""
    data = pd.read_csv(HERE / "cluster_items.csv")
    plain = cfa(data, REF["model"], estimator="MLR")
    clustered = _fit("mlr_cluster")
    assert plain.fit["chisq.scaling.factor"] == pytest.approx(REF["mlr"]["fit"]["chisq.scaling.factor"], abs=1e-4)
    assert abs(plain.fit["chisq.scaling.factor"] - clustered.fit["chisq.scaling.factor"]) > 0.02
    assert not np.allclose(plain.loadings["se"].dropna(), clustered.loadings["se"].dropna(), atol=1e-3)


def test_cluster_refused_with_mlm_groups_or_missing_identifiers() -> None:
    data = pd.read_csv(HERE / "cluster_items.csv")
    with pytest.raises(SpecificationError, match="single group"):
        cfa(data, REF["model"], estimator="MLM", cluster="dyad_id")
    holed = data.assign(dyad_id=data["dyad_id"].where(data.index != 5))
    with pytest.raises(SpecificationError, match="missing value") as info:
        cfa(holed, REF["model"], estimator="MLR", cluster="dyad_id")
    assert info.value.row == 6
    with pytest.raises(SpecificationError, match="not in the data"):
        cfa(data, REF["model"], cluster="pair")
