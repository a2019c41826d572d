"""The cluster check's rules, each with a case that fails when the rule is broken (issue 15, item 17).

The verdict rules are read on constructed evidence (:class:`~alliance_stats.typology.cluster.verdict.Evidence`),
one rule at a time, with values on both sides of each threshold: ARI >= .65 with p < .05 (Steinley 2004),
clusterwise mean Jaccard >= .75 (Hennig 2007), "supported" when at least half of the methods (2 of 3) pass all
four checks, "not supported" without cluster structure or without agreement beyond chance. The agreement the
check reports is the ARI (not the matched accuracy): checked on blobs that overlap, where the two differ.
``tests/tools/mutants.py`` plants the one-line bugs these tests must catch.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from alliance_stats.core.errors import AnalysisWarning
from alliance_stats.core.typology import CONFIGURATIONS
from alliance_stats.typology import cluster_check, hennig_reading, partition_agreement
from alliance_stats.typology.cluster.verdict import Evidence, verdict

from .synthetic import four_blobs

METHODS = ("kmeans", "ward", "gmm")
K = 4


def evidence(
    *,
    ari: float | dict[str, float] = 0.9,
    p: float | dict[str, float] = 0.001,
    jaccard: float | dict[str, float] = 0.9,
    bic: int | dict[str, int] = K,
    gap: int | dict[str, int] = K,
    in_quadrant: bool | dict[str, bool] = True,
    has_theory: bool = True,
    centroid_possible: bool = True,
) -> Evidence:
    """Evidence where every method passes every check, except what the arguments change (per method or all)."""
    def per(value, method):
        return value[method] if isinstance(value, dict) else value

    picks = pd.DataFrame({"bic": [per(bic, m) for m in METHODS], "gap_tibshirani": [per(gap, m) for m in METHODS]},
                         index=pd.Index(METHODS, name="method"))
    stability = pd.DataFrame([
        # one cluster at the method's value, the others comfortably stable: the rule reads the minimum
        {"method": m, "cluster": c + 1, "mean_jaccard": per(jaccard, m) if c == 0 else 0.95}
        for m in METHODS for c in range(K)])
    centroids = pd.DataFrame([
        {"method": m, "cluster": c + 1, "configuration": CONFIGURATIONS[c], "quadrant": CONFIGURATIONS[c],
         "in_quadrant": per(in_quadrant, m) if c == 0 else True}
        for m in METHODS for c in range(K)])
    return Evidence(methods=METHODS, k=K, k_picks=picks,
                    ari={m: per(ari, m) for m in METHODS}, ari_p={m: per(p, m) for m in METHODS},
                    stability=stability, centroids=centroids, has_theory=has_theory,
                    centroid_possible=centroid_possible)


def test_all_checks_passed_is_supported() -> None:
    checks, answer, _ = verdict(evidence())
    assert answer == "supported"
    assert checks["all_passed"].tolist() == [True, True, True]


# ---------------------------------------------------------------- agreement: ARI >= .65 and p < .05


@pytest.mark.parametrize(("ari", "passed"), [(0.65, True), (0.6499, False), (0.62, False), (0.55, False)])
def test_ari_threshold_is_065_inclusive(ari: float, passed: bool) -> None:
    checks, answer, _ = verdict(evidence(ari=ari))
    assert checks["agreement"].tolist() == [passed] * 3
    # agreement beyond chance remains (p < .05), so a failed ARI makes the verdict "partly supported"
    assert answer == ("supported" if passed else "partly supported")


@pytest.mark.parametrize(("p", "passed"), [(0.0499, True), (0.05, False)])
def test_agreement_needs_permutation_p_below_05(p: float, passed: bool) -> None:
    checks, _, _ = verdict(evidence(p=p))
    assert checks["agreement"].tolist() == [passed] * 3


# ---------------------------------------------------------------- stability: min mean Jaccard >= .75


@pytest.mark.parametrize(("jaccard", "stable"), [(0.75, True), (0.7499, False), (0.60, False), (0.51, False)])
def test_stability_threshold_is_075_inclusive(jaccard: float, stable: bool) -> None:
    checks, answer, _ = verdict(evidence(jaccard=jaccard))
    assert checks["stable"].tolist() == [stable] * 3
    assert answer == ("supported" if stable else "partly supported")


def test_hennig_reading_boundaries() -> None:
    assert [hennig_reading(x) for x in (0.5999, 0.60, 0.7499, 0.75, 0.8499, 0.85)] == [
        "not trustworthy", "pattern", "pattern", "stable", "stable", "highly stable"]


# ---------------------------------------------------------------- "supported": 2 of 3 methods pass all checks


def test_one_method_of_three_passing_is_only_partly_supported() -> None:
    bad = {"kmeans": 0.9, "ward": 0.3, "gmm": 0.3}
    checks, answer, _ = verdict(evidence(ari=bad))
    assert checks["all_passed"].tolist() == [True, False, False]
    assert answer == "partly supported"


def test_two_methods_of_three_passing_is_supported() -> None:
    checks, answer, _ = verdict(evidence(jaccard={"kmeans": 0.9, "ward": 0.9, "gmm": 0.5}))
    assert checks["all_passed"].tolist() == [True, True, False]
    assert answer == "supported"


@pytest.mark.parametrize("broken", [
    {"bic": 3, "gap": 3},          # k selection: neither BIC nor gap picks k
    {"ari": 0.5},                  # agreement
    {"jaccard": 0.7},              # stability
    {"in_quadrant": False},        # a centroid off its configuration's quadrant
])
def test_each_of_the_four_checks_is_required(broken: dict) -> None:
    """A method passes only when all four checks pass: one failed check (in two methods of three) blocks it."""
    two = {key: {"kmeans": value, "ward": value, "gmm": evidence_default(key)} for key, value in broken.items()}
    checks, answer, _ = verdict(evidence(**two))
    assert checks["all_passed"].tolist() == [False, False, True]
    assert answer == "partly supported"


def evidence_default(key: str):
    return {"bic": K, "gap": K, "ari": 0.9, "jaccard": 0.9, "in_quadrant": True}[key]


def test_k_selection_by_bic_or_gap() -> None:
    checks, _, _ = verdict(evidence(bic=3, gap=K))
    assert checks["k_selected"].tolist() == [True, True, True]
    checks, _, _ = verdict(evidence(bic=K, gap=5))
    assert checks["k_selected"].tolist() == [True, True, True]


def test_checks_that_cannot_be_made_count_as_not_passed() -> None:
    _, answer, _ = verdict(evidence(has_theory=False))
    assert answer == "partly supported"
    _, answer, _ = verdict(evidence(centroid_possible=False))
    assert answer == "partly supported"


# ---------------------------------------------------------------- "not supported"


def test_no_structure_when_more_than_half_of_the_picks_choose_one_cluster() -> None:
    # five picks can choose k = 1: the BIC of the three methods, the gap of k-means and Ward
    three_of_five = {"bic": {"kmeans": 1, "ward": 1, "gmm": 1}}
    _, answer, _ = verdict(evidence(**three_of_five))
    assert answer == "not supported"
    two_of_five = {"bic": {"kmeans": 1, "ward": 1, "gmm": K}, "gap": K}
    _, answer, _ = verdict(evidence(**two_of_five))
    assert answer != "not supported"


def test_no_agreement_beyond_chance_is_not_supported() -> None:
    _, answer, _ = verdict(evidence(p=0.05))
    assert answer == "not supported"
    _, answer, _ = verdict(evidence(p={"kmeans": 0.049, "ward": 0.2, "gmm": 0.2}))
    assert answer == "partly supported"


# ---------------------------------------------------------------- the agreement reported is the ARI


def test_reported_agreement_is_the_adjusted_rand_index_not_the_accuracy() -> None:
    dyads = four_blobs(80, spread=1.1, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        check = cluster_check(dyads, theory="truth", methods=("kmeans", "ward"), n_boot=10, n_perm=19, gap_b=5,
                              kmeans_n_init=5, gap_n_init=2, boot_n_init=1, seed=1)
    for method in ("kmeans", "ward"):
        expected = adjusted_rand_score(dyads["truth"], check.labels[method])
        # the case tells the two apart: overlapping blobs, the accuracy after matching is well above the ARI
        assert check.accuracy[method] - expected > 0.05
        assert check.ari[method] == pytest.approx(expected, abs=1e-12)


def test_partition_agreement_reports_the_ari_not_the_accuracy() -> None:
    labels = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3]
    theory = ["x", "x", "y", "y", "y", "y", "z", "z", "z", "x"]
    result = partition_agreement(labels, theory, n_perm=19, seed=1)
    assert result.accuracy == pytest.approx(0.7)
    assert result.ari == pytest.approx(adjusted_rand_score(theory, labels), abs=1e-12)
    assert abs(result.ari - result.accuracy) > 0.1
