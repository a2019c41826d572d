"""Nesting of respondents in dyads: item ICC(1) and design effects, and the CFA with dyad-cluster-robust errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.results import check_result
from alliance_stats.measurement.nesting import nesting

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "cmv_cluster"
REF = json.loads((HERE / "cmv_cluster_fixtures.json").read_text())["cluster"]


@pytest.fixture(scope="module")
def result():  # noqa: ANN201
    return nesting(pd.read_csv(HERE / "cluster_items.csv"), REF["model"], cluster="dyad_id")


def test_icc1_and_design_effect_by_hand(result) -> None:  # noqa: ANN001
    """ICC(1) from the one-way ANOVA mean squares, computed here with numpy; DEFF = 1 + (m - 1) ICC(1), m = 2."""
    data = pd.read_csv(HERE / "cluster_items.csv")
    y = data["y4"].to_numpy().reshape(-1, 2)  # the fixture's rows are ordered by dyad, two per dyad
    means = y.mean(axis=1)
    msb = 2 * ((means - y.mean()) ** 2).sum() / (len(y) - 1)
    msw = ((y - means[:, None]) ** 2).sum() / len(y)
    icc1 = (msb - msw) / (msb + msw)
    assert result.items.loc["y4", "icc1"] == pytest.approx(icc1, abs=1e-12)
    assert result.items.loc["y4", "design_effect"] == pytest.approx(1 + icc1, abs=1e-12)
    assert result.mean_cluster_size == 2 and result.n_clusters == 160
    assert result.items["icc1"].mean() > 0.1  # the fixture has a dyad-level part in every factor


def test_cluster_fit_is_lavaans(result) -> None:  # noqa: ANN001
    for key in ("chisq.scaled", "chisq.scaling.factor", "cfi.robust", "rmsea.robust"):
        assert result.fit_cluster[key] == pytest.approx(REF["mlr_cluster"]["fit"][key], abs=1e-4), key
        assert result.fit_naive[key] == pytest.approx(REF["mlr"]["fit"][key], abs=1e-4), key
    params = pd.DataFrame(REF["mlr_cluster"]["params"])
    naive = pd.DataFrame(REF["mlr"]["params"])
    loads = params[(params["op"] == "=~")].merge(naive, on=["lhs", "op", "rhs"], suffixes=("", "_naive"))
    loads = loads[loads["se"] > 0]
    expected = (loads["se"] / loads["se_naive"]).to_numpy()
    np.testing.assert_allclose(np.sort(result.se_ratio.to_numpy()), np.sort(expected), atol=1e-3)
    assert result.verdict_changed is False


def test_tables_in_both_languages(result) -> None:  # noqa: ANN001
    check_result(result)
    fr, en = result.to_tables("fr"), result.to_tables("en")
    assert sorted(en) == ["nesting_cfa", "nesting_items"]
    assert "Verdict" in en["nesting_cfa"].note and "Verdict" in fr["nesting_cfa"].note
    assert len(en["nesting_items"].frame) == 9


def test_missing_cluster_column_is_named() -> None:
    with pytest.raises(SpecificationError, match="not in the data"):
        nesting(pd.read_csv(HERE / "cluster_items.csv"), REF["model"], cluster="pair")


def _dyad_items(share: float, seed: int, n_dyads: int = 400) -> pd.DataFrame:
    """Two factors of three items; a dyad effect with ``share`` of each item's variance (0: none)."""
    rng = np.random.default_rng(seed)
    n = 2 * n_dyads
    dyad = np.repeat(np.arange(n_dyads), 2)
    factors = rng.normal(size=(n, 2))
    loadings = np.array([0.8, 0.7, 0.6])
    columns = {}
    for f, name in enumerate(("a", "b")):
        for j, lam in enumerate(loadings):
            unique = 1 - lam**2
            within = rng.normal(scale=np.sqrt(unique * (1 - share / unique) if share else unique), size=n)
            shared = rng.normal(scale=np.sqrt(share), size=n_dyads)[dyad] if share else 0.0
            columns[f"{name}{j + 1}"] = lam * factors[:, f] + within + shared
    return pd.DataFrame(columns).assign(dyad_id=dyad)


def test_a_planted_dyad_effect_is_found_and_none_is_not_found() -> None:
    """Known truth: items sharing 0.25 of their variance within dyads have ICC(1) near .25; without a dyad effect
    the ICC(1) are near 0 (negative control)."""
    model = "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3"
    planted = nesting(_dyad_items(0.25, 1), model, cluster="dyad_id").items["icc1"]
    control = nesting(_dyad_items(0.0, 2), model, cluster="dyad_id").items["icc1"]
    assert planted.between(0.12, 0.38).all(), planted
    assert control.abs().max() < 0.12, control
