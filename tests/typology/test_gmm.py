"""The compiled EM of the cluster check gives the numpy batched EM's BIC, labels and convergence (the numpy
version it replaced, kept in tests/typology/numpy_gmm_reference.py), on power replicates and on degenerate data."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.typology.cluster.batch import kmeans_batch
from alliance_stats.typology.cluster.gmm import gmm_bic_batch
from tests.typology.numpy_gmm_reference import numpy_gmm_bic_batch


def _padded(sets):
    n = max(len(z) for z in sets)
    x = np.zeros((len(sets), n, sets[0].shape[1]))
    w = np.zeros((len(sets), n))
    for r, z in enumerate(sets):
        x[r, : len(z)], w[r, : len(z)] = z, 1.0
    return x, w


@pytest.mark.parametrize("d", [2, 3])
def test_compiled_em_equals_the_numpy_em(d):
    rng = np.random.default_rng(20261205 + d)
    centres = rng.normal(0, 3, (4, d))
    sets = [centres[rng.integers(0, 4, n)] + rng.normal(0, 1, (n, d)) for n in rng.integers(30, 120, 12)]
    x, w = _padded(sets)
    for k in (1, 2, 3, 5, 8):
        init = np.zeros(w.shape, dtype=int) if k == 1 else kmeans_batch(x, k, n_init=1, seed=3, weights=w)[0]
        for covariance_type in ("spherical", "diag", "tied", "full"):
            bic, labels, converged = gmm_bic_batch(x, w, init, k, covariance_type)
            ref_bic, ref_labels, ref_converged = numpy_gmm_bic_batch(x, w, init, k, covariance_type)
            np.testing.assert_allclose(bic, ref_bic, rtol=1e-10)
            np.testing.assert_array_equal(labels[w > 0], ref_labels[w > 0])
            np.testing.assert_array_equal(converged, ref_converged)


def test_a_singular_covariance_gives_an_infinite_bic_as_in_numpy():
    x = np.array([[[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [3.0, 1.0], [0.0, 0.0]]])
    w = np.ones((1, 6))
    init = np.array([[0, 0, 1, 1, 1, 0]])
    for covariance_type in ("spherical", "diag", "tied", "full"):
        bic, _, _ = gmm_bic_batch(x, w, init, 2, covariance_type, reg_covar=0.0)
        ref_bic, _, _ = numpy_gmm_bic_batch(x, w, init, 2, covariance_type, reg_covar=0.0)
        assert np.isinf(bic[0]) == np.isinf(ref_bic[0])
    assert np.isinf(gmm_bic_batch(x, w, init, 2, "full", reg_covar=0.0)[0][0])
