"""The compiled batched k-means (issue 17: k-means++ seeding and Lloyd iterations in numba) gives the labels and
the inertia of the numpy version it replaced (kept in tests/typology/numpy_kmeans_reference.py), bit for bit:
ties on a grid, padding, warm starts, several chunks, one to three dimensions."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.typology.cluster.batch import _pairwise_sum, kmeans_batch
from tests.typology.numpy_kmeans_reference import numpy_kmeans_batch


@pytest.mark.parametrize("p", [1, 2, 3])
def test_compiled_kmeans_equals_the_numpy_kmeans_bit_for_bit(p):
    rng = np.random.default_rng(20261205 + p)
    for case in range(12):
        k, n_sets, n = 1 + case % 7, 1 + case % 4, int(rng.integers(12, 300))
        data = np.round(rng.normal(4, 1.5, (n_sets, n, p)) * 6) / 6  # ties: a 1/6 grid, as averaged Likert scores
        weights = (rng.random((n_sets, n)) < 0.8).astype(float)
        weights[:, : k + 1] = 1.0
        options = {"n_init": (1, 3, 10)[case % 3], "weights": weights, "chunk_elements": (2_000_000, 3_000)[case % 2],
                   "init_centres": rng.normal(4, 1, (n_sets, k, p)) if case % 3 == 0 else None}
        labels, inertia = kmeans_batch(data, k, seed=np.random.default_rng(case), **options)
        ref_labels, ref_inertia = numpy_kmeans_batch(data, k, seed=np.random.default_rng(case), **options)
        np.testing.assert_array_equal(labels, ref_labels)
        np.testing.assert_array_equal(inertia, ref_inertia)


def test_compiled_kmeans_leaves_the_generator_where_numpy_left_it():
    data = np.random.default_rng(1).random((5, 80, 2))
    ours, theirs = np.random.default_rng(4), np.random.default_rng(4)
    kmeans_batch(data, 4, n_init=3, seed=ours, chunk_elements=2_000)
    numpy_kmeans_batch(data, 4, n_init=3, seed=theirs, chunk_elements=2_000)
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("n", [1, 7, 8, 9, 127, 128, 129, 255, 256, 1000, 1264, 4099])
def test_pairwise_sum_is_numpys_sum(n):
    values = np.random.default_rng(n).random(n) * 1e3
    assert _pairwise_sum(values, n) == values.sum()
