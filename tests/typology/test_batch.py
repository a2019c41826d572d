"""The batched Gaussian mixtures of the cluster check equal scikit-learn's from the same start."""

from __future__ import annotations

import numpy as np
import pytest

from alliance_stats.core.constants import COVARIANCE_TYPES
from alliance_stats.typology.cluster.batch import gmm_bic_batch
from tests.typology import numpy_gmm_reference


@pytest.mark.slow
def test_batched_mixture_equals_scikit_learn_from_the_same_start():
    from sklearn.mixture import GaussianMixture

    from alliance_stats.typology.cluster import kmeans_batch

    rng = np.random.default_rng(8)
    centres = np.array([[5.5, 5.5], [5.5, 2.5], [2.5, 5.5], [2.5, 2.5]])
    sizes = rng.integers(50, 90, size=6)
    data = [centres[np.arange(n) % 4] + rng.normal(0, 0.7, (n, 2)) for n in sizes]
    x = np.zeros((6, sizes.max(), 2))
    w = np.zeros((6, sizes.max()))
    for r, z in enumerate(data):
        x[r, : len(z)], w[r, : len(z)] = z, 1.0
    for k in (1, 3, 4):
        init = np.zeros(w.shape, dtype=int) if k == 1 else kmeans_batch(x, k, n_init=1, seed=2, weights=w)[0]
        for covariance_type in COVARIANCE_TYPES:
            bic, labels, converged = gmm_bic_batch(x, w, init, k, covariance_type)
            assert converged.all()
            for r, z in enumerate(data):
                n = len(z)
                resp = np.eye(k)[init[r, :n]][None]
                start = numpy_gmm_reference._gmm_m_step(z[None], np.ones((1, n)), resp, covariance_type, 1e-6)
                weights, means, cov = (a[0] for a in start)
                precision = np.linalg.inv(cov) if covariance_type in ("full", "tied") else 1.0 / cov
                ref = GaussianMixture(k, covariance_type=covariance_type, weights_init=weights / weights.sum(),
                                      means_init=means, precisions_init=precision, reg_covar=1e-6, tol=1e-3,
                                      max_iter=500).fit(z)
                assert bic[r] == pytest.approx(ref.bic(z), rel=1e-9)
                assert (labels[r, :n] == ref.predict(z)).all()
