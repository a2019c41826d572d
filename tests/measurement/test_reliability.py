"""Cronbach's alpha equals psych::alpha; the BCa interval equals scipy.stats.bootstrap's; invariances."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from alliance_stats.core.errors import AnalysisWarning, DataQualityWarning, SpecificationError
from alliance_stats.core.table import Table
from alliance_stats.measurement import AlphaResult, cronbach_alpha, reliability_table
from alliance_stats.measurement._itemdata import pairwise_cov
from alliance_stats.measurement.reliability import alpha_from_cov, bootstrap_alpha, reverse_key_items
from tests.measurement.psych_reference import dataset, psych_fixtures

ALPHA_CASES = sorted(psych_fixtures()["alpha"])


def _alpha_case(key: str) -> tuple[pd.DataFrame, dict]:
    ref = psych_fixtures()["alpha"][key]
    data = dataset("hs" if key.startswith("hs") else "bfi")[ref["items"]]
    return data, ref


@pytest.mark.parametrize("key", ALPHA_CASES)
def test_alpha_equals_psych(key):
    data, ref = _alpha_case(key)
    before = data.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        res = cronbach_alpha(data, reverse=ref["keys"])
    pd.testing.assert_frame_equal(data, before)  # input not modified
    assert isinstance(res, AlphaResult)
    assert res.alpha == pytest.approx(ref["raw_alpha"], abs=1e-6)
    assert res.std_alpha == pytest.approx(ref["std_alpha"], abs=1e-6)
    assert res.ci == pytest.approx((ref["feldt_lower"], ref["feldt_upper"]), abs=1e-6)
    assert res.n == ref["n_rows"] and res.k == len(ref["items"])
    items = ref["items"]
    np.testing.assert_allclose(res.items.loc[items, "r_drop"], [ref["r_drop"][i] for i in items], atol=1e-6)
    np.testing.assert_allclose(res.items.loc[items, "mean"], [ref["item_mean"][i] for i in items], atol=1e-6)
    np.testing.assert_allclose(res.items.loc[items, "sd"], [ref["item_sd"][i] for i in items], atol=1e-6)
    np.testing.assert_array_equal(res.items.loc[items, "n"], [ref["item_n"][i] for i in items])
    if len(items) > 2:
        np.testing.assert_allclose(res.items.loc[items, "alpha_if_dropped"], [ref["alpha_drop"][i] for i in items],
                                   atol=1e-6)
    assert res.items["reversed"].sum() == len(ref["keys"])


def test_two_items_alpha_if_dropped_is_nan_with_a_warning():
    data, ref = _alpha_case("hs_two")
    with pytest.warns(AnalysisWarning, match="two items"):
        res = cronbach_alpha(data)
    assert res.items["alpha_if_dropped"].isna().all()
    assert any("two items" in w for w in res.warnings)
    assert res.alpha == pytest.approx(ref["raw_alpha"], abs=1e-6)


def test_feldt_equals_pingouin():
    import pingouin

    data, _ = _alpha_case("hs_all")
    alpha, ci = pingouin.cronbach_alpha(data)
    res = cronbach_alpha(data)
    assert res.alpha == pytest.approx(alpha, abs=1e-12)
    np.testing.assert_allclose(np.round(res.ci, 3), ci, atol=1e-12)


def test_negative_item_is_flagged_and_reverse_keying_fixes_it():
    data, ref = _alpha_case("bfi_a_keyed")
    with pytest.warns(DataQualityWarning, match="A1"):
        raw = cronbach_alpha(data)
    assert raw.items.loc["A1", "r_drop"] < 0
    keyed = cronbach_alpha(data, reverse=["A1"])
    assert keyed.alpha == pytest.approx(ref["raw_alpha"], abs=1e-6)
    assert not keyed.warnings


def test_scale_reversal_changes_means_not_alpha():
    data, ref = _alpha_case("bfi_a_keyed")
    observed = cronbach_alpha(data, reverse=["A1"])
    declared = cronbach_alpha(data, reverse=["A1"], scale=(1, 6))
    assert declared.alpha == pytest.approx(observed.alpha, abs=1e-12)
    assert declared.items.loc["A1", "mean"] == pytest.approx(7 - data["A1"].mean(), abs=1e-12)
    with pytest.raises(SpecificationError, match="outside the scale"):
        cronbach_alpha(data, reverse=["A1"], scale=(1, 5))


# ---------------------------------------------------------------------------------------------------------
# bootstrap
# ---------------------------------------------------------------------------------------------------------

def _noisy_items(n: int, seed: int, missing: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=n)
    X = np.column_stack([factor + rng.normal(scale=s, size=n) for s in (1.0, 1.5, 2.0, 1.0)])
    X[rng.random(X.shape) < missing] = np.nan
    return pd.DataFrame(X, columns=list("abcd"))


@pytest.mark.parametrize("missing", [0.0, 0.08])
def test_bca_equals_scipy_bootstrap(missing):
    data = _noisy_items(120, seed=3, missing=missing)
    X = data.to_numpy()

    def statistic(index, axis=-1):
        index = np.atleast_2d(index)
        values = np.array([alpha_from_cov(pairwise_cov(X[rows])[0]) for rows in index])
        return values if values.size > 1 else values[0]

    res = cronbach_alpha(data, ci="bootstrap", n_boot=499, seed=11)
    ref = stats.bootstrap((np.arange(len(X)),), statistic, n_resamples=499, method="BCa",
                          rng=np.random.default_rng(11), vectorized=True)
    assert res.ci == pytest.approx(tuple(ref.confidence_interval), abs=1e-10)
    assert res.ci_method == "bootstrap" and res.n_boot == 499


def test_bootstrap_distribution_equals_a_loop_over_resamples():
    data = _noisy_items(80, seed=5, missing=0.05)
    X = data.to_numpy()
    boot, jack = bootstrap_alpha(X, 200, seed=2)
    index = np.random.default_rng(2).integers(0, len(X), (200, len(X)))
    loop = np.array([alpha_from_cov(pairwise_cov(X[rows])[0]) for rows in index])
    np.testing.assert_allclose(boot, loop, atol=1e-12)
    loo = np.array([alpha_from_cov(pairwise_cov(np.delete(X, i, axis=0))[0]) for i in range(len(X))])
    np.testing.assert_allclose(jack, loo, atol=1e-12)


def test_bootstrap_is_reproducible_and_reverse_keying_is_applied():
    data, ref = _alpha_case("bfi_a_keyed")
    data = data.iloc[:400]
    first = cronbach_alpha(data, reverse=["A1"], ci="bootstrap", n_boot=300, seed=4)
    second = cronbach_alpha(data, reverse=["A1"], ci="bootstrap", n_boot=300, seed=4)
    assert first.ci == second.ci
    low, high = first.ci
    assert low < first.alpha < high
    other = cronbach_alpha(data, reverse=["A1"], ci="bootstrap", n_boot=300, seed=5)
    assert other.ci != first.ci


def test_bca_coverage_small_study():
    """95% BCa intervals cover the population alpha in about 95% of samples (fast version: 60 samples)."""
    loadings = np.array([0.8, 0.7, 0.6, 0.5])
    population = np.outer(loadings, loadings) + np.diag(1 - loadings ** 2)
    true_alpha = float(alpha_from_cov(population))
    chol = np.linalg.cholesky(population)
    rng = np.random.default_rng(2026)
    hits = 0
    for rep in range(60):
        sample = pd.DataFrame(rng.normal(size=(150, 4)) @ chol.T, columns=list("abcd"))
        low, high = cronbach_alpha(sample, ci="bootstrap", n_boot=400, seed=rep).ci
        hits += low <= true_alpha <= high
    assert hits >= 51  # binomial(60, .95): P(X <= 50) < 0.3%


# ---------------------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------------------

def _likert(seed: int, n: int = 60, k: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1)) + rng.normal(scale=1.0, size=(n, k))
    return pd.DataFrame(np.clip(np.round(4 + latent), 1, 7), columns=[f"q{j}" for j in range(k)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), order=st.permutations(range(4)))
def test_alpha_unchanged_by_item_order(seed, order):
    data = _likert(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        base = cronbach_alpha(data)
        permuted = cronbach_alpha(data.iloc[:, list(order)])
    assert permuted.alpha == pytest.approx(base.alpha, abs=1e-12)
    assert permuted.std_alpha == pytest.approx(base.std_alpha, abs=1e-12)
    assert permuted.ci == pytest.approx(base.ci, abs=1e-12)
    pd.testing.assert_frame_equal(permuted.items.loc[base.items.index], base.items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), a=st.floats(0.01, 1000.0), b=st.floats(-1e4, 1e4))
def test_alpha_unchanged_by_positive_affine_rescaling(seed, a, b):
    data = _likert(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        base = cronbach_alpha(data)
        scaled = cronbach_alpha(a * data + b)
    assert scaled.alpha == pytest.approx(base.alpha, abs=1e-9)
    assert scaled.std_alpha == pytest.approx(base.std_alpha, abs=1e-9)
    np.testing.assert_allclose(scaled.items["r_drop"], base.items["r_drop"], atol=1e-9)
    np.testing.assert_allclose(scaled.items["alpha_if_dropped"], base.items["alpha_if_dropped"], atol=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), item=st.sampled_from(["q0", "q1", "q2", "q3"]),
       declared=st.booleans())
def test_reverse_keying_twice_gives_the_original_result(seed, item, declared):
    data = _likert(seed)
    scale = (1, 7) if declared else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        base = cronbach_alpha(data, scale=scale)
        twice = cronbach_alpha(reverse_key_items(data, [item], scale=scale), reverse=[item], scale=scale)
    assert twice.alpha == pytest.approx(base.alpha, abs=1e-12)
    assert twice.std_alpha == pytest.approx(base.std_alpha, abs=1e-12)
    np.testing.assert_allclose(twice.items["r_drop"], base.items["r_drop"], atol=1e-12)
    np.testing.assert_allclose(twice.items["alpha_if_dropped"], base.items["alpha_if_dropped"], atol=1e-12)
    if declared:
        np.testing.assert_allclose(twice.items["mean"], base.items["mean"], atol=1e-12)


# ---------------------------------------------------------------------------------------------------------
# bad input and report
# ---------------------------------------------------------------------------------------------------------

def test_bad_input_raises_named_errors():
    data = _likert(1)
    with pytest.raises(SpecificationError, match="at least 2 items"):
        cronbach_alpha(data[["q0"]])
    constant = data.assign(q2=4.0)
    with pytest.raises(SpecificationError, match="q2 is constant") as info:
        cronbach_alpha(constant)
    assert info.value.column == "q2"
    text = data.astype({"q1": object})
    text.loc[5, "q1"] = "agree"
    with pytest.raises(SpecificationError, match="q1 holds text") as info:
        cronbach_alpha(text)
    assert info.value.row == 6 and info.value.value == "agree"
    with pytest.raises(SpecificationError, match="not among the items"):
        cronbach_alpha(data, reverse=["q9"])
    with pytest.raises(SpecificationError, match="interval method"):
        cronbach_alpha(data, ci="percentile")
    never_together = data.copy()
    never_together.loc[:29, "q0"] = np.nan
    never_together.loc[30:, "q1"] = np.nan
    with pytest.raises(SpecificationError, match="q0 and q1"):
        cronbach_alpha(never_together)


def test_rows_without_any_answer_count_in_n_as_psych():
    # psych's nsub = nrow(x) (issue 15, item 15; values against psych in tests/measurement/test_n_rows.py)
    data = _likert(2)
    padded = pd.concat([data, pd.DataFrame(np.nan, index=[100, 101], columns=data.columns)])
    with pytest.warns(UserWarning, match="2 of"):
        res = cronbach_alpha(padded)
    assert res.n == len(padded)
    assert res.alpha == pytest.approx(cronbach_alpha(data).alpha, abs=1e-12)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tables_in_both_languages(lang):
    data, _ = _alpha_case("bfi_a_keyed")
    res = cronbach_alpha(data, reverse=["A1"])
    table = res.table("reliability_items", lang)
    assert isinstance(table, Table) and table.lang == lang
    assert "A1 (R)" in table.frame.index
    assert table.frame.shape == (5, 5)
    assert ("Alpha de Cronbach" if lang == "fr" else "Cronbach's alpha") in table.note
    assert (",7" if lang == "fr" else ".7") in table.note
    summary = reliability_table({"A": res, "N": cronbach_alpha(dataset("bfi")[[f"N{j}" for j in range(1, 6)]])},
                                lang)
    assert list(summary.frame.index) == ["A", "N"]
    assert summary.frame["alpha"].tolist() == pytest.approx([res.alpha, psych_fixtures()["alpha"]["bfi_n"]
                                                             ["raw_alpha"]], abs=1e-9)
    assert set(summary.formats) == set(summary.frame.columns)
