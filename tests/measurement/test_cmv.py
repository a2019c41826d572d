"""Common-method variance: lavaan 0.6-14 and psych 2.2.9 values, the marker correction by hand, known truth.

Reference values: tests/fixtures/cmv_cluster/make_fixtures_cmv_cluster.R (cmv_items.csv: three traits of four
items with a planted method factor, and a marker item).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import HeywoodWarning, SpecificationError
from alliance_stats.core.results import check_result
from alliance_stats.measurement.cmv import common_method_variance, ulmc_syntax

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "cmv_cluster"
REF = json.loads((HERE / "cmv_cluster_fixtures.json").read_text())["cmv"]


@pytest.fixture(scope="module")
def fixture_result():  # noqa: ANN201
    data = pd.read_csv(HERE / "cmv_items.csv")
    with pytest.warns(HeywoodWarning, match="method-factor"):
        return common_method_variance(data, REF["trait_model"], marker="MARK_1")


def test_ulmc_syntax_is_the_fixture_model() -> None:
    assert ulmc_syntax(REF["trait_model"]) == REF["ulmc_model"]


def test_harman_shares_equal_psych(fixture_result) -> None:  # noqa: ANN001
    assert fixture_result.harman_pc_share == pytest.approx(REF["harman_pc_share"], abs=1e-6)  # principal()
    assert fixture_result.harman_fa_share == pytest.approx(REF["harman_fa_share"], abs=1e-5)  # fa(nfactors = 1)


def test_trait_and_method_models_equal_lavaan(fixture_result) -> None:  # noqa: ANN001
    for fitted, ref in ((fixture_result.trait_fit, REF["trait"]["fit"]), (fixture_result.ulmc_fit, REF["ulmc"]["fit"])):
        for key, value in fitted.items():
            assert value == pytest.approx(ref[key], abs=1e-4), key
    assert fixture_result.chisq_diff == pytest.approx(REF["chisq_diff"], abs=1e-4)
    assert fixture_result.df_diff == REF["df_diff"] == 1
    assert fixture_result.p_diff == pytest.approx(REF["p_diff"], abs=1e-6)


def test_method_loadings_equal_lavaan_std_all(fixture_result) -> None:  # noqa: ANN001
    params = pd.DataFrame(REF["ulmc"]["params"])
    method = params[(params["op"] == "=~") & (params["lhs"] == "METHOD")].set_index("rhs")["std_all"]
    trait = params[(params["op"] == "=~") & (params["lhs"] != "METHOD")].set_index("rhs")["std_all"]
    got = fixture_result.method_loadings
    np.testing.assert_allclose(got["method"], method.reindex(got.index), atol=1e-4)
    np.testing.assert_allclose(got["trait"], trait.reindex(got.index), atol=1e-4)
    assert fixture_result.method_share == pytest.approx(float((method**2).mean()), abs=1e-4)


def test_marker_correction_by_hand(fixture_result) -> None:  # noqa: ANN001
    data = pd.read_csv(HERE / "cmv_items.csv")
    scores = pd.DataFrame({t: data[[f"{t}_{i}" for i in range(1, 5)]].mean(axis=1) for t in ("T1", "T2", "T3")})
    r_m = min(np.corrcoef(scores[t], data["MARK_1"])[0, 1] for t in scores)
    assert fixture_result.marker_r == pytest.approx(r_m, abs=1e-12)
    r = np.corrcoef(scores["T1"], scores["T2"])[0, 1]
    r_a = (r - r_m) / (1 - r_m)
    t = r_a / math.sqrt((1 - r_a**2) / (len(data) - 3))
    row = fixture_result.marker.loc["T1 - T2"]
    assert row["r_adjusted"] == pytest.approx(r_a, abs=1e-12)
    from scipy import stats
    assert row["p_adjusted"] == pytest.approx(2 * stats.t.sf(abs(t), len(data) - 3), rel=1e-9)


def test_result_protocol_and_both_languages(fixture_result) -> None:  # noqa: ANN001
    check_result(fixture_result)
    fr, en = fixture_result.to_tables("fr"), fixture_result.to_tables("en")
    assert sorted(fr) == ["cmv_marker", "cmv_models", "cmv_tests"]
    assert "Verdict" in en["cmv_tests"].note and "Verdict" in fr["cmv_tests"].note
    assert en["cmv_tests"].title != fr["cmv_tests"].title
    assert any("ULMC" in w for w in fixture_result.warnings)  # the Heywood case of the method model is named


def _simulate(method_share: float, seed: int, n: int = 300) -> pd.DataFrame:
    """Four correlated traits of four 1-7 items; a share ``method_share`` of each item's variance (before
    rounding) from one method factor common to every item; a marker item that measures only the method. The
    traits' loadings differ between items: with equal loadings a method factor with equal loadings is exactly
    absorbed by the traits' covariances (the two models are then equivalent and no test can tell them apart)."""
    rng = np.random.default_rng(seed)
    corr = np.full((4, 4), 0.3) + 0.7 * np.eye(4)
    traits = rng.multivariate_normal(np.zeros(4), corr, size=n)
    method = rng.normal(size=n)
    cols = {}
    for t in range(4):
        for i, trait_share in enumerate((0.30, 0.40, 0.50, 0.55)):  # unequal: else the method factor is not
            x = (math.sqrt(trait_share) * traits[:, t] + math.sqrt(method_share) * method  # identified
                 + rng.normal(scale=math.sqrt(1 - trait_share - method_share), size=n))
            cols[f"C{t}_{i}"] = np.clip(np.round(4 + 1.3 * x), 1, 7)
    cols["MARKER"] = np.clip(np.round(4 + 1.3 * (math.sqrt(method_share) * method
                                                 + rng.normal(scale=0.8, size=n))), 1, 7)
    return pd.DataFrame(cols)


