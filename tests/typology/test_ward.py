"""The compiled Ward tree (alliance_stats/typology/cluster/ward.py) is scipy's ``linkage(method="ward")`` bit for
bit: on continuous data, on data on a grid (many equal distances: the tie rules matter), with duplicate points,
in one to three dimensions, and so are the clusters cut from it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage

from alliance_stats.typology.cluster.ward import ward_tree


@pytest.mark.parametrize("p", [1, 2, 3])
def test_ward_tree_is_scipys_linkage_bit_for_bit(p):
    rng = np.random.default_rng(20261205 + p)
    for case in range(30):
        n = int(rng.integers(2, 400))
        x = rng.normal(4, 1.5, (n, p))
        if case % 3 == 0:
            x = np.round(x * 5) / 5  # a grid: equal distances everywhere
        elif case % 3 == 1:
            x = x[rng.integers(0, max(1, n // 4), n)]  # duplicates
        ours, theirs = ward_tree(x), linkage(x, method="ward")
        np.testing.assert_array_equal(ours, theirs)
        for k in (2, 4, 8):
            np.testing.assert_array_equal(fcluster(ours, k, "maxclust"), fcluster(theirs, k, "maxclust"))


def test_ward_tree_of_two_points_and_of_averaged_likert_scores():
    np.testing.assert_array_equal(ward_tree(np.array([[0.0, 1.0], [2.0, 1.0]])),
                                  linkage(np.array([[0.0, 1.0], [2.0, 1.0]]), method="ward"))
    scores = np.random.default_rng(3).integers(10, 71, (1500, 2)) / 10  # means of ten 1-7 answers
    np.testing.assert_array_equal(ward_tree(scores), linkage(scores, method="ward"))


def test_ward_tree_refuses_what_scipy_refuses():
    with pytest.raises(ValueError, match="finite"):  # distances that overflow: scipy's own message
        ward_tree(np.array([[1e200, 0.0], [-1e200, 0.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="finite"):
        ward_tree(np.array([[np.nan, 0.0], [1.0, 0.0], [0.0, 0.0]]))
    with pytest.raises(ValueError):  # not rows of coordinates
        ward_tree(np.arange(5.0))


def test_the_cut_of_the_cluster_check_is_fclusters():
    """fitting._ward_labels calls scipy's cut without fcluster's checks: the same labels, ties in height included."""
    from alliance_stats.typology.cluster.fitting import _ward_labels

    rng = np.random.default_rng(8)
    for case in range(40):
        n = int(rng.integers(2, 300))
        x = rng.normal(4, 1.5, (n, 2))
        if case % 2 == 0:
            x = np.round(x * 2) / 2  # a coarse grid: many merges at equal heights
        tree = ward_tree(x)
        for k in (1, 2, 3, 4, 8, n - 1, n, n + 3):
            np.testing.assert_array_equal(_ward_labels(tree, k), fcluster(tree, k, "maxclust") - 1)


def test_the_cut_falls_back_to_fcluster_without_scipys_private_routine(monkeypatch) -> None:
    """A scipy without the private cut (renamed or removed) gives the same labels through fcluster."""
    from alliance_stats.typology.cluster import fitting

    rng = np.random.default_rng(3)
    tree = linkage(rng.normal(size=(40, 2)), "ward")
    expected = [fitting._ward_labels(tree, k) for k in (1, 2, 4, 7)]
    monkeypatch.setattr(fitting, "_maxclust_cut", None)
    for k, labels in zip((1, 2, 4, 7), expected, strict=True):
        np.testing.assert_array_equal(fitting._ward_labels(tree, k), labels)
