"""The cluster check's mean silhouette on the distance matrix (criteria._silhouette, compiled) is scikit-learn's
``silhouette_score(D, labels, metric="precomputed")`` bit for bit: clusters of one point, duplicate points in
different clusters, labels with gaps, up to the size of the check's matrix."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import silhouette_score

from alliance_stats.typology.cluster.criteria import _silhouette


@pytest.mark.parametrize("case", range(12))
def test_silhouette_is_scikit_learns_bit_for_bit(case):
    rng = np.random.default_rng(1700 + case)
    n = int(rng.integers(5, 400)) if case < 11 else 3000
    x = rng.normal(4, 1.5, (n, 2))
    if case % 3 == 0:
        x = np.round(x * 2) / 2  # ties and duplicate points
    k = int(rng.integers(2, 9))
    labels = rng.integers(0, k, n)
    if case % 4 == 1:
        labels[0] = k + 3  # a cluster of one point, and a label that skips values
    if case % 4 == 2:
        labels = labels * 5 - 7  # negative labels, far apart
    distances = squareform(pdist(x))
    expected = silhouette_score(distances, labels, metric="precomputed")
    assert _silhouette(distances, x, labels, seed=0) == expected


def test_silhouette_of_a_single_cluster_or_of_singletons_is_undefined():
    x = np.random.default_rng(1).normal(size=(6, 2))
    distances = squareform(pdist(x))
    assert np.isnan(_silhouette(distances, x, np.zeros(6, dtype=int), seed=0))
    assert np.isnan(_silhouette(distances, x, np.arange(6), seed=0))
