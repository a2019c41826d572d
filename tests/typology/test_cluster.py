"""cluster_check: known truth, negative controls, bad input, tables, and the hand-written parts."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from alliance_stats.core.errors import AnalysisWarning, DataQualityWarning, SpecificationError
from alliance_stats.core.format import format_cell
from alliance_stats.typology import CONFIGURATIONS, ClusterCheck, cluster_check, hennig_reading, partition_agreement
from alliance_stats.typology.cluster import (
    adjusted_rand_from_table,
    clusterwise_jaccard,
    kmeans_batch,
    resolution_variance,
)
from alliance_stats.typology.cluster.agreement import _permuted_ari

from .synthetic import four_blobs, three_blobs, unimodal_cloud

FAST = {"n_boot": 30, "n_perm": 99, "gap_b": 30}


def run(frame: pd.DataFrame, **options) -> ClusterCheck:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return cluster_check(frame, **{**FAST, **options})


# ------------------------------------------------------------------------------------------ known truth


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_well_separated_configurations_are_supported(seed: int) -> None:
    dyads = four_blobs(200, seed=seed)
    check = cluster_check(dyads, n_boot=100, n_perm=199, gap_b=50, seed=seed)
    assert check.verdict == "supported"
    for method in ("kmeans", "gmm"):
        assert check.ari[method] >= 0.90
        assert adjusted_rand_score(dyads["truth"], check.labels[method]) >= 0.90
        assert check.ari_p[method] == pytest.approx(1 / 200)
        low, high = check.ari_ci[method]
        assert low <= check.ari[method] + 0.02 and high >= 0.9
    assert (check.stability["mean_jaccard"] >= 0.85).all()
    assert set(check.stability["reading"]) == {"highly stable"}
    assert check.centroids["in_quadrant"].all()
    assert check.checks["all_passed"].all()
    assert (check.k_picks["bic"] == 4).all()
    # clusters are numbered after matching: cluster j is matched to the j-th configuration
    assert check.matching["kmeans"] == {i + 1: c for i, c in enumerate(CONFIGURATIONS)}
    assert check.warnings == ()
    assert check.n_used == 200 and check.n_dropped == 0


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_unimodal_cloud_is_never_supported(seed: int) -> None:
    check = run(unimodal_cloud(200, seed=seed), seed=seed)
    assert check.verdict == "not supported"
    assert any("no cluster structure" in reason for reason in check.reasons["en"])
    assert any("ne montrent pas de structure" in reason for reason in check.reasons["fr"])
    assert (check.k_picks["bic"] == 1).all()
    unstable = (check.stability["mean_jaccard"] < 0.6).any()
    assert unstable == any("not stable under resampling" in message for message in check.warnings)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_three_clusters_are_never_supported(seed: int) -> None:
    check = run(three_blobs(200, seed=seed), seed=seed)
    assert check.verdict != "supported"
    assert check.k_picks.loc["gmm", "bic"] == 3
    assert not check.checks["k_selected"].any()
    assert not check.checks["centroids"].any()


@pytest.mark.slow
def test_default_settings_on_300_dyads() -> None:
    # its time (target < 20 s on one free core) is checked by benchmarks/timing_budgets.py, not here
    check = cluster_check(four_blobs(300, seed=5))
    settings_used = check.settings
    assert (settings_used["n_boot"], settings_used["n_perm"], settings_used["kmeans_n_init"]) == (200, 999, 50)
    assert check.boot_jaccard["kmeans"].shape == (200, 4)
    assert list(check.gmm_bic.columns) == ["spherical", "diag", "tied", "full"]
    assert check.gmm_bic.notna().all().all()
    assert list(check.gmm_bic.index) == list(range(1, 9))
    assert check.verdict == "supported"


@pytest.mark.slow
def test_same_seed_same_result_and_input_untouched() -> None:
    dyads = four_blobs(80, spread=0.9, seed=4)
    before = dyads.copy()
    first = run(dyads, methods=("kmeans", "gmm"), seed=11)
    second = run(dyads, methods=("kmeans", "gmm"), seed=11)
    pd.testing.assert_frame_equal(dyads, before)
    pd.testing.assert_frame_equal(first.labels, second.labels)
    pd.testing.assert_frame_equal(first.stability, second.stability)
    assert first.ari_p == second.ari_p and first.ari_ci == second.ari_ci
    np.testing.assert_array_equal(first.boot_jaccard["kmeans"], second.boot_jaccard["kmeans"])
    sequence = np.random.SeedSequence(11).spawn(2)[1]
    third = run(dyads, methods=("kmeans",), seed=sequence)
    fourth = run(dyads, methods=("kmeans",), seed=sequence)
    assert third.ari_p == fourth.ari_p and third.settings["seed"]["spawn_key"] == [1]
    np.testing.assert_array_equal(third.boot_jaccard["kmeans"], fourth.boot_jaccard["kmeans"])


@pytest.mark.slow
def test_theory_given_as_a_column_and_without_theory() -> None:
    dyads = four_blobs(120, seed=6).assign(trust=lambda d: d["link"] * 0.5 + 1)
    given_column = run(dyads, theory="truth", seed=1)
    assert given_column.settings["theory"] == "given"
    expected = adjusted_rand_score(dyads["truth"], given_column.labels["kmeans"])
    assert given_column.ari["kmeans"] == pytest.approx(expected)
    no_theory = run(dyads, variables=("link", "trust"), methods=("kmeans", "ward"), seed=1)
    assert no_theory.theory is None and no_theory.ari == {}
    assert no_theory.verdict == "partly supported"
    assert any("No theory labels" in reason for reason in no_theory.reasons["en"])
    assert no_theory.checks["agreement"].isna().all()


def test_standardized_clustering_reports_centroids_on_the_original_scale() -> None:
    dyads = four_blobs(120, seed=2)
    check = run(dyads, standardize=True, methods=("kmeans",), seed=2)
    centroid = check.centroids.set_index("cluster").loc[1]
    assert centroid["link"] == pytest.approx(5.5, abs=0.3) and centroid["symmetry"] == pytest.approx(5.5, abs=0.3)


def test_dependence_asymmetry_theory() -> None:
    dyads = four_blobs(120, seed=3)
    dyads["dep_asymmetry"] = np.where(dyads["symmetry"] >= 4, 0.3, 2.5)
    check = run(dyads, asymmetry="dep_asymmetry", methods=("kmeans",), seed=3)
    assert check.ari["kmeans"] >= 0.9
    assert check.settings["cuts"] == {"link": 4.0, "dep_asymmetry": 1.0}
    assert check.centroids["in_quadrant"].all()


# -------------------------------------------------------------------------------------------- bad input


def test_too_few_dyads_per_cluster() -> None:
    dyads = four_blobs(40, seed=1).iloc[:19]
    with pytest.raises(SpecificationError, match="19 complete dyads for k = 4 clusters: at least 5"):
        cluster_check(dyads, **FAST)


def test_missing_scores_are_dropped_with_a_count() -> None:
    dyads = four_blobs(120, seed=1)
    dyads.iloc[:3, 0] = np.nan
    dyads.iloc[2:5, 1] = np.nan
    with pytest.warns(DataQualityWarning, match=r"5 of 120 dyads dropped .*link: 3, symmetry: 3"):
        check = cluster_check(dyads, methods=("kmeans",), **FAST)
    assert check.n_dropped == 5 and check.n_used == 115
    assert len(check.labels) == 115
    assert any("5 of 120" in message for message in check.warnings)
    dyads.iloc[:110, 0] = np.nan
    with pytest.raises(SpecificationError, match="dropped for missing scores"), pytest.warns(DataQualityWarning):
        cluster_check(dyads, **FAST)


def test_constant_or_non_numeric_or_unknown_variables() -> None:
    dyads = four_blobs(60, seed=1)
    with pytest.raises(SpecificationError, match="constant") as info:
        cluster_check(dyads.assign(symmetry=4.0), **FAST)
    assert info.value.column == "symmetry"
    with pytest.raises(SpecificationError, match="not numeric"):
        cluster_check(dyads, variables=("link", "truth"), **FAST)
    with pytest.raises(SpecificationError, match="not in the dyad table"):
        cluster_check(dyads, variables=("link", "SYM"), **FAST)
    with pytest.raises(SpecificationError, match="infinite"):
        cluster_check(dyads.assign(link=np.where(dyads.index == dyads.index[3], np.inf, dyads["link"])), **FAST)


def test_degenerate_data_give_a_clear_error_not_a_scikit_learn_one() -> None:
    dyads = pd.DataFrame({"link": [2.0, 6.0, 2.0] * 10, "symmetry": [2.0, 6.0, 6.0] * 10})
    with pytest.raises(SpecificationError, match="only 3 distinct"):
        cluster_check(dyads, **FAST)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"methods": ("kmeans", "dbscan")}, "methods"),
        ({"k": 1}, "k must be"),
        ({"k_range": range(2, 9)}, "starting at 1"),
        ({"n_boot": 5}, "n_boot"),
        ({"covariance_types": ("full", "banded")}, "covariance"),
        ({"theory": ["entraide"] * 3}, "theory labels"),
        ({"theory": "configuration"}, "theory column"),
        ({"asymmetry": "other"}, "asymmetry"),
    ],
)
def test_bad_options(options: dict, message: str) -> None:
    with pytest.raises(SpecificationError, match=message):
        cluster_check(four_blobs(60, seed=1), **{**FAST, **options})


def test_k_range_is_trimmed_for_small_samples() -> None:
    with pytest.warns(Warning, match="k_range trimmed to 1..6"):
        check = cluster_check(four_blobs(32, seed=2), methods=("kmeans",), **FAST)
    assert check.settings["k_range"] == [1, 2, 3, 4, 5, 6]


# ------------------------------------------------------------------------------------------ the tables


@pytest.mark.slow
def test_report_tables_in_both_languages() -> None:
    check = run(four_blobs(100, seed=8), seed=8)
    for lang in ("fr", "en"):
        tables = check.to_tables(lang)
        assert list(tables) == ["cluster_k_selection", "cluster_k_picks", "cluster_agreement", "cluster_crosstab",
                                "cluster_stability", "cluster_centroids", "cluster_verdict"]
        for key, table in tables.items():
            assert table.key == key and table.lang == lang and len(table.frame)
    en, fr = check.to_tables("en"), check.to_tables("fr")
    assert "lower is better" in en["cluster_k_selection"].note
    assert "plus petit = meilleur" in fr["cluster_k_selection"].note
    assert "optimistic" in en["cluster_agreement"].note and "optimistes" in fr["cluster_agreement"].note
    assert "Kappa*" in en["cluster_agreement"].frame.columns
    assert en["cluster_verdict"].title.endswith("supported")
    assert fr["cluster_verdict"].title.endswith("soutenue")
    assert "Mutual aid" in en["cluster_crosstab"].frame.columns
    assert "Contre nature" in fr["cluster_crosstab"].frame.columns
    assert "k-moyennes" in fr["cluster_k_selection"].frame.index.get_level_values(0)
    assert format_cell(0.873, fr["cluster_agreement"].formats["Jaccard moyen"], "fr") == ",873"
    assert format_cell(0.0004, fr["cluster_agreement"].formats["p (ARI)"], "fr") == "< ,001"
    assert check.agreement.loc["kmeans", "ari"] == check.ari["kmeans"]


def test_hennig_reading_thresholds() -> None:
    assert [hennig_reading(v) for v in (0.59, 0.6, 0.749, 0.75, 0.849, 0.85)] == [
        "not trustworthy", "pattern", "pattern", "stable", "stable", "highly stable"]


# -------------------------------------------------------------------------------- hand-written algorithms


@pytest.mark.parametrize("k", [2, 3, 4, 6])
def test_batched_kmeans_reaches_scikit_learns_inertia(k: int) -> None:
    data = four_blobs(200, spread=0.9, seed=k)[["link", "symmetry"]].to_numpy()
    _, ours = kmeans_batch(data, k, n_init=50, seed=1)
    reference = KMeans(n_clusters=k, n_init=50, random_state=0).fit(data).inertia_
    assert ours <= reference * (1 + 1e-9)


def test_batched_kmeans_weights_padding_and_warm_start() -> None:
    data = four_blobs(60, seed=3)[["link", "symmetry"]].to_numpy()
    doubled = np.vstack([data, data[:10]])
    weights = np.r_[np.full(10, 2.0), np.ones(50)]
    _, weighted = kmeans_batch(data, 4, n_init=20, seed=1, weights=weights)
    _, duplicated = kmeans_batch(doubled, 4, n_init=20, seed=1)
    assert weighted == pytest.approx(duplicated)
    padded = np.stack([np.vstack([data, np.full((5, 2), 100.0)])] * 2)
    mask = np.stack([np.r_[np.ones(60), np.zeros(5)]] * 2)
    labels, inertia = kmeans_batch(padded, 4, n_init=20, seed=1, weights=mask)
    _, plain = kmeans_batch(data, 4, n_init=20, seed=1)
    assert inertia == pytest.approx([plain, plain])
    centres = np.array([[5.5, 5.5], [5.5, 2.5], [2.5, 5.5], [2.5, 2.5]])
    warm_labels, warm = kmeans_batch(data, 4, n_init=0, seed=1, init_centres=centres)
    assert warm == pytest.approx(plain)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=2, max_size=40))
def test_ari_from_contingency_equals_scikit_learn(pairs: list[tuple[int, int]]) -> None:
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    table = pd.crosstab(a, b).to_numpy()
    assert float(adjusted_rand_from_table(table)) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)


def test_vectorised_permutation_ari_equals_a_loop() -> None:
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 4, 50)
    theory = rng.integers(0, 4, 50)
    permutations = np.stack([rng.permutation(theory) for _ in range(25)])
    expected = [adjusted_rand_score(labels, row) for row in permutations]
    assert _permuted_ari(labels, permutations, 4, 4) == pytest.approx(expected, abs=1e-12)


def test_partition_agreement_by_hand() -> None:
    labels = ["a"] * 5 + ["b"] * 5 + ["c"] * 5
    theory = ["x"] * 4 + ["y"] + ["y"] * 5 + ["z"] * 4 + ["x"]
    result = partition_agreement(labels, theory, n_perm=199, seed=1)
    assert result.ari == pytest.approx(adjusted_rand_score(labels, theory))
    assert result.mapping == {"a": "x", "b": "y", "c": "z"}
    assert result.accuracy == pytest.approx(13 / 15)
    observed, chance = 13 / 15, (5 * 5 + 5 * 6 + 5 * 4) / 15**2
    assert result.kappa == pytest.approx((observed - chance) / (1 - chance))
    assert result.p_value == pytest.approx(1 / 200)
    assert result.confusion.loc["a", "x"] == 4


def test_clusterwise_jaccard_as_fpc() -> None:
    original = np.array([0, 0, 0, 1, 1, 2])
    resample = np.array([5, 5, 7, 7, 7, 7])
    # cluster 0 {0,1,2}: best with {0,1} -> 2/3; cluster 1 {3,4}: best with {2,3,4,5} -> 2/4; cluster 2 -> 1/4
    assert clusterwise_jaccard(original, resample, 4).tolist() == pytest.approx([2 / 3, 0.5, 0.25, 0.0])


def test_resolution_variance() -> None:
    likert = np.round(np.random.default_rng(1).uniform(1, 7, (50, 2)), 1)
    assert resolution_variance(likert) == pytest.approx(0.01 / 12)
    assert resolution_variance(np.random.default_rng(1).normal(size=(50, 2))) == 1e-6