MODEL = "\n".join(f"F{t} =~ " + " + ".join(f"C{t}_{i}" for i in range(4)) for t in range(4))


def test_planted_method_factor_is_flagged_and_its_absence_is_not() -> None:
    """Known truth over ten data sets each (n = 500): a method factor taking 25 % of every item's variance is
    flagged in at least 7 of 10; without it (negative control) at most 1 of 10 is flagged (the test's alpha is
    .05). The estimated share is near the planted one (the items are rounded to 1-7, so not exactly)."""
    planted = [common_method_variance(_simulate(0.25, seed, n=500), MODEL, marker="MARKER") for seed in range(1, 11)]
    control = [common_method_variance(_simulate(0.0, seed, n=500), MODEL, marker="MARKER") for seed in range(1, 11)]
    assert sum(r.flagged for r in planted) >= 7
    assert sum(r.flagged for r in control) <= 1
    assert 0.15 < np.nanmedian([r.method_share for r in planted]) < 0.40
    assert np.nanmedian([r.method_share for r in control]) < 0.10
    assert np.mean([r.harman_pc_share for r in planted]) > np.mean([r.harman_pc_share for r in control]) + 0.1


def test_bad_marker_and_name_clash() -> None:
    data = pd.read_csv(HERE / "cmv_items.csv")
    with pytest.raises(SpecificationError, match="an item of the model"):
        common_method_variance(data, REF["trait_model"], marker="T1_1")
    with pytest.raises(SpecificationError, match="not a column"):
        common_method_variance(data, REF["trait_model"], marker="NOPE")
    with pytest.raises(SpecificationError, match="already used"):
        ulmc_syntax("METHOD =~ a + b", "METHOD")


def test_every_parameter_of_both_models_equals_lavaan() -> None:
    """Estimates and standard errors of every loading and (co)variance of the trait and ULMC models."""
    from alliance_stats.measurement import cfa

    data = pd.read_csv(HERE / "cmv_items.csv")
    for key, model in (("trait", REF["trait_model"]), ("ulmc", REF["ulmc_model"])):
        with pytest.warns() if key == "ulmc" else _no_warning():
            res = cfa(data, model, allow_cross_loadings=True)
        ref = _pairs(pd.DataFrame(REF[key]["params"]))
        merged = ref.merge(_pairs(res.params), on=["lhs", "op", "rhs"], suffixes=("_r", ""))
        assert len(merged) == len(ref)
        np.testing.assert_allclose(merged["est"], merged["est_r"], atol=1e-4)
        free = merged["se_r"] > 0
        np.testing.assert_allclose(merged.loc[free, "se"], merged.loc[free, "se_r"], atol=1e-4)


def _no_warning():  # noqa: ANN202
    import contextlib

    return contextlib.nullcontext()


def _pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """``a ~~ b`` and ``b ~~ a`` under one name (lavaan writes the fixed method covariances as METHOD ~~ T1)."""
    swap = (frame["op"] == "~~") & (frame["lhs"] > frame["rhs"])
    out = frame.copy()
    out.loc[swap, ["lhs", "rhs"]] = frame.loc[swap, ["rhs", "lhs"]].to_numpy()
    return out
